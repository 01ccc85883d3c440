"""Stored video analyses on both backends: one transaction with the session, load back,
find by (content hash, exercise, params), lists, overlay blob, team scoping."""
import dataclasses

import numpy as np
import pytest
import sqlalchemy as sa

from core import athletes, sessions
from core.actor import Actor
from core.errors import NotFound, PermissionDenied
from core.storage.tables_video import video_analyses, video_blobs, video_reps
from core.video import store
from tests.video_samples import synthetic_analysis

HASH = "ab" * 32


def _counts(db):
    with db.begin() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (video_analyses, video_reps, video_blobs)}


def test_save_and_load_round_trip(db, actor):
    ath = athletes.create(db, actor, "Ana")
    a = synthetic_analysis(reps=2)
    aid = store.save(db, actor, ath.id, a, file_hash=HASH, exercise_requested="auto",
                     params_requested={}, file_name="clip.mp4", file_bytes=1234, overlay=b"\x00mp4bytes")
    got = store.load(db, actor, aid)
    b = got.analysis
    assert (b.exercise, b.reps, b.frames, b.duration_s) == ("squat", 2, a.frames, 6.0)
    assert [r["bottom_s"] for r in b.rep_details] == [2.0, 4.0]
    assert b.rep_details[1]["faults"][0]["name"] == "shallow_depth"
    assert b.params == a.params and b.warnings == a.warnings
    assert b.signal_name == "knee_angle" and b.signal_unit == "deg"
    np.testing.assert_array_equal(b.signal_t, a.signal_t)
    np.testing.assert_array_equal(np.isnan(b.signal), np.isnan(a.signal))
    np.testing.assert_array_equal(b.track.landmarks, a.track.landmarks)  # NaN positions equal too
    np.testing.assert_array_equal(b.track.present, a.track.present)
    assert got.summary.has_overlay and got.summary.file_name == "clip.mp4"
    assert store.overlay_bytes(db, actor, aid) == b"\x00mp4bytes"
    # the session is a video session of the athlete, with the file's hash
    (s,) = sessions.list_for_athlete(db, actor, ath.id)
    assert s.id == got.summary.session_id and s.kind == "video" and s.source_hash == HASH
    assert s.duration_s == 6.0


def test_find_by_hash_exercise_and_params(db, actor):
    ath = athletes.create(db, actor, "Ben")
    aid = store.save(db, actor, ath.id, synthetic_analysis(), file_hash=HASH, exercise_requested="squat",
                     params_requested={"down_deg": 100.0})
    assert store.find(db, actor, HASH, "squat", {"down_deg": 100.0}).id == aid
    assert store.find(db, actor, HASH, "squat", {"down_deg": 100}).id == aid  # key order/format agnostic
    assert store.find(db, actor, HASH, "squat", {}) is None  # other parameters
    assert store.find(db, actor, HASH, "auto", {"down_deg": 100.0}) is None  # other exercise asked
    assert store.find(db, actor, "cd" * 32, "squat", {"down_deg": 100.0}) is None  # other file
    other = athletes.create(db, actor, "Cy")
    assert store.find(db, actor, HASH, "squat", {"down_deg": 100.0}, athlete_id=other.id) is None
    new = store.copy_for_athlete(db, actor, aid, other.id)
    assert store.find(db, actor, HASH, "squat", {"down_deg": 100.0}, athlete_id=other.id).id == new
    assert store.load(db, actor, new).analysis.reps == 2
    assert [x.id for x in store.list_for_athlete(db, actor, other.id)] == [new]


def test_failure_leaves_nothing_half_written(db, actor):
    ath = athletes.create(db, actor, "Dee")
    bad = synthetic_analysis()
    bad.rep_details = [{"start_s": 1.0, "end_s": 2.0, "side": "left", "faults": [], "bad": object()}]
    with pytest.raises(TypeError):
        store.save(db, actor, ath.id, bad, file_hash=HASH)
    assert _counts(db) == {"video_analyses": 0, "video_reps": 0, "video_blobs": 0}
    assert sessions.list_for_athlete(db, actor, ath.id) == []
    with pytest.raises(NotFound):  # unknown athlete: no session, no analysis
        store.save(db, actor, 999_999, synthetic_analysis(), file_hash=HASH)
    assert _counts(db)["video_analyses"] == 0


def test_list_delete_and_team_scoping(db, actor):
    ath = athletes.create(db, actor, "Eve")
    first = store.save(db, actor, ath.id, synthetic_analysis(reps=1), file_hash=HASH)
    second = store.save(db, actor, ath.id, synthetic_analysis(reps=3), file_hash="ef" * 32, exercise_requested="squat")
    listed = store.list_for_athlete(db, actor, ath.id)
    assert [x.id for x in listed] == [second, first] and [x.reps for x in listed] == [3, 1]
    assert not listed[0].has_overlay
    store.attach_overlay(db, actor, first, b"one")
    store.attach_overlay(db, actor, first, b"two")  # replaces
    assert store.overlay_bytes(db, actor, first) == b"two"
    stranger = dataclasses.replace(actor, team_id="other-team")
    with pytest.raises(NotFound):
        store.load(db, stranger, first)
    assert store.find(db, stranger, HASH) is None
    assert store.list_for_athlete(db, stranger, ath.id) == []
    viewer = Actor(user_id="a1", display_name="Athlete", role="athlete", team_id=actor.team_id)
    with pytest.raises(PermissionDenied):
        store.save(db, viewer, ath.id, synthetic_analysis(), file_hash=HASH)
    store.delete(db, actor, first)
    assert [x.id for x in store.list_for_athlete(db, actor, ath.id)] == [second]
    assert len(sessions.list_for_athlete(db, actor, ath.id)) == 1
    assert _counts(db) == {"video_analyses": 1, "video_reps": 3, "video_blobs": 2}


def test_file_hash_of_path_bytes_and_stream(tmp_path):
    import hashlib
    import io
    data = b"not really a video" * 1000
    p = tmp_path / "x.mp4"
    p.write_bytes(data)
    want = hashlib.sha256(data).hexdigest()
    buf = io.BytesIO(data)
    buf.read(5)
    assert store.file_hash(p) == store.file_hash(data) == store.file_hash(buf) == want
    assert buf.tell() == 0
