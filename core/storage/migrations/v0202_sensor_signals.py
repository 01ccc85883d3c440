"""Sensors: the signal a stored analysis was read from, to show it without the file."""
from core.storage import tables_sensors as ts
from core.storage.tables import metadata

VERSION = 202
NAME = "sensors: sensor_signals"


def upgrade(conn):
    metadata.create_all(conn, tables=[ts.sensor_signals], checkfirst=True)
