"""Store an analysed recording (metadata + step times) with its athlete's session, and
find it again by the file's content hash so the same upload is never analysed twice.
A stored analysis is replaced (counted again: a newer model, another rate for a file
without time stamps) or deleted with its session in one transaction."""
import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core import metrics, sessions
from core.actor import Actor
from core.errors import NotFound, UserError
from core.sensors.bouts import cadence_over_time
from core.sensors.recording import Recording
from core.sensors.step_counting import StepAnalysis
from core.storage import Database
from core.storage.bulk import insert_frame
from core.storage.tables_sensors import sensor_recordings, sensor_signals, sensor_steps
from core.timeutil import utcnow


@dataclass(frozen=True)
class StoredRecording:
    id: int
    session_id: int
    athlete_id: int
    source_hash: str
    file_name: str | None
    source_format: str
    sample_rate_hz: float
    duration_s: float
    steps: int
    baseline_steps: int
    cadence_spm: float
    model_version: str
    threshold: float
    min_interval_s: float
    warnings: list
    created_at: datetime
    mapping: dict | None = None  # role -> column the coach chose for this file, if any


def content_hash(source) -> str:
    """sha256 of the file's bytes (path or bytes), read in 1 MB blocks."""
    h = hashlib.sha256()
    if isinstance(source, (bytes, bytearray)):
        h.update(source)
    else:
        with open(Path(source), "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _row(r) -> StoredRecording:
    return StoredRecording(id=r.id, session_id=r.session_id, athlete_id=r.athlete_id, source_hash=r.source_hash,
                           file_name=r.file_name, source_format=r.source_format, sample_rate_hz=r.sample_rate_hz,
                           duration_s=r.duration_s, steps=r.steps, baseline_steps=r.baseline_steps,
                           cadence_spm=r.cadence_spm, model_version=r.model_version, threshold=r.threshold,
                           min_interval_s=r.min_interval_s, warnings=json.loads(r.warnings or "[]"),
                           created_at=r.created_at, mapping=json.loads(r.mapping) if r.mapping else None)


def save(db: Database, actor: Actor, athlete_id: int, rec: Recording, analysis: StepAnalysis, source_hash: str,
         file_name: str | None = None, replaces: StoredRecording | None = None,
         mapping: dict | None = None) -> StoredRecording:
    """Session (kind "sensor") + recording row + step times + signal + cadence samples, in ONE
    transaction: a failure stores nothing. The same file for the team is reused, not re-added,
    unless `replaces` names its stored analysis: that one (its steps, cadence samples and
    session) is removed in the same transaction, so a failure keeps it as it was.
    `mapping`: the columns the user chose (columns.ROLES -> name), kept for the next upload."""
    actor.require("write")
    existing = find_by_hash(db, actor, source_hash)
    if existing and replaces is None:
        return existing
    with db.begin() as conn:
        if replaces is not None:
            _delete(conn, actor, replaces.id)
        session_id = sessions.insert(conn, actor, athlete_id, "sensor", rec.started_at or utcnow(),
                                     duration_s=rec.duration_s, source_hash=source_hash,
                                     notes=f"{analysis.steps:,} steps" + (f" · {file_name}" if file_name else ""))
        rid = conn.execute(sensor_recordings.insert().values(
            team_id=actor.team_id, session_id=session_id, athlete_id=athlete_id, source_hash=source_hash,
            file_name=(file_name or "")[:300] or None, source_format=rec.source_format,
            sample_rate_hz=float(rec.sample_rate_hz), duration_s=float(rec.duration_s), n_samples=int(rec.n_samples),
            has_gyro=rec.gyro is not None, units=json.dumps(rec.units), warnings=json.dumps(analysis.warnings),
            mapping=json.dumps(mapping, sort_keys=True) if mapping else None,
            model_version=analysis.model_version, threshold=float(analysis.threshold),
            min_interval_s=float(analysis.min_interval_s), steps=analysis.steps,
            baseline_steps=int(len(analysis.baseline_times_s)), cadence_spm=float(analysis.cadence_spm),
            created_at=utcnow(), created_by=actor.user_id).returning(sensor_recordings.c.id)).scalar_one()
        frames = [pd.DataFrame({"recording_id": np.int64(rid), "team_id": actor.team_id, "detector": name,
                                "t_s": np.asarray(times, dtype=np.float64)})
                  for name, times in (("model", analysis.step_times_s), ("baseline", analysis.baseline_times_s))]
        insert_frame(conn, sensor_steps, pd.concat(frames, ignore_index=True))
        conn.execute(sensor_signals.insert().values(recording_id=rid, team_id=actor.team_id,
                                                    rate_hz=float(analysis.rate_hz),
                                                    acc_magnitude=_packed(analysis.acc)))
        cad = cadence_over_time(analysis.step_times_s, analysis.duration_s)
        if not cad.empty:
            metrics.insert(conn, actor, session_id, pd.DataFrame({"t": cad["t_s"], "name": "cadence_spm",
                                                                  "value": cad["cadence_spm"]}))
    return get(db, actor, rid)


def store(db: Database, actor: Actor, rec: Recording, analysis: StepAnalysis, source_hash: str,
          stored: StoredRecording | None, athlete_id: int | None = None, replace: bool = False,
          file_name: str | None = None, mapping: dict | None = None) -> tuple[StoredRecording, str]:
    """Keep a count of a file and say how: "new" (stored for `athlete_id`), "existing" (the
    file was stored before, `stored`, and is kept as it was) or "replaced" (with `replace`:
    this count replaces it, staying with the athlete and file name it was stored with)."""
    if stored is None:
        if athlete_id is None:
            raise UserError("Choose the athlete this recording belongs to.")
        return save(db, actor, athlete_id, rec, analysis, source_hash, file_name=file_name, mapping=mapping), "new"
    if not replace:
        return stored, "existing"
    return save(db, actor, stored.athlete_id, rec, analysis, source_hash, file_name=stored.file_name or file_name,
                replaces=stored, mapping=mapping), "replaced"


def reading_of(stored: StoredRecording | None, mapping: dict | None = None,
               rate_hz: float | None = None) -> tuple[dict | None, float | None]:
    """(columns, rate) to read a file with: those given, else those it was stored with (a
    file read again, to show its signal or count it again, reads as it did)."""
    if stored is None:
        return mapping, rate_hz
    return mapping or stored.mapping, rate_hz or stored.sample_rate_hz


def delete(db: Database, actor: Actor, recording_id: int) -> None:
    """Remove a stored analysis: its steps, signal, cadence samples, row and session (one transaction)."""
    actor.require("write")
    with db.begin() as conn:
        _delete(conn, actor, recording_id)


def _delete(conn, actor: Actor, recording_id: int) -> None:
    r = conn.execute(sa.select(sensor_recordings.c.session_id).where(
        sensor_recordings.c.team_id == actor.team_id, sensor_recordings.c.id == recording_id)).first()
    if r is None:
        raise NotFound(f"No sensor recording with id {recording_id}.")
    for table in (sensor_steps, sensor_signals):
        conn.execute(table.delete().where(table.c.team_id == actor.team_id, table.c.recording_id == recording_id))
    conn.execute(sensor_recordings.delete().where(sensor_recordings.c.team_id == actor.team_id,
                                                  sensor_recordings.c.id == recording_id))
    sessions.remove(conn, actor, r.session_id)  # with its cadence samples


def get(db: Database, actor: Actor, recording_id: int) -> StoredRecording:
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(sensor_recordings).where(
            sensor_recordings.c.team_id == actor.team_id, sensor_recordings.c.id == recording_id)).first()
    if r is None:
        raise NotFound(f"No sensor recording with id {recording_id}.")
    return _row(r)


