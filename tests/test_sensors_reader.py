"""Reading sensor files: every shape, unit and rate detection, and each validation message."""
import numpy as np
import pandas as pd
import pytest

from core.errors import UserError
from core.sensors import units
from core.sensors.columns import ColumnMappingNeeded, map_columns
from core.sensors.reader import read_recording
from core.sensors.resampling import resample
from core.sensors.sample_rate import estimate_rate
from tests.conftest import shared_path
from tests.sensor_samples import G, awinda_csv, generic_csv, gz, oxford_csv, standing, walking


@pytest.fixture(scope="module")
def walk():
    return walking(30.0, gyro=True)


@pytest.mark.parametrize("time_unit", ["ns", "us", "ms", "s", "iso"])
def test_generic_header_time_units(walk, time_unit):
    t, acc, gyro, _ = walk
    rec = read_recording(generic_csv(t, acc, gyro, time_unit=time_unit))
    assert rec.source_format == "generic"
    assert rec.units["time"] == ("ISO" if time_unit == "iso" else time_unit)
    assert rec.sample_rate_hz == 100.0
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-3)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    np.testing.assert_allclose(rec.gyro, gyro, atol=1e-4)
    assert rec.started_at is not None and rec.started_at.year == 2023


def test_units_g_and_deg_per_s_are_converted(walk):
    t, acc, gyro, _ = walk
    rec = read_recording(generic_csv(t, acc, gyro, acc_unit="g", gyro_unit="deg/s"))
    assert rec.units["acc"] == "g" and rec.units["gyro"] == "deg/s"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    np.testing.assert_allclose(rec.gyro, gyro, atol=1e-4)
    assert np.median(rec.acc_magnitude) == pytest.approx(G, rel=0.05)


def test_unit_hints_in_header_win(walk):
    t, acc, _, _ = walk
    # seconds since start, not epoch (this once wrote ns under "time (s)": a 950-year file at 1e-7 Hz)
    rec = read_recording(generic_csv(t, acc / G, time_unit="s", t0_s=0.0, names=["time (s)", "ax (g)", "ay (g)", "az (g)"]))
    assert rec.units == {"time": "s", "acc": "g"}
    assert rec.started_at is None


@pytest.mark.parametrize("names", [["t", "ax", "ay", "az"], ["time", "x", "y", "z"],
                                   ["Timestamp", "Accel X", "Accel Y", "Accel Z"]])
def test_header_aliases(walk, names):
    t, acc, _, _ = walk
    rec = read_recording(generic_csv(t, acc, time_unit="s", names=names))
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_oxford_headerless(walk):
    t, acc, _, _ = walk
    rec = read_recording(oxford_csv(t, acc))
    assert rec.source_format == "oxford" and rec.units["time"] == "ns" and rec.sample_rate_hz == 100.0
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)


def test_awinda_export_without_time(walk):
    t, acc, gyro, _ = walk
    rec = read_recording(awinda_csv(acc, gyro, np.ones(len(t), int)))
    assert rec.source_format == "awinda" and rec.sample_rate_hz == 60.0 and rec.gyro is not None
    assert rec.duration_s == pytest.approx((len(t) - 1) / 60)
    assert any("no time column" in w and "60 Hz" in w for w in rec.warnings)
    assert read_recording(awinda_csv(acc, gyro, np.ones(len(t), int)), rate_hz=100).duration_s == pytest.approx((len(t) - 1) / 100)


def test_gzip_and_path(tmp_path, walk):
    t, acc, _, _ = walk
    p = tmp_path / "rec.csv.gz"
    p.write_bytes(gz(generic_csv(t, acc)))
    rec = read_recording(p)
    assert rec.n_samples == len(t)


