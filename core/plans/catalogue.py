"""The exercise catalogue: `data/exercises.json`, mirrored into the `plan_exercises` table.

The file is the source of truth (shipped with the code); `sync` upserts it into the database
on start, idempotently, so queries and other features can join on exercise slugs.
"""
import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from core import config
from core.errors import UserError
from core.storage import Database
from core.storage.tables_plans import plan_exercises
from core.timeutil import utcnow

CATALOGUE_FILE = config.PROJECT_ROOT / "data" / "exercises.json"
LEVELS = ("beginner", "intermediate", "advanced")
PATTERNS = ("squat", "hinge", "lunge", "push_horizontal", "push_vertical", "pull_horizontal",
            "pull_vertical", "arms", "core", "carry", "conditioning", "mobility")
EQUIPMENT = ("barbell", "dumbbell", "kettlebell", "band", "bench", "box", "pullup_bar", "cable",
             "machine", "jump_rope", "rower", "bike")
# The exercise keys CoachLab's video analysis counts (contracts.md, `video analyze --exercise`).
VIDEO_EXERCISES = ("squat", "pushup", "bicep_curl", "lunge", "jumping_jack")
MEASURES = ("reps", "time")
CONDITIONING_MODES = ("steady", "intervals", "both")  # long steady efforts, short bursts, or either


@dataclass(frozen=True)
class Exercise:
    slug: str
    name: str
    pattern: str
    muscle_groups: tuple[str, ...]
    equipment: tuple[str, ...]  # everything required; empty = bodyweight only
    level: str
    unilateral: bool
    video_exercise: str | None  # key for `video analyze --exercise`, None when not countable
    measure: str  # "reps" or "time" (seconds)
    high_impact: bool
    clip: str | None  # key of the demo clip in the clip store
    conditioning: str | None = None  # conditioning exercises: steady, intervals or both

    @property
    def video_analysable(self) -> bool:
        return self.video_exercise is not None

    def fits(self, equipment: set[str]) -> bool:
        """True when everything this exercise needs is in `equipment`."""
        return set(self.equipment) <= set(equipment)


class Catalogue:
    """Exercises by slug, in file order."""

    def __init__(self, exercises: list[Exercise]):
        self.exercises = list(exercises)
        self.by_slug = {e.slug: e for e in self.exercises}

    def __contains__(self, slug) -> bool:
        return slug in self.by_slug

    def __getitem__(self, slug: str) -> Exercise:
        return self.by_slug[slug]

    def __len__(self) -> int:
        return len(self.exercises)

    def slugs(self) -> set[str]:
        return set(self.by_slug)

    def name(self, slug: str) -> str:
        e = self.by_slug.get(slug)
        return e.name if e else slug


def _parse(raw: dict, where: str) -> Exercise:
    try:
        e = Exercise(slug=str(raw["slug"]), name=str(raw["name"]), pattern=str(raw["pattern"]),
                     muscle_groups=tuple(raw["muscle_groups"]), equipment=tuple(raw["equipment"]),
                     level=str(raw["level"]), unilateral=bool(raw["unilateral"]),
                     video_exercise=raw.get("video_exercise"), measure=str(raw["measure"]),
                     high_impact=bool(raw.get("high_impact", False)), clip=raw.get("clip"),
                     conditioning=raw.get("conditioning"))
    except (KeyError, TypeError) as err:
        raise UserError(f"{where}: exercise entry is missing or has a bad field ({err}).")
    problems = []
    if e.pattern not in PATTERNS:
        problems.append(f"pattern {e.pattern!r}")
    if e.level not in LEVELS:
        problems.append(f"level {e.level!r}")
    if e.measure not in MEASURES:
        problems.append(f"measure {e.measure!r}")
    if e.video_exercise is not None and e.video_exercise not in VIDEO_EXERCISES:
        problems.append(f"video_exercise {e.video_exercise!r}")
    if e.conditioning is not None and e.conditioning not in CONDITIONING_MODES:
        problems.append(f"conditioning mode {e.conditioning!r}")
    if set(e.equipment) - set(EQUIPMENT):
        problems.append(f"equipment {sorted(set(e.equipment) - set(EQUIPMENT))}")
    if problems:
        raise UserError(f"{where}: exercise {e.slug!r} has an unknown {', '.join(problems)}.")
    return e


def from_file(path: Path | str = CATALOGUE_FILE) -> Catalogue:
    """Read and check a catalogue file (JSON: {"exercises": [...]})."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise UserError(f"The exercise catalogue {path} is not valid JSON (line {e.lineno}).")
    items = [_parse(raw, path.name) for raw in doc.get("exercises", [])]
    slugs = [e.slug for e in items]
    if len(set(slugs)) != len(slugs):
        raise UserError(f"{path.name}: duplicate exercise slugs.")
    return Catalogue(items)


@lru_cache(maxsize=1)
def default() -> Catalogue:
    """The shipped catalogue (read once per process)."""
    return from_file(CATALOGUE_FILE)


def _db_row(e: Exercise) -> dict:
    d = asdict(e)
    d["muscle_groups"] = json.dumps(list(e.muscle_groups))
    d["equipment"] = json.dumps(list(e.equipment))
    return d


def sync(db: Database, catalogue: Catalogue | None = None) -> int:
    """Upsert the catalogue into `plan_exercises`; returns how many rows changed (0 when in sync).

    Exercises that left the file are kept but marked retired: stored plans may still name them.
    """
    catalogue = catalogue or default()
    wanted = {e.slug: _db_row(e) for e in catalogue.exercises}
    cols = [c for c in next(iter(wanted.values()))]
    changed = 0
    with db.begin() as conn:
        stored = {r.slug: r for r in conn.execute(sa.select(plan_exercises))}
        now = utcnow()
        for slug, row in wanted.items():
            old = stored.get(slug)
            if old is None:
                conn.execute(plan_exercises.insert().values(**row, retired=False, synced_at=now))
                changed += 1
            elif old.retired or any(getattr(old, c) != row[c] for c in cols):
                conn.execute(plan_exercises.update().where(plan_exercises.c.slug == slug)
                             .values(**row, retired=False, synced_at=now))
                changed += 1
        for slug, old in stored.items():
            if slug not in wanted and not old.retired:
                conn.execute(plan_exercises.update().where(plan_exercises.c.slug == slug)
                             .values(retired=True, synced_at=now))
                changed += 1
    return changed


def load(db: Database) -> Catalogue:
    """The catalogue as stored in the database (active exercises), in slug order."""
    with db.begin() as conn:
        rows = conn.execute(sa.select(plan_exercises).where(plan_exercises.c.retired.is_(False))
                            .order_by(plan_exercises.c.slug)).all()
    return Catalogue([Exercise(slug=r.slug, name=r.name, pattern=r.pattern,
                               muscle_groups=tuple(json.loads(r.muscle_groups)),
                               equipment=tuple(json.loads(r.equipment)), level=r.level,
                               unilateral=bool(r.unilateral), video_exercise=r.video_exercise,
                               measure=r.measure, high_impact=bool(r.high_impact), clip=r.clip,
                               conditioning=r.conditioning)
                      for r in rows])
