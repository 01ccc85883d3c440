"""Plan generator: goal, level, days per week, session length and equipment -> a progressive plan.

Rules, not a language model, so the same inputs always give the same plan (the random
choices between equivalent exercises are seeded from the inputs). The plan is built in
blocks: build weeks raise volume (sets) and intensity (RPE, % of 1RM, seconds), then a
deload week cuts sets by about 40% and lowers intensity. Each week balances movement
patterns (a pull for every push, a squat or lunge and a hinge). The result always passes
`core.plans.schema.validate` (checked before it is returned).

`adjust_for_readiness(day, action)` adapts one day's workout to the readiness answer
(train / modify / rest) of the recommendations feature.
"""
import copy
import hashlib
import json
import math
import random
from dataclasses import dataclass

from core.errors import UserError
from core.plans import catalogue as catalogue_mod
from core.plans import schema
from core.plans.catalogue import Catalogue, Exercise

READINESS_ACTIONS = ("train", "modify", "rest")
MIN_SESSION_MIN, MAX_SESSION_MIN = 15, 180
WARMUP_S = 300  # general warm-up before the first exercise
TRANSITION_S = 60  # set-up time per exercise
SECONDS_PER_REP = 3.0

# Plan weekdays (1-7) for each number of training days: spread for recovery.
WEEKDAYS = {1: [1], 2: [1, 4], 3: [1, 3, 5], 4: [1, 2, 4, 5], 5: [1, 2, 3, 5, 6],
            6: [1, 2, 3, 4, 5, 6], 7: [1, 2, 3, 4, 5, 6, 7]}

# Day templates: patterns in priority order (sessions that run short drop the tail).
# The first three always pair a push with a pull, so every week stays balanced.
TEMPLATES = {
    "Full body A": ["squat", "push_horizontal", "pull_horizontal", "hinge", "core", "lunge", "arms"],
    "Full body B": ["hinge", "push_vertical", "pull_vertical", "lunge", "core", "carry", "arms"],
    "Full body C": ["lunge", "push_horizontal", "pull_vertical", "hinge", "core", "squat", "carry"],
    "Upper A": ["push_horizontal", "pull_horizontal", "push_vertical", "pull_vertical", "arms", "core"],
    "Upper B": ["push_vertical", "pull_vertical", "push_horizontal", "pull_horizontal", "arms", "core"],
    "Lower A": ["squat", "hinge", "lunge", "core", "carry"],
    "Lower B": ["hinge", "squat", "lunge", "core", "carry"],
    "Conditioning": ["conditioning", "squat", "push_horizontal", "pull_horizontal", "conditioning", "core"],
    "Mobility and recovery": ["mobility", "conditioning", "mobility", "mobility", "core"],
}
SPLITS = {
    1: ["Full body A"],
    2: ["Full body A", "Full body B"],
    3: ["Full body A", "Full body B", "Full body C"],
    4: ["Upper A", "Lower A", "Upper B", "Lower B"],
    5: ["Upper A", "Lower A", "Full body C", "Upper B", "Lower B"],
    6: ["Upper A", "Lower A", "Upper B", "Lower B", "Full body C", "Conditioning"],
    7: ["Upper A", "Lower A", "Upper B", "Lower B", "Full body C", "Conditioning", "Mobility and recovery"],
}
ARCHETYPES = {1: "full body", 2: "full body", 3: "full body", 4: "upper/lower", 5: "upper/lower + full body",
              6: "upper/lower + conditioning", 7: "upper/lower + conditioning + recovery"}
# When no exercise of a pattern fits the equipment and level, use the next one in line.
FALLBACK = {"pull_vertical": "pull_horizontal", "push_vertical": "push_horizontal", "arms": "core",
            "carry": "core", "lunge": "squat", "mobility": "core", "conditioning": "squat"}
MAIN_PATTERNS = {"squat", "hinge", "push_horizontal", "push_vertical", "pull_horizontal", "pull_vertical"}


@dataclass(frozen=True)
class Prescription:
    """Base-week dose for one goal and kind of exercise, and how it rises per build week."""
    sets: int
    reps: int
    rest_s: int
    rpe: float
    rpe_max: float
    load_pct: float | None  # % of 1RM for loaded main lifts, None where it makes no sense
    duration_s: int  # seconds per set for timed exercises
    add_sets: tuple[int, ...]  # extra sets in build week 1, 2, 3, 4 of a block


