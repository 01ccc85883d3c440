"""Plan schema: every rule, every violation reported at once, each with its JSON path."""
import copy

import pytest

from core.plans import schema


def ex(**kw):
    base = {"slug": "pushup", "sets": 3, "reps": 10, "rest_s": 60}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not ...}


def good():
    return {"name": "Test plan", "goal": "strength", "level": "beginner",
            "weeks": [{"week": 1, "days": [{"day": 1, "exercises": [ex(), ex(slug="plank", reps=..., duration_s=30)]},
                                           {"day": 3, "exercises": [ex(slug="squat", rpe=7, load_kg=20.5,
                                                                       load_pct_1rm=70, notes="slow down")]}]},
                      {"week": 2, "deload": True, "days": [{"day": 1, "exercises": [ex()]}]}]}


def paths(data):
    return [e.path for e in schema.validate(data)]


def test_a_good_plan_is_valid_and_round_trips():
    assert schema.validate(good()) == []
    plan = schema.parse(good())
    assert schema.to_dict(plan)["weeks"][1]["deload"] is True
    assert schema.validate(schema.to_dict(plan)) == []


@pytest.mark.parametrize("where, value, path, words", [
    (("sets",), 0, "sets", "at least 1"),
    (("sets",), 11, "sets", "at most 10"),
    (("sets",), "3", "sets", "whole number"),
    (("sets",), 2.5, "sets", "whole number"),
    (("sets",), True, "sets", "whole number"),
    (("reps",), 0, "reps", "at least 1"),
    (("reps",), 51, "reps", "at most 50"),
    (("rest_s",), -5, "rest_s", "at least 0"),
    (("rest_s",), 601, "rest_s", "at most 600"),
    (("rpe",), 11, "rpe", "at most 10"),
    (("rpe",), "hard", "rpe", "number"),
    (("load_pct_1rm",), 120, "load_pct_1rm", "at most 100"),
    (("load_kg",), -1, "load_kg", "at least 0"),
    (("slug",), "moonwalk", "slug", "not in the exercise catalogue"),
    (("slug",), "", "slug", "at least 1 character"),
    (("notes",), "x" * 501, "notes", "at most 500"),
    (("tempo",), "3-1-1", "tempo", "not a plan field"),
])
def test_each_exercise_rule_is_reported_at_its_path(where, value, path, words):
    data = good()
    data["weeks"][0]["days"][1]["exercises"][0][where[0]] = value
    errors = schema.validate(data)
    assert [e.path for e in errors] == [f"weeks[0].days[1].exercises[0].{path}"]
    assert words in errors[0].message


def test_reps_or_duration_exactly_one():
    data = good()
    data["weeks"][0]["days"][0]["exercises"][0]["duration_s"] = 30  # reps and duration
    del data["weeks"][1]["days"][0]["exercises"][0]["reps"]  # neither
    errors = schema.validate(data)
    assert [(e.path, e.message) for e in errors] == [
        ("weeks[0].days[0].exercises[0]", "give either reps or duration_s, not both"),
        ("weeks[1].days[0].exercises[0]", "needs reps (1-50) or duration_s (seconds)")]


def test_plan_level_rules():
    data = good()
    data.update(goal="bulk", level="elite", name="", extra=1)
    assert sorted(paths(data)) == ["extra", "goal", "level", "name"]
    for missing in ("name", "goal", "level", "weeks"):
        d = good()
        del d[missing]
        assert [(e.path, e.message) for e in schema.validate(d)] == [(missing, "is required")]
    assert [(e.path, e.message) for e in schema.validate([1, 2])] == [("$", "a plan must be a JSON object")]


def test_weeks_between_1_and_16_numbered_1_to_n():
    data = good()
    data["weeks"] = []
    assert paths(data) == ["weeks"]
    data["weeks"] = [dict(copy.deepcopy(good()["weeks"][1]), week=i + 1) for i in range(17)]
    errors = schema.validate(data)
    assert [e.path for e in errors] == ["weeks", "weeks[16].week"]
    assert "at most 16" in errors[0].message
    data = good()
    data["weeks"][1]["week"] = 3
    assert [(e.path, e.message) for e in schema.validate(data)] == [
        ("weeks[1].week", "weeks must be numbered 1..2 in order: expected 2, got 3")]
    data["weeks"].reverse()  # 3, 1: both out of place
    data["weeks"][0]["week"], data["weeks"][1]["week"] = 2, 1
    assert paths(data) == ["weeks[0].week", "weeks[1].week"]


