"""Stored check-ins, outcomes, training loads and model fits (per team, per athlete).

Each check-in is a core.sessions row of kind "checkin" (duration = the session that followed,
if any) plus a reco_checkins row, written in one transaction. Fits keep an audit row each;
the current model is the newest *published* fit.
"""
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core import sessions
from core.actor import Actor
from core.errors import NotFound
from core.reco import load as loadcalc
from core.reco.checkin import ALL_FIELDS, OUTCOME_FIELDS, Checkin
from core.storage import Database
from core.storage.bulk import insert_frame
from core.storage.tables import athletes, metric_samples
from core.storage.tables import sessions as sessions_t
from core.storage.tables_reco import reco_checkins, reco_coefficients, reco_fits
from core.timeutil import utcnow

RECORDED_KINDS = ("video", "sensor", "manual")
VALUE_COLUMNS = list(ALL_FIELDS)


def _owned(conn, actor: Actor, athlete_id: int) -> None:
    if conn.execute(sa.select(athletes.c.id).where(athletes.c.team_id == actor.team_id,
                                                    athletes.c.id == athlete_id)).first() is None:
        raise NotFound(f"No athlete with id {athlete_id}.")


def _values(c: Checkin) -> dict:
    return {k: getattr(c, k) for k in VALUE_COLUMNS}


def save_checkin(conn: sa.Connection, actor: Actor, athlete_id: int, day: date, checkin: Checkin,
                 source: str = "app", deviation: str | None = None, keep: Sequence[str] = ()) -> tuple[int, bool]:
    """Store (or replace) the athlete's check-in for `day` inside the caller's transaction.
    Fields named in `keep` (an import file without that column) keep their stored values.

    Returns (check-in id, created?). The linked "checkin" session is created or updated with it.
    """
    actor.require("write")
    _owned(conn, actor, athlete_id)
    duration_s = checkin.duration_min * 60.0 if checkin.duration_min is not None else None
    existing = conn.execute(sa.select(reco_checkins.c.id, reco_checkins.c.session_id).where(
        reco_checkins.c.team_id == actor.team_id, reco_checkins.c.athlete_id == athlete_id,
        reco_checkins.c.day == day)).first()
    if existing:
        values = _values(checkin)
        if all(getattr(checkin, k) is None for k in OUTCOME_FIELDS) and deviation is None:
            # A morning check-in again: keep the outcome already recorded for that day.
            values = {k: v for k, v in values.items() if k not in OUTCOME_FIELDS}
        else:
            values["deviation"] = deviation
            if "duration_min" not in keep:
                conn.execute(sessions_t.update().where(sessions_t.c.team_id == actor.team_id,
                                                       sessions_t.c.id == existing.session_id)
                             .values(duration_s=duration_s))
        values = {k: v for k, v in values.items() if k not in keep}
        conn.execute(reco_checkins.update().where(reco_checkins.c.id == existing.id).values(**values, source=source))
        return existing.id, False
    return insert_new_checkin(conn, actor, athlete_id, day, checkin, source, deviation), True


def insert_new_checkin(conn: sa.Connection, actor: Actor, athlete_id: int, day: date, checkin: Checkin,
                       source: str = "app", deviation: str | None = None) -> int:
    """Insert a check-in known not to exist yet (bulk import path: the caller checked), with its session."""
    duration_s = checkin.duration_min * 60.0 if checkin.duration_min is not None else None
    sid = sessions.insert(conn, actor, athlete_id, "checkin", datetime.combine(day, time(0)), duration_s=duration_s,
                          notes="check-in" + (" + session" if checkin.has_outcome else ""))
    return conn.execute(reco_checkins.insert().values(
        team_id=actor.team_id, athlete_id=athlete_id, session_id=sid, day=day, **_values(checkin),
        deviation=deviation, source=source, created_at=utcnow(), created_by=actor.user_id)
        .returning(reco_checkins.c.id)).scalar_one()


def existing_days(conn: sa.Connection, actor: Actor, athlete_ids: list[int]) -> set[tuple[int, date]]:
    """(athlete_id, day) pairs that already have a check-in."""
    if not athlete_ids:
        return set()
    rows = conn.execute(sa.select(reco_checkins.c.athlete_id, reco_checkins.c.day).where(
        reco_checkins.c.team_id == actor.team_id, reco_checkins.c.athlete_id.in_(athlete_ids))).all()
    return {(int(a), d) for a, d in rows}


def record_checkin(db: Database, actor: Actor, athlete_id: int, day: date, checkin: Checkin,
                   source: str = "app", deviation: str | None = None) -> tuple[int, bool]:
    with db.begin() as conn:
        return save_checkin(conn, actor, athlete_id, day, checkin, source, deviation)