# goal -> (main lifts, accessories/core, conditioning)
DOSES = {
    "strength": (Prescription(4, 5, 180, 7.0, 9.0, 75.0, 30, (0, 0, 1, 1)),
                 Prescription(3, 8, 90, 7.0, 8.5, None, 30, (0, 0, 1, 1)),
                 Prescription(3, 12, 60, 6.0, 7.0, None, 30, (0, 0, 0, 1))),
    "hypertrophy": (Prescription(3, 10, 120, 7.0, 9.0, 67.5, 40, (0, 1, 1, 2)),
                    Prescription(3, 12, 75, 7.5, 9.0, None, 40, (0, 1, 1, 2)),
                    Prescription(2, 15, 60, 6.0, 7.0, None, 40, (0, 0, 1, 1))),
    "endurance": (Prescription(3, 15, 60, 6.0, 7.5, 55.0, 45, (0, 0, 1, 1)),
                  Prescription(2, 15, 45, 6.0, 7.5, None, 45, (0, 1, 1, 1)),
                  Prescription(1, 30, 60, 6.0, 7.5, None, 600, (0, 0, 0, 0))),
    "fat_loss": (Prescription(3, 12, 60, 7.0, 8.0, 60.0, 40, (0, 1, 1, 1)),
                 Prescription(3, 15, 45, 7.0, 8.0, None, 40, (0, 1, 1, 1)),
                 Prescription(4, 20, 30, 7.0, 8.5, None, 40, (0, 1, 2, 2))),
    "general_fitness": (Prescription(3, 8, 90, 7.0, 8.0, 65.0, 30, (0, 0, 1, 1)),
                        Prescription(2, 12, 60, 7.0, 8.0, None, 30, (0, 1, 1, 1)),
                        Prescription(2, 20, 45, 6.0, 7.0, None, 300, (0, 0, 0, 1))),
    "return_from_injury": (Prescription(2, 12, 90, 5.0, 6.5, None, 20, (0, 0, 1, 1)),
                           Prescription(2, 12, 60, 5.0, 6.5, None, 20, (0, 0, 1, 1)),
                           Prescription(1, 15, 60, 4.0, 5.5, None, 300, (0, 0, 0, 0))),
}
LEVEL_SETS = {"beginner": -1, "intermediate": 0, "advanced": 1}  # added to the base sets
LEVEL_INDEX = {lvl: i for i, lvl in enumerate(catalogue_mod.LEVELS)}


@dataclass(frozen=True)
class Request:
    goal: str
    level: str
    days_per_week: int
    weeks: int
    session_minutes: int = 60
    equipment: tuple[str, ...] = ()
    seed: int | None = None

    def checked(self) -> "Request":
        problems = []
        if self.goal not in schema.GOALS:
            problems.append(f"goal {self.goal!r} (choose {', '.join(schema.GOALS)})")
        if self.level not in catalogue_mod.LEVELS:
            problems.append(f"level {self.level!r} (choose {', '.join(catalogue_mod.LEVELS)})")
        if not isinstance(self.days_per_week, int) or not 1 <= self.days_per_week <= 7:
            problems.append(f"days per week {self.days_per_week!r} (1-7)")
        if not isinstance(self.weeks, int) or not 1 <= self.weeks <= schema.MAX_WEEKS:
            problems.append(f"weeks {self.weeks!r} (1-{schema.MAX_WEEKS})")
        if not isinstance(self.session_minutes, int) or not MIN_SESSION_MIN <= self.session_minutes <= MAX_SESSION_MIN:
            problems.append(f"session length {self.session_minutes!r} min ({MIN_SESSION_MIN}-{MAX_SESSION_MIN})")
        unknown = sorted(set(self.equipment) - set(catalogue_mod.EQUIPMENT) - {"bodyweight"})
        if unknown:
            problems.append(f"equipment {', '.join(unknown)} (known: {', '.join(catalogue_mod.EQUIPMENT)})")
        if problems:
            raise UserError("Cannot generate a plan: unknown or out-of-range " + "; ".join(problems) + ".")
        return Request(self.goal, self.level, self.days_per_week, self.weeks, self.session_minutes,
                       tuple(sorted(set(self.equipment) - {"bodyweight"})), self.seed)

    def rng_seed(self) -> int:
        """Seed for the exercise choices: from every input, so equal inputs give equal plans."""
        key = json.dumps([self.goal, self.level, self.days_per_week, self.weeks, self.session_minutes,
                          list(self.equipment), self.seed])
        return int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)


