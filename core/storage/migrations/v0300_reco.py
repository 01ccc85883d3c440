"""Recommendations: check-ins with outcomes, model fits, per-athlete coefficients."""
from core.storage import tables_reco as t

VERSION = 300
NAME = "reco: check-ins, fits, coefficients"


def upgrade(conn):
    t.metadata.create_all(conn, tables=t.RECO_TABLES, checkfirst=True)
