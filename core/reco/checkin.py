"""The daily check-in (and the session outcome that may follow it), validated field by field.

Scales: sleep_quality, energy, motivation: 1 = worst, 5 = best. stress, soreness: 1 = none,
5 = very high. illness: 0/1. Outcome: session_quality and rpe 1-10, duration in minutes.
A bad value is refused with one message per field, naming it (`CheckinInvalid.errors`).
"""
import math
import re
from dataclasses import asdict, dataclass, fields
from datetime import date

from core.errors import UserError

# name: (label, unit, low, high, integer?, required?)
FIELDS = {
    "sleep_hours": ("sleep", "h", 0.0, 16.0, False, True),
    "sleep_quality": ("sleep quality", "1-5", 1, 5, True, True),
    "energy": ("energy", "1-5", 1, 5, True, True),
    "stress": ("stress", "1-5", 1, 5, True, True),
    "soreness": ("soreness", "1-5", 1, 5, True, True),
    "motivation": ("motivation", "1-5", 1, 5, True, True),
    "illness": ("illness", "0/1", 0, 1, True, True),
    "resting_hr": ("resting heart rate", "bpm", 25.0, 130.0, False, False),
    "hrv_ms": ("HRV", "ms", 5.0, 300.0, False, False),
}
OUTCOME_FIELDS = {
    "session_quality": ("session quality", "1-10", 1.0, 10.0, False, False),
    "duration_min": ("duration", "min", 0.0, 600.0, False, False),
    "rpe": ("RPE", "1-10", 1.0, 10.0, False, False),
}
ALL_FIELDS = {**FIELDS, **OUTCOME_FIELDS}
REQUIRED = tuple(k for k, spec in FIELDS.items() if spec[5])
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CheckinInvalid(UserError):
    """One or more fields are missing or out of range; `errors` maps field -> message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        first = next(iter(errors))
        more = f" (and {len(errors) - 1} more: {', '.join(list(errors)[1:])})" if len(errors) > 1 else ""
        super().__init__(f"{first}: {errors[first]}{more}")


@dataclass(frozen=True)
class Checkin:
    sleep_hours: float
    sleep_quality: int
    energy: int
    stress: int
    soreness: int
    motivation: int
    illness: int
    resting_hr: float | None = None
    hrv_ms: float | None = None
    session_quality: float | None = None
    duration_min: float | None = None
    rpe: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def has_outcome(self) -> bool:
        return self.session_quality is not None


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _check(name: str, value, spec) -> tuple[object, str | None]:
    label, unit, lo, hi, integer, _ = spec
    if isinstance(value, bool):
        value = int(value)
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return None, f"must be a number ({unit}), got {value!r}"
    if math.isnan(number) or math.isinf(number):
        return None, f"must be a number ({unit}), got {value!r}"
    if not lo <= number <= hi:
        return None, f"{label} must be between {lo:g} and {hi:g} ({unit}), got {number:g}"
    if integer:
        if number != int(number):
            return None, f"{label} must be a whole number {lo:g}-{hi:g}, got {number:g}"
        return int(number), None
    return number, None


def parse(values: dict, outcome: bool = True) -> Checkin:
    """A Checkin from a mapping (JSON, CSV row, form); raises CheckinInvalid listing every bad field.

    Unknown keys are ignored (the callers say so); outcome fields are read when `outcome`.
    """
    clean, errors = {}, {}
    specs = ALL_FIELDS if outcome else FIELDS
    for name, spec in specs.items():
        raw = values.get(name)
        if _blank(raw):
            if spec[5]:
                errors[name] = f"{spec[0]} is required ({spec[1]})"
            continue
        value, problem = _check(name, raw, spec)
        if problem:
            errors[name] = problem
        else:
            clean[name] = value
    if outcome and "session_quality" in clean and "rpe" not in clean:
        errors["rpe"] = "RPE is required when a session quality is given (1-10)"
    if errors:
        raise CheckinInvalid(errors)
    return Checkin(**clean)


def parse_date(text) -> date:
    """A YYYY-MM-DD date, exactly that form; raises UserError otherwise."""
    s = "" if text is None else str(text).strip()
    if not _DATE.match(s):
        raise UserError(f"date must be YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise UserError(f"date {s!r} is not a calendar date")


CHECKIN_KEYS = tuple(f.name for f in fields(Checkin))
