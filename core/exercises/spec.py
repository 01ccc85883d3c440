"""What an exercise spec says: the signal to follow, its thresholds, timing limits, depth
reference and the faults to look for. Specs are data; `rep_counter.RepCounter` runs them.

Thresholds are in the signal's unit. A rep is: leave `rest` (cross `enter`), reach at least
`count` (else it is a partial, not counted), come back past `exit` (hysteresis: `exit` sits
between `enter` and `rest`, so jitter around one threshold cannot count twice).
`direction` says which way the working phase moves the signal ("down": knee angle of a
squat goes down; "up": arm angle of a jumping jack goes up).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class FaultSpec:
    """A form fault found on a rep's frames.

    feature: a name from `features.frame_features` without the side suffix (the rep's side
        is used for sided features), or "signal" (the primary signal), or "rep.<key>" for a
        value of the rep itself (e.g. "rep.depth_pct").
    phase:  which frames of the rep: "all", "bottom" (near the extreme), "top" (near rest).
    agg:    how the phase's frames are summarised: "median", "max", "min", "range" (max-min).
    op, threshold: the fault is present when `agg(values) <op> threshold`.
    only_if: a whole-body feature that must be truthy on most of the rep's frames (e.g.
        "frontal": knees caving can only be judged from the front).
    """
    name: str
    message: str
    feature: str
    op: str
    threshold: float
    phase: str = "all"
    agg: str = "median"
    only_if: str | None = None


@dataclass(frozen=True)
class ExerciseSpec:
    name: str                  # slug: squat, pushup, bicep_curl, lunge, jumping_jack
    label: str
    signal: str                # feature name without side, e.g. "knee"
    signal_label: str          # e.g. "knee angle"
    unit: str                  # "deg" or a ratio unit
    direction: str             # "down" or "up" during the working phase
    rest: float                # typical value at rest (0 % depth)
    target: float              # the full-depth / full-range reference (100 %)
    enter: float               # leaving rest starts a rep candidate
    count: float               # must be reached for the rep to count
    exit: float                # back at rest: the rep is complete
    min_rep_s: float = 0.4     # shorter cycles are noise
    max_rep_s: float = 12.0    # longer ones are not one rep (person stopped mid-way)
    depth: str = "signal"      # "signal": % of rest->target on the signal; "hip_to_knee"
    sides: str = "best"        # "best": better-seen side per rep; "each": every limb on its own
    side_of_rep: str = "measured"  # "measured" (side used), "front_leg" (lunges), or per limb
    min_visibility: float = 0.3    # a side with lower landmark visibility is not trusted
    max_gap_s: float = 0.5     # longer gaps (no person, cut-away) reset the counter
    smooth_hz: float = 2.0     # One Euro min cutoff; fast movements need a higher one
    posture: str | None = None  # "horizontal" / "upright": frames in another posture (getting
                                # down to the floor, standing up after a set) are not counted
    faults: tuple[FaultSpec, ...] = field(default_factory=tuple)

    def sign(self) -> float:
        """+1 when the working phase lowers the signal, -1 when it raises it."""
        return 1.0 if self.direction == "down" else -1.0

    def tunables(self) -> dict:
        """The thresholds a researcher may change (for re-counting)."""
        keys = ("enter", "count", "exit", "target", "rest", "min_rep_s", "max_rep_s",
                "min_visibility", "max_gap_s", "smooth_hz")
        return {k: getattr(self, k) for k in keys}

    def with_params(self, params: dict | None) -> "ExerciseSpec":
        """A copy with some tunables changed; unknown keys raise ValueError."""
        if not params:
            return self
        allowed = self.tunables()
        bad = [k for k in params if k not in allowed]
        if bad:
            raise ValueError(f"unknown parameter(s) for {self.name}: {', '.join(bad)}; "
                             f"known: {', '.join(allowed)}")
        odd = [k for k, v in params.items() if not math.isfinite(float(v))]
        if odd:
            raise ValueError(f"{', '.join(odd)} must be a finite number")
        new = replace(self, **{k: type(allowed[k])(v) for k, v in params.items()})
        new.validate()
        return new

    def validate(self) -> None:
        s = self.sign()
        # in "down" units: rest > exit >= enter > count >= target
        r, x, e, c = (s * v for v in (self.rest, self.exit, self.enter, self.count))
        if not (r >= x >= e > c):
            raise ValueError(f"{self.name}: thresholds must be ordered rest >= exit >= enter > count "
                             f"({'decreasing' if s > 0 else 'increasing'} signal)")
        if self.min_rep_s <= 0 or self.max_rep_s <= self.min_rep_s:
            raise ValueError(f"{self.name}: need 0 < min_rep_s < max_rep_s")

    def describe(self) -> dict:
        return asdict(self)
