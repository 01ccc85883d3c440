"""Today's readiness answer (train / modify / rest) for an athlete, when the recommendations
feature (core.reco) has a check-in stored for that day.

The plan side only needs the action as a plain string (generator.adjust_for_readiness); this
module is the one place that asks core.reco for it, so plans keep working without it.
"""
from dataclasses import dataclass
from datetime import date

from core.actor import Actor
from core.storage import Database


@dataclass(frozen=True)
class Readiness:
    action: str  # train | modify | rest
    reasons: list[str]


def stored(db: Database, actor: Actor, athlete_id: int, day: date) -> Readiness | None:
    """The recommendation for the athlete's check-in on `day`, or None when there is no
    check-in that day (or the recommendations feature is not installed)."""
    try:
        from core.reco import daily
    except ImportError:
        return None
    rec = daily.for_athlete(db, actor, athlete_id, day)
    return Readiness(rec.action, list(rec.reasons)) if rec else None
