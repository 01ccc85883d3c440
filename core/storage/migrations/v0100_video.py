"""Video analysis: analyses, reps, and landmark/signal/overlay blobs."""
from core.storage import tables_video as t

VERSION = 100
NAME = "video analyses, reps, landmark and overlay blobs"


def upgrade(conn):
    t.metadata.create_all(conn, tables=[t.video_analyses, t.video_reps, t.video_blobs], checkfirst=True)
