"""AppTest for the Video page: empty states, bad uploads, an upload analysed through the job
(pose replaced by a synthetic analysis so the page logic is tested fast), reuse of the stored
result for the same file, and the stored-analysis view."""
import numpy as np
import pytest

from core.actor import LOCAL_COACH
from core.video import overlay, pipeline, store
from tests import apptest_util
from tests.apptest_util import add_athlete as _athlete
from tests.apptest_util import app_database as _db
from tests.video_samples import synthetic_analysis

PAGE = "app_pages/video.py"


def run_page():
    return apptest_util.run_page(PAGE, timeout=120)


def _clip(path, seconds=6.0, fps=15.0):
    with overlay.H264Writer(path, 320, 240, fps=fps, preset="ultrafast") as wr:
        for i in range(int(seconds * fps)):
            img = np.full((240, 320, 3), 60 + (i * 3) % 120, np.uint8)
            wr.write(img, i / fps)
    return path.read_bytes()


def test_no_athletes_says_what_to_do(data_dir):
    at = run_page()
    assert at.title[0].value == "Video analysis"
    assert any("No athletes yet" in i.value for i in at.info)


def test_empty_state_with_an_athlete(data_dir):
    _athlete()
    at = run_page()
    assert set(pipeline.VIDEO_TYPES) <= {t.lstrip(".") for t in at.file_uploader[0].allowed_type}
    from core import config
    assert at.file_uploader[0].proto.max_upload_size_mb == config.upload_limit_mb()  # the limit it states is ours
    assert any("No clips analysed yet" in i.value for i in at.info)
    at.button[0].click().run()  # Analyse with no file
    assert any("Choose a clip" in w.value for w in at.warning)


