"""A tracking pose estimator that is made to look again: at hard picture cuts, and now and
then against a fresh still-image detection.

MediaPipe's tracking mode runs its person detector only when it loses the person. A
confident wrong skeleton (fitted to a blurred title card, or carried over a cut to another
scene) is never lost, so it can stay for the whole clip while the real person moves beside
it: a sped-up push-up clip counted 0 of 4 that way. This wrapper
- resets the tracker when the picture changes at once (a cut: the mean absolute difference
  of 32x18 grey thumbnails of consecutive frames above CUT_DIFF of 255), and
- every CHECK_EVERY_S compares the tracked skeleton with the still-image model's; when that
  one sees a torso clearly (visibility above MIN_TORSO_VISIBILITY) and the two disagree by
  more than MAX_APART of the frame on average (landmarks 11-28: shoulders to feet), the
  still model is shown the tracked skeleton's box alone: a body there, roughly where the
  tracker has it, means the tracker is on a real person (two people in frame: it keeps its
  own), else the tracker is reset and the frame done again (a tracker that sees nobody
  detects anew itself).
Cost: one still-image pass a second (two while the still model sees someone else), about 6 %
of the pose time at 30 frames/s; cuts reset at most twice a second.
"""
from __future__ import annotations

import threading
from contextlib import nullcontext

import cv2
import numpy as np

from core.pose.estimator import PoseEstimator, PoseFrame
from core.pose.subject import body_box

CUT_DIFF = 40.0
CHECK_EVERY_S = 1.0
MAX_APART = 0.10
MIN_TORSO_VISIBILITY = 0.7
SOMEONE_VISIBILITY = 0.5  # a body in the tracked box, half visible or better ...
SAME_PERSON_APART = 0.15  # ... roughly where the tracker has it (left/right either way): a real person
MIN_CUT_GAP_S = 0.5       # cuts closer together than this (a flicker, a fade) reset the tracker once
_BODY = slice(11, 29)          # shoulders .. feet
_TORSO = [11, 12, 23, 24]      # shoulders and hips


def thumbnail(rgb: np.ndarray) -> np.ndarray:
    """32x18 grey thumbnail (float32, 0..255) of an RGB frame, area-averaged."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, (32, 18), interpolation=cv2.INTER_AREA).astype(np.float32)


_SWAPPED = [i + 1 if i % 2 else i - 1 for i in range(11, 29)]  # left <-> right (11/12, ..., 27/28)


def apart(a: np.ndarray, b: np.ndarray) -> float:
    """Mean image distance (fraction of the frame) between two skeletons' shoulders-to-feet,
    whichever way round their left and right sides were labelled."""
    out = []
    for other in (b[_BODY, :2], b[_SWAPPED, :2]):
        d = np.linalg.norm(a[_BODY, :2] - other, axis=1)
        out.append(float(np.nanmean(d)) if np.isfinite(d).any() else float("inf"))
    return min(out)


class RecheckedTracker:
    """A PoseEstimator: `tracker` (video mode) checked against `still` (still-image mode).
    `still_lock`: held while `still` runs, when that model is shared with other code."""

    def __init__(self, tracker: PoseEstimator, still: PoseEstimator, still_lock: threading.Lock | None = None,
                 check_every_s: float = CHECK_EVERY_S):
        self.tracker, self.still = tracker, still
        self._lock = still_lock
        self.check_every_s = check_every_s
        self.name = f"{tracker.name}+recheck"
        self.resets: list[tuple[float, str]] = []  # (time, "cut" | "recheck"): what made it look again
        self._prev = None
        self._last_check = self._last_cut = -np.inf

    def process(self, rgb: np.ndarray, t: float) -> PoseFrame | None:
        thumb = thumbnail(rgb)
        cut = self._prev is not None and float(np.abs(thumb - self._prev).mean()) > CUT_DIFF
        self._prev = thumb
        if cut and t - self._last_cut >= MIN_CUT_GAP_S:  # a flickering picture: not a cut every frame
            self._last_cut = t
            self.tracker.reset()
            self.resets.append((t, "cut"))
            self._last_check = -np.inf  # check the new scene's first frame too
        res = self.tracker.process(rgb, t)
        if t - self._last_check < self.check_every_s:
            return res
        self._last_check = t
        with self._lock or nullcontext():
            fresh = self.still.process(rgb, t)
        if fresh is None or not np.nanmean(fresh.landmarks[_TORSO, 3]) > MIN_TORSO_VISIBILITY:
            return res
        if res is not None and apart(res.landmarks, fresh.landmarks) > MAX_APART \
                and not self._someone_there(rgb, t, res.landmarks):
            self.tracker.reset()
            self.resets.append((t, "recheck"))
            res = self.tracker.process(rgb, t)
        return res

    def _someone_there(self, rgb: np.ndarray, t: float, tracked: np.ndarray) -> bool:
        """Whether the still-image model, shown only the tracked skeleton's box, finds a person
        there, roughly where the tracker has it: then the tracker follows a real person and the
        still model saw another one (two people in frame), and the tracker is left alone. The
        bar is lower than for the whole-frame check (a reset here would hand the tracker to the
        other person), but a skeleton fitted to a blurred title card does not pass it."""
        box = body_box(tracked, margin=0.25)
        if box is None:
            return False
        h, w = rgb.shape[:2]
        x0, y0 = max(0, int(box[0] * w)), max(0, int(box[1] * h))
        x1, y1 = min(w, int(np.ceil(box[2] * w))), min(h, int(np.ceil(box[3] * h)))
        if x1 - x0 < 16 or y1 - y0 < 16:
            return False
        with self._lock or nullcontext():
            inside = self.still.process(np.ascontiguousarray(rgb[y0:y1, x0:x1]), t)
        if inside is None or not np.nanmean(inside.landmarks[_TORSO, 3]) > SOMEONE_VISIBILITY:
            return False
        lm = inside.landmarks.copy()
        lm[:, 0] = (lm[:, 0] * (x1 - x0) + x0) / w
        lm[:, 1] = (lm[:, 1] * (y1 - y0) + y0) / h
        return apart(tracked, lm) <= SAME_PERSON_APART

    def reset(self) -> None:
        self.tracker.reset()
        self.resets = []
        self._prev = None
        self._last_check = self._last_cut = -np.inf

    def close(self) -> None:
        self.tracker.close()