def record_outcome(db: Database, actor: Actor, athlete_id: int, day: date, session_quality: float,
                   duration_min: float, rpe: float, deviation: str | None = None) -> None:
    """Add the session outcome to the athlete's check-in of `day` (which must exist)."""
    from core.reco.checkin import parse
    actor.require("write")
    with db.begin() as conn:
        row = conn.execute(sa.select(reco_checkins).where(
            reco_checkins.c.team_id == actor.team_id, reco_checkins.c.athlete_id == athlete_id,
            reco_checkins.c.day == day)).first()
        if row is None:
            raise NotFound(f"No check-in on {day.isoformat()} for this athlete.", "check in first, then log the session")
        merged = parse({**{k: row._mapping[k] for k in VALUE_COLUMNS}, "session_quality": session_quality,
                        "duration_min": duration_min, "rpe": rpe})
        save_checkin(conn, actor, athlete_id, day, merged, row.source, deviation or "")


def checkins(db: Database, actor: Actor, athlete_id: int | None = None, since: date | None = None,
             until: date | None = None) -> pd.DataFrame:
    """Stored check-ins (one row per athlete-day), oldest first, with athlete name."""
    actor.require("read")
    q = (sa.select(reco_checkins.c.athlete_id, athletes.c.name.label("athlete"), reco_checkins.c.day,
                   *[reco_checkins.c[k] for k in VALUE_COLUMNS], reco_checkins.c.deviation)
         .join(athletes, athletes.c.id == reco_checkins.c.athlete_id)
         .where(reco_checkins.c.team_id == actor.team_id, athletes.c.team_id == actor.team_id)
         .order_by(reco_checkins.c.athlete_id, reco_checkins.c.day))
    if athlete_id is not None:
        q = q.where(reco_checkins.c.athlete_id == athlete_id)
    if since is not None:
        q = q.where(reco_checkins.c.day >= since)
    if until is not None:
        q = q.where(reco_checkins.c.day <= until)
    with db.begin() as conn:
        rows = conn.execute(q).all()
    frame = pd.DataFrame(rows, columns=["athlete_id", "athlete", "day", *VALUE_COLUMNS, "deviation"])
    for k in VALUE_COLUMNS:
        frame[k] = pd.to_numeric(frame[k], errors="coerce").astype("float64")
    return frame


def recorded_loads(db: Database, actor: Actor, athlete_id: int | None = None, since: date | None = None,
                   until: date | None = None) -> pd.DataFrame:
    """Load (AU) of sessions recorded by video, sensors or by hand: the session's `load_au` metric,
    else duration (min) x its `rpe` metric; sessions with neither are left out. Columns athlete_id, day, load_au."""
    actor.require("read")
    m = metric_samples
    q = (sa.select(sessions_t.c.id, sessions_t.c.athlete_id, sessions_t.c.started_at, sessions_t.c.duration_s,
                   m.c.name, m.c.value)
         .select_from(sessions_t.outerjoin(m, sa.and_(m.c.session_id == sessions_t.c.id, m.c.t == 0.0,
                                                      m.c.name.in_(["rpe", "load_au"]))))
         .where(sessions_t.c.team_id == actor.team_id, sessions_t.c.kind.in_(RECORDED_KINDS)))
    if athlete_id is not None:
        q = q.where(sessions_t.c.athlete_id == athlete_id)
    if since is not None:
        q = q.where(sessions_t.c.started_at >= datetime.combine(since, time(0)))
    if until is not None:
        q = q.where(sessions_t.c.started_at < datetime.combine(until, time(0)) + pd.Timedelta(days=1))
    with db.begin() as conn:
        rows = conn.execute(q).all()
    empty = pd.DataFrame({"athlete_id": pd.Series(dtype="int64"), "day": pd.Series(dtype="object"),
                          "load_au": pd.Series(dtype="float64")})
    if not rows:
        return empty
    f = pd.DataFrame(rows, columns=["id", "athlete_id", "started_at", "duration_s", "name", "value"])
    per = f.groupby("id").agg(athlete_id=("athlete_id", "first"), started_at=("started_at", "first"),
                              duration_s=("duration_s", "first"))
    wide = f.dropna(subset=["name"]).pivot_table(index="id", columns="name", values="value", aggfunc="first")
    per = per.join(wide)
    load = per["load_au"] if "load_au" in per else pd.Series(np.nan, index=per.index)
    if "rpe" in per:
        load = load.fillna(per["duration_s"] / 60.0 * per["rpe"])
    per["load_au"] = load
    per = per.dropna(subset=["load_au"])
    if per.empty:
        return empty
    return pd.DataFrame({"athlete_id": per["athlete_id"].astype("int64"),
                         "day": pd.to_datetime(per["started_at"]).dt.date, "load_au": per["load_au"].astype(float)})


