"""Tables of the video analysis feature: one row per analysed clip, one per counted rep,
and the pose landmarks (plus the primary signal and the overlay clip) as binary blobs, so a
clip can be re-counted with new parameters, or shown again, without running pose.

Blobs are LargeBinary (BLOB on DuckDB, bytea on PostgreSQL): the landmarks as the PoseTrack's
npz (exact float32, compressed), the overlay as its MP4 bytes.
"""
import sqlalchemy as sa

from core.storage.tables import created_columns, id_column, metadata

video_analyses = sa.Table(
    "video_analyses", metadata,
    id_column("video_analyses"),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("session_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("athlete_id", sa.BigInteger, nullable=False, index=True),
    # sha256 of the uploaded file's bytes; with exercise_requested and params_key it finds a
    # stored analysis, so the same file and parameters are never analysed twice.
    sa.Column("file_hash", sa.String(64), nullable=False, index=True),
    sa.Column("file_name", sa.String(300)),
    sa.Column("file_bytes", sa.BigInteger),
    sa.Column("exercise_requested", sa.String(32), nullable=False),  # "auto" or an exercise
    sa.Column("exercise", sa.String(32), nullable=False),            # the one analysed/recognised
    sa.Column("params_key", sa.String(64), nullable=False),          # sha256 of the requested params JSON
    sa.Column("params_requested", sa.Text, nullable=False),          # JSON: overrides asked for ({} = defaults)
    sa.Column("params", sa.Text, nullable=False),                    # JSON: every threshold used
    sa.Column("reps", sa.Integer, nullable=False),
    sa.Column("duration_s", sa.Float),
    sa.Column("frames", sa.Integer),
    sa.Column("processing_s", sa.Float),
    sa.Column("signal_name", sa.String(64)),
    sa.Column("signal_unit", sa.String(16)),
    sa.Column("warnings", sa.Text),       # JSON list of sentences
    sa.Column("auto_scores", sa.Text),    # JSON {exercise: score} with auto
    sa.Column("pose_from_analysis_id", sa.BigInteger),  # set when re-counted from stored landmarks
    *created_columns(),
)

video_reps = sa.Table(
    "video_reps", metadata,
    id_column("video_reps"),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("analysis_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("rep", sa.Integer, nullable=False),  # 1-based, in time order
    sa.Column("start_s", sa.Float),
    sa.Column("bottom_s", sa.Float),
    sa.Column("end_s", sa.Float),
    sa.Column("depth_pct", sa.Float),   # depth / range of motion, % of the exercise's target
    sa.Column("down_s", sa.Float),
    sa.Column("pause_s", sa.Float),
    sa.Column("up_s", sa.Float),
    sa.Column("side", sa.String(8)),
    sa.Column("faults", sa.Text),       # JSON list of {name, message, start_s, end_s}
    sa.Column("details", sa.Text, nullable=False),  # JSON: the whole rep object as analysed
)

video_blobs = sa.Table(
    "video_blobs", metadata,
    id_column("video_blobs"),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("analysis_id", sa.BigInteger, nullable=False, index=True),
    # "landmarks" (PoseTrack npz), "signal" (npz of signal_t, signal), "overlay" (MP4)
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("mime", sa.String(64), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("analysis_id", "kind", name="uq_video_blobs_analysis_kind"),
)