def deload_weeks(weeks: int, level: str, goal: str) -> list[int]:
    """Week numbers that are deloads: the last week of each block (5 weeks for beginners and
    return from injury, else 4). A plan shorter than one block has none."""
    block = 5 if level == "beginner" or goal == "return_from_injury" else 4
    return [w for w in range(block, weeks + 1, block)]


def _dose(goal: str, ex: Exercise) -> Prescription:
    main, accessory, conditioning = DOSES[goal]
    if ex.pattern == "conditioning":
        return conditioning
    return main if ex.pattern in MAIN_PATTERNS else accessory


LONG_EFFORT_S = 180  # conditioning sets this long need a steady-state exercise (no 10-min burpees)


def _candidates(cat: Catalogue, pattern: str, req: Request) -> list[Exercise]:
    top = LEVEL_INDEX["beginner" if req.goal == "return_from_injury" else req.level]
    mode = "steady" if DOSES[req.goal][2].duration_s >= LONG_EFFORT_S else "intervals"
    # Sorted by slug, so the plan does not depend on the catalogue's order (file or database).
    return sorted((e for e in cat.exercises
                   if e.pattern == pattern and e.fits(set(req.equipment)) and LEVEL_INDEX[e.level] <= top
                   and not (req.goal == "return_from_injury" and e.high_impact)
                   and (pattern != "conditioning" or e.conditioning in (mode, "both"))), key=lambda e: e.slug)


def _score(ex: Exercise, req: Request, rng: random.Random) -> float:
    """Higher is better: close to the athlete's level, loadable for strength goals, timed for endurance."""
    s = -abs(LEVEL_INDEX[ex.level] - LEVEL_INDEX[req.level]) * 1.0
    loadable = bool({"barbell", "dumbbell", "kettlebell", "machine", "cable"} & set(ex.equipment))
    if req.goal in ("strength", "hypertrophy") and loadable:
        s += 1.5 if "barbell" in ex.equipment and req.goal == "strength" else 1.0
    if req.goal in ("endurance", "fat_loss") and ex.pattern == "conditioning":
        s += 0.5 if ex.measure == "time" else 0.0
    if req.goal == "return_from_injury" and ex.unilateral:
        s -= 0.5  # bilateral first while rebuilding
    return s + rng.random() * 0.9


def _pick(cat: Catalogue, pattern: str, req: Request, rng: random.Random, used_today: set[str],
          used_plan: dict[str, int]) -> Exercise | None:
    seen = set()
    while pattern and pattern not in seen:
        seen.add(pattern)
        pool = [e for e in _candidates(cat, pattern, req) if e.slug not in used_today]
        if pool:
            # Prefer exercises not yet used on other days, for variety across the week.
            return max(pool, key=lambda e: _score(e, req, rng) - 0.8 * used_plan.get(e.slug, 0))
        pattern = FALLBACK.get(pattern)
    return None


def _entry(ex: Exercise, req: Request, build_week: int, block: int, deload: bool) -> dict:
    """One exercise of one week: base dose, + build-week progression, or the deload cut."""
    d = _dose(req.goal, ex)
    i = min(build_week, len(d.add_sets) - 1)
    base_sets = max(1, d.sets + (LEVEL_SETS[req.level] if ex.pattern != "conditioning" else 0))
    sets = base_sets + d.add_sets[i]
    rpe = min(d.rpe_max, d.rpe + 0.5 * i + 0.25 * block)
    load = None if d.load_pct is None or not (set(ex.equipment) & {"barbell", "dumbbell", "kettlebell", "machine", "cable"}) \
        else min(92.5, d.load_pct + 2.5 * i + 2.5 * block)
    reps = d.reps
    if req.goal == "strength" and ex.pattern in MAIN_PATTERNS:
        reps = max(3, d.reps - block)  # heavier blocks, fewer reps
    duration = None
    if ex.measure == "time":
        duration = d.duration_s if ex.pattern == "conditioning" else {"beginner": 20, "intermediate": 30, "advanced": 40}[req.level]
        duration = int(duration * (1 + 0.1 * i + 0.1 * block))
    if deload:
        sets = max(1, round(sets * 0.6))
        rpe = max(1.0, rpe - 1.5)
        load = None if load is None else max(10.0, load - 10.0)
        duration = None if duration is None else int(duration * 0.75)
    if reps and ex.unilateral:
        reps = max(1, round(reps * 0.75))  # per side
    out = {"slug": ex.slug, "sets": int(min(schema.MAX_SETS, sets))}
    if duration is not None:
        out["duration_s"] = int(min(3600, max(5, duration)))
    else:
        out["reps"] = int(min(schema.MAX_REPS, max(1, reps)))
    out["rest_s"] = int(d.rest_s)
    out["rpe"] = round(rpe * 2) / 2
    if load is not None:
        out["load_pct_1rm"] = round(load * 2) / 2
    if ex.unilateral:
        out["notes"] = "reps per side" if "reps" in out else "seconds per side"
    return out