def test_chunked_reading_keeps_every_row(monkeypatch, walk):
    import core.sensors.reader as reader
    monkeypatch.setattr(reader, "CHUNK_ROWS", 777)
    t, acc, _, _ = walk
    rec = read_recording(generic_csv(t, acc))
    assert rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_rate_estimation_is_not_fooled_by_ms_rounding():
    t = np.floor(np.arange(4000) * 12.5) / 1000  # 80 Hz logged in whole milliseconds: 12, 13, 12, 13 ms
    assert estimate_rate(t) == 80.0
    rng = np.random.default_rng(0)
    jittered = np.cumsum(rng.normal(1 / 50, 0.002, 3000))
    assert estimate_rate(jittered) == 50.0
    odd = np.arange(3000) / 405.3
    assert estimate_rate(odd) == pytest.approx(405.3, abs=0.1)  # not snapped to 400
    gappy = np.concatenate([np.arange(1000) / 80, 30 + np.arange(1000) / 80])
    assert estimate_rate(gappy) == 80.0


def test_resampling_irregular_to_uniform():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0, 20, 4000))
    t[0] = 0.0
    x = np.sin(2 * np.pi * 0.5 * t)
    grid, y = resample(t, x, 25.0)
    assert np.allclose(np.diff(grid), 0.04)
    assert np.max(np.abs(y - np.sin(2 * np.pi * 0.5 * grid))) < 0.08  # box filter + edges


def test_time_unit_detection():
    assert units.detect_time_unit(np.arange(100) * 5e6) == "ns"
    assert units.detect_time_unit(np.arange(100) * 10.0) == "ms"
    assert units.detect_time_unit(np.arange(100) * 0.01) == "s"
    assert units.detect_time_unit(np.arange(100) * 10_000.0) == "us"


# --- validation messages -------------------------------------------------------------