def day_loads(checkin_frame: pd.DataFrame, recorded: pd.DataFrame) -> pd.Series:
    """One athlete's load per day (AU): the check-in's own report (duration x RPE) on days that have
    one, else the sum of recorded sessions that day (so one session is not counted twice)."""
    reported = checkin_frame.dropna(subset=["duration_min", "rpe"])
    own = pd.Series((reported["duration_min"] * reported["rpe"]).to_numpy(),
                    index=pd.to_datetime(pd.Index(reported["day"])), dtype="float64")
    rec = pd.Series(recorded["load_au"].to_numpy(), index=pd.to_datetime(pd.Index(recorded["day"])),
                    dtype="float64").groupby(level=0).sum()
    rec = rec[~rec.index.isin(own.index)]
    both = pd.concat([own, rec]).sort_index()
    return both.groupby(level=0).sum()


def athlete_loads(db: Database, actor: Actor, athlete_id: int, since: date, until: date) -> pd.Series:
    """Load per calendar day for one athlete over [since, until], 0 on days without load."""
    own = checkins(db, actor, athlete_id, since, until)
    rec = recorded_loads(db, actor, athlete_id, since, until)
    return loadcalc.daily(day_loads(own, rec), since, until)


def training_frame(db: Database, actor: Actor) -> pd.DataFrame:
    """Every stored check-in with its ACWR on that day; rows with an outcome are the model's data."""
    frame = checkins(db, actor)
    if frame.empty:
        frame["acwr"] = pd.Series(dtype="float64")
        return frame
    rec = recorded_loads(db, actor)
    parts = []
    for aid, one in frame.groupby("athlete_id", sort=True):
        loads = day_loads(one, rec[rec["athlete_id"] == aid])
        one = one.copy()
        one["acwr"] = loadcalc.acwr_for_days(loads, list(one["day"]))
        parts.append(one)
    return pd.concat(parts, ignore_index=True)


# ---- fits -----------------------------------------------------------------------------------

@dataclass
class Fit:
    id: int
    fitted_at: datetime
    model_version: str
    sampler: str
    status: str
    reason: str
    n_athletes: int
    n_sessions: int
    data_hash: str
    diagnostics: dict
    population: dict
    scaler: dict
    changes: str
    duration_s: float


def _fit_row(r) -> Fit:
    return Fit(id=r.id, fitted_at=r.fitted_at, model_version=r.model_version, sampler=r.sampler, status=r.status,
               reason=r.reason, n_athletes=r.n_athletes, n_sessions=r.n_sessions, data_hash=r.data_hash,
               diagnostics=json.loads(r.diagnostics), population=json.loads(r.population),
               scaler=json.loads(r.scaler), changes=r.changes, duration_s=r.duration_s)


def save_fit(db: Database, actor: Actor, fit: dict, coefficients: pd.DataFrame | None) -> int:
    """Store one fit attempt (and, when published, its coefficients) in one transaction."""
    actor.require("write")
    with db.begin() as conn:
        fit_id = conn.execute(reco_fits.insert().values(
            team_id=actor.team_id, created_by=actor.user_id,
            **{k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in fit.items()})
            .returning(reco_fits.c.id)).scalar_one()
        if coefficients is not None and not coefficients.empty:
            frame = coefficients.assign(fit_id=fit_id, team_id=actor.team_id, fitted_at=fit["fitted_at"],
                                        model_version=fit["model_version"])
            insert_frame(conn, reco_coefficients, frame[[c.name for c in reco_coefficients.columns]])
    return fit_id


def fits(db: Database, actor: Actor, limit: int = 20) -> list[Fit]:
    """Fit attempts, newest first."""
    actor.require("read")
    with db.begin() as conn:
        rows = conn.execute(sa.select(reco_fits).where(reco_fits.c.team_id == actor.team_id)
                            .order_by(reco_fits.c.id.desc()).limit(limit)).all()
    return [_fit_row(r) for r in rows]


def current_fit(db: Database, actor: Actor) -> Fit | None:
    """The newest published fit: the one predictions use."""
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(reco_fits).where(reco_fits.c.team_id == actor.team_id,
                                                    reco_fits.c.status == "published")
                         .order_by(reco_fits.c.id.desc()).limit(1)).first()
    return _fit_row(r) if r else None


def coefficients(db: Database, actor: Actor, fit_id: int, athlete_id: int | None = None) -> pd.DataFrame:
    """Columns athlete_id, term, mean, sd, phase, sessions_used (standardised scale)."""
    actor.require("read")
    q = sa.select(reco_coefficients.c.athlete_id, reco_coefficients.c.term, reco_coefficients.c["mean"],
                  reco_coefficients.c.sd, reco_coefficients.c.phase, reco_coefficients.c.sessions_used).where(
        reco_coefficients.c.team_id == actor.team_id, reco_coefficients.c.fit_id == fit_id)
    if athlete_id is not None:
        q = q.where(reco_coefficients.c.athlete_id == athlete_id)
    with db.begin() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=["athlete_id", "term", "mean", "sd", "phase", "sessions_used"])
