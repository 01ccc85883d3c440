"""Sample check-in histories for the team's athletes (simulated, ending today), so the
readiness pages show something before real check-ins exist. Idempotent: athletes that
already have check-ins are left alone."""
from datetime import date, timedelta

from core import athletes
from core.actor import Actor
from core.reco import simulator, store
from core.reco.checkin import parse, parse_date
from core.storage import Database


def athletes_without_checkins(db: Database, actor: Actor) -> list:
    """The team's active athletes who have no check-in yet (those seed_checkins fills)."""
    have = set(store.checkins(db, actor)["athlete_id"].unique())
    return [a for a in athletes.list_all(db, actor) if a.id not in have]


def seed_checkins(db: Database, actor: Actor, days: int = 42, today: date | None = None, seed: int = 11,
                  athlete_ids: list[int] | None = None) -> int:
    """Add `days` days of simulated check-ins (ending `today`) per athlete without any (only those
    in `athlete_ids` when given); returns rows added."""
    actor.require("write")
    today = today or date.today()
    todo = athletes_without_checkins(db, actor)
    if athlete_ids is not None:
        todo = [a for a in todo if a.id in set(athlete_ids)]
    if not todo:
        return 0
    cohort = simulator.cohort(len(todo), days, seed=seed, start=today - timedelta(days=days - 1), illness_rate=0.02)
    names = {f"Sim {i + 1:03d}": a.id for i, a in enumerate(todo)}
    added = 0
    with db.begin() as conn:
        for rec in cohort.history.to_dict("records"):
            day = parse_date(rec["date"])
            # Today's check-in is in, but today's session has not happened yet.
            values = {k: v for k, v in rec.items() if not (day == today and k in ("session_quality", "duration_min", "rpe"))}
            store.save_checkin(conn, actor, names[rec["athlete"]], day, parse(values), "app")
            added += 1
    return added
