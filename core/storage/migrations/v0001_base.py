"""Athletes, sessions and the long metric-sample table."""
from core.storage import tables as t

VERSION = 1
NAME = "athletes, sessions, metric samples"


def upgrade(conn):
    t.metadata.create_all(conn, tables=[t.athletes, t.sessions, t.metric_samples], checkfirst=True)