def estimate_seconds(exercises: list[dict], cat: Catalogue | None = None) -> float:
    """Rough length of a session (s): warm-up, then sets x (work + rest) + set-up per exercise."""
    cat = cat or catalogue_mod.default()
    total = WARMUP_S
    for e in exercises:
        ex = cat.by_slug.get(e.get("slug"))
        work = e.get("duration_s") or (e.get("reps") or 0) * SECONDS_PER_REP
        if ex is not None and ex.unilateral:
            work *= 2
        total += TRANSITION_S + e.get("sets", 0) * (work + e.get("rest_s", 0))
    return total


def _side(ex: Exercise) -> int:
    return 1 if ex.pattern.startswith("push") else -1 if ex.pattern.startswith("pull") else 0


def _fit_to_session(chosen: list[Exercise], req: Request, peak: list[dict], cat: Catalogue) -> list[Exercise]:
    """The chosen exercises that fit the session at their peak-week dose (3 at least), with as
    many pulls as pushes: an unpaired push or pull is swapped for a later exercise that is neither."""
    budget = req.session_minutes * 60
    n = len(chosen)
    while n > 3 and estimate_seconds(peak[:n], cat) > budget:
        n -= 1
    kept, rest = list(range(n)), [i for i in range(n, len(chosen)) if _side(chosen[i]) == 0]
    while sum(_side(chosen[i]) for i in kept):
        over = 1 if sum(_side(chosen[i]) for i in kept) > 0 else -1
        kept.remove(max(i for i in kept if _side(chosen[i]) == over))
        if rest:
            kept.append(rest.pop(0))
    return [chosen[i] for i in sorted(kept)]


