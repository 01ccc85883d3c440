"""Synthetic stick-figure pose tracks for the rep-counter tests (no video, no model).

A side-view figure stands with its ankles at (0.5, 0.9) of a square frame; joint angles
come from time series given by the test, so the true count is known exactly.
"""
import math

import numpy as np

from core.pose.track import LM, PoseTrack

SHIN = THIGH = 0.2
TORSO = 0.3
ARM = 0.13


def dips(t: np.ndarray, times, low: float, high: float = 175.0, width: float = 1.6) -> np.ndarray:
    """A signal resting at `high` that dips to `low` around each time in `times` (cosine bell
    `width` seconds wide)."""
    s = np.full_like(t, high, dtype=float)
    for c in times:
        m = np.abs(t - c) < width / 2
        s[m] = np.minimum(s[m], high - (high - low) * 0.5 * (1 + np.cos(2 * np.pi * (t[m] - c) / width)))
    return s


def figure(knee: float = 175.0, elbow_l: float = 175.0, elbow_r: float = 175.0, arm: float = 10.0,
           lean: float = 5.0, vis_l: float = 0.9, vis_r: float = 0.9, frontal: bool = False) -> np.ndarray:
    """(33, 4) landmarks of one frame: knee angle, elbow angles (deg, 180 = straight), arm
    raised from the trunk (deg, 0 = hanging, 180 = overhead), trunk lean from vertical."""
    lm = np.zeros((33, 4), np.float32)
    a = math.radians((180.0 - knee) / 2)
    for side, dx, vis, elbow in (("left", -0.06 if frontal else 0.0, vis_l, elbow_l),
                                 ("right", 0.06 if frontal else 0.0, vis_r, elbow_r)):
        ankle = np.array([0.5 + dx, 0.9])
        kn = ankle + SHIN * np.array([math.sin(a), -math.cos(a)])
        hip = kn + THIGH * np.array([-math.sin(a), -math.cos(a)])
        sh = hip + TORSO * np.array([math.sin(math.radians(lean)), -math.cos(math.radians(lean))])
        # arm: raised `arm` degrees from hanging, in the image plane (outwards for the front view)
        out = -1.0 if side == "left" else 1.0
        ra = math.radians(arm)
        el = sh + ARM * np.array([out * math.sin(ra), math.cos(ra)])
        # forearm turns (180 - elbow) degrees away from the upper arm's line (elbow angle = elbow)
        u = np.array([out * math.sin(ra), math.cos(ra)])
        b = -out * math.radians(180.0 - elbow)
        wr = el + ARM * np.array([math.cos(b) * u[0] - math.sin(b) * u[1], math.sin(b) * u[0] + math.cos(b) * u[1]])
        pts = {"ankle": ankle, "knee": kn, "hip": hip, "shoulder": sh, "elbow": el, "wrist": wr,
               "heel": ankle + np.array([-0.03, 0.01]), "foot_index": ankle + np.array([0.06, 0.02]),
               "pinky": wr, "index": wr, "thumb": wr}
        for name, p in pts.items():
            lm[LM[f"{side}_{name}"]] = (p[0], p[1], 0.0, vis)
    head = (lm[LM["left_shoulder"], :2] + lm[LM["right_shoulder"], :2]) / 2 + np.array([0.02, -0.08])
    for i in range(11):
        lm[i] = (head[0], head[1], 0.0, 0.9)
    return lm


def make_track(t: np.ndarray, frames: list, absent=None, width: int = 480, height: int = 480) -> PoseTrack:
    """A PoseTrack from per-frame landmark arrays; `absent` (bool per frame) blanks frames."""
    lm = np.stack(frames).astype(np.float32)
    present = np.ones(len(t), bool)
    if absent is not None:
        present = ~np.asarray(absent, bool)
        lm[~present] = np.nan
    world = np.full((len(t), 33, 3), np.nan, np.float32)
    return PoseTrack(t=t, landmarks=lm, world=world, present=present, width=width, height=height,
                     fps=30.0, duration_s=float(t[-1] + 1 / 30), backend="synthetic")


def squat_track(bottoms=(2.0, 4.5, 7.0), low=70.0, seconds=9.0, fps=30.0, absent=None, **kw) -> PoseTrack:
    t = np.arange(int(seconds * fps)) / fps
    knee = dips(t, bottoms, low, **kw)
    return make_track(t, [figure(knee=k, vis_l=0.3, vis_r=0.95) for k in knee],
                      absent=None if absent is None else absent(t))
