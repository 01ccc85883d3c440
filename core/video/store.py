"""Stored video analyses: save one with its session in one transaction, load it back, list
an athlete's, and find one already made from the same file (content hash), exercise and
parameters, so a clip is never analysed twice.

Landmarks are stored with every analysis (npz blob), so counting can be re-run with new
parameters without pose (`core.video.analyze.recount`), and the result saved as a new
analysis that points at the one whose pose it reused.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np
import sqlalchemy as sa

from core import sessions
from core.actor import Actor
from core.errors import NotFound, UserError
from core.pose.track import PoseTrack
from core.storage import Database
from core.storage.tables import athletes as athletes_table
from core.storage.tables_video import video_analyses, video_blobs, video_reps
from core.timeutil import utcnow
from core.video.analysis import VideoAnalysis

LANDMARKS, SIGNAL, OVERLAY = "landmarks", "signal", "overlay"
_MIME = {LANDMARKS: "application/x-npz", SIGNAL: "application/x-npz", OVERLAY: "video/mp4"}


# --- keys ------------------------------------------------------------------------------------
def file_hash(source: str | Path | bytes | BinaryIO) -> str:
    """sha256 (hex) of a file's content: a path, bytes, or a binary file object (read from 0)."""
    h = hashlib.sha256()
    if isinstance(source, (bytes, bytearray, memoryview)):
        h.update(source)
    elif isinstance(source, (str, Path)):
        with open(source, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    else:
        source.seek(0)
        for chunk in iter(lambda: source.read(1 << 20), b""):
            h.update(chunk)
        source.seek(0)
    return h.hexdigest()


def canonical_params(params: dict | None) -> str:
    """The JSON that identifies a parameter set: sorted keys, every number as a float (100 and
    100.0 are the same threshold), {} for the defaults."""
    def norm(v):
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            return [norm(x) for x in v]
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else v
    return json.dumps(norm(_jsonable(params or {})), sort_keys=True, separators=(",", ":"))


def params_key(params: dict | None) -> str:
    return hashlib.sha256(canonical_params(params).encode()).hexdigest()


def _jsonable(obj):
    """Plain JSON types (numpy scalars/arrays become Python numbers/lists; NaN/inf become None)."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj


def _num(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


# --- what is stored --------------------------------------------------------------------------
@dataclass
class AnalysisSummary:
    """One stored analysis without its blobs (for lists)."""
    id: int
    session_id: int
    athlete_id: int
    file_hash: str
    file_name: str | None
    exercise_requested: str
    exercise: str
    params_requested: dict
    reps: int
    duration_s: float | None
    frames: int | None
    processing_s: float | None
    created_at: datetime
    has_overlay: bool = False
    pose_from_analysis_id: int | None = None


@dataclass
class StoredAnalysis:
    """A stored analysis loaded back: its summary and the full `VideoAnalysis` (track included)."""
    summary: AnalysisSummary
    analysis: VideoAnalysis
    blob_sizes: dict = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.summary.id


def _summary(r, has_overlay: bool = False) -> AnalysisSummary:
    return AnalysisSummary(
        id=r.id, session_id=r.session_id, athlete_id=r.athlete_id, file_hash=r.file_hash,
        file_name=r.file_name, exercise_requested=r.exercise_requested, exercise=r.exercise,
        params_requested=json.loads(r.params_requested or "{}"), reps=r.reps, duration_s=r.duration_s,
        frames=r.frames, processing_s=r.processing_s, created_at=r.created_at, has_overlay=has_overlay,
        pose_from_analysis_id=r.pose_from_analysis_id)


def signal_npz(analysis: VideoAnalysis) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, t=np.asarray(analysis.signal_t, np.float64), v=np.asarray(analysis.signal, np.float64))
    return buf.getvalue()


def _read_signal(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        return z["t"], z["v"]


# --- writing ---------------------------------------------------------------------------------
def insert(conn: sa.Connection, actor: Actor, athlete_id: int, analysis: VideoAnalysis, *,
           file_hash: str, exercise_requested: str = "auto", params_requested: dict | None = None,
           file_name: str | None = None, file_bytes: int | None = None, overlay: bytes | None = None,
           started_at: datetime | None = None, pose_from_analysis_id: int | None = None) -> int:
    """Store `analysis` and its video session inside the caller's transaction; returns its id."""
    actor.require("write")
    if analysis.track is None:
        raise UserError("This analysis has no landmarks to store.")
    if not file_hash or len(file_hash) != 64:
        raise ValueError("file_hash must be a sha256 hex digest")
    exercise_requested = exercise_requested or "auto"
    notes = f"{analysis.exercise.replace('_', ' ')}: {analysis.reps} reps" + (f" ({file_name})" if file_name else "")
    session_id = sessions.insert(conn, actor, athlete_id, "video", started_at or utcnow(),
                                 duration_s=_num(analysis.duration_s), source_hash=file_hash, notes=notes[:500])
    analysis_id = conn.execute(video_analyses.insert().values(
        team_id=actor.team_id, session_id=session_id, athlete_id=athlete_id, file_hash=file_hash,
        file_name=(file_name or None) and file_name[:300], file_bytes=file_bytes,
        exercise_requested=exercise_requested, exercise=analysis.exercise,
        params_key=params_key(params_requested), params_requested=canonical_params(params_requested),
        params=json.dumps(_jsonable(analysis.params or {}), sort_keys=True), reps=int(analysis.reps),
        duration_s=_num(analysis.duration_s), frames=int(analysis.frames), processing_s=_num(analysis.processing_s),
        signal_name=analysis.signal_name or None, signal_unit=analysis.signal_unit or None,
        warnings=json.dumps(list(analysis.warnings)), auto_scores=json.dumps(_jsonable(analysis.auto_scores or {})),
        pose_from_analysis_id=pose_from_analysis_id, created_at=utcnow(), created_by=actor.user_id,
    ).returning(video_analyses.c.id)).scalar_one()
    rows = []
    for i, rep in enumerate(analysis.rep_details, start=1):
        rows.append(dict(
            team_id=actor.team_id, analysis_id=analysis_id, rep=i,
            **{k: _num(rep.get(k)) for k in ("start_s", "bottom_s", "end_s", "depth_pct", "down_s", "pause_s", "up_s")},
            side=(str(rep["side"])[:8] if rep.get("side") else None),
            faults=json.dumps(_jsonable(rep.get("faults") or [])), details=json.dumps(_jsonable(rep))))
    if rows:
        conn.execute(video_reps.insert(), rows)
    blobs = {LANDMARKS: analysis.track.to_npz_bytes(), SIGNAL: signal_npz(analysis)}
    if overlay:
        blobs[OVERLAY] = bytes(overlay)
    for kind, data in blobs.items():
        _put_blob(conn, actor, analysis_id, kind, data)
    return analysis_id


def _put_blob(conn, actor: Actor, analysis_id: int, kind: str, data: bytes) -> None:
    conn.execute(video_blobs.insert().values(team_id=actor.team_id, analysis_id=analysis_id, kind=kind,
                                             mime=_MIME[kind], size_bytes=len(data), data=data))


def save(db: Database, actor: Actor, athlete_id: int, analysis: VideoAnalysis, **kw) -> int:
    """Store `analysis` (reps, landmarks, signal, overlay if given) and a video session for
    the athlete, all in one transaction: on any failure nothing is kept. Returns the analysis id.
    Keywords as `insert` (file_hash required)."""
    with db.begin() as conn:
        return insert(conn, actor, athlete_id, analysis, **kw)


def attach_overlay(db: Database, actor: Actor, analysis_id: int, data: bytes) -> None:
    """Store (or replace) the overlay MP4 of a stored analysis."""
    actor.require("write")
    with db.begin() as conn:
        _owned(conn, actor, analysis_id)
        conn.execute(video_blobs.delete().where(video_blobs.c.team_id == actor.team_id,
                                                video_blobs.c.analysis_id == analysis_id,
                                                video_blobs.c.kind == OVERLAY))
        _put_blob(conn, actor, analysis_id, OVERLAY, bytes(data))


def delete(db: Database, actor: Actor, analysis_id: int) -> None:
    """Remove an analysis, its reps, blobs and its session (one transaction)."""
    actor.require("write")
    with db.begin() as conn:
        row = _owned(conn, actor, analysis_id)
        for table in (video_reps, video_blobs):
            conn.execute(table.delete().where(table.c.team_id == actor.team_id, table.c.analysis_id == analysis_id))
        conn.execute(video_analyses.delete().where(video_analyses.c.team_id == actor.team_id,
                                                   video_analyses.c.id == analysis_id))
        sessions.remove(conn, actor, row.session_id)


# --- reading ---------------------------------------------------------------------------------
def _owned(conn, actor: Actor, analysis_id: int):
    r = conn.execute(sa.select(video_analyses).where(video_analyses.c.team_id == actor.team_id,
                                                     video_analyses.c.id == analysis_id)).first()
    if r is None:
        raise NotFound(f"No video analysis with id {analysis_id}.")
    return r


def _overlay_ids(conn, actor: Actor, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(conn.execute(sa.select(video_blobs.c.analysis_id).where(
        video_blobs.c.team_id == actor.team_id, video_blobs.c.kind == OVERLAY,
        video_blobs.c.analysis_id.in_(ids))).scalars())


def find(db: Database, actor: Actor, file_hash: str, exercise_requested: str = "auto",
         params_requested: dict | None = None, athlete_id: int | None = None) -> AnalysisSummary | None:
    """The newest stored analysis of this team made from the same file content, requested
    exercise and parameters (and athlete, when given), or None."""
    actor.require("read")
    q = (sa.select(video_analyses).where(
        video_analyses.c.team_id == actor.team_id, video_analyses.c.file_hash == file_hash,
        video_analyses.c.exercise_requested == (exercise_requested or "auto"),
        video_analyses.c.params_key == params_key(params_requested))
        .order_by(video_analyses.c.id.desc()))
    if athlete_id is not None:
        q = q.where(video_analyses.c.athlete_id == athlete_id)
    with db.begin() as conn:
        r = conn.execute(q).first()
        if r is None:
            return None
        return _summary(r, r.id in _overlay_ids(conn, actor, [r.id]))


def list_for_athlete(db: Database, actor: Actor, athlete_id: int) -> list[AnalysisSummary]:
    """The athlete's stored analyses, newest first (no blobs loaded)."""
    actor.require("read")
    with db.begin() as conn:
        rows = conn.execute(sa.select(video_analyses).where(
            video_analyses.c.team_id == actor.team_id, video_analyses.c.athlete_id == athlete_id)
            .order_by(video_analyses.c.created_at.desc(), video_analyses.c.id.desc())).all()
        with_overlay = _overlay_ids(conn, actor, [r.id for r in rows])
    return [_summary(r, r.id in with_overlay) for r in rows]


def load(db: Database, actor: Actor, analysis_id: int) -> StoredAnalysis:
    """A stored analysis with its reps, landmarks and signal (not the overlay: `overlay_bytes`)."""
    actor.require("read")
    with db.begin() as conn:
        r = _owned(conn, actor, analysis_id)
        reps = conn.execute(sa.select(video_reps.c.details).where(
            video_reps.c.team_id == actor.team_id, video_reps.c.analysis_id == analysis_id)
            .order_by(video_reps.c.rep)).scalars().all()
        blobs = {b.kind: (b.data, b.size_bytes) for b in conn.execute(
            sa.select(video_blobs.c.kind, video_blobs.c.data, video_blobs.c.size_bytes).where(
                video_blobs.c.team_id == actor.team_id, video_blobs.c.analysis_id == analysis_id,
                video_blobs.c.kind.in_([LANDMARKS, SIGNAL])))}
        has_overlay = bool(_overlay_ids(conn, actor, [analysis_id]))
    track = PoseTrack.from_npz_bytes(bytes(blobs[LANDMARKS][0])) if LANDMARKS in blobs else None
    sig_t, sig = _read_signal(bytes(blobs[SIGNAL][0])) if SIGNAL in blobs else (np.zeros(0), np.zeros(0))
    analysis = VideoAnalysis(
        exercise=r.exercise, reps=r.reps, rep_details=[json.loads(d) for d in reps],
        duration_s=r.duration_s or 0.0, frames=r.frames or 0, processing_s=r.processing_s or 0.0,
        warnings=json.loads(r.warnings or "[]"), track=track, signal_t=sig_t, signal=sig,
        signal_name=r.signal_name or "", signal_unit=r.signal_unit or "",
        params=json.loads(r.params or "{}"), auto_scores=json.loads(r.auto_scores or "{}"))
    return StoredAnalysis(summary=_summary(r, has_overlay), analysis=analysis,
                          blob_sizes={k: v[1] for k, v in blobs.items()})


def overlay_bytes(db: Database, actor: Actor, analysis_id: int) -> bytes | None:
    """The stored overlay MP4 of an analysis, or None when none was stored."""
    actor.require("read")
    with db.begin() as conn:
        _owned(conn, actor, analysis_id)
        data = conn.execute(sa.select(video_blobs.c.data).where(
            video_blobs.c.team_id == actor.team_id, video_blobs.c.analysis_id == analysis_id,
            video_blobs.c.kind == OVERLAY)).scalar()
    return bytes(data) if data is not None else None


def athlete_name(db: Database, actor: Actor, athlete_id: int) -> str | None:
    actor.require("read")
    with db.begin() as conn:
        return conn.execute(sa.select(athletes_table.c.name).where(
            athletes_table.c.team_id == actor.team_id, athletes_table.c.id == athlete_id)).scalar()


def copy_for_athlete(db: Database, actor: Actor, analysis_id: int, athlete_id: int) -> int:
    """Store an existing analysis (same file, same results, no pose run) for another athlete,
    with its own session; returns the new analysis id."""
    stored = load(db, actor, analysis_id)
    overlay = overlay_bytes(db, actor, analysis_id)
    s = stored.summary
    return save(db, actor, athlete_id, stored.analysis, file_hash=s.file_hash,
                exercise_requested=s.exercise_requested, params_requested=s.params_requested,
                file_name=s.file_name, overlay=overlay, pose_from_analysis_id=s.id)
