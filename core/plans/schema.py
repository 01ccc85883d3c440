"""The plan schema (Pydantic v2, strict) and a validator that reports every violation at once.

A plan is `{"name", "goal", "level", "weeks": [{"week": 1, "days": [{"day": 1, "exercises":
[{"slug", "sets", "reps" | "duration_s", "rest_s", ...}]}]}]}`. The same check runs on plans
typed in the UI, imported as JSON, or produced by the generator.

`validate(data)` returns a list of `PlanError(path, message)`, with paths such as
`weeks[0].days[1].exercises[2].sets`. Field rules (types, ranges, unknown fields, catalogue
slugs) come from Pydantic, which collects them across the whole document; rules that span
fields (weeks numbered 1..N, no duplicate days, reps or duration) are checked on the raw
document as well, so they are reported together with the field errors, not after them.
"""
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from core.errors import UserError
from core.plans import catalogue as catalogue_mod

GOALS = ("strength", "hypertrophy", "endurance", "fat_loss", "general_fitness", "return_from_injury")
LEVELS = catalogue_mod.LEVELS
MAX_WEEKS = 16
MAX_SETS = 10
MAX_REPS = 50
MAX_EXERCISES_PER_DAY = 20


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class PlanExercise(_Strict):
    slug: str = Field(min_length=1, max_length=80)
    sets: int = Field(ge=1, le=MAX_SETS)
    reps: int | None = Field(default=None, ge=1, le=MAX_REPS)
    duration_s: int | None = Field(default=None, ge=5, le=3600)  # seconds of work per set
    rest_s: int = Field(ge=0, le=600)  # seconds between sets
    rpe: float | None = Field(default=None, ge=1, le=10)  # target rate of perceived exertion
    load_pct_1rm: float | None = Field(default=None, ge=10, le=100)  # target load, % of 1RM
    load_kg: float | None = Field(default=None, ge=0, le=500)
    notes: str | None = Field(default=None, max_length=500)

    @field_validator("slug")
    @classmethod
    def _known_slug(cls, v: str, info: ValidationInfo) -> str:
        slugs = (info.context or {}).get("slugs")
        if slugs is not None and v not in slugs:
            raise ValueError(f"unknown exercise {v!r}: not in the exercise catalogue")
        return v


class PlanDay(_Strict):
    day: int = Field(ge=1, le=7)  # day of the plan week; day 1 is the assignment's start weekday
    title: str | None = Field(default=None, max_length=120)
    exercises: list[PlanExercise] = Field(min_length=1)  # at most MAX_EXERCISES_PER_DAY: _cross_checks
    notes: str | None = Field(default=None, max_length=500)


class PlanWeek(_Strict):
    week: int = Field(ge=1, le=MAX_WEEKS)
    deload: bool = False
    days: list[PlanDay] = Field(min_length=1)  # at most 7: _cross_checks
    notes: str | None = Field(default=None, max_length=500)


class Plan(_Strict):
    name: str = Field(min_length=1, max_length=200)
    goal: Literal[GOALS]
    level: Literal[LEVELS]
    archetype: str | None = Field(default=None, max_length=80)
    description: str | None = Field(default=None, max_length=2000)
    # At most MAX_WEEKS, checked in _cross_checks: Pydantic stops at a too-long list without
    # checking its items, and every violation must be reported at once.
    weeks: list[PlanWeek] = Field(min_length=1)


@dataclass(frozen=True)
class PlanError:
    path: str  # JSON path, e.g. weeks[0].days[1].exercises[2].sets ("$" for the whole plan)
    message: str

    def as_dict(self) -> dict:
        return {"path": self.path, "message": self.message}


class PlanInvalid(UserError):
    """The plan breaks the schema; `errors` lists every violation."""

    def __init__(self, errors: list[PlanError]):
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"The plan is not valid: {first.path}: {first.message}{more}",
                         "fix the fields listed by path")
        self.errors = errors


def format_path(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "$"


def _plain(err: dict) -> str:
    """Pydantic's error as a short sentence a coach can act on."""
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a plan field"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {got!r}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, got {got!r}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)" if isinstance(got, list) \
            else f"needs at least {ctx.get('min_length')} character(s)"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} item(s), got {ctx.get('actual_length')}" \
            if isinstance(got, list) else f"allows at most {ctx.get('max_length')} characters"
    if kind == "int_type":
        return f"must be a whole number, got {got!r}"
    if kind == "float_type":
        return f"must be a number, got {got!r}"
    if kind == "string_type":
        return f"must be text, got {got!r}"
    if kind == "bool_type":
        return f"must be true or false, got {got!r}"
    if kind == "list_type":
        return "must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be an object" if err["loc"] else "a plan must be a JSON object"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {got!r}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return err["msg"]


