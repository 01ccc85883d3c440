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
        from core.reco import checkin as reco_checkin
        from core.reco import predict
        from core.reco import store as reco_store
    except ImportError:
        return None
    frame = reco_store.checkins(db, actor, athlete_id, since=day, until=day)
    if frame.empty:
        return None
    row = frame.iloc[-1]
    values = {k: row[k] for k in reco_checkin.FIELDS if k in row.index}
    rec = predict.recommend(db, actor, athlete_id, reco_checkin.parse(values, outcome=False), day)
    return Readiness(rec.action, list(rec.reasons))
