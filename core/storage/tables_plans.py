"""Tables of the plans feature: the exercise catalogue mirror, plans, assignments, set logs.

The catalogue (`plan_exercises`) is shipped reference data shared by every team (no team_id);
everything a team writes carries `team_id`. No FOREIGN KEYs (DuckDB update limits): ownership
is checked in code (core/plans/store.py).
"""
import sqlalchemy as sa

from core.storage.tables import created_columns, id_column, metadata

plan_exercises = sa.Table(
    "plan_exercises", metadata,
    sa.Column("slug", sa.String(80), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("pattern", sa.String(40), nullable=False),
    sa.Column("muscle_groups", sa.Text, nullable=False),  # JSON list
    sa.Column("equipment", sa.Text, nullable=False),  # JSON list; empty = bodyweight
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("unilateral", sa.Boolean, nullable=False),
    sa.Column("video_exercise", sa.String(40)),  # key for video analysis, NULL if not countable
    sa.Column("measure", sa.String(10), nullable=False),  # reps | time
    sa.Column("high_impact", sa.Boolean, nullable=False),
    sa.Column("clip", sa.String(300)),  # demo clip key in the clip store
    sa.Column("conditioning", sa.String(10)),  # steady | intervals | both (conditioning only); v0401
    sa.Column("retired", sa.Boolean, nullable=False),  # left the catalogue file; kept for old plans
    sa.Column("synced_at", sa.DateTime, nullable=False),
)

plans = sa.Table(
    "plans", metadata,
    id_column("plans"),
    sa.Column("team_id", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("goal", sa.String(40), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("weeks", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the validated plan JSON
    sa.Column("content_hash", sa.String(64), nullable=False),  # sha256 of the canonical JSON
    sa.Column("archived", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    *created_columns(),
)

plan_assignments = sa.Table(
    "plan_assignments", metadata,
    id_column("plan_assignments"),
    sa.Column("team_id", sa.String(64), nullable=False, index=True),
    sa.Column("plan_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("athlete_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("start_date", sa.Date, nullable=False),  # plan day 1 of week 1
    sa.Column("active", sa.Boolean, nullable=False),
    *created_columns(),
)

# Planned vs done, one row per exercise of a logged workout (deviation tracking).
plan_set_logs = sa.Table(
    "plan_set_logs", metadata,
    id_column("plan_set_logs"),
    sa.Column("team_id", sa.String(64), nullable=False, index=True),
    sa.Column("assignment_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("athlete_id", sa.BigInteger, nullable=False),
    sa.Column("session_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("week", sa.Integer, nullable=False),
    sa.Column("day", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # exercise index within the day, from 0
    sa.Column("slug", sa.String(80), nullable=False),
    sa.Column("readiness_action", sa.String(10), nullable=False),  # train | modify | rest
    sa.Column("planned_sets", sa.Integer, nullable=False),
    sa.Column("planned_reps", sa.Integer),
    sa.Column("planned_duration_s", sa.Integer),
    sa.Column("done_sets", sa.Integer, nullable=False),
    sa.Column("done_reps", sa.Integer),  # reps per set actually done (NULL: as planned / timed)
    sa.Column("set_deviation", sa.Integer, nullable=False),  # done_sets - planned_sets
    *created_columns(),
)

PLAN_TABLES = [plan_exercises, plans, plan_assignments, plan_set_logs]
