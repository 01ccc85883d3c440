"""Table definitions shared by the whole app (SQLAlchemy Core).

Each feature adds its own tables in `core/storage/tables_<feature>.py` on the same
`metadata`, and a migration in `core/storage/migrations/` that creates them.
Integer keys use `id_column()`: DuckDB needs an explicit Sequence for them.
Every table that holds user data carries `team_id`, so queries can be scoped to the
acting user's team (see core/actor.py).
"""
import sqlalchemy as sa

metadata = sa.MetaData()


def id_column(table: str) -> sa.Column:
    """Integer primary key backed by a named sequence (works on DuckDB and PostgreSQL)."""
    return sa.Column("id", sa.BigInteger, sa.Sequence(f"{table}_id_seq"), primary_key=True)


def created_columns() -> list[sa.Column]:
    """Who created a row and when (UTC)."""
    return [
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    ]


schema_migrations = sa.Table(
    "schema_migrations", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

athletes = sa.Table(
    "athletes", metadata,
    id_column("athletes"),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    # Lower-cased, whitespace-collapsed name: duplicates are refused on this key.
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("archived", sa.Boolean, nullable=False, default=False),
    *created_columns(),
    sa.UniqueConstraint("team_id", "name_key", name="uq_athletes_team_name"),
)

sessions = sa.Table(
    "sessions", metadata,
    id_column("sessions"),
    sa.Column("team_id", sa.String(64), nullable=False),
    sa.Column("athlete_id", sa.BigInteger, nullable=False, index=True),
    # What produced the session: "video", "sensor", "manual", "checkin", ...
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("duration_s", sa.Float),
    # sha256 of the uploaded file, so the same file is never analysed twice.
    sa.Column("source_hash", sa.String(64), index=True),
    sa.Column("notes", sa.Text),
    *created_columns(),
)

# Long time-series table: one row per (session, time, metric). Features write here in bulk.
metric_samples = sa.Table(
    "metric_samples", metadata,
    sa.Column("session_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("t", sa.Float, nullable=False),  # seconds from the session start
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("value", sa.Float),
)