def _csv(rows, header="timestamp_ns,acc_x,acc_y,acc_z"):
    return (header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n").encode()


def _good_rows(seconds=10.0, rate=50.0):
    t, acc = standing(seconds, rate)
    return [[int(1e9 + ti * 1e9), *a] for ti, a in zip(t, acc)]


def test_missing_columns_ask_for_a_mapping():
    with pytest.raises(ColumnMappingNeeded, match="Missing column") as e:
        read_recording(_csv([[1, 2, 3]] * 10, header="timestamp_ns,foo,bar"))
    assert e.value.columns == ["timestamp_ns", "foo", "bar"]


def test_ambiguous_columns_ask_for_a_mapping_and_mapping_works():
    rows = _good_rows()
    data = _csv([[r[0], *r[1:], *r[1:]] for r in rows], header="time,acc_x,acc_y,acc_z,x,y,z")
    with pytest.raises(ColumnMappingNeeded, match="Several columns"):
        read_recording(data)
    rec = read_recording(data, mapping={"time": "time", "acc_x": "x", "acc_y": "y", "acc_z": "z"})
    assert rec.source_format == "mapped" and rec.n_samples == len(rows)


def test_mapping_refuses_unknown_or_reused_columns():
    data = _csv(_good_rows())
    with pytest.raises(ColumnMappingNeeded, match="No column named"):
        read_recording(data, mapping={"time": "timestamp_ns", "acc_x": "nope", "acc_y": "acc_y", "acc_z": "acc_z"})
    with pytest.raises(ColumnMappingNeeded, match="same column"):
        read_recording(data, mapping={"time": "timestamp_ns", "acc_x": "acc_y", "acc_y": "acc_y", "acc_z": "acc_z"})


def test_non_numeric_values():
    rows = _good_rows()
    rows[40][2] = "abc"
    with pytest.raises(UserError, match="Non-numeric value"):
        read_recording(_csv(rows))


def test_too_short():
    with pytest.raises(UserError, match=r"lasts 2\.0 s; at least 5 s"):
        read_recording(_csv(_good_rows(seconds=2.02)))


def test_empty_and_header_only_and_binary():
    with pytest.raises(UserError, match="empty"):
        read_recording(b"")
    with pytest.raises(UserError, match="no data rows"):
        read_recording(b"timestamp_ns,acc_x,acc_y,acc_z\n")
    with pytest.raises(UserError, match="not a text"):
        read_recording(b"\x00\x01\x02binary\x00" * 50)


def test_backwards_and_duplicate_timestamps_are_sorted_with_warnings():
    rows = _good_rows()
    rows[100], rows[101] = rows[101], rows[100]
    rows.insert(200, list(rows[200]))
    rec = read_recording(_csv(rows))
    assert any("went backwards" in w for w in rec.warnings)
    assert any("repeated an earlier time stamp" in w for w in rec.warnings)
    assert np.all(np.diff(rec.t) > 0) and rec.n_samples == len(rows) - 1


def test_short_nan_runs_are_interpolated_long_ones_refused():
    rows = _good_rows()
    for i in range(100, 105):  # 0.1 s at 50 Hz
        rows[i][1] = ""
    rec = read_recording(_csv(rows))
    assert np.isfinite(rec.acc).all() and any("interpolated" in w for w in rec.warnings)
    for i in range(200, 300):  # 2 s
        rows[i][3] = "NaN"
    with pytest.raises(UserError, match="acc_z is missing for 2.0 s"):
        read_recording(_csv(rows))


def test_long_gap_is_reported():
    rows = _good_rows(seconds=20)
    rows = rows[:300] + [[r[0] + int(3e9), *r[1:]] for r in rows[300:]]
    rec = read_recording(_csv(rows))
    assert any("gap(s) longer than 1 s" in w and "longest 3.0 s" in w for w in rec.warnings)


def test_out_of_range_values_are_flagged():
    t, acc, gyro, _ = walking(20.0, gyro=True)
    acc[500] = [60.0, 10.0, 10.0]
    gyro[600] = [40.0, 0, 0]
    rec = read_recording(generic_csv(t, acc, gyro, gyro_unit="rad/s",
                                     names=["timestamp_ns", "acc_x", "acc_y", "acc_z", "gyro_x (rad/s)", "gyro_y", "gyro_z"]))
    assert any("above 50 m/s^2" in w for w in rec.warnings)
    assert any("above 35 rad/s" in w for w in rec.warnings)


def test_upload_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", "1")
    data = _csv(_good_rows(seconds=600, rate=50))
    assert len(data) > 1024 * 1024
    with pytest.raises(UserError, match="upload limit is 1 MB"):
        read_recording(data)


def test_map_columns_with_gyro_names():
    assert map_columns(["t", "ax", "ay", "az", "gx", "gy", "gz"]) == {
        "time": "t", "acc_x": "ax", "acc_y": "ay", "acc_z": "az", "gyro_x": "gx", "gyro_y": "gy", "gyro_z": "gz"}
    with pytest.raises(ColumnMappingNeeded, match="Only some gyroscope"):
        map_columns(["t", "ax", "ay", "az", "gx"])


# --- the shared real files --------------------------------------------------------------

def test_reads_a_shared_oxford_recording():
    d = shared_path("data", "imu", "oxford_optimisation", "data", "Pixel_Jamie_Hard_Purse_1")
    rec = read_recording(d / "accelerometer.csv")
    raw = pd.read_csv(d / "accelerometer.csv", header=None)
    assert rec.source_format == "oxford" and rec.n_samples == len(raw)
    assert 400 <= rec.sample_rate_hz <= 410  # Pixel logs at ~405 Hz: not snapped, not mangled
    assert np.median(rec.acc_magnitude) == pytest.approx(G, rel=0.1)


def test_reads_a_shared_awinda_recording():
    p = shared_path("data", "imu", "awinda", "person_5", "ClippedawindaRecording_20230217123216.csv")
    rec = read_recording(p)
    assert rec.source_format == "awinda" and rec.gyro is not None and rec.units["gyro"] == "rad/s"
    assert rec.n_samples == len(pd.read_csv(p))


def test_a_clock_jump_of_a_year_is_refused_not_resampled(walk):
    t, acc = walk[0], walk[1]
    jumped = t + np.where(t > 15.0, 365 * 86400.0, 0.0)  # a year's jump halfway: a grid of 788 M samples
    with pytest.raises(UserError, match=r"span 365\.0 days .* after 15\.0 s"):
        read_recording(generic_csv(jumped, acc))


@pytest.mark.parametrize("value", [1e9, 1e300])
def test_values_no_accelerometer_gives_are_refused_without_numpy_noise(walk, value):
    t, acc = walk[0], walk[1]
    with np.errstate(all="raise"):  # an overflow warning would surface as an error here
        with pytest.raises(UserError, match="Most samples have .acc. above 50"):
            read_recording(generic_csv(t, np.full_like(acc, value)))
