"""Plans: exercise catalogue mirror, plans, assignments, planned-vs-done set logs."""
from core.storage import tables_plans as t

VERSION = 400
NAME = "plans: exercise catalogue, plans, assignments, set logs"


def upgrade(conn):
    t.metadata.create_all(conn, tables=t.PLAN_TABLES, checkfirst=True)
