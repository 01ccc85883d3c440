"""Metric samples: the long (session, t, name, value) time series features write into."""
import numpy as np
import pandas as pd
import sqlalchemy as sa

from core.actor import Actor
from core.errors import NotFound, UserError
from core.storage import Database
from core.storage.bulk import insert_frame
from core.storage.tables import metric_samples, sessions


def _frame(session_id: int, samples: pd.DataFrame) -> pd.DataFrame:
    missing = {"t", "name", "value"} - set(samples.columns)
    if missing:
        raise UserError(f"Metric samples need columns t, name, value; missing {', '.join(sorted(missing))}.")
    t = pd.to_numeric(samples["t"], errors="coerce").astype("float64")
    if t.isna().any():
        raise UserError("Metric sample times must be numbers (seconds from the session start).")
    return pd.DataFrame({"session_id": np.full(len(samples), session_id, dtype=np.int64), "t": t.to_numpy(),
                         "name": samples["name"].astype(str).to_numpy(),
                         "value": pd.to_numeric(samples["value"], errors="coerce").astype("float64").to_numpy()})


def _check_session(conn: sa.Connection, actor: Actor, session_id: int) -> None:
    if conn.execute(sa.select(sessions.c.id).where(
            sessions.c.team_id == actor.team_id, sessions.c.id == session_id)).first() is None:
        raise NotFound(f"No session with id {session_id}.")


def insert(conn: sa.Connection, actor: Actor, session_id: int, samples: pd.DataFrame) -> int:
    """Bulk-insert samples (columns t, name, value) inside the caller's transaction."""
    actor.require("write")
    _check_session(conn, actor, session_id)
    return insert_frame(conn, metric_samples, _frame(session_id, samples))


def add(db: Database, actor: Actor, session_id: int, samples: pd.DataFrame) -> int:
    with db.begin() as conn:
        return insert(conn, actor, session_id, samples)


def read(db: Database, actor: Actor, session_id: int, names: list[str] | None = None) -> pd.DataFrame:
    """Samples of one session, ordered by name then time: columns t, name, value."""
    actor.require("read")
    q = (sa.select(metric_samples.c.t, metric_samples.c.name, metric_samples.c.value)
         .join(sessions, sessions.c.id == metric_samples.c.session_id)
         .where(sessions.c.team_id == actor.team_id, metric_samples.c.session_id == session_id)
         .order_by(metric_samples.c.name, metric_samples.c.t))
    if names:
        q = q.where(metric_samples.c.name.in_(names))
    with db.begin() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=["t", "name", "value"])


def count(db: Database, actor: Actor) -> int:
    actor.require("read")
    with db.begin() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(metric_samples)
                            .join(sessions, sessions.c.id == metric_samples.c.session_id)
                            .where(sessions.c.team_id == actor.team_id)).scalar_one()