def _int(x) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def _cross_checks(data) -> list[tuple[tuple, str]]:
    """Rules spanning fields, on the raw document (tolerant of any other breakage)."""
    out = []
    weeks = data.get("weeks") if isinstance(data, dict) else None
    if not isinstance(weeks, list):
        return out
    if len(weeks) > MAX_WEEKS:
        out.append((("weeks",), f"allows at most {MAX_WEEKS} weeks, got {len(weeks)}"))
    for wi, week in enumerate(weeks):
        if not isinstance(week, dict):
            continue
        n = _int(week.get("week"))
        if n is not None and 1 <= n <= MAX_WEEKS and n != wi + 1:
            out.append((("weeks", wi, "week"),
                        f"weeks must be numbered 1..{len(weeks)} in order: expected {wi + 1}, got {n}"))
        days = week.get("days")
        if not isinstance(days, list):
            continue
        if len(days) > 7:
            out.append((("weeks", wi, "days"), f"allows at most 7 days a week, got {len(days)}"))
        seen: dict[int, int] = {}
        for di, day in enumerate(days):
            if not isinstance(day, dict):
                continue
            d = _int(day.get("day"))
            if d is not None and 1 <= d <= 7:
                if d in seen:
                    out.append((("weeks", wi, "days", di, "day"),
                                f"day {d} appears twice in week {wi + 1} (first at days[{seen[d]}])"))
                else:
                    seen[d] = di
            exercises = day.get("exercises")
            if not isinstance(exercises, list):
                continue
            if len(exercises) > MAX_EXERCISES_PER_DAY:
                out.append((("weeks", wi, "days", di, "exercises"),
                            f"allows at most {MAX_EXERCISES_PER_DAY} exercises a day, got {len(exercises)}"))
            for ei, ex in enumerate(exercises):
                if not isinstance(ex, dict):
                    continue
                has_reps, has_dur = ex.get("reps") is not None, ex.get("duration_s") is not None
                where = ("weeks", wi, "days", di, "exercises", ei)
                if has_reps and has_dur:
                    out.append((where, "give either reps or duration_s, not both"))
                elif not has_reps and not has_dur:
                    out.append((where, "needs reps (1-50) or duration_s (seconds)"))
    return out


def _sort_key(loc: tuple):
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in loc)


def validate(data, catalogue: "catalogue_mod.Catalogue | None" = None) -> list[PlanError]:
    """Every violation of the plan schema in `data` (a parsed JSON document), in document order.

    Slugs are checked against `catalogue` (default: the shipped one). Empty list = valid.
    """
    cat = catalogue if catalogue is not None else catalogue_mod.default()
    found: list[tuple[tuple, str]] = []
    try:
        Plan.model_validate(data, strict=True, context={"slugs": cat.slugs()})
    except ValidationError as e:
        found += [(tuple(err["loc"]), _plain(err)) for err in e.errors(include_url=False)]
    field_paths = {loc for loc, _ in found}
    found += [(loc, msg) for loc, msg in _cross_checks(data) if loc not in field_paths]
    found.sort(key=lambda item: _sort_key(item[0]))
    return [PlanError(format_path(loc), msg) for loc, msg in found]


def parse(data, catalogue: "catalogue_mod.Catalogue | None" = None) -> Plan:
    """The validated plan; raises PlanInvalid listing every violation."""
    errors = validate(data, catalogue)
    if errors:
        raise PlanInvalid(errors)
    return Plan.model_validate(data, strict=True)


def parse_json_text(text: str | bytes) -> dict:
    """JSON text to a document; UserError with the line and column when it is not JSON."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(f"Not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}.",
                        "export the plan again or fix the file in a JSON editor")
    except UnicodeDecodeError:
        raise UserError("Not valid JSON: the file is not UTF-8 text.", "upload a .json plan file")
    except RecursionError:
        raise UserError("Not a plan: the JSON is nested far too deeply.", "upload a .json plan file")


def to_dict(plan: Plan) -> dict:
    """Canonical JSON-ready form (optional fields left out when empty)."""
    return plan.model_dump(exclude_none=True)