def generate(goal: str, level: str, days_per_week: int, weeks: int, session_minutes: int = 60,
             equipment=(), seed: int | None = None, catalogue: Catalogue | None = None) -> dict:
    """A plan (schema-valid dict). `equipment`: what is available besides bodyweight (see
    catalogue.EQUIPMENT). Raises UserError on unknown or out-of-range inputs."""
    req = Request(goal, level, days_per_week, weeks, session_minutes, tuple(equipment or ()), seed).checked()
    cat = catalogue or catalogue_mod.default()
    rng = random.Random(req.rng_seed())
    split = list(SPLITS[req.days_per_week])
    if req.goal in ("endurance", "fat_loss") and req.days_per_week in (3, 4, 5):
        split[-1] = "Conditioning"  # one dedicated conditioning day
    if req.goal == "return_from_injury":
        split = [["Full body A", "Full body B", "Full body C"][i % 3] for i in range(req.days_per_week)]
    deloads = set(deload_weeks(req.weeks, req.level, req.goal))
    block_len = 5 if req.level == "beginner" or req.goal == "return_from_injury" else 4

    # Choose each day's exercises once; they stay the same through the plan so progress shows.
    used_plan: dict[str, int] = {}
    days: list[tuple[int, str, list[Exercise]]] = []
    for weekday, title in zip(WEEKDAYS[req.days_per_week], split):
        patterns = list(TEMPLATES[title])
        if req.goal == "return_from_injury":
            patterns = ["mobility"] + patterns
        if req.goal in ("endurance", "fat_loss") and title != "Conditioning" and "conditioning" not in patterns:
            patterns = patterns[:4] + ["conditioning"] + patterns[4:]
        used_today: set[str] = set()
        chosen = []
        for p in patterns:
            ex = _pick(cat, p, req, rng, used_today, used_plan)
            if ex is not None:
                chosen.append(ex)
                used_today.add(ex.slug)
                used_plan[ex.slug] = used_plan.get(ex.slug, 0) + 1
        peak = [_entry(ex, req, 3, (req.weeks - 1) // block_len, False) for ex in chosen]
        days.append((weekday, title, _fit_to_session(chosen, req, peak, cat)))

    out_weeks = []
    for w in range(1, req.weeks + 1):
        block, build_week = (w - 1) // block_len, (w - 1) % block_len
        deload = w in deloads
        week = {"week": w, "deload": deload, "days": [
            {"day": weekday, "title": title,
             "exercises": [_entry(ex, req, build_week, block, deload) for ex in chosen]}
            for weekday, title, chosen in days]}
        if deload:
            week["notes"] = "Deload: about 40% fewer sets and lighter loads, to recover before the next block."
        out_weeks.append(week)

    label = req.goal.replace("_", " ")
    plan = {
        "name": f"{label.capitalize()} · {req.level} · {req.days_per_week} days/week · {req.weeks} weeks",
        "goal": req.goal, "level": req.level, "archetype": ARCHETYPES[req.days_per_week],
        "description": (f"Generated for sessions of up to {req.session_minutes} minutes (the longest in "
                        f"the hardest weeks) with "
                        f"{', '.join(req.equipment) or 'bodyweight only'}; deload weeks: "
                        f"{', '.join(map(str, sorted(deloads))) or 'none'}."),
        "weeks": out_weeks,
    }
    errors = schema.validate(plan, cat)
    if errors:  # a generator bug, never the user's fault: say exactly what broke
        raise RuntimeError(f"generated plan breaks the schema: {errors[:3]}")
    return plan


# Recovery session for a "rest" readiness answer: easy walk and mobility, bodyweight only.
RECOVERY = [
    {"slug": "brisk_walk", "sets": 1, "duration_s": 900, "rest_s": 0, "rpe": 3.0,
     "notes": "easy pace, able to talk"},
    {"slug": "cat_cow", "sets": 1, "reps": 10, "rest_s": 0},
    {"slug": "worlds_greatest_stretch", "sets": 1, "reps": 5, "rest_s": 0, "notes": "reps per side"},
    {"slug": "hip_flexor_stretch", "sets": 2, "duration_s": 30, "rest_s": 15, "notes": "seconds per side"},
    {"slug": "childs_pose", "sets": 1, "duration_s": 60, "rest_s": 0},
]


def adjust_for_readiness(day: dict, action: str) -> dict:
    """Today's workout adapted to the readiness answer (a new dict; `day` is not changed).

    train: as planned. modify: about a third fewer sets (fewer reps or seconds when only one
    set is planned), RPE 1 lower, load 10 points of 1RM lower. rest: a recovery session.
    """
    action = (action or "").strip().lower()
    if action not in READINESS_ACTIONS:
        raise UserError(f"Unknown readiness action {action!r}; expected train, modify or rest.")
    out = copy.deepcopy(day)
    if action == "train":
        return out
    if action == "rest":
        out["title"] = "Recovery (readiness: rest)"
        out["exercises"] = copy.deepcopy(RECOVERY)
        out["notes"] = "Readiness says rest: the planned session is replaced by easy movement."
        return out
    for e in out["exercises"]:
        sets = e["sets"]
        if sets > 1:
            e["sets"] = max(1, sets - max(1, math.ceil(sets / 3)))
        elif e.get("reps"):
            e["reps"] = max(1, math.floor(e["reps"] * 0.7)) if e["reps"] > 1 else 1
        elif e.get("duration_s"):
            e["duration_s"] = max(5, int(e["duration_s"] * 0.7))
        if e.get("rpe") is not None:
            e["rpe"] = max(1.0, e["rpe"] - 1.0)
        if e.get("load_pct_1rm") is not None:
            e["load_pct_1rm"] = max(10.0, e["load_pct_1rm"] - 10.0)
    out["title"] = f"{day.get('title') or 'Workout'} (readiness: modify)"
    out["notes"] = "Readiness says modify: fewer sets and lighter than planned."
    return out


def volume(day_or_week: dict) -> int:
    """Planned work of a day or week: sets x reps, plus sets x seconds / 3 for timed work
    (a rep counted as about 3 s), so the two kinds add up on one scale."""
    days = day_or_week.get("days", [day_or_week])
    total = 0.0
    for d in days:
        for e in d["exercises"]:
            total += e["sets"] * (e.get("reps") or (e.get("duration_s") or 0) / SECONDS_PER_REP)
    return int(round(total))
