"""Sensors: a recording keeps the column mapping the coach chose, so the same file is not asked again."""
import sqlalchemy as sa

VERSION = 201
NAME = "sensors: sensor_recordings.mapping"


def upgrade(conn):
    # Databases made by v0200 before this column existed get it; new ones already have it.
    conn.execute(sa.text("ALTER TABLE sensor_recordings ADD COLUMN IF NOT EXISTS mapping TEXT"))
