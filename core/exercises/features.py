"""Per-frame body measurements that exercise specs refer to by name.

`frame_features(row, world, aspect)` turns one frame's landmarks into a flat dict:
side-specific values are named `<feature>.left` / `<feature>.right`, whole-body values have
no suffix. NaN where the landmarks are missing. Angles are degrees, heights and distances
are in frame heights (y grows downward in the image), ratios have no unit.

Joint angles take the smaller of the image-plane angle and MediaPipe's 3D (world) angle:
seen from the front, a bent knee or elbow points at the camera and looks straighter in the
image than it is; the 3D estimate keeps the bend, while seen from the side the image angle
is the more precise of the two.
"""
from __future__ import annotations

import math

import numpy as np

from core.pose.track import LM

SIDES = ("left", "right")

# landmark triples (a, joint, c) of the joint angles, per side
_ANGLES = {
    "knee": ("hip", "knee", "ankle"),
    "elbow": ("shoulder", "elbow", "wrist"),
    "hip": ("shoulder", "hip", "knee"),
    "arm": ("hip", "shoulder", "wrist"),      # arm raised from the trunk (0 down, 180 overhead)
}
# landmarks whose visibility says whether a side's feature can be trusted
VIS_OF = {"knee": ("hip", "knee", "ankle"), "elbow": ("shoulder", "elbow", "wrist"),
          "hip": ("shoulder", "hip", "knee"), "arm": ("hip", "shoulder", "wrist"),
          "hip_to_knee": ("hip", "knee")}

UNITS = {"knee": "deg", "elbow": "deg", "hip": "deg", "arm": "deg", "hip_to_knee": "thigh lengths"}


def angle_2d(a, b, c) -> float:
    v1x, v1y, v2x, v2y = a[0] - b[0], a[1] - b[1], c[0] - b[0], c[1] - b[1]
    n = math.hypot(v1x, v1y) * math.hypot(v2x, v2y)
    if not n or n != n:
        return math.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, (v1x * v2x + v1y * v2y) / n))))


def angle_3d(a, b, c) -> float:
    v1, v2 = a - b, c - b
    n = float(np.linalg.norm(v1) * np.linalg.norm(v2))
    if not n or n != n:
        return math.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, float(v1 @ v2) / n))))


def _from_vertical(p_from, p_to) -> float:
    """Angle (deg) of the segment p_from->p_to against straight up in the image."""
    dx, dy = p_to[0] - p_from[0], p_to[1] - p_from[1]
    if dx != dx or dy != dy or (dx == 0 and dy == 0):
        return math.nan
    return math.degrees(math.atan2(abs(dx), -dy))


def frame_features(row: np.ndarray, world: np.ndarray | None = None, aspect: float = 1.0) -> dict:
    """Features of one frame. row: (33, 4) normalised x, y, z, visibility; world: (33, 3)
    metres or None; aspect: frame width / height (makes image distances square)."""
    row = np.asarray(row, dtype=np.float64)
    p = row[:, :2] * np.array([aspect, 1.0])  # square units: one unit = the frame height
    vis = np.nan_to_num(row[:, 3], nan=0.0)
    w = None if world is None else np.asarray(world, dtype=np.float64)
    if w is not None and np.isnan(w).all():
        w = None
    f: dict = {}
    for s in SIDES:
        idx = {k: LM[f"{s}_{k}"] for k in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle",
                                            "heel", "foot_index")}
        for name, (a, b, c) in _ANGLES.items():
            ia, ib, ic = idx[a], idx[b], idx[c]
            ang = angle_2d(p[ia], p[ib], p[ic])
            if w is not None and name in ("knee", "elbow"):
                a3 = angle_3d(w[ia], w[ib], w[ic])
                if a3 == a3 and (ang != ang or a3 < ang):
                    ang = a3
            f[f"{name}.{s}"] = ang
        for name, parts in VIS_OF.items():
            f[f"vis_{name}.{s}"] = float(min(vis[LM[f'{s}_{q}']] for q in parts))
        hip, knee, ankle, sh = p[idx["hip"]], p[idx["knee"]], p[idx["ankle"]], p[idx["shoulder"]]
        f[f"hip_y.{s}"] = hip[1]
        f[f"knee_y.{s}"] = knee[1]
        # thigh: 1 = hip a thigh length above the knee (standing), 0 = hip at knee height
        shin = math.hypot(*(ankle - knee))
        f[f"hip_to_knee.{s}"] = (knee[1] - hip[1]) / shin if shin > 1e-6 else math.nan
        f[f"trunk_lean.{s}"] = _from_vertical(hip, sh)
        # upper arm against the trunk's hanging direction: 0 = elbow straight under the shoulder
        f[f"upper_arm_from_vertical.{s}"] = _from_vertical(p[idx["elbow"]], sh)
        # body line for push-ups/planks: signed angle (deg) of the hip off the shoulder-knee
        # line (knees rather than ankles: feet are often cut off at the frame's edge);
        # + = hips piked up, - = hips sagging
        line = knee - sh
        ln = math.hypot(*line)
        if ln > 1e-6:
            cross = (line[0] * (hip[1] - sh[1]) - line[1] * (hip[0] - sh[0])) / ln
            # which way is "up" relative to the line depends on the direction the body points
            sign = -1.0 if line[0] >= 0 else 1.0
            f[f"hip_line.{s}"] = math.degrees(math.atan2(sign * cross, ln / 2))
        else:
            f[f"hip_line.{s}"] = math.nan
        # heel raised above the toes, in foot lengths (side view)
        heel, toe = p[idx["heel"]], p[idx["foot_index"]]
        foot = math.hypot(*(toe - heel))
        f[f"heel_lift.{s}"] = (toe[1] - heel[1]) / foot if foot > 1e-6 else math.nan
    # whole body
    lh, rh, lk, rk, la, ra = (p[LM[n]] for n in ("left_hip", "right_hip", "left_knee", "right_knee",
                                                   "left_ankle", "right_ankle"))
    ls, rs = p[LM["left_shoulder"]], p[LM["right_shoulder"]]
    hip_w = abs(lh[0] - rh[0])
    ankle_w = abs(la[0] - ra[0])
    torso = math.hypot(*((ls + rs) / 2 - (lh + rh) / 2))
    f["hip_width"] = hip_w / torso if torso > 1e-6 else math.nan
    # frontal view: hips look wide relative to the torso (side view: hips overlap)
    f["frontal"] = 1.0 if f["hip_width"] == f["hip_width"] and f["hip_width"] > 0.35 else 0.0
    f["side_view"] = 1.0 if f["hip_width"] == f["hip_width"] and f["hip_width"] < 0.2 else 0.0
    f["knee_over_ankle_width"] = abs(lk[0] - rk[0]) / ankle_w if ankle_w > 1e-6 else math.nan
    f["ankle_spread"] = ankle_w / hip_w if hip_w > 1e-6 else math.nan
    f["ankle_spread_torso"] = ankle_w / torso if torso > 1e-6 else math.nan
    f["trunk_lean"] = _from_vertical((lh + rh) / 2, (ls + rs) / 2)
    f["present"] = 0.0 if np.isnan(row[:, :2]).all() else 1.0
    return f
