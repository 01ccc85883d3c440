"""Plans: the catalogue mirror says whether a conditioning exercise suits steady efforts or intervals."""
import sqlalchemy as sa

VERSION = 401
NAME = "plans: plan_exercises.conditioning"


def upgrade(conn):
    # Databases made by v0400 before this column existed get it; new ones already have it.
    conn.execute(sa.text("ALTER TABLE plan_exercises ADD COLUMN IF NOT EXISTS conditioning VARCHAR(10)"))