def test_days_1_to_7_without_duplicates():
    data = good()
    data["weeks"][0]["days"][1]["day"] = 8
    data["weeks"][1]["days"][0]["day"] = 0
    assert [e.path for e in schema.validate(data)] == ["weeks[0].days[1].day", "weeks[1].days[0].day"]
    data = good()
    data["weeks"][0]["days"][1]["day"] = 1
    errors = schema.validate(data)
    assert [(e.path, e.message) for e in errors] == [
        ("weeks[0].days[1].day", "day 1 appears twice in week 1 (first at days[0])")]
    data = good()
    data["weeks"][0]["days"] = [dict(copy.deepcopy(good()["weeks"][1]["days"][0]), day=d) for d in range(1, 8)]
    assert schema.validate(data) == []
    data["weeks"][0]["days"].append(copy.deepcopy(data["weeks"][0]["days"][0]))
    assert "weeks[0].days" in paths(data) and "weeks[0].days[7].day" in paths(data)
    data = good()
    data["weeks"][0]["days"][0]["exercises"] = []
    assert paths(data) == ["weeks[0].days[0].exercises"]


def test_every_violation_at_once_in_document_order():
    data = good()
    data["name"] = 7
    data["weeks"][0]["days"][0]["exercises"][0]["sets"] = 0
    data["weeks"][0]["days"][0]["exercises"][1]["slug"] = "nope"
    data["weeks"][0]["days"][1]["day"] = 1
    data["weeks"][0]["days"][1]["exercises"][0]["rest_s"] = "60"
    data["weeks"][1]["week"] = 5
    data["weeks"][1]["days"][0]["exercises"][0]["reps"] = 99
    data["weeks"][1]["days"][0]["exercises"].append({"slug": "pushup"})
    errors = schema.validate(data)
    assert [e.path for e in errors] == [
        "name",
        "weeks[0].days[0].exercises[0].sets",
        "weeks[0].days[0].exercises[1].slug",
        "weeks[0].days[1].day",
        "weeks[0].days[1].exercises[0].rest_s",
        "weeks[1].days[0].exercises[0].reps",
        "weeks[1].days[0].exercises[1]",
        "weeks[1].days[0].exercises[1].rest_s",
        "weeks[1].days[0].exercises[1].sets",
        "weeks[1].week",
    ]
    assert all(e.message for e in errors)
    with pytest.raises(schema.PlanInvalid) as raised:
        schema.parse(data)
    assert raised.value.errors == errors and "and 9 more" in raised.value.message


def test_wrong_shapes_do_not_crash_the_checks():
    for weeks in ("x", [1], [{"week": 1, "days": "x"}], [{"week": 1, "days": [None, {"day": 1, "exercises": [3]}]}]):
        errs = schema.validate({"name": "n", "goal": "strength", "level": "beginner", "weeks": weeks})
        assert errs and all(e.path.startswith("weeks") for e in errs)


def test_catalogue_can_be_swapped():
    from core.plans.catalogue import Catalogue, default
    only_pushup = Catalogue([default()["pushup"]])
    assert paths(good()) == []
    assert [p for p in (e.path for e in schema.validate(good(), only_pushup))] == [
        "weeks[0].days[0].exercises[1].slug", "weeks[0].days[1].exercises[0].slug"]


def test_json_text_errors_are_user_errors():
    from core.errors import UserError
    with pytest.raises(UserError, match="line 1, column 2"):
        schema.parse_json_text("{bad")
    with pytest.raises(UserError, match="UTF-8"):
        schema.parse_json_text(b"\xff\xfe{")
    with pytest.raises(UserError, match="nested far too deeply"):
        schema.parse_json_text("[" * 100_000 + "]" * 100_000)
    deep = {"name": "n", "goal": "strength", "level": "beginner", "weeks": [[[[[]]]]]}
    assert [e.path for e in schema.validate(deep)] == ["weeks[0]"]
