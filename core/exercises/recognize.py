"""Auto mode: which supported exercise is this clip, from its pose track.

Every spec's counter runs over the clip (cheap once the pose is known); the body's
orientation and which joints actually cycle then decide:
- a horizontal trunk for most of the reps -> push-up;
- the arms swinging from the sides to overhead -> jumping jack;
- the knees bending -> squat, or lunge when the two thighs differ a lot at the bottom
  (one thigh level in front, the other pointing down behind);
- otherwise the elbows bending with the upper arms still -> biceps curl.
Returns the name and a score per exercise (reps that exercise's counter found, weighted
by how well the clip matches the exercise's posture), so a person can see the runner-up.

The curl is what is left when nothing else fits, so any arm movement that bends the elbows
(punches, presses, raises) lands there. `doubt` says when the clip does not look like the
exercise picked: in a curl the upper arms hang by the body.
"""
from __future__ import annotations

import math

import numpy as np

from core.exercises import SPECS
from core.exercises.features import angle_2d, angle_3d
from core.exercises.rep_counter import RepCounter, count_track
from core.pose.track import LM

# A curl's upper arm hangs by the trunk (the elbow-drift fault starts at 35 deg); a typical
# rep with the arm further out than halfway to level is some other movement.
CURL_ARM_LIMIT_DEG = 45.0


def _median_over(feats: list[dict], key: str, t: np.ndarray, spans: list[tuple[float, float]]) -> float:
    vals = [f.get(key, math.nan) for f, ti in zip(feats, t) if any(a <= ti <= b for a, b in spans)]
    vals = [v for v in vals if v == v]
    return float(np.median(vals)) if vals else math.nan


def _bottom_spans(counter: RepCounter, half: float = 0.15) -> list[tuple[float, float]]:
    return [(r.bottom_s - half, r.bottom_s + half) for r in counter.reps]


def recognize(track, feats: list[dict]) -> tuple[str, dict, dict]:
    """(exercise name, {name: score}, {name: (counter, signal)}) for a PoseTrack."""
    t = np.asarray(track.t)
    runs = {name: count_track(track, spec, feats) for name, spec in SPECS.items()}
    n = {name: len(c.reps) for name, (c, _) in runs.items()}
    present = [f for f in feats if f.get("present")]
    lean = float(np.median([f["trunk_lean"] for f in present if f["trunk_lean"] == f["trunk_lean"]] or [0.0]))
    scores = {name: float(k) for name, k in n.items()}
    # posture weights: a horizontal body is a push-up (or plank), an upright one is not
    horizontal = lean > 55.0
    scores["pushup"] *= 1.5 if horizontal else 0.1
    for name in ("squat", "lunge", "jumping_jack", "bicep_curl"):
        scores[name] *= 0.1 if horizontal else 1.0
    if not horizontal:
        knee = max(n["squat"], n["lunge"])
        if n["jumping_jack"] >= max(2, 0.5 * knee):
            scores["jumping_jack"] *= 2.0  # arms overhead and back is specific to jacks
        if knee:
            scores["bicep_curl"] *= 0.3     # arms move in squats too; the knees decide
            c = runs["lunge"][0] if n["lunge"] else runs["squat"][0]
            spans = _bottom_spans(c)
            diff = _median_over([{"d": abs(f.get("hip_to_knee.left", math.nan) - f.get("hip_to_knee.right", math.nan))}
                                 for f in feats], "d", t, spans)
            if diff == diff and diff > 0.45:
                scores["squat"] *= 0.5
            else:
                scores["lunge"] *= 0.5
    best = max(scores, key=lambda k: (scores[k], -list(SPECS).index(k)))
    if scores[best] <= 0:
        best = "pushup" if horizontal else "squat"
    return best, {k: round(v, 2) for k, v in scores.items()}, runs


def _arm_from_trunk(track, i: int, side: str) -> float:
    """Angle (deg) between the upper arm and the trunk at the shoulder on frame i: 0 = hanging
    by the body, 90 = raised level. Metric world landmarks when the frame has them (the same
    from any camera angle), else the image."""
    elbow, shoulder, hip = (LM[f"{side}_{k}"] for k in ("elbow", "shoulder", "hip"))
    w = np.asarray(track.world[i], np.float64)
    if np.isfinite(w[[elbow, shoulder, hip]]).all():
        return angle_3d(w[elbow], w[shoulder], w[hip])
    aspect = track.width / track.height if track.height else 1.0
    p = np.asarray(track.landmarks[i], np.float64)[:, :2] * np.array([aspect, 1.0])
    return angle_2d(p[elbow], p[shoulder], p[hip])


def doubt(name: str, track, runs: dict) -> str | None:
    """Why the clip may be none of the supported exercises although auto mode picked `name`
    (a phrase for the user), or None. runs: `recognize`'s third value."""
    if name != "bicep_curl" or not runs[name][0].reps:
        return None
    t = np.asarray(track.t)
    typical = []
    for rep in runs[name][0].reps:
        sides = [rep.measured_side] if rep.measured_side in ("left", "right") else ["left", "right"]
        frames = np.flatnonzero((t >= rep.start_s) & (t <= rep.end_s) & np.asarray(track.present))
        vals = [a for i in frames for s in sides if (a := _arm_from_trunk(track, int(i), s)) == a]
        if vals:
            typical.append(float(np.median(vals)))
    if not typical or float(np.median(typical)) <= CURL_ARM_LIMIT_DEG:
        return None
    return (f"the upper arms were about {np.median(typical):.0f}° out from the body during the movements, "
            "while in a standing curl they hang by it (punches, presses and raises look like this; "
            "so does a preacher curl)")
