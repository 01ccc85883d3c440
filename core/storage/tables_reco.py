"""Recommendation tables: daily check-ins with their outcome, model fits, per-athlete coefficients."""
import sqlalchemy as sa

from core.storage.tables import created_columns, id_column, metadata

# One row per athlete per day: the check-in, and the session outcome when one followed.
reco_checkins = sa.Table(
    "reco_checkins", metadata,
    id_column("reco_checkins"),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("athlete_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("session_id", sa.BigInteger, nullable=False),  # core.sessions row, kind "checkin"
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("sleep_hours", sa.Float, nullable=False),
    sa.Column("sleep_quality", sa.SmallInteger, nullable=False),  # 1-5, 5 best
    sa.Column("energy", sa.SmallInteger, nullable=False),  # 1-5, 5 best
    sa.Column("stress", sa.SmallInteger, nullable=False),  # 1-5, 5 worst
    sa.Column("soreness", sa.SmallInteger, nullable=False),  # 1-5, 5 worst
    sa.Column("motivation", sa.SmallInteger, nullable=False),  # 1-5, 5 best
    sa.Column("illness", sa.SmallInteger, nullable=False),  # 0/1
    sa.Column("resting_hr", sa.Float),  # bpm
    sa.Column("hrv_ms", sa.Float),  # ms
    sa.Column("session_quality", sa.Float),  # 1-10, NULL when no session
    sa.Column("duration_min", sa.Float),
    sa.Column("rpe", sa.Float),  # 1-10
    sa.Column("deviation", sa.Text),  # whether and how the athlete deviated from the plan
    sa.Column("source", sa.String(16), nullable=False),  # "import" or "app"
    *created_columns(),
    sa.UniqueConstraint("team_id", "athlete_id", "day", name="uq_reco_checkins_day"),
)

# One row per fit attempt, published or not (the audit trail of the batch job).
reco_fits = sa.Table(
    "reco_fits", metadata,
    id_column("reco_fits"),
    sa.Column("team_id", sa.String(64), nullable=False, index=True),
    sa.Column("fitted_at", sa.DateTime, nullable=False),
    sa.Column("model_version", sa.String(32), nullable=False),
    sa.Column("sampler", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # "published" or "rejected"
    sa.Column("reason", sa.Text, nullable=False),  # why published / rejected, in words
    sa.Column("n_athletes", sa.Integer, nullable=False),
    sa.Column("n_sessions", sa.Integer, nullable=False),
    sa.Column("data_hash", sa.String(64), nullable=False),  # same data + settings -> same hash
    sa.Column("diagnostics", sa.Text, nullable=False),  # JSON: max r-hat, min bulk ESS, divergences
    sa.Column("population", sa.Text, nullable=False),  # JSON: population means/sds, group sds, sigma
    sa.Column("scaler", sa.Text, nullable=False),  # JSON: predictor means/sds used to standardise
    sa.Column("changes", sa.Text, nullable=False),  # what moved since the previous published fit
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
)

# Posterior summary per athlete and term (intercept or a predictor), standardised scale.
reco_coefficients = sa.Table(
    "reco_coefficients", metadata,
    sa.Column("fit_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("athlete_id", sa.BigInteger, nullable=False),
    sa.Column("term", sa.String(32), nullable=False),
    sa.Column("mean", sa.Float, nullable=False),
    sa.Column("sd", sa.Float, nullable=False),
    sa.Column("phase", sa.String(16), nullable=False),
    sa.Column("sessions_used", sa.Integer, nullable=False),
    sa.Column("fitted_at", sa.DateTime, nullable=False),
    sa.Column("model_version", sa.String(32), nullable=False),
)

RECO_TABLES = [reco_checkins, reco_fits, reco_coefficients]
