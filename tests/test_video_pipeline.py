"""The upload pipeline end to end on a real clip (pose, counting, overlay, one-transaction
store), reuse by content hash, cancel between frames, bad files; both backends for storage."""
import shutil

import pytest
import sqlalchemy as sa

from core import athletes, jobs, sessions
from core.errors import UserError
from core.storage.tables_video import video_analyses, video_blobs, video_reps
from core.video import overlay, pipeline, store
from tests.conftest import shared_path
from tests.video_samples import synthetic_analysis


def _rows(db):
    with db.begin() as conn:
        return [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (video_analyses, video_reps, video_blobs)]


def test_check_upload_refuses_types_sizes(monkeypatch):
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", "1")
    pipeline.check_upload("set.MOV", 1000)
    with pytest.raises(UserError, match="not a video type"):
        pipeline.check_upload("photo.jpg", 1000)
    with pytest.raises(UserError, match="empty"):
        pipeline.check_upload("set.mp4", 0)
    with pytest.raises(UserError, match="limit is 1 MB"):
        pipeline.check_upload("set.webm", 2 * 1024 * 1024)


def test_stash_and_discard_upload(data_dir):
    import io
    p = pipeline.stash_upload("My Clip.MP4", io.BytesIO(b"abc"))
    assert p.read_bytes() == b"abc" and p.suffix == ".mp4" and p.parent == data_dir / "uploads"
    pipeline.discard_upload(p)
    assert not p.exists()
    outside = data_dir / "keep.mp4"
    outside.write_bytes(b"x")
    pipeline.discard_upload(outside)  # only files in uploads/ are removed
    assert outside.exists()


def test_pipeline_reuses_by_hash_and_copies_for_another_athlete(db, actor, data_dir, tmp_path, monkeypatch):
    calls = []

    def fake(path, exercise, params=None, *, progress=None, should_cancel=None):
        calls.append(exercise)
        return synthetic_analysis(reps=2)

    monkeypatch.setattr(pipeline, "analyze", fake)
    clip = tmp_path / "c.mp4"
    with overlay.H264Writer(clip, 320, 180, fps=15) as wr:
        import numpy as np
        for i in range(90):
            wr.write(np.full((180, 320, 3), i, np.uint8), i / 15)
    a = athletes.create(db, actor, "Ana").id
    b = athletes.create(db, actor, "Bo").id
    first = pipeline.process_clip(db, actor, a, clip, "squat")
    assert not first.reused and calls == ["squat"]
    copy = shutil.copy(clip, tmp_path / "renamed.mp4")
    again = pipeline.process_clip(db, actor, a, copy, "squat")
    assert again.reused and again.analysis_id == first.analysis_id and calls == ["squat"]
    other = pipeline.process_clip(db, actor, b, clip, "squat")
    assert other.reused and other.copied_from == first.analysis_id and calls == ["squat"]
    assert store.load(db, actor, other.analysis_id).summary.athlete_id == b
    pipeline.process_clip(db, actor, a, clip, "auto")  # another exercise asked: analysed
    assert calls == ["squat", "auto"]
    assert len(sessions.list_for_athlete(db, actor, a)) == 2


def test_not_a_video_stores_nothing(db, actor, tmp_path):
    a = athletes.create(db, actor, "Cy").id
    bad = tmp_path / "notes.mp4"
    bad.write_text("hello\n" * 100)
    with pytest.raises(UserError, match="not a readable video"):
        pipeline.process_clip(db, actor, a, bad, "squat")
    assert _rows(db) == [0, 0, 0] and sessions.list_for_athlete(db, actor, a) == []


@pytest.mark.slow
def test_real_clip_end_to_end_through_a_job(duck, actor, data_dir):
    clip = shared_path("data", "videos", "squat_side_3reps.mp4")
    a = athletes.create(duck, actor, "Real").id
    job = jobs.submit(pipeline.process_clip, duck, actor, a, clip, "squat", runner=jobs.InlineRunner())
    assert job.status == jobs.DONE, job.error
    res = job.result
    stored = store.load(duck, actor, res.analysis_id)
    an = stored.analysis
    assert an.exercise == "squat" and an.reps == len(an.rep_details) >= 1
    assert an.track is not None and an.track.present.any() and len(an.signal_t) == len(an.track)
    data = store.overlay_bytes(duck, actor, res.analysis_id)
    info = overlay.probe_bytes(data, data_dir / "o.mp4")
    assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p" and info["faststart"]
    assert info["height"] <= 720 and info["width"] % 2 == 0
    assert abs(info["packets"] - an.frames) <= 2
    # re-count from the stored landmarks: same thresholds give the same reps, no pose needed
    from core.video.analyze import recount
    redo = recount(an.track, an.exercise, an.params)
    assert redo.reps == an.reps
    assert [r["bottom_s"] for r in redo.rep_details] == [r["bottom_s"] for r in an.rep_details]


@pytest.mark.slow
def test_cancel_stops_the_real_analysis_and_stores_nothing(duck, actor, data_dir):
    clip = shared_path("data", "videos", "pushup_side_4reps.mp4")
    a = athletes.create(duck, actor, "Cancel").id
    job = jobs.Job()
    state = {"calls": 0}

    def progress(frac, message=""):
        state["calls"] += 1
        if state["calls"] == 3:
            job.cancel()

    job.report = progress  # cancel after the third progress report (~30 frames in)
    job._run(pipeline.process_clip, (duck, actor, a, clip, "pushup"), {})
    assert job.status == jobs.CANCELLED
    assert _rows(duck) == [0, 0, 0] and sessions.list_for_athlete(duck, actor, a) == []