def find_by_hash(db: Database, actor: Actor, source_hash: str) -> StoredRecording | None:
    """The team's stored analysis of the same file, if any."""
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(sensor_recordings).where(
            sensor_recordings.c.team_id == actor.team_id, sensor_recordings.c.source_hash == source_hash)
            .order_by(sensor_recordings.c.id)).first()
    return _row(r) if r else None


def step_times(db: Database, actor: Actor, recording_id: int, detector: str = "model") -> np.ndarray:
    """Stored step times (s from the first sample), ascending."""
    actor.require("read")
    with db.begin() as conn:
        rows = conn.execute(sa.select(sensor_steps.c.t_s).where(
            sensor_steps.c.team_id == actor.team_id, sensor_steps.c.recording_id == recording_id,
            sensor_steps.c.detector == detector).order_by(sensor_steps.c.t_s)).all()
    return np.array([r[0] for r in rows], dtype=np.float64)


def _packed(acc: np.ndarray) -> bytes:
    """|acc| (m/s²) as float16 (a 1/128 m/s² step near 1 g), zlib-compressed: an hour at 25 Hz is
    under 200 kB."""
    mag = np.sqrt(np.einsum("ij,ij->i", acc, acc)).astype("<f2")
    return zlib.compress(mag.tobytes(), 6)


def signal(db: Database, actor: Actor, recording_id: int) -> tuple[float, np.ndarray] | None:
    """(rate in Hz, |acc| in m/s²) as the model read a stored recording, or None for an analysis
    stored before signals were kept."""
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(sensor_signals.c.rate_hz, sensor_signals.c.acc_magnitude).where(
            sensor_signals.c.team_id == actor.team_id, sensor_signals.c.recording_id == recording_id)).first()
    if r is None:
        return None
    return float(r.rate_hz), np.frombuffer(zlib.decompress(r.acc_magnitude), dtype="<f2").astype(np.float64)


def list_for_athlete(db: Database, actor: Actor, athlete_id: int) -> list[StoredRecording]:
    """Newest first."""
    actor.require("read")
    with db.begin() as conn:
        rows = conn.execute(sa.select(sensor_recordings).where(
            sensor_recordings.c.team_id == actor.team_id, sensor_recordings.c.athlete_id == athlete_id)
            .order_by(sensor_recordings.c.id.desc())).all()
    return [_row(r) for r in rows]
