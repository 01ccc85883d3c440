"""Plan generator: deterministic, progressive, deloads, equipment and level respected,
balanced, always valid by the schema; readiness adjustment of today's workout."""
import itertools
import json

import pytest

from core.errors import UserError
from core.plans import catalogue, generator, schema

CAT = catalogue.default()
PUSH = {"push_horizontal", "push_vertical"}
PULL = {"pull_horizontal", "pull_vertical"}


def patterns(day):
    return [CAT[e["slug"]].pattern for e in day["exercises"]]


def test_catalogue_covers_the_video_exercises_and_has_40_plus():
    assert len(CAT) >= 40
    assert {e.video_exercise for e in CAT.exercises if e.video_analysable} == set(catalogue.VIDEO_EXERCISES)
    for key in catalogue.VIDEO_EXERCISES:
        assert key in CAT, f"the video exercise {key} has its own catalogue entry"
        assert CAT[key].video_exercise == key
    assert all(e.clip == f"{e.slug}.mp4" for e in CAT.exercises)
    assert {p for e in CAT.exercises for p in [e.pattern]} == set(catalogue.PATTERNS)


@pytest.mark.parametrize("goal, level, days, weeks, minutes, equipment", [
    ("strength", "beginner", 3, 4, 60, catalogue.EQUIPMENT),
    ("fat_loss", "advanced", 5, 9, 45, ()),
    ("return_from_injury", "intermediate", 2, 12, 30, ("band",)),
])
def test_same_inputs_same_plan_and_seed_varies_it(goal, level, days, weeks, minutes, equipment):
    a = generator.generate(goal, level, days, weeks, minutes, equipment)
    b = generator.generate(goal, level, days, weeks, minutes, tuple(reversed(equipment)))
    assert json.dumps(a) == json.dumps(b)
    seeds = {json.dumps(generator.generate(goal, level, days, weeks, minutes, equipment, seed=s)) for s in range(6)}
    assert len(seeds) > 1, "the seed changes the exercise choices"


def test_valid_by_the_schema_for_every_combination():
    count = 0
    for goal, level, days in itertools.product(schema.GOALS, catalogue.LEVELS, range(1, 8)):
        for weeks, minutes, equipment in [(1, 15, ()), (6, 45, ("dumbbell", "bench")), (16, 90, catalogue.EQUIPMENT),
                                          (9, 60, ("band", "pullup_bar"))]:
            plan = generator.generate(goal, level, days, weeks, minutes, equipment)
            assert schema.validate(plan) == [], (goal, level, days, weeks)
            assert len(plan["weeks"]) == weeks and [w["week"] for w in plan["weeks"]] == list(range(1, weeks + 1))
            assert all(len(w["days"]) == days for w in plan["weeks"])
            count += 1
    assert count == 6 * 3 * 7 * 4


def test_equipment_and_level_are_respected():
    for goal, level, days in itertools.product(schema.GOALS, catalogue.LEVELS, (2, 4, 6)):
        for equipment in [(), ("dumbbell",), ("band", "box"), ("barbell", "bench", "pullup_bar")]:
            plan = generator.generate(goal, level, days, 4, 60, equipment)
            top = catalogue.LEVELS.index("beginner" if goal == "return_from_injury" else level)
            for w in plan["weeks"]:
                for d in w["days"]:
                    for e in d["exercises"]:
                        ex = CAT[e["slug"]]
                        assert set(ex.equipment) <= set(equipment), (e["slug"], equipment)
                        assert catalogue.LEVELS.index(ex.level) <= top
                        if goal == "return_from_injury":
                            assert not ex.high_impact


def test_bodyweight_only_still_balanced_and_uses_gear_when_there():
    plan = generator.generate("general_fitness", "beginner", 3, 4, 60, ())
    assert all(not CAT[e["slug"]].equipment for d in plan["weeks"][0]["days"] for e in d["exercises"])
    gym = generator.generate("strength", "advanced", 4, 4, 75, catalogue.EQUIPMENT)
    used = {eq for d in gym["weeks"][0]["days"] for e in d["exercises"] for eq in CAT[e["slug"]].equipment}
    assert "barbell" in used


@pytest.mark.parametrize("days", range(1, 8))
@pytest.mark.parametrize("goal", schema.GOALS)
def test_weeks_balance_movement_patterns(goal, days):
    plan = generator.generate(goal, "intermediate", days, 4, 60, catalogue.EQUIPMENT)
    week = plan["weeks"][0]
    all_patterns = [p for d in week["days"] for p in patterns(d)]
    pushes = sum(p in PUSH for p in all_patterns)
    pulls = sum(p in PULL for p in all_patterns)
    assert pushes >= 1 and pulls == pushes, (all_patterns)
    assert {"squat", "lunge"} & set(all_patterns)
    if days >= 2:
        assert "hinge" in all_patterns
    assert [d["day"] for d in week["days"]] == generator.WEEKDAYS[days]


