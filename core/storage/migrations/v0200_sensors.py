"""Sensor recordings and detected steps."""
from core.storage import tables_sensors as ts
from core.storage.tables import metadata

VERSION = 200
NAME = "sensor recordings and steps"


def upgrade(conn):
    metadata.create_all(conn, tables=[ts.sensor_recordings, ts.sensor_steps], checkfirst=True)
