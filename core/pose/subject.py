"""Several people in frame: count them on a few frames, and keep the track on one person.

MediaPipe's pose follows a single person. `count_people` checks a few sampled frames for
anyone else: it greys out the tracked person and asks a still-image pose pass whether a
body remains. `follow_main_subject` then removes the frames where the tracker jumped to
another person (a sudden jump of the torso's position or size), keeping the person seen on
most frames, so counting follows one subject consistently.
"""
from __future__ import annotations

import threading

import numpy as np

from core.pose.track import LM, PoseTrack

_TORSO = [LM[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]


def body_box(lm: np.ndarray, margin: float = 0.12) -> tuple[float, float, float, float] | None:
    """(x0, y0, x1, y1) normalised box around the visible landmarks of one frame, with a margin."""
    ok = ~np.isnan(lm[:, 0])
    if not ok.any():
        return None
    x, y = lm[ok, 0], lm[ok, 1]
    w, h = x.max() - x.min(), y.max() - y.min()
    return (float(x.min() - margin * w), float(y.min() - margin * h),
            float(x.max() + margin * w), float(y.max() + margin * h))


def count_people(samples: list[tuple[np.ndarray, np.ndarray]], estimator=None) -> int:
    """Most people seen at once on sampled frames. samples: [(rgb, landmarks (33, 4))] where
    landmarks are the tracked person's on that frame (normalised to that rgb)."""
    if not samples:
        return 1
    if estimator is None:
        with _STATIC_LOCK:
            return _count_people(samples, _static_estimator())
    return _count_people(samples, estimator)


_STATIC = None
_STATIC_LOCK = threading.Lock()


def _static_estimator():
    """One still-image pose model per process (loading it costs ~0.9 s on 2 cores)."""
    global _STATIC
    if _STATIC is None:
        from core.pose.mediapipe_backend import MediaPipePose
        _STATIC = MediaPipePose(static_image_mode=True, min_detection_confidence=0.6)
    return _STATIC


def shared_still_estimator():
    """(the process's still-image pose model, the lock to hold while it runs): shared with the
    tracker's re-checks (core/pose/rechecked.py)."""
    with _STATIC_LOCK:
        return _static_estimator(), _STATIC_LOCK


def _count_people(samples, estimator) -> int:
    most = 1
    for rgb, lm in samples:
        box = body_box(lm)
        if box is None:
            continue
        h, w = rgb.shape[:2]
        img = rgb.copy()
        x0, y0 = max(0, int(box[0] * w)), max(0, int(box[1] * h))
        x1, y1 = min(w, int(box[2] * w) + 1), min(h, int(box[3] * h) + 1)
        img[y0:y1, x0:x1] = 127
        res = estimator.process(img, 0.0)
        if res is None:
            continue
        vis = res.landmarks[_TORSO, 3]
        other = body_box(res.landmarks, 0.0)
        inside = other is not None and other[0] >= box[0] and other[2] <= box[2]
        if np.nanmean(vis) > 0.7 and not inside:
            most = 2
            break
    return most


def _torso(lm: np.ndarray) -> tuple[np.ndarray, float]:
    pts = lm[:, _TORSO, :2]
    center = np.nanmean(pts, axis=1)
    size = np.linalg.norm(np.nanmean(pts[:, :2], axis=1) - np.nanmean(pts[:, 2:], axis=1), axis=-1)
    return center, size


def follow_main_subject(track: PoseTrack, jump: float = 0.2, max_dt: float = 0.25) -> PoseTrack:
    """When others are in frame (track.people_seen > 1), drop frames where the tracker is on
    someone else: split the track where the torso jumps by more than `jump` (frame units) or
    changes size by more than 1.6x between frames `max_dt` apart, then keep the group of
    pieces (by position) seen on most frames. Returns a new track (or the same one)."""
    if track.people_seen <= 1 or len(track) == 0:
        return track
    center, size = _torso(track.landmarks)
    idx = np.flatnonzero(track.present & ~np.isnan(center[:, 0]))
    if len(idx) < 2:
        return track
    seg = np.zeros(len(track), int) - 1
    s = 0
    seg[idx[0]] = 0
    for a, b in zip(idx[:-1], idx[1:]):
        moved = np.linalg.norm(center[b] - center[a])
        ratio = max(size[a], size[b]) / max(1e-6, min(size[a], size[b]))
        if track.t[b] - track.t[a] > max_dt or moved > jump or ratio > 1.6:
            s += 1
        seg[b] = s
    # group pieces whose mean torso positions are close: the same person
    means = [np.nanmean(center[seg == k], axis=0) for k in range(s + 1)]
    counts = [int((seg == k).sum()) for k in range(s + 1)]
    group = list(range(s + 1))
    for k in range(s + 1):
        for j in range(k):
            if np.linalg.norm(means[k] - means[j]) < jump:
                group[k] = group[j]
                break
    totals: dict[int, int] = {}
    for k, g in enumerate(group):
        totals[g] = totals.get(g, 0) + counts[k]
    main = max(totals, key=totals.get)
    drop = np.array([seg[i] >= 0 and group[seg[i]] != main for i in range(len(track))])
    warnings = list(track.warnings)
    msg = "Several people in frame: the analysis follows one person (the one tracked on most frames)"
    if drop.any():
        msg += f"; {int(drop.sum())} frame(s) on someone else were ignored"
    warnings.append(msg + ".")
    lm, world, present = track.landmarks.copy(), track.world.copy(), track.present.copy()
    lm[drop] = np.nan
    world[drop] = np.nan
    present[drop] = False
    return PoseTrack(t=track.t, landmarks=lm, world=world, present=present, width=track.width,
                     height=track.height, fps=track.fps, rotation=track.rotation,
                     source_frames=track.source_frames, duration_s=track.duration_s,
                     backend=track.backend, warnings=warnings, people_seen=track.people_seen)
