"""Answers for stored check-ins: one athlete's day, and the team's day with red flags first."""
from datetime import date

from core import athletes
from core.reco import daily, store
from core.reco.checkin import parse

GOOD = {"sleep_hours": 8, "sleep_quality": 4, "energy": 4, "stress": 2, "soreness": 2, "motivation": 4, "illness": 0}
DAY = date(2026, 3, 10)


def _check_in(db, actor, name, **changes):
    athlete_id = athletes.create(db, actor, name).id
    with db.begin() as conn:
        store.save_checkin(conn, actor, athlete_id, DAY, parse({**GOOD, **changes}, outcome=False), "app")
    return athlete_id


def test_team_day_puts_red_flags_first(db, actor):
    _check_in(db, actor, "Fresh")
    _check_in(db, actor, "Sick", illness=1)
    _check_in(db, actor, "Sore", soreness=5)
    answers = daily.for_team(db, actor, DAY)
    assert [a.athlete for a in answers][0] == "Sick"
    assert [a.recommendation.action for a in answers] == sorted(
        (a.recommendation.action for a in answers), key=daily.ACTION_ORDER.get)
    assert answers[-1].athlete == "Fresh" and answers[-1].recommendation.action == "train"
    assert answers[0].recommendation.rule is not None and answers[0].checkin.illness == 1


def test_one_athlete_day(db, actor):
    sick = _check_in(db, actor, "Sick", illness=1)
    assert daily.for_athlete(db, actor, sick, DAY).action == "rest"
    assert daily.for_athlete(db, actor, sick, date(2026, 3, 11)) is None
    assert daily.for_team(db, actor, date(2026, 3, 11)) == []


def test_shrinkage_table_pairs_pooled_and_own_estimates():
    import pandas as pd

    from core.reco.evaluation import shrinkage
    pooled = pd.DataFrame({"athlete_id": [1, 2, 1], "term": ["sleep", "sleep", "intercept"],
                           "mean": [0.5, 0.1, 6.0], "sd": [0.2, 0.3, 0.5]})
    own = pd.DataFrame({"athlete_id": [1], "term": ["sleep"], "mean": [0.9], "sessions": [12]})
    one = shrinkage(pooled, own, "sleep")
    assert list(one["athlete_id"]) == [2, 1]  # sorted by the pooled mean
    assert one.set_index("athlete_id").loc[1, "shift"] == 0.9 - 0.5
    assert pd.isna(one.set_index("athlete_id").loc[2, "mean_own"])
    assert shrinkage(pooled, pd.DataFrame(), "sleep")["mean_own"].isna().all()
