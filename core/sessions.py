"""Training sessions of the team's athletes (a video, a sensor recording, a check-in...)."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.actor import Actor
from core.errors import NotFound, UserError
from core.storage import Database
from core.storage.tables import athletes, metric_samples, sessions
from core.timeutil import utcnow

KINDS = ("video", "sensor", "manual", "checkin", "plan")
KIND_LABELS = {"video": "video analysis", "sensor": "sensor recording", "manual": "logged session",
               "checkin": "check-in", "plan": "plan workout"}
UNTIMED_KINDS = ("sensor",)  # their duration is a recording's length, not training time


@dataclass(frozen=True)
class Session:
    id: int
    athlete_id: int
    kind: str
    started_at: datetime
    duration_s: float | None
    source_hash: str | None
    notes: str | None


def _row(r) -> Session:
    return Session(id=r.id, athlete_id=r.athlete_id, kind=r.kind, started_at=r.started_at,
                   duration_s=r.duration_s, source_hash=r.source_hash, notes=r.notes)


def insert(conn: sa.Connection, actor: Actor, athlete_id: int, kind: str, started_at: datetime,
           duration_s: float | None = None, source_hash: str | None = None, notes: str | None = None) -> int:
    """Add a session inside the caller's transaction (so a feature can store its results with it)."""
    actor.require("write")
    if kind not in KINDS:
        raise UserError(f"Unknown session kind {kind!r}; expected one of {', '.join(KINDS)}.")
    if duration_s is not None and duration_s < 0:
        raise UserError("A session cannot last a negative time.")
    owner = conn.execute(sa.select(athletes.c.id).where(
        athletes.c.team_id == actor.team_id, athletes.c.id == athlete_id)).first()
    if owner is None:
        raise NotFound(f"No athlete with id {athlete_id}.")
    return conn.execute(sessions.insert().values(
        team_id=actor.team_id, athlete_id=athlete_id, kind=kind, started_at=started_at,
        duration_s=duration_s, source_hash=source_hash, notes=notes,
        created_at=utcnow(), created_by=actor.user_id).returning(sessions.c.id)).scalar_one()


def remove(conn: sa.Connection, actor: Actor, session_id: int) -> None:
    """Delete a session and its metric samples inside the caller's transaction (a feature
    removing its stored result with the session it made: see insert)."""
    actor.require("write")
    owned = conn.execute(sa.select(sessions.c.id).where(
        sessions.c.team_id == actor.team_id, sessions.c.id == session_id)).first()
    if owned is None:
        raise NotFound(f"No session with id {session_id}.")
    conn.execute(metric_samples.delete().where(metric_samples.c.session_id == session_id))
    conn.execute(sessions.delete().where(sessions.c.team_id == actor.team_id, sessions.c.id == session_id))


def create(db: Database, actor: Actor, athlete_id: int, kind: str, started_at: datetime,
           duration_s: float | None = None, source_hash: str | None = None, notes: str | None = None) -> Session:
    with db.begin() as conn:
        sid = insert(conn, actor, athlete_id, kind, started_at, duration_s, source_hash, notes)
    return get(db, actor, sid)


def get(db: Database, actor: Actor, session_id: int) -> Session:
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(sessions).where(
            sessions.c.team_id == actor.team_id, sessions.c.id == session_id)).first()
    if r is None:
        raise NotFound(f"No session with id {session_id}.")
    return _row(r)


def list_for_athlete(db: Database, actor: Actor, athlete_id: int, kind: str | None = None) -> list[Session]:
    """Newest first."""
    actor.require("read")
    q = (sa.select(sessions).where(sessions.c.team_id == actor.team_id, sessions.c.athlete_id == athlete_id)
         .order_by(sessions.c.started_at.desc(), sessions.c.id.desc()))
    if kind:
        q = q.where(sessions.c.kind == kind)
    with db.begin() as conn:
        return [_row(r) for r in conn.execute(q)]


def find_by_hash(db: Database, actor: Actor, kind: str, source_hash: str) -> Session | None:
    """The team's session of this kind made from the same file, if any."""
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(sessions).where(
            sessions.c.team_id == actor.team_id, sessions.c.kind == kind,
            sessions.c.source_hash == source_hash).order_by(sessions.c.id)).first()
    return _row(r) if r else None


def summary_by_athlete(db: Database, actor: Actor) -> dict[int, dict]:
    """Per athlete id: number of sessions and of check-ins (stored as sessions of kind
    "checkin", apart), last session start (check-ins left out; None with only check-ins) and
    training time in minutes.

    Training time counts each day once: the larger of the training logged with that day's
    check-in (the session that followed it) and the day's other timed sessions together
    (logged sessions, plan workouts, analysed clips), since both usually describe the same
    training. Sensor recordings are left out: their length is how long a phone or wearable
    recorded, a walk or a whole day, not how long the athlete trained."""
    actor.require("read")
    is_checkin = sa.case((sessions.c.kind == "checkin", 1), else_=0)
    session_start = sa.case((sessions.c.kind != "checkin", sessions.c.started_at), else_=None)
    mine = sessions.c.team_id == actor.team_id
    q = (sa.select(sessions.c.athlete_id, sa.func.count().label("n"), sa.func.sum(is_checkin).label("checkins"),
                   sa.func.max(session_start).label("last"))
         .where(mine).group_by(sessions.c.athlete_id))
    logged_s = sa.case((sessions.c.kind == "checkin", sessions.c.duration_s), else_=None)
    other_s = sa.case((sessions.c.kind.in_(("checkin", *UNTIMED_KINDS)), None), else_=sessions.c.duration_s)
    day = sa.cast(sessions.c.started_at, sa.Date)  # as stored: check-ins at the local day's midnight, analyses
    # at their UTC start, so a session late in the evening west of Greenwich can fall on the next day
    per_day = (sa.select(sessions.c.athlete_id,
                         sa.func.coalesce(sa.func.max(logged_s), 0).label("logged"),
                         sa.func.coalesce(sa.func.sum(other_s), 0).label("other"))
               .where(mine).group_by(sessions.c.athlete_id, day).subquery())
    trained = (sa.select(per_day.c.athlete_id, sa.func.sum(sa.func.greatest(per_day.c.logged, per_day.c.other))
                         .label("total_s")).group_by(per_day.c.athlete_id))
    with db.begin() as conn:
        total_s = {r.athlete_id: float(r.total_s or 0) for r in conn.execute(trained)}
        return {r.athlete_id: {"sessions": r.n - int(r.checkins or 0), "checkins": int(r.checkins or 0),
                               "last": r.last, "minutes": total_s.get(r.athlete_id, 0.0) / 60}
                for r in conn.execute(q)}


def count(db: Database, actor: Actor) -> int:
    actor.require("read")
    with db.begin() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(sessions)
                            .where(sessions.c.team_id == actor.team_id)).scalar_one()


def count_by_kind(db: Database, actor: Actor) -> dict[str, int]:
    """The team's sessions per kind; every kind in KINDS is present (0 when none)."""
    actor.require("read")
    q = (sa.select(sessions.c.kind, sa.func.count().label("n"))
         .where(sessions.c.team_id == actor.team_id).group_by(sessions.c.kind))
    with db.begin() as conn:
        found = {r.kind: int(r.n) for r in conn.execute(q)}
    return {k: found.get(k, 0) for k in KINDS}