def test_sessions_fit_the_time_given():
    for goal, minutes in itertools.product(schema.GOALS, (30, 45, 60, 90)):
        plan = generator.generate(goal, "intermediate", 4, 8, minutes, catalogue.EQUIPMENT)
        for w in plan["weeks"]:
            for d in w["days"]:
                if len(d["exercises"]) > 3:  # three exercises is the floor, whatever the time
                    assert generator.estimate_seconds(d["exercises"]) <= minutes * 60, (goal, minutes, w["week"])
    long = generator.generate("hypertrophy", "intermediate", 3, 4, 120, catalogue.EQUIPMENT)
    short = generator.generate("hypertrophy", "intermediate", 3, 4, 30, catalogue.EQUIPMENT)
    assert len(long["weeks"][0]["days"][0]["exercises"]) > len(short["weeks"][0]["days"][0]["exercises"])


def test_progression_then_deload():
    for level, block in (("beginner", 5), ("intermediate", 4), ("advanced", 4)):
        assert generator.deload_weeks(16, level, "strength") == list(range(block, 17, block))
    assert generator.deload_weeks(3, "advanced", "strength") == []
    for goal in schema.GOALS:
        plan = generator.generate(goal, "intermediate", 3, 10, 60, catalogue.EQUIPMENT)
        weeks = plan["weeks"]
        block = 5 if goal == "return_from_injury" else 4  # slower blocks while rebuilding
        assert [w["week"] for w in weeks if w["deload"]] == list(range(block, 11, block))
        vol = [generator.volume(w) for w in weeks]
        rpe = [max(e.get("rpe", 0) for d in w["days"] for e in d["exercises"]) for w in weeks]
        for b in range(2):
            build, deload = list(range(b * block, b * block + block - 1)), b * block + block - 1
            assert all(vol[i] <= vol[i + 1] for i in build[:-1]) and vol[build[-1]] > vol[build[0]], (goal, vol)
            assert vol[deload] < 0.8 * vol[build[-1]], (goal, vol)  # the deload cuts volume...
            assert all(rpe[i] <= rpe[i + 1] for i in build[:-1]) and rpe[deload] < rpe[build[-1]], (goal, rpe)
    strength = generator.generate("strength", "advanced", 3, 8, 90, catalogue.EQUIPMENT)
    loads = [strength["weeks"][w]["days"][0]["exercises"][0]["load_pct_1rm"] for w in range(8)]
    assert loads[0] < loads[1] < loads[2] and loads[3] < loads[2] and loads[4] > loads[0]  # next block starts higher


def test_unknown_inputs_are_user_errors():
    for kwargs in ({"goal": "bulk"}, {"level": "pro"}, {"days_per_week": 0}, {"days_per_week": 8},
                   {"weeks": 0}, {"weeks": 17}, {"session_minutes": 5}, {"equipment": ("spaceship",)}):
        args = dict(goal="strength", level="beginner", days_per_week=3, weeks=4, session_minutes=60, equipment=())
        args.update(kwargs)
        with pytest.raises(UserError):
            generator.generate(**args)


def test_readiness_adjusts_todays_workout():
    plan = generator.generate("strength", "intermediate", 3, 4, 60, catalogue.EQUIPMENT)
    day = plan["weeks"][1]["days"][0]
    before = json.dumps(day)
    assert generator.adjust_for_readiness(day, "train") == day
    modified = generator.adjust_for_readiness(day, "Modify ")
    assert json.dumps(day) == before, "the plan itself is not changed"
    assert generator.volume(modified) < generator.volume(day)
    for planned, mod in zip(day["exercises"], modified["exercises"]):
        assert mod["slug"] == planned["slug"] and mod["sets"] <= planned["sets"]
        assert mod.get("rpe", 0) <= planned.get("rpe", 0)
    rest = generator.adjust_for_readiness(day, "rest")
    assert [e["slug"] for e in rest["exercises"]] == [e["slug"] for e in generator.RECOVERY]
    assert "Recovery" in rest["title"]
    one_set = {"day": 1, "exercises": [{"slug": "pushup", "sets": 1, "reps": 10, "rest_s": 60},
                                       {"slug": "plank", "sets": 1, "duration_s": 60, "rest_s": 30}]}
    m = generator.adjust_for_readiness(one_set, "modify")["exercises"]
    assert (m[0]["reps"], m[1]["duration_s"]) == (7, 42)
    for action in ("train", "modify", "rest"):  # still a valid plan day
        p = json.loads(json.dumps(plan))
        p["weeks"][1]["days"][0] = generator.adjust_for_readiness(day, action)
        assert schema.validate(p) == []
    with pytest.raises(UserError):
        generator.adjust_for_readiness(day, "sprint")


def test_conditioning_fits_the_effort():
    for goal in ("endurance", "general_fitness", "return_from_injury", "fat_loss", "strength"):
        long_sets = generator.DOSES[goal][2].duration_s >= generator.LONG_EFFORT_S
        for equipment in ((), catalogue.EQUIPMENT):
            plan = generator.generate(goal, "advanced", 6, 4, 90, equipment)
            for d in plan["weeks"][0]["days"]:
                for e in d["exercises"]:
                    ex = CAT[e["slug"]]
                    if ex.pattern == "conditioning":
                        # long sets only on steady-state work (walk, row, bike, rope), short ones on intervals
                        assert ex.conditioning in (("steady", "both") if long_sets else ("intervals", "both")), \
                            (goal, e)
