"""Sensor recordings and their steps (feature: sensors; migrations 200-299)."""
import sqlalchemy as sa

from core.storage.tables import created_columns, id_column, metadata

# One analysed file: what was read, how, and the counts. Linked to a session of kind "sensor".
sensor_recordings = sa.Table(
    "sensor_recordings", metadata,
    id_column("sensor_recordings"),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("session_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("athlete_id", sa.BigInteger, nullable=False),
    # sha256 of the file's bytes: the same upload reuses this row instead of analysing again.
    sa.Column("source_hash", sa.String(64), nullable=False, index=True),
    sa.Column("file_name", sa.String(300)),
    sa.Column("source_format", sa.String(32), nullable=False),
    sa.Column("sample_rate_hz", sa.Float, nullable=False),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("n_samples", sa.BigInteger, nullable=False),
    sa.Column("has_gyro", sa.Boolean, nullable=False),
    sa.Column("units", sa.Text),       # JSON: {"time": "ns", "acc": "m/s^2", ...}
    sa.Column("mapping", sa.Text),     # JSON role -> column the coach chose (migration 201), or NULL
    sa.Column("warnings", sa.Text),    # JSON list of sentences
    sa.Column("model_version", sa.String(64), nullable=False),
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("min_interval_s", sa.Float, nullable=False),
    sa.Column("steps", sa.Integer, nullable=False),
    sa.Column("baseline_steps", sa.Integer, nullable=False),
    sa.Column("cadence_spm", sa.Float, nullable=False),
    *created_columns(),
)

# One row per detected step; detector is "model" or "baseline". t_s: s from the first sample.
sensor_steps = sa.Table(
    "sensor_steps", metadata,
    sa.Column("recording_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("detector", sa.String(16), nullable=False),
    sa.Column("t_s", sa.Float, nullable=False),
)

# The signal as the model read it (|acc| at the model's rate, float16, zlib), so a stored
# analysis shows its chart without the file (migration 202; older analyses have none).
sensor_signals = sa.Table(
    "sensor_signals", metadata,
    sa.Column("recording_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("rate_hz", sa.Float, nullable=False),
    sa.Column("acc_magnitude", sa.LargeBinary, nullable=False),
)
