"""The readiness answer from a stored check-in adjusts today's workout (needs core.reco)."""
from datetime import date

import pytest

from core import athletes
from core.plans import generator, readiness


def test_no_checkin_no_answer(db, actor):
    a = athletes.create(db, actor, "Maya")
    assert readiness.stored(db, actor, a.id, date(2026, 3, 2)) is None


def test_checkin_gives_an_action_the_generator_takes(db, actor):
    reco_checkin = pytest.importorskip("core.reco.checkin")
    reco_store = pytest.importorskip("core.reco.store")
    a = athletes.create(db, actor, "Maya")
    day = date(2026, 3, 2)
    ill = reco_checkin.parse({"sleep_hours": 4, "sleep_quality": 1, "energy": 1, "stress": 5, "soreness": 5,
                              "motivation": 1, "illness": 1}, outcome=False)
    reco_store.record_checkin(db, actor, a.id, day, ill)
    answer = readiness.stored(db, actor, a.id, day)
    assert answer is not None and answer.action in generator.READINESS_ACTIONS and answer.reasons
    assert answer.action != "train", "an ill, exhausted athlete is not told to train as planned"
    assert readiness.stored(db, actor, a.id, date(2026, 3, 3)) is None
    plan = generator.generate("strength", "intermediate", 3, 4)
    day1 = plan["weeks"][0]["days"][0]
    adjusted = generator.adjust_for_readiness(day1, answer.action)
    if answer.action == "rest":
        assert [e["slug"] for e in adjusted["exercises"]] == [e["slug"] for e in generator.RECOVERY]
    else:
        assert generator.volume(adjusted) < generator.volume(day1)