def _png() -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(np.zeros((64, 64, 3), np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def _audio_only() -> bytes:
    import io

    import av
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as c:
        s = c.add_stream("aac", rate=44100)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 44100
        for p in [*s.encode(frame), *s.encode(None)]:
            c.mux(p)
    return buf.getvalue()


@pytest.mark.parametrize("name,content,expect", [
    ("notes.mp4", b"this is a text file renamed to mp4\n" * 40, "not a readable video"),
    ("empty.mov", b"", "empty"),
    ("photo.mp4", _png(), "is an image"),
    ("voice.mp4", _audio_only(), "audio only"),
])
def test_bad_uploads_get_a_clear_message_and_store_nothing(data_dir, name, content, expect):
    aid = _athlete()
    at = run_page()
    at.file_uploader[0].set_value((name, content, "video/mp4")).run()
    at.button[0].click().run()
    assert not at.exception
    assert any(expect in e.value for e in at.error), [e.value for e in at.error]
    db = _db()
    try:
        assert store.list_for_athlete(db, LOCAL_COACH, aid) == []
    finally:
        db.close()
    assert not list((data_dir / "uploads").glob("*")) if (data_dir / "uploads").exists() else True


def test_upload_analyse_show_and_reuse(data_dir, tmp_path, monkeypatch):
    calls = []

    def fake_analyze(path, exercise, params=None, *, progress=None, should_cancel=None):
        calls.append((str(path), exercise))
        for i in range(5):
            progress((i + 1) / 5, "pose")
        return synthetic_analysis(reps=2)

    monkeypatch.setattr(pipeline, "analyze", fake_analyze)
    aid = _athlete()
    data = _clip(tmp_path / "set.mp4")
    at = run_page()
    at.file_uploader[0].set_value(("set.mp4", data, "video/mp4")).run()
    at.selectbox[1].set_value("squat").run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(calls) == 1 and calls[0][1] == "squat"
    assert any("Squat: 2 reps" in h.value for h in at.subheader)
    assert [m.value for m in at.metric][:2] == ["2", "Squat"]
    reps = at.dataframe[-1].value
    assert list(reps["Rep"]) == [1, 2] and "Depth / ROM (% of target)" in reps.columns
    assert "shallow depth" in reps["Faults"].iloc[1]
    assert at.metric[3].label == "Reps with a fault"
    assert at.metric[3].value == f"{int((reps['Faults'] != 'none').sum())} of 2"
    assert len(at.get("download_button")) == 3
    captions = " ".join(c.value for c in at.caption)
    assert "pose and counting took" in captions
    assert "Done in" in captions and "in all: pose, counting, drawing the overlay clip and storing" in captions
    db = _db()
    try:
        (stored,) = store.list_for_athlete(db, LOCAL_COACH, aid)
        assert stored.has_overlay and stored.file_name == "set.mp4"
        info = overlay.probe_bytes(store.overlay_bytes(db, LOCAL_COACH, stored.id), tmp_path / "o.mp4")
        assert info["codec"] == "h264" and info["faststart"]
    finally:
        db.close()
    assert not list((data_dir / "uploads").glob("*"))  # the stashed upload is gone

    # the same file again: nothing re-analysed, the stored result is shown
    at.file_uploader[0].set_value(("again.mp4", data, "video/mp4")).run()
    at.button[0].click().run()
    assert not at.exception
    assert len(calls) == 1
    assert any("already analysed" in t.value for t in at.toast)
    assert not any("Done in" in c.value for c in at.caption)  # nothing ran this time
    db = _db()
    try:
        assert len(store.list_for_athlete(db, LOCAL_COACH, aid)) == 1
    finally:
        db.close()


def test_stored_analysis_view_and_researcher_expander(data_dir):
    aid = _athlete()
    db = _db()
    try:
        store.save(db, LOCAL_COACH, aid, synthetic_analysis(reps=3), file_hash="ab" * 32, file_name="old.mp4")
    finally:
        db.close()
    at = run_page()
    assert any("Stored analyses of Maya (1)" in e.label for e in at.expander)
    open_btn = [b for b in at.button if b.label == "Open analysis"][0]
    open_btn.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Squat: 3 reps" in h.value for h in at.subheader)
    assert any("No overlay clip" in i.value for i in at.info)
    assert len(at.get("download_button")) == 2  # CSV and Parquet, no overlay stored
    labels = {n.help: n.label for n in at.number_input}
    assert any(h.startswith("`down_deg`") for h in labels)
    assert all("_" not in label for label in labels.values()), labels  # words, the names in the tooltips


def test_a_doubt_about_the_exercise_is_the_first_warning(data_dir):
    aid = _athlete()
    db = _db()
    doubt = ("Exercise recognised automatically: Biceps curl, but unsure: the upper arms were about "
             "58° out from the body during the movements")
    sure = synthetic_analysis(reps=2, exercise="squat")
    sure.warnings = ["No person for 0.5 s", "Exercise recognised automatically: Squat."]
    unsure = synthetic_analysis(reps=3, exercise="bicep_curl")
    unsure.warnings = ["No person for 0.5 s", doubt]
    try:
        ids = [store.save(db, LOCAL_COACH, aid, a, file_hash=h * 32, file_name=f"{h}.mp4",
                          exercise_requested="auto") for a, h in ((sure, "cd"), (unsure, "ef"))]
    finally:
        db.close()
    at = run_page()
    shown = {}
    for analysis_id in ids:
        at.session_state["video_open"] = analysis_id
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        heading = [h.value for h in at.subheader if "reps" in h.value][0]
        shown[heading.split(":")[0]] = [w.value for w in at.warning]
    assert shown["Biceps curl"][0] == doubt
    assert "No person for 0.5 s" in shown["Biceps curl"]
    # a plain "recognised automatically" is in the caption, not repeated as a warning
    assert not any("recognised automatically" in w for w in shown["Squat"])


@pytest.mark.slow
def test_real_clip_upload_plays_overlay_and_recounts(data_dir):
    from tests.conftest import shared_path
    clip = shared_path("data", "videos", "squat_front_1rep.mp4")
    _athlete()
    at = run_page()
    at.file_uploader[0].set_value((clip.name, clip.read_bytes(), "video/mp4")).run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    heading = next(h.value for h in at.subheader if "squat_front_1rep.mp4" in h.value)
    assert len(at.get("video")) == 1 and len(at.get("download_button")) == 3
    # researcher: raising the "count" threshold re-counts from the stored landmarks at once
    count = next(n for n in at.number_input if n.help.startswith("`count`"))
    count.set_value(count.value + 1).run()
    assert not at.exception
    assert any("Re-count with count=" in m.value for m in at.markdown), heading


def test_clip_without_a_person_says_so_and_stores_nothing(data_dir, tmp_path):
    aid = _athlete()
    data = _clip(tmp_path / "empty_room.mp4", seconds=2.0)  # grey frames: pose finds nobody
    at = run_page()
    at.file_uploader[0].set_value(("empty_room.mp4", data, "video/mp4")).run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No person was found" in e.value for e in at.error), [e.value for e in at.error]
    db = _db()
    try:
        assert store.list_for_athlete(db, LOCAL_COACH, aid) == []
    finally:
        db.close()
