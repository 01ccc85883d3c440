"""Exercises: one declarative spec per exercise (`squat.py`, `pushup.py`...), one counter
(`rep_counter.RepCounter`) that runs any of them frame by frame, and `recognize` for auto mode.
"""
from core.exercises import bicep_curl, jumping_jack, lunge, pushup, squat
from core.exercises.spec import ExerciseSpec, FaultSpec  # noqa: F401

SPECS: dict[str, ExerciseSpec] = {m.SPEC.name: m.SPEC for m in (squat, pushup, bicep_curl, lunge, jumping_jack)}
EXERCISES = tuple(SPECS)


def get_spec(name: str, params: dict | None = None) -> ExerciseSpec:
    """The spec of `name`, with `params` (tunables) applied. UserError on unknown names/params."""
    from core.errors import UserError
    if name not in SPECS:
        raise UserError(f"Unknown exercise {name!r}", f"choose one of: {', '.join(SPECS)}")
    try:
        return SPECS[name].with_params(params)
    except (ValueError, TypeError) as e:
        raise UserError(f"Bad parameters: {e}") from e
