"""AppTest for the Sensors page: empty states, an upload analysed and stored, reuse of the
stored result, column mapping for ambiguous files, bad files, the researcher expander."""
import json

import numpy as np
import pandas as pd
import pytest

from core import sessions
from core.actor import LOCAL_COACH
from core.sensors import step_counting, storage
from tests import apptest_util
from tests.apptest_util import add_athlete as _athlete
from tests.apptest_util import app_database as _db
from tests.apptest_util import plot_values
from tests.sensor_samples import generic_csv, gz, sensor_logger_json, walking

PAGE = "app_pages/sensors.py"


def run_page():
    return apptest_util.run_page(PAGE, timeout=180)


def _upload(at, name, data, mime="text/csv"):
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_no_athletes_says_what_to_do(data_dir):
    at = run_page()
    assert at.title[0].value == "Sensors"
    assert any("No athletes yet" in i.value for i in at.info)


def test_empty_state_with_an_athlete(data_dir):
    _athlete()
    at = run_page()
    assert any("No recordings yet" in i.value for i in at.info)


def test_upload_counts_stores_and_reuses(data_dir):
    aid = _athlete()
    t, acc, _, steps = walking(40.0, cadence_spm=110)
    data = generic_csv(t, acc)
    at = _upload(run_page(), "walk.csv", data)
    assert any("Stored as a sensor session" in s.value for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert abs(int(metrics["Steps (model)"]) - len(steps)) <= 3
    assert float(metrics["Cadence (steps/min)"]) == pytest.approx(110, abs=3) and "Steps (baseline)" in metrics
    assert len(at.get("plotly_chart")) >= 2
    assert any("Steps/min while walking, over 10 s windows every 5 s" in c.value for c in at.caption)
    assert any("acc m/s²" in c.value for c in at.caption)  # units as written, not m/s^2
    assert float(metrics["Step time (ms)"]) == pytest.approx(60_000 / 110, abs=15) and "SD (ms)" in metrics
    assert "Mean cadence (steps/min)" in at.dataframe[0].value.columns
    assert len(at.get("download_button")) == 1
    db = _db()
    try:
        stored = storage.find_by_hash(db, LOCAL_COACH, storage.content_hash(data))
        assert stored is not None and stored.athlete_id == aid
        assert sessions.get(db, LOCAL_COACH, stored.session_id).kind == "sensor"
    finally:
        db.close()

    again = _upload(run_page(), "same-file-again.csv", data)
    assert any("showing the stored result" in i.value for i in again.info)
    db = _db()
    try:
        assert sessions.count(db, LOCAL_COACH) == 1
    finally:
        db.close()


def test_a_sensor_logger_zip_upload_is_counted_and_says_what_it_read(data_dir):
    import io
    import zipfile
    _athlete()
    t, acc, _, truth = walking(40.0, cadence_spm=110)
    grav = np.tile(acc.mean(axis=0), (len(t), 1))
    ns = (1_698_501_144_401_773_000 + np.round(t * 1e9)).astype(np.int64)

    def table(xyz):
        return "time,seconds_elapsed,z,y,x\n" + "".join(f"{a},{ti:.5f},{z:.6g},{y:.6g},{x:.6g}\n"
                                                         for a, ti, (x, y, z) in zip(ns, t, xyz))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Accelerometer.csv", table(acc - grav))
        zf.writestr("Gravity.csv", table(grav))
    at = _upload(run_page(), "2023-10-28_13-52-24.zip", buf.getvalue(), "application/zip")
    steps = int(next(m.value for m in at.metric if m.label == "Steps (model)"))
    assert abs(steps - len(truth)) <= 2
    assert any("added Gravity.csv" in w.value for w in at.warning)


def test_researcher_expander_changes_the_count_live(data_dir, monkeypatch):
    _athlete()
    t, acc, _, _ = walking(40.0, cadence_spm=110)
    at = _upload(run_page(), "walk.csv.gz", gz(generic_csv(t, acc)), "application/gzip")
    stored_steps = int(next(m.value for m in at.metric if m.label == "Steps (model)"))
    # the expander opens on the stored settings, safety net included: it shows the stored count
    assert int(next(m.value for m in at.metric if m.label == "Steps with these settings")) == stored_steps
    at.slider(key="sensor_gap").set_value(1.0).run()
    at.checkbox(key="sensor_rescue").uncheck().run()  # the model's own peaks
    assert not at.exception
    live = int(next(m.value for m in at.metric if m.label == "Steps with these settings"))
    assert live < stored_steps
    at.checkbox(key="sensor_rescue").check().run()  # the baseline may stand in where the model thinned out
    assert not at.exception
    rescued = int(next(m.value for m in at.metric if m.label == "Steps with these settings"))
    assert rescued >= live
    asked = []
    real = step_counting.repick
    monkeypatch.setattr(step_counting, "repick", lambda *a, **k: asked.append(k.get("short_walk_prob")) or real(*a, **k))
    at.slider(key="sensor_sure").set_value(0.95).run()  # asks more of short bursts only: a long walk stays
    assert not at.exception
    assert asked and asked[-1] == pytest.approx(0.95)
    assert int(next(m.value for m in at.metric if m.label == "Steps with these settings")) == rescued


def _probability_chart(at) -> dict:
    (chart,) = [c for c in at.get("plotly_chart") if "Step probability" in c.proto.spec]
    return json.loads(chart.proto.spec)


def test_the_researcher_sees_the_probability_the_threshold_cuts_and_the_steps_it_drops(data_dir):
    _athlete()
    t, acc, _, _ = walking(40.0, cadence_spm=110)
    at = _upload(run_page(), "walk.csv", generic_csv(t, acc))
    stored = storage.step_times(_db(), LOCAL_COACH, storage.list_for_athlete(_db(), LOCAL_COACH, 1)[0].id, "model")
    spec = _probability_chart(at)
    traces = {d["name"]: d for d in spec["data"]}
    assert set(traces) == {"step probability", "step (these settings)"}  # the stored settings drop nothing
    prob_t, prob = plot_values(traces["step probability"]["x"]), plot_values(traces["step probability"]["y"])
    assert len(prob_t) == pytest.approx(40 * 25, abs=2) and 0 <= prob.min() and prob.max() <= 1
    picked = plot_values(traces["step (these settings)"]["x"])
    np.testing.assert_allclose(picked, stored)
    np.testing.assert_allclose(plot_values(traces["step (these settings)"]["y"]), np.interp(picked, prob_t, prob))
    (line,) = spec["layout"]["shapes"]
    assert line["y0"] == line["y1"] == pytest.approx(step_counting.step_model().config.threshold)

    at.checkbox(key="sensor_rescue").uncheck()  # else the baseline stands in where the model's peaks are cut
    at.slider(key="sensor_threshold").set_value(0.9).run()
    assert not at.exception
    live = int(next(m.value for m in at.metric if m.label == "Steps with these settings"))
    spec = _probability_chart(at)
    traces = {d["name"]: d for d in spec["data"]}
    assert spec["layout"]["shapes"][0]["y0"] == pytest.approx(0.9)
    picked = plot_values(traces["step (these settings)"]["x"]) if live else np.empty(0)
    dropped = plot_values(traces["stored step, dropped"]["x"])
    assert len(picked) == live < len(stored)
    assert np.isin(np.round(dropped, 6), np.round(stored, 6)).all() and not np.isin(dropped, picked).any()
    assert len(dropped) >= len(stored) - live


def test_the_probability_of_a_long_recording_is_drawn_decimated_with_its_steps_as_ticks():
    from components.sensor_charts import MAX_POINTS, probability_figure

    rate = 25.0
    t = np.arange(int(3600 * rate)) / rate
    prob = np.where(np.arange(len(t)) % 13 == 0, 0.8, 0.02)
    steps = t[prob > 0.5]
    spec = json.loads(probability_figure(t, prob, 0.4, steps[1:], stored=steps).to_json())
    traces = {d["name"]: d for d in spec["data"]}
    line = traces["step probability"]
    assert len(plot_values(line["y"])) <= MAX_POINTS and plot_values(line["y"]).max() == pytest.approx(0.8)
    assert set(plot_values(traces["step (these settings)"]["y"])) == {1.04}  # a row of ticks above the band
    assert plot_values(traces["stored step, dropped"]["x"]).tolist() == [steps[0]]
    assert "showing" in spec["layout"]["title"]["text"]


def test_a_ride_the_baseline_counts_and_the_model_does_not_is_explained(data_dir):
    from tests.sensor_samples import riding
    _athlete()
    t, acc = riding(60.0, rpm=75)
    at = _upload(run_page(), "ride.csv", generic_csv(t, acc))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Steps (model)"] == "0" and int(metrics["Steps (baseline)"]) > 50
    assert any("counts any steady rhythm" in c.value for c in at.caption)
    t, acc, _, _ = walking(40.0, cadence_spm=110)  # a walk both count: no such word
    at = _upload(run_page(), "walk.csv", generic_csv(t, acc))
    assert not any("counts any steady rhythm" in c.value for c in at.caption)


@pytest.mark.parametrize("a, b, tol, want", [
    ([1.0, 2.0, 3.0], [1.01, 2.5], 0.02, [True, False, False]),
    ([1.0, 2.0], [], 0.5, [False, False]),
    ([0.0, 5.0], [4.9], 0.2, [False, True]),
    ([], [1.0], 0.1, []),
])
def test_has_neighbour_finds_a_time_within_the_tolerance(a, b, tol, want):
    from components.sensor_charts import has_neighbour
    assert has_neighbour(np.array(a), np.array(b), tol).tolist() == want


def test_ambiguous_columns_get_a_mapping_form(data_dir):
    _athlete()
    t, acc, _, _ = walking(30.0)
    data = generic_csv(t, acc, names=["clock", "ch1", "ch2", "ch3"])
    at = _upload(run_page(), "odd.csv", data)
    assert any("which column is which" in w.value for w in at.warning)
    at.selectbox(key="map_time").set_value("clock")
    at.selectbox(key="map_acc_x").set_value("ch1")
    at.selectbox(key="map_acc_y").set_value("ch2")
    at.selectbox(key="map_acc_z").set_value("ch3")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Stored as a sensor session" in s.value for s in at.success)


def test_a_stored_file_is_read_again_with_the_columns_chosen_for_it(data_dir):
    """A new browser session (a fresh AppTest) uploading the same file: no mapping form."""
    _athlete()
    t, acc, _, _ = walking(30.0)
    data = generic_csv(t, acc, names=["clock", "ch1", "ch2", "ch3"])
    at = _upload(run_page(), "odd.csv", data)
    for role, col in (("time", "clock"), ("acc_x", "ch1"), ("acc_y", "ch2"), ("acc_z", "ch3")):
        at.selectbox(key=f"map_{role}").set_value(col)
    at.button[0].click().run()
    assert any("Stored as a sensor session" in s.value for s in at.success)
    again = _upload(run_page(), "odd.csv", data)
    assert not any("which column is which" in w.value for w in again.warning)
    assert any("showing the stored result" in i.value for i in again.info) and again.metric


def test_a_whole_second_clock_gets_the_form_with_seconds_elapsed_chosen(data_dir):
    _athlete()
    t, acc, _, _ = walking(30.0)
    clock = pd.to_datetime(1_700_000_000 + np.floor(t), unit="s").strftime("%Y-%m-%d %H:%M:%S")
    rows = "".join(f"{c},{s:.4f},{x:.6f},{y:.6f},{z:.6f}\n" for c, s, (x, y, z) in zip(clock, t, acc))
    at = _upload(run_page(), "logger.csv", ("time,seconds_elapsed,x,y,z\n" + rows).encode())
    assert any("another time column, seconds_elapsed" in w.value for w in at.warning)
    assert at.selectbox(key="map_time").value == "seconds_elapsed"
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Stored as a sensor session" in s.value for s in at.success)


def test_bad_file_shows_a_message_not_a_traceback(data_dir):
    _athlete()
    at = _upload(run_page(), "short.csv", b"timestamp_ns,acc_x,acc_y,acc_z\n1000000000,0,0,9.8\n1100000000,0,0,9.8\n")
    assert any("at least 5 s" in e.value for e in at.error)


def test_a_file_over_the_upload_limit_says_its_size_and_the_limit(data_dir, monkeypatch):
    _athlete()
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", "1")
    at = _upload(run_page(), "big.csv", b"timestamp_ns,acc_x,acc_y,acc_z\n" + b"1,0,0,9.8\n" * 140_000)
    assert [e.value for e in at.error] == ["The file is 1.34 MB; the upload limit is 1 MB."]


@pytest.mark.parametrize("page", ["app_pages/sensors.py", "app_pages/video.py", "app_pages/settings.py"])
def test_a_bad_upload_limit_setting_is_a_message_not_a_traceback(data_dir, monkeypatch, page):
    _athlete()
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", "abc")
    at = apptest_util.run_page(page, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    assert any("COACHLAB_UPLOAD_LIMIT_MB must be a whole number" in e.value for e in at.error)


def test_a_file_without_time_stamps_asks_for_its_rate_before_storing(data_dir):
    """An Awinda-style export has no time column: the rate (60 Hz assumed) sets the
    duration and the cadence, so the page asks before it counts and stores."""
    from tests.sensor_samples import awinda_csv
    _athlete()
    t, acc, gyro, steps = walking(40.0, rate_hz=100.0, cadence_spm=110, gyro=True)
    data = awinda_csv(acc, gyro, np.ones(len(t), dtype=int))
    at = _upload(run_page(), "awinda.csv", data)
    assert any("no time stamps" in w.value and "60 Hz is assumed" in w.value for w in at.warning)
    assert not at.success and not at.metric                     # nothing counted or stored yet
    db = _db()
    try:
        assert storage.find_by_hash(db, LOCAL_COACH, storage.content_hash(data)) is None
    finally:
        db.close()
    at.number_input[0].set_value(100.0)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Stored as a sensor session" in s.value for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["File rate (Hz)"] == "100" and float(metrics["Duration (min)"]) == pytest.approx(40 / 60, abs=0.05)
    assert float(metrics["Cadence (steps/min)"]) == pytest.approx(110, abs=3)


def test_a_rate_that_makes_the_file_unreadable_can_be_chosen_again(data_dir):
    from tests.sensor_samples import awinda_csv
    _athlete()
    t, acc, gyro, _ = walking(40.0, rate_hz=100.0, cadence_spm=110, gyro=True)
    at = _upload(run_page(), "awinda.csv", awinda_csv(acc, gyro, np.ones(len(t), dtype=int)))
    at.number_input[0].set_value(2000.0)           # 4,000 samples at 2 kHz last 2 s: too short to count
    at.button[0].click().run()
    assert any("at least 5 s" in e.value for e in at.error)
    at.button[0].click().run()                     # "Choose another rate"
    assert at.number_input and any("no time stamps" in w.value for w in at.warning)
    at.number_input[0].set_value(100.0)
    at.button[0].click().run()
    assert any("Stored as a sensor session" in s.value for s in at.success)


def test_a_mapping_that_makes_the_file_unreadable_can_be_chosen_again(data_dir):
    _athlete()
    t, acc, _, _ = walking(30.0)
    at = _upload(run_page(), "odd.csv", generic_csv(t, acc, names=["clock", "ch1", "ch2", "ch3"]))
    for role, col in (("time", "ch1"), ("acc_x", "clock"), ("acc_y", "ch2"), ("acc_z", "ch3")):  # time <-> x swapped
        at.selectbox(key=f"map_{role}").set_value(col)
    at.button[0].click().run()
    assert at.error and not at.success
    at.button[0].click().run()                     # "Choose other columns"
    assert any("which column is which" in w.value for w in at.warning)


def test_a_file_of_two_sensors_offers_the_first_and_then_asks_its_rate(data_dir):
    """gaitmap-style grouped columns (left and right foot, no time column): the form comes
    filled with the left sensor's columns; the rate is asked next."""
    from tests.sensor_samples import two_sensor_csv
    _athlete()
    t, acc, gyro, _ = walking(40.0, rate_hz=204.8, cadence_spm=110, gyro=True)  # gaitmap's rate
    at = _upload(run_page(), "feet.csv", two_sensor_csv(t, np.hstack([acc, gyro]), np.hstack([acc, gyro])))
    assert any("2 sensors (left_sensor, right_sensor)" in w.value for w in at.warning)
    assert at.selectbox(key="map_acc_x").value == "left_sensor / acc_x"
    assert at.selectbox(key="map_gyro_z").value == "left_sensor / gyr_z"
    at.button[0].click().run()
    assert any("no time stamps" in w.value for w in at.warning)
    at.number_input[0].set_value(204.8)
    at.button[0].click().run()
    assert any("Stored as a sensor session" in s.value for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["File rate (Hz)"] == "204.8"                 # not rounded to 205
    assert float(metrics["Cadence (steps/min)"]) == pytest.approx(110, abs=3)


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _stored(data):
    db = _db()
    try:
        return storage.find_by_hash(db, LOCAL_COACH, storage.content_hash(data)), sessions.count(db, LOCAL_COACH)
    finally:
        db.close()


def test_a_result_of_an_older_model_can_be_counted_again(data_dir):
    import sqlalchemy as sa

    from core.storage.tables_sensors import sensor_recordings
    _athlete()
    t, acc, _, steps = walking(40.0, cadence_spm=110)
    data = generic_csv(t, acc)
    _upload(run_page(), "walk.csv", data)
    first, _ = _stored(data)
    db = _db()
    try:
        with db.begin() as conn:
            conn.execute(sa.update(sensor_recordings).values(model_version="20250101-old", steps=3))
    finally:
        db.close()
    at = _upload(run_page(), "walk.csv", data)
    assert any("counted with model 20250101-old" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Count again at another rate"]  # it has time stamps
    _button(at, "Count again with the current model").click().run()
    assert any("Counted again" in s.value for s in at.success)
    again, n_sessions = _stored(data)
    assert again.id != first.id and again.model_version == first.model_version and n_sessions == 1
    assert abs(again.steps - len(steps)) <= 3


def test_a_file_without_time_stamps_can_be_counted_again_at_another_rate(data_dir):
    from tests.sensor_samples import awinda_csv
    _athlete()
    t, acc, gyro, _ = walking(40.0, rate_hz=100.0, cadence_spm=110, gyro=True)
    data = awinda_csv(acc, gyro, np.ones(len(t), dtype=int))
    at = _upload(run_page(), "awinda.csv", data)
    at.button[0].click().run()                     # stored at the assumed 60 Hz
    assert _stored(data)[0].sample_rate_hz == 60.0
    at = _upload(run_page(), "awinda.csv", data)
    assert not [b for b in at.button if b.label == "Count again with the current model"]
    _button(at, "Count again at another rate").click().run()
    assert any("was counted at 60 Hz" in w.value for w in at.warning)
    _button(at, "Keep the stored result").click().run()          # changed their mind: nothing changes
    assert any("showing the stored result" in i.value for i in at.info)
    _button(at, "Count again at another rate").click().run()
    at.number_input[0].set_value(100.0)
    _button(at, "Count steps at this rate").click().run()
    assert any("Counted again at 100 Hz" in s.value for s in at.success)
    stored, n_sessions = _stored(data)
    assert stored.sample_rate_hz == 100.0 and n_sessions == 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["File rate (Hz)"] == "100" and float(metrics["Cadence (steps/min)"]) == pytest.approx(110, abs=3)


def test_a_stored_result_can_be_deleted_and_the_upload_is_cleared(data_dir):
    _athlete()
    t, acc, _, _ = walking(30.0)
    data = generic_csv(t, acc)
    at = _upload(run_page(), "walk.csv", data)
    at.button(key="sensor_delete").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Deleted the stored result of walk.csv" in s.value for s in at.success)
    assert _stored(data) == (None, 0)
    assert at.file_uploader[0].value is None and not at.metric


def test_a_stored_recording_opens_without_its_file_and_can_be_deleted_there(data_dir):
    aid = _athlete()
    t, acc, _, steps = walking(40.0, cadence_spm=110)
    data = generic_csv(t, acc)
    _upload(run_page(), "walk.csv", data)
    stored, _ = _stored(data)
    at = run_page()
    assert not at.metric                                            # nothing open yet
    at.selectbox(key=f"sensor_open_{aid}").set_value(stored.id).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Steps (model)"]) == stored.steps and metrics["File rate (Hz)"] == "100"
    assert float(metrics["Cadence (steps/min)"]) == pytest.approx(110, abs=3)
    assert any("walk.csv" in c.value and stored.model_version in c.value for c in at.caption)
    assert len(at.get("download_button")) == 1 and len(at.get("plotly_chart")) == 2   # signal and cadence
    signal = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    magnitude = plot_values(signal["y"])
    assert len(magnitude) == 40 * 25 - 1 or len(magnitude) == 40 * 25  # kept at the model's 25 Hz
    assert np.median(magnitude) == pytest.approx(9.81, abs=0.3)        # |acc| in m/s², as read
    db = _db()
    try:
        rate_hz, kept = storage.signal(db, LOCAL_COACH, stored.id)
        assert rate_hz == 25.0 and len(kept) == len(magnitude)
    finally:
        db.close()
    at.button(key="sensor_delete").click().run()
    assert any("Deleted the stored result of walk.csv" in s.value for s in at.success)
    assert _stored(data) == (None, 0) and any("No recordings yet" in i.value for i in at.info)
    db = _db()
    try:
        assert storage.signal(db, LOCAL_COACH, stored.id) is None   # deleted with the analysis
    finally:
        db.close()


def test_choices_for_a_file_do_not_outlive_its_upload_or_its_deletion(data_dir):
    """A re-rate asked for and then left (upload removed) is not waiting when the file comes
    back; after a delete, the file's confirmed rate is asked for again, not reused."""
    from tests.sensor_samples import awinda_csv
    _athlete()
    t, acc, gyro, _ = walking(40.0, rate_hz=100.0, cadence_spm=110, gyro=True)
    data = awinda_csv(acc, gyro, np.ones(len(t), dtype=int))
    at = _upload(run_page(), "awinda.csv", data)
    at.number_input[0].set_value(100.0)
    at.button[0].click().run()
    _button(at, "Count again at another rate").click().run()
    assert at.number_input                                          # the re-rate form
    at.file_uploader[0].set_value(None).run()                       # the coach removes the upload
    _upload(at, "awinda.csv", data)
    assert any("showing the stored result" in i.value for i in at.info) and not at.number_input
    at.button(key="sensor_delete").click().run()
    assert _stored(data) == (None, 0)
    _upload(at, "awinda.csv", data)
    assert at.number_input and not at.success                       # asked again, nothing stored yet
    assert _stored(data) == (None, 0)


def test_a_long_recording_can_be_looked_at_closely(data_dir):
    """Over MAX_POINTS samples the whole recording is drawn decimated; 'a closer look' draws a window
    sample by sample, with each step's dot on the drawn line."""
    import json

    from components.sensor_charts import MAX_POINTS

    _athlete()
    t, acc, _, _ = walking(900.0, rate_hz=50.0, cadence_spm=110)  # 15 min: 22,500 samples at 25 Hz
    at = _upload(run_page(), "long.csv", generic_csv(t, acc))
    steps_shown = {m.label: m.value for m in at.metric}["Steps (model)"]
    assert "," in steps_shown and 1500 < int(steps_shown.replace(",", "")) < 1800  # 1,650 reads as a number
    (signal,) = [c for c in at.get("plotly_chart") if "Signal as the model reads it" in c.proto.spec]
    line = json.loads(signal.proto.spec)["data"][0]
    assert len(plot_values(line["x"])) <= MAX_POINTS  # the overview is decimated
    ticks = json.loads(signal.proto.spec)["data"][1]     # so the steps are ticks in a row above the band
    assert ticks["name"] == "step (model)" and len(set(plot_values(ticks["y"]))) == 1
    assert plot_values(ticks["y"])[0] > plot_values(line["y"]).max()
    at.radio(key="sensor_signal_view").set_value("A closer look").run()
    at.slider(key="sensor_signal_from").set_value(300).run()
    assert not at.exception, [e.value for e in at.exception]
    (signal,) = [c for c in at.get("plotly_chart") if "Signal as the model reads it" in c.proto.spec]
    spec = json.loads(signal.proto.spec)
    line, dots = spec["data"][0], spec["data"][1]
    x, y = plot_values(line["x"]), plot_values(line["y"])
    assert x[0] >= 300 and x[-1] <= 330 and len(x) == pytest.approx(30 * 25, abs=2)  # every sample of 30 s
    assert np.all(np.diff(x) == pytest.approx(1 / 25))
    sx, sy = plot_values(dots["x"]), plot_values(dots["y"])
    assert 45 <= len(sx) <= 65 and np.allclose(sy, np.interp(sx, x, y))  # ~55 steps at 110/min, on the line
    assert f"{len(sx)} steps" in spec["layout"]["title"]["text"]
    at.slider(key="sensor_signal_from").set_value(at.slider(key="sensor_signal_from").max).run()
    (signal,) = [c for c in at.get("plotly_chart") if "Signal as the model reads it" in c.proto.spec]
    x = plot_values(json.loads(signal.proto.spec)["data"][0]["x"])
    assert x[-1] == pytest.approx((len(t) / 2 - 1) / 25) and x[-1] - x[0] == pytest.approx(30, abs=0.05)  # the last 30 s


@pytest.mark.parametrize("seconds, text", [(10, "10 s"), (7.5, "7.5 s"), (40, "40 s"), (60, "1 min"),
                                           (90, "1.5 min"), (120, "2 min"), (600, "10 min")])
def test_cadence_windows_are_named_in_seconds_or_minutes(seconds, text):
    from components.sensor_results import _span
    assert _span(seconds) == text


def test_standing_reads_as_no_walking_not_as_a_cadence_of_zero_or_a_chart_of_noise(data_dir):
    import json

    from components.sensor_charts import MIN_SIGNAL_SPAN_MS2
    from tests.sensor_samples import standing

    _athlete()
    t, acc = standing(60.0)
    at = _upload(run_page(), "standing.csv", generic_csv(t, acc))
    metrics = {m.label: m for m in at.metric}
    assert metrics["Steps (model)"].value == "0" and metrics["Cadence (steps/min)"].value == "–"
    assert "No walking bout" in metrics["Cadence (steps/min)"].proto.help
    (signal,) = [c for c in at.get("plotly_chart") if "Signal as the model reads it" in c.proto.spec]
    low, high = json.loads(signal.proto.spec)["layout"]["yaxis"]["range"]
    assert high - low == pytest.approx(MIN_SIGNAL_SPAN_MS2) and low < 9.81 < high  # flat, around gravity


def test_a_sensor_logger_json_upload_is_accepted_and_counted(data_dir):
    _athlete()
    t, acc, _, truth = walking(40.0, cadence_spm=110)
    at = run_page()
    assert ".json" in at.file_uploader[0].proto.type  # the browser offers .json files to pick
    at = _upload(at, "2023-10-28_13-52-24.json", sensor_logger_json(t, acc), "application/json")
    steps = int(next(m.value for m in at.metric if m.label == "Steps (model)"))
    assert abs(steps - len(truth)) <= 2
    assert any("added its Gravity records" in w.value for w in at.warning)
