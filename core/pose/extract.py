"""Run pose on every kept frame of a clip -> `PoseTrack`.

Decoding honours container timestamps and rotation (`decode`); black letterbox bars are
cropped before pose (the person gets more of the model's input) and landmarks are mapped
back to the full upright frame, so overlays draw on the original picture.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

from core.errors import UserError
from core.pose.decode import content_box, iter_frames, prefetch, probe
from core.pose.estimator import PoseEstimator
from core.pose.track import N_LANDMARKS, PoseTrack

log = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]

_SHARED = None
_SHARED_LOCK = threading.Lock()


def new_tracker():
    """The app's pose estimator: MediaPipe in tracking mode, made to look again at cuts and
    against the process's still-image model now and then (`rechecked`)."""
    from core.pose.mediapipe_backend import MediaPipePose
    from core.pose.rechecked import RecheckedTracker
    from core.pose.subject import shared_still_estimator
    return RecheckedTracker(MediaPipePose(), *shared_still_estimator())


def _shared_tracker():
    """The process's pose estimator (`new_tracker`), loaded once, reset between clips."""
    global _SHARED
    if _SHARED is None:
        _SHARED = new_tracker()
    return _SHARED


def extract_track(path: str | Path, estimator: PoseEstimator | None = None, *,
                  max_side: int = 960, max_fps: float = 32.0, crop_bars: bool = True,
                  check_people: bool = True, progress: ProgressFn | None = None, timings: dict | None = None) -> PoseTrack:
    """Pose of the main person on each kept frame of `path`.

    estimator: a PoseEstimator (reset here); None uses the process's shared MediaPipe model,
        one clip at a time.
    max_side: long side (pixels) frames are downscaled to before pose (4K -> 960).
    max_fps: frames closer together than 1/max_fps are skipped (120 fps -> ~30 fps).
    check_people: look on a few frames for other people (sets `people_seen`).
    progress: called with (fraction 0..1, message); may raise to cancel.
    timings: a dict filled with wall seconds: decode_s (waiting for decoded frames: decoding
        runs ahead in a thread, so this is the part pose could not hide), decode_busy_s (all
        decoding time, overlapping pose), pose_s; and frames_decoded, frames_pose.
    Raises UserError when the file is not a readable video.
    """
    info = probe(path)  # bad files fail here, before any model loads
    if estimator is None:
        with _SHARED_LOCK:  # one clip at a time through the process's model (2 cores anyway)
            return extract_track(path, _shared_tracker(), max_side=max_side, max_fps=max_fps,
                                 crop_bars=crop_bars, check_people=check_people, progress=progress,
                                 timings=timings)
    estimator.reset()
    box = content_box(path, info.rotation) if crop_bars else None
    stats: dict = {}
    ts, lms, worlds, present = [], [], [], []
    decode_s = pose_s = 0.0
    samples: list = []  # a few (frame, landmarks) to look for other people afterwards
    expected = max(1, int(info.duration_s * min(info.fps, max_fps))) if info.duration_s else max(1, info.frames_estimate)
    frames = None
    busy: dict = {}
    try:
        frames = prefetch(iter_frames(path, max_side=max_side, max_fps=max_fps, rotation=info.rotation,
                                      stats=stats), busy=busy)
        t0 = time.perf_counter()
        for t, rgb in frames:
            t1 = time.perf_counter()
            decode_s += t1 - t0
            h, w = rgb.shape[:2]
            if box is not None:
                x0, y0, x1, y1 = (int(round(box[0] * w)), int(round(box[1] * h)),
                                  int(round(box[2] * w)), int(round(box[3] * h)))
                rgb = np.ascontiguousarray(rgb[y0:y1, x0:x1])
            res = estimator.process(rgb, t)
            lm = np.full((N_LANDMARKS, 4), np.nan, np.float32)
            wd = np.full((N_LANDMARKS, 3), np.nan, np.float32)
            if res is not None:
                lm, wd = res.landmarks.copy(), res.world
                if box is not None:  # crop-normalised -> full-frame-normalised
                    lm[:, 0] = (lm[:, 0] * (x1 - x0) + x0) / w
                    lm[:, 1] = (lm[:, 1] * (y1 - y0) + y0) / h
            ts.append(t); lms.append(lm); worlds.append(wd); present.append(res is not None)
            if check_people and res is not None and len(ts) >= len(samples) * expected / 5 and len(samples) < 6:
                samples.append((rgb, res.landmarks.copy()))
            t0 = time.perf_counter()
            pose_s += t0 - t1
            if progress is not None and len(ts) % 10 == 0:
                progress(min(0.99, len(ts) / expected), f"pose {len(ts)} frames")
    finally:
        if frames is not None:
            frames.close()  # stops the decoding thread when pose stopped early (cancel, error)
    if not ts:
        raise UserError(f"{Path(path).name}: no frame could be decoded (truncated or corrupt video)",
                        "upload a complete video file of the set")
    warnings = []
    people = 1
    if check_people and samples:
        from core.pose.subject import count_people
        people = count_people(samples)
    if not stats.get("truncated") and info.frames_estimate and stats.get("decoded", 0) < 0.9 * info.frames_estimate:
        stats["truncated"] = True
    if stats.get("truncated"):
        warnings.append(f"The video ends early (corrupt or truncated after {ts[-1]:.1f} s); "
                        "analysed what could be read.")
    if box is not None:
        warnings.append("Black bars around the picture were cropped before pose.")
    if timings is not None:
        timings.update(decode_s=decode_s, pose_s=pose_s, frames_decoded=stats.get("decoded", 0),
                       frames_pose=len(ts), decode_busy_s=busy.get("decode_busy_s", decode_s))
    duration = info.duration_s or (ts[-1] + 1.0 / (info.fps or 30.0))
    if stats.get("truncated"):
        duration = ts[-1] + 1.0 / (info.fps or 30.0)  # what could be read
    if progress is not None:
        progress(1.0, "pose done")
    return PoseTrack(t=np.array(ts), landmarks=np.stack(lms), world=np.stack(worlds),
                     present=np.array(present), width=info.width, height=info.height, fps=info.fps,
                     rotation=info.rotation, source_frames=stats.get("decoded", len(ts)),
                     duration_s=duration, backend=estimator.name, warnings=warnings, people_seen=people)
