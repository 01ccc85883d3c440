"""Analyse one clip: pose on every frame -> reps, depth, tempo and faults.

`analyze_clip(path, exercise)` runs pose (slow part) then `recount`; `recount(track, ...)`
re-counts from stored landmarks with other thresholds, without pose. Both return a
`VideoAnalysis`. Nothing here stores anything (storage is `core.video.store`).
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

import numpy as np

from core.errors import UserError
from core.exercises import EXERCISES, SPECS, get_spec
from core.exercises.rep_counter import count_track, track_features
from core.pose.track import PoseTrack
from core.video.analysis import VideoAnalysis

log = logging.getLogger(__name__)

__all__ = ["VideoAnalysis", "analyze_clip", "recount", "EXERCISE_CHOICES"]

EXERCISE_CHOICES = ("auto",) + EXERCISES


def _no_person_error(name: str) -> UserError:
    return UserError(f"No person was found anywhere in {name}",
                     "film the whole body in frame, in good light")


def recount(track: PoseTrack, exercise: str = "auto", params: dict | None = None,
            processing_s: float = 0.0) -> VideoAnalysis:
    """Count reps on a PoseTrack. exercise: a name from EXERCISES or "auto"; params: spec
    tunables to override (see `ExerciseSpec.tunables`), only for a named exercise or applied
    after auto picks one. processing_s: time already spent (pose), added to the counting time."""
    t0 = time.perf_counter()
    if exercise not in EXERCISE_CHOICES:
        raise UserError(f"Unknown exercise {exercise!r}", f"choose one of: {', '.join(EXERCISE_CHOICES)}")
    if len(track) == 0 or not track.present.any():
        raise _no_person_error("the clip")
    feats = track_features(track)
    auto_scores: dict = {}
    unlike = None
    if exercise == "auto":
        from core.exercises.recognize import doubt, recognize
        name, auto_scores, runs = recognize(track, feats)
        unlike = doubt(name, track, runs)
        spec = get_spec(name, params)
        counter, sig = runs[name] if not params else count_track(track, spec, feats)
    else:
        name = exercise
        spec = get_spec(name, params)
        counter, sig = count_track(track, spec, feats)
    warnings = list(track.warnings)
    missing = 1.0 - float(track.present.mean())
    if missing > 0.05:
        warnings.append(f"No person on {missing:.0%} of the frames (title cards, cut-aways or out of "
                        "frame); those frames were skipped.")
    interrupted = [p for p in counter.partials if p.get("reason") == "interrupted"]
    shallow = [p for p in counter.partials if p.get("reason") != "interrupted"]
    if shallow:
        warnings.append(f"{len(shallow)} movement(s) did not count as reps (not deep enough or too short).")
    if interrupted:
        warnings.append(f"{len(interrupted)} rep(s) were cut off (person lost mid-rep) and not counted.")
    if exercise == "auto":
        ranked = sorted(auto_scores.values(), reverse=True)
        unsure = len(ranked) > 1 and ranked[1] > 0.6 * ranked[0]
        if unlike:
            warnings.append(f"Exercise recognised automatically: {spec.label}, but unsure: {unlike}. CoachLab "
                            f"counts only these exercises: {', '.join(x.label.lower() for x in SPECS.values())}; "
                            "if the clip shows one of them, choose it to be certain.")
        else:
            warnings.append(f"Exercise recognised automatically: {spec.label}"
                            + (" (unsure: choose the exercise to be certain)." if unsure else "."))
    details = [r.to_dict() for r in counter.reps]
    return VideoAnalysis(
        exercise=name, reps=len(details), rep_details=details,
        duration_s=float(track.duration_s or (track.t[-1] if len(track) else 0.0)),
        frames=int(track.source_frames or len(track)),
        processing_s=float(processing_s + time.perf_counter() - t0), warnings=warnings, track=track,
        signal_t=np.asarray(track.t, np.float64).copy(), signal=sig.astype(np.float64),
        signal_name=spec.signal_label.replace(" ", "_"), signal_unit=spec.unit,
        params=spec.tunables(), auto_scores=auto_scores)


def analyze_clip(path: str | Path, exercise: str = "auto", params: dict | None = None, *,
                 progress: Callable[..., None] | None = None,
                 should_cancel: Callable[[], bool] | None = None,
                 estimator=None, timings: dict | None = None) -> VideoAnalysis:
    """Pose + counting on the clip at `path`.

    progress(frac 0..1, message) is called while pose runs; should_cancel() is checked between
    frames (core.jobs.Cancelled is raised when it turns true). timings (a dict) gets decode_s,
    pose_s, count_s. Raises UserError for files that are not readable videos or show no person.
    """
    from core.pose.extract import extract_track
    from core.pose.subject import follow_main_subject

    if exercise not in EXERCISE_CHOICES:
        raise UserError(f"Unknown exercise {exercise!r}", f"choose one of: {', '.join(EXERCISE_CHOICES)}")
    if params and exercise != "auto":
        get_spec(exercise, params)  # bad parameters fail before the slow part
    elif params:  # auto: the exercise is not known yet, but a name no exercise has is wrong already
        known = set().union(*(spec.tunables() for spec in SPECS.values()))
        unknown = sorted(set(params) - known)
        if unknown:
            raise UserError(f"Bad parameters: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    t0 = time.perf_counter()

    def _progress(frac: float, message: str = "") -> None:
        if should_cancel is not None and should_cancel():
            from core.jobs import Cancelled
            raise Cancelled("analysis cancelled")
        if progress is not None:
            progress(0.95 * frac, message)

    tm: dict = {}
    track = extract_track(path, estimator, progress=_progress, timings=tm)
    if not track.present.any():
        raise _no_person_error(Path(path).name)
    track = follow_main_subject(track)
    t1 = time.perf_counter()
    result = recount(track, exercise, params, processing_s=t1 - t0)
    if timings is not None:
        timings.update(tm)
        timings["count_s"] = time.perf_counter() - t1
    if progress is not None:
        progress(1.0, f"{result.reps} reps")
    return result


def exercise_label(name: str) -> str:
    return SPECS[name].label if name in SPECS else name
