"""From an uploaded clip to a stored analysis: reuse, or analyse + draw the overlay + store.

`process_clip` is what a page submits as a job (`core.jobs.submit`): it takes the job's
`progress(frac, message)` and `should_cancel()` and stops between frames when asked. The same
file content (sha256), exercise and parameters are never analysed twice: a stored analysis
is returned as is (or copied, without pose, when it was stored for another athlete).
"""
from __future__ import annotations

import inspect
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from core import config
from core.actor import Actor
from core.errors import UserError
from core.jobs import Cancelled, checkpoint
from core.storage import Database
from core.video import store

log = logging.getLogger(__name__)

EXERCISE_CHOICES = ("auto", "squat", "pushup", "bicep_curl", "lunge", "jumping_jack")
VIDEO_TYPES = ("mp4", "mov", "webm", "avi")
# Share of the progress bar per stage (pose + counting dominate).
_POSE_SHARE, _OVERLAY_SHARE = 0.78, 0.2


@dataclass
class ClipResult:
    analysis_id: int
    reused: bool = False        # an analysis of the same file/exercise/params was already stored
    copied_from: int | None = None  # stored for another athlete: copied without running pose


def check_upload(name: str, size_bytes: int) -> None:
    """Refuse, with a clear message, files the app does not take (by extension and size)."""
    ext = Path(name or "").suffix.lower().lstrip(".")
    if ext not in VIDEO_TYPES:
        raise UserError(f"{name or 'The file'} is not a video type this app takes.",
                        f"upload one of: {', '.join(VIDEO_TYPES)}")
    if size_bytes <= 0:
        raise UserError(f"{name} is empty (0 bytes).", "upload the clip again")
    limit = config.upload_limit_mb()
    if size_bytes > limit * 1024 * 1024:
        raise UserError(f"{name} is {size_bytes / 2**20:.0f} MB; the limit is {limit} MB.",
                        "trim the clip or export it at a lower resolution")


def stash_upload(name: str, stream) -> Path:
    """Write an uploaded file (a binary file object) to the data folder's uploads/ under a
    fresh name keeping its extension; the caller removes it when the job is over."""
    import shutil
    import uuid
    folder = config.data_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    ext = Path(name or "").suffix.lower() or ".bin"
    path = folder / f"{uuid.uuid4().hex}{ext}"
    stream.seek(0)
    with open(path, "wb") as f:
        shutil.copyfileobj(stream, f, 1 << 20)
    stream.seek(0)
    return path


def discard_upload(path: str | Path | None) -> None:
    """Remove a stashed upload (only files inside the uploads folder)."""
    if not path:
        return
    path = Path(path)
    if path.parent == config.data_dir() / "uploads":
        path.unlink(missing_ok=True)


def check_video(path: str | Path):
    """Open the file as a video and decode its first frame (fast); raises UserError with the
    reason (not a video, an image, audio only, empty, truncated). Returns its VideoInfo."""
    from core.pose.decode import probe
    return probe(path)


def _stage(progress: Callable | None, lo: float, hi: float, should_cancel: Callable | None):
    """A progress callback for one stage, mapped into [lo, hi], that cancels when asked."""
    def report(frac: float, message: str = "") -> None:
        checkpoint(should_cancel)
        if progress is not None:
            progress(lo + (hi - lo) * min(1.0, max(0.0, float(frac))), message)
    return report


def analyze(path: str | Path, exercise: str, params: dict | None = None, *,
            progress: Callable | None = None, should_cancel: Callable | None = None):
    """Run `core.video.analyze.analyze_clip` with progress and cancel, re-counting with
    `params` when they are given. Raises Cancelled (between frames) or UserError."""
    from core.video.analyze import analyze_clip, recount
    kwargs = {}
    accepted = inspect.signature(analyze_clip).parameters
    report = _stage(progress, 0.0, 1.0, should_cancel)
    if "progress" in accepted:
        kwargs["progress"] = report
    if "should_cancel" in accepted:
        kwargs["should_cancel"] = should_cancel
    if params and "params" in accepted:
        kwargs["params"] = params
    analysis = analyze_clip(str(path), exercise, **kwargs)
    checkpoint(should_cancel)
    if params and "params" not in accepted:
        analysis = recount(analysis.track, analysis.exercise, params)
    return analysis


def process_clip(db: Database, actor: Actor, athlete_id: int, path: str | Path, exercise: str = "auto",
                 params: dict | None = None, file_name: str | None = None, *, overlay: bool = True,
                 progress: Callable | None = None, should_cancel: Callable | None = None) -> ClipResult:
    """Analyse `path` for the athlete and store it (session, reps, landmarks, overlay) in one
    transaction, unless the same file, exercise and params were analysed before."""
    actor.require("write")
    path = Path(path)
    if exercise not in EXERCISE_CHOICES:
        raise UserError(f"Unknown exercise {exercise!r}.", f"choose one of {', '.join(EXERCISE_CHOICES)}")
    file_name = file_name or path.name
    check_video(path)
    digest = store.file_hash(path)
    found = store.find(db, actor, digest, exercise, params, athlete_id=athlete_id)
    if found is not None:
        return ClipResult(found.id, reused=True)
    elsewhere = store.find(db, actor, digest, exercise, params)
    if elsewhere is not None:
        return ClipResult(store.copy_for_athlete(db, actor, elsewhere.id, athlete_id), reused=True,
                          copied_from=elsewhere.id)

    pose_report = _stage(progress, 0.0, _POSE_SHARE, should_cancel)
    analysis = analyze(path, exercise, params, progress=pose_report, should_cancel=should_cancel)
    track = analysis.track
    if track is None or not len(track) or not track.present.any():
        raise UserError(f"No person was found anywhere in {file_name}; nothing was stored.",
                        "film the whole body, well lit, with the athlete filling more of the frame")
    data = None
    if overlay:
        from core.video.overlay import render_overlay
        tmp_dir = config.data_dir() / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
            out = Path(tmp) / "overlay.mp4"
            render_overlay(path, analysis, out,
                           progress=_stage(progress, _POSE_SHARE, _POSE_SHARE + _OVERLAY_SHARE, should_cancel),
                           should_cancel=should_cancel)
            data = out.read_bytes()
    checkpoint(should_cancel)
    if progress is not None:
        progress(0.99, "storing")
    analysis_id = store.save(db, actor, athlete_id, analysis, file_hash=digest, exercise_requested=exercise,
                             params_requested=params, file_name=file_name, file_bytes=path.stat().st_size,
                             overlay=data)
    return ClipResult(analysis_id)


__all__ = ["ClipResult", "Cancelled", "EXERCISE_CHOICES", "VIDEO_TYPES", "analyze", "check_upload", "check_video", "discard_upload", "process_clip", "stash_upload"]
