"""Recommendations for check-ins already stored: one athlete's day, or the team's day with
red flags first (the coach view and the plans' Today view read these)."""
from dataclasses import dataclass
from datetime import date

from core.actor import Actor
from core.reco import predict, store
from core.reco.checkin import FIELDS, Checkin, parse
from core.storage import Database

# Coach view order: rest, then modify, then train; a fired safety rule before a model answer;
# then the lowest predicted quality first.
ACTION_ORDER = {"rest": 0, "modify": 1, "train": 2}


@dataclass(frozen=True)
class DayAnswer:
    athlete_id: int
    athlete: str
    checkin: Checkin
    recommendation: predict.Recommendation


def _checkin(row) -> Checkin:
    return parse({k: row[k] for k in FIELDS if k in row.index}, outcome=False)


def for_athlete(db: Database, actor: Actor, athlete_id: int, day: date) -> predict.Recommendation | None:
    """The answer to the athlete's stored check-in of `day`, or None when there is none."""
    frame = store.checkins(db, actor, athlete_id, since=day, until=day)
    if frame.empty:
        return None
    return predict.recommend(db, actor, athlete_id, _checkin(frame.iloc[-1]), day)


def for_team(db: Database, actor: Actor, day: date) -> list[DayAnswer]:
    """Every stored check-in of `day` with its answer, red flags first (see ACTION_ORDER)."""
    frame = store.checkins(db, actor, since=day, until=day)
    answers = []
    for _, row in frame.iterrows():
        checkin = _checkin(row)
        rec = predict.recommend(db, actor, int(row["athlete_id"]), checkin, day)
        answers.append(DayAnswer(int(row["athlete_id"]), str(row["athlete"]), checkin, rec))
    answers.sort(key=lambda a: (ACTION_ORDER[a.recommendation.action], a.recommendation.rule is None,
                                a.recommendation.predicted_quality))
    return answers
