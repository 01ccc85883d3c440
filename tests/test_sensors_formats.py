"""Odd but real-world file shapes: what phone apps, spreadsheets and wearables export."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from core.errors import UserError
from core.sensors.columns import ColumnMappingNeeded
from core.sensors.reader import read_recording
from tests.conftest import shared_path
from tests.sensor_samples import awinda_csv, generic_csv, two_sensor_csv, walking


@pytest.fixture(scope="module")
def walk():
    t, acc, _, _ = walking(12.0)
    return t, acc


def _oxford_lines(t, acc):
    ns = (263_239_144_953_734 + np.round(t * 1e9)).astype(np.int64)
    return [f"{a},3,{x:.6f},{y:.6f},{z:.6f}" for a, (x, y, z) in zip(ns, acc)]


def test_headerless_oxford_with_an_empty_cell_near_the_top(walk):
    t, acc = walk
    lines = _oxford_lines(t, acc)
    lines[3] = ",".join(["" if i == 1 else c for i, c in enumerate(lines[3].split(","))])  # no accuracy flag
    lines[5] = ",".join(["" if i == 2 else c for i, c in enumerate(lines[5].split(","))])  # no x
    rec = read_recording(("\n".join(lines) + "\n").encode())
    assert rec.source_format == "oxford" and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc[6:], acc[6:], atol=1e-5)
    assert any("interpolated" in w for w in rec.warnings)


def _seven_columns(t, acc, extra):
    ns = (18_705_402_771_633 + np.round(t * 1e9)).astype(np.int64)
    return ("\n".join(f"{a},{x:.6f},{y:.6f},{z:.6f}," + ",".join(f"{v:g}" for v in e)
                      for a, (x, y, z), e in zip(ns, acc, extra)) + "\n").encode()


def test_the_oxford_apps_step_counters_are_not_read_as_a_gyroscope():
    # The Oxford app's validation export: ns, x, y, z, then its algorithm's, a reference
    # device's and the phone's running step counts, where a 7-column file has its gyroscope.
    t, acc, _, truth = walking(20.0)
    counts = np.stack([np.searchsorted(truth, t), np.searchsorted(truth + 0.05, t), np.zeros(len(t))], axis=1)
    rec = read_recording(_seven_columns(t, acc, counts))
    assert rec.source_format == "oxford" and rec.gyro is None and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)
    assert any("running step counts" in w and f"ending at {len(truth)}, {len(truth)}, 0" in w for w in rec.warnings)


def test_step_counters_with_one_left_empty_are_still_counters():
    # a phone without a hardware step counter leaves its column empty
    t, acc, _, truth = walking(20.0)
    counts = np.stack([np.searchsorted(truth, t), np.searchsorted(truth, t), np.full(len(t), np.nan)], axis=1)
    text = _seven_columns(t, acc, counts).decode().replace(",nan\n", ",\n")
    rec = read_recording(text.encode())
    assert rec.source_format == "oxford" and rec.gyro is None
    assert any(f"ending at {len(truth)}, {len(truth)}, empty" in w for w in rec.warnings)


@pytest.mark.parametrize("kind", ["float", "raw whole counts", "still, whole, one step up"])
def test_a_headerless_gyroscope_stays_a_gyroscope(kind):
    t, acc, gyro, _ = walking(20.0, gyro=True)
    extra = {"float": gyro,
             "raw whole counts": np.round(gyro * 1000) + 5,  # raw sensor counts rise and fall
             "still, whole, one step up": np.stack([np.zeros(len(t)), np.zeros(len(t)),
                                                    (np.arange(len(t)) > len(t) // 2).astype(float)], axis=1)}[kind]
    rec = read_recording(_seven_columns(t, acc, extra))
    assert rec.source_format == "headerless" and rec.gyro is not None
    assert not any("step counts" in w for w in rec.warnings)


@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_comma_exports(walk, sep):
    """Spreadsheets and phyphox in many locales write 9,81 with ";" or tab between columns."""
    t, acc = walk
    rows = [sep.join(f"{v:.6f}".replace(".", ",") for v in (ti, *a)) for ti, a in zip(t, acc)]
    header = sep.join(["Time (s)", "Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)"])
    rec = read_recording((header + "\n" + "\n".join(rows) + "\n").encode())
    assert rec.sample_rate_hz == 100.0 and rec.units["time"] == "s"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)
    headerless = read_recording(("\n".join(rows) + "\n").encode())  # time, x, y, z without a header
    np.testing.assert_allclose(headerless.acc, acc, atol=1e-5)


def test_semicolons_with_decimal_points_stay_as_they_are(walk):
    t, acc = walk
    rows = [";".join(f"{v:.6f}" for v in (ti, *a)) for ti, a in zip(t, acc)]
    rec = read_recording(("t;ax;ay;az\n" + "\n".join(rows) + "\n").encode())
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)


@pytest.mark.parametrize("rate", [0, -5, float("nan"), float("inf")])
def test_a_given_rate_must_be_a_positive_number(walk, rate):
    t, acc = walk
    data = awinda_csv(acc, acc, np.ones(len(t), int))
    with pytest.raises(UserError, match="sample rate must be a positive number"):
        read_recording(data, rate_hz=rate)
    assert read_recording(data, rate_hz=50).sample_rate_hz == 50.0


def test_cli_refuses_a_bad_rate_in_one_line(tmp_path, walk, capsys):
    from core.cli import main
    t, acc = walk
    p = tmp_path / "awinda.csv"
    p.write_bytes(awinda_csv(acc, acc, np.ones(len(t), int)))
    assert main(["steps", "count", str(p), "--json", "--rate-hz", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "positive number" in err[0]


def test_time_stamps_in_whole_seconds_are_refused_not_counted_at_1_hz(walk):
    """ISO times without fractions: 100 rows share each second; dropping the repeats left a
    1 Hz recording that was 'analysed' to 0 steps."""
    import pandas as pd
    t, acc = walk
    stamps = pd.to_datetime(1_700_000_000 + t, unit="s").strftime("%Y-%m-%d %H:%M:%S")
    data = "time,acc_x,acc_y,acc_z\n" + "".join(f"{s},{x},{y},{z}\n" for s, (x, y, z) in zip(stamps, acc))
    with pytest.raises(UserError, match=r"1 s apart \(1 Hz\); at least 10 Hz.*fractions of a second"):
        read_recording(data.encode())


def test_a_low_rate_is_refused(walk):
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x},{y},{z}\n" for ti, (x, y, z) in zip(t[::20], acc[::20]))  # 5 Hz
    with pytest.raises(UserError, match=r"0.2 s apart \(5 Hz\); at least 10 Hz"):
        read_recording(("time_s,ax,ay,az\n" + rows).encode())
    rows = "".join(f"{ti:.3f},{x},{y},{z}\n" for ti, (x, y, z) in zip(t[::8], acc[::8]))  # 12.5 Hz
    assert read_recording(("time_s,ax,ay,az\n" + rows).encode()).sample_rate_hz == 12.5


def test_a_low_given_rate_for_a_file_without_time_points_at_the_rate_not_a_time_column(walk):
    _, acc = walk
    rows = "".join(f"{x},{y},{z}\n" for x, y, z in acc)
    with pytest.raises(UserError, match="at least 10 Hz") as e:
        read_recording(("ax,ay,az\n" + rows).encode(), rate_hz=5)
    assert "no time column" in e.value.hint and "time column:" not in e.value.hint


def test_a_latin1_header_is_read(walk):
    """Windows tools write "m/s²" in Latin-1; the header's bytes are not UTF-8."""
    t, acc = walk
    header = "timestamp,acc_x (m/s\u00b2),acc_y (m/s\u00b2),acc_z (m/s\u00b2)\n".encode("latin-1")
    rows = "".join(f"{ti:.3f},{x},{y},{z}\n" for ti, (x, y, z) in zip(t, acc)).encode()
    rec = read_recording(header + rows)
    assert rec.units["acc"] == "m/s^2"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-6)


@pytest.mark.parametrize("cadence", [100, 120])
def test_no_step_is_counted_inside_a_gap_in_the_time_stamps(cadence):
    """The reader warns "no steps are counted inside them"; the model's and the baseline's
    steps on the resampled straight line across a 1.2 s gap used to be counted."""
    from core.sensors.step_counting import analyse, baseline_only, repick
    t, acc, _, _ = walking(40.0, cadence_spm=cadence)
    cut = (t >= 20.0) & (t < 21.2)
    rec = read_recording(generic_csv(t[~cut], acc[~cut]))
    assert any("no steps are counted inside them" in w for w in rec.warnings)
    i = int(np.argmax(np.diff(rec.t)))
    start, end = rec.t[i], rec.t[i + 1]  # last sample before the gap, first after it
    a = analyse(rec)
    for times in (a.step_times_s, a.baseline_times_s, repick(a, 0.2, 0.25), baseline_only(rec)):
        assert not np.any((times > start) & (times < end)), times[(times > start - 1) & (times < end + 1)]
    assert a.steps > 40


@pytest.mark.parametrize("text", ["timestamp_ns,device,acc_x,acc_y,acc_z,battery\n",
                                  "timestamp_ns,device,acc_x,acc_y,acc_z,battery\n\n\n",
                                  "timestamp_ns,device,acc_x,acc_y,acc_z,batt"])
def test_a_header_only_file_with_unused_columns(text):
    with pytest.raises(UserError, match="header but no data rows"):
        read_recording(text.encode())


def test_empty_gyroscope_columns_are_left_out_not_refused(walk):
    """Logging apps write gyro columns even on phones without a gyroscope; they are optional."""
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x},{y},{z},,,\n" for ti, (x, y, z) in zip(t, acc))
    rec = read_recording(("t,ax,ay,az,gx,gy,gz\n" + rows).encode())
    assert rec.gyro is None and "gyro" not in rec.units
    assert any("gyroscope columns hold no numbers" in w for w in rec.warnings)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-6)


def test_a_long_hole_in_the_gyroscope_drops_the_gyroscope_not_the_file(walk):
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x},{y},{z}," + (",," if 200 <= i < 1400 else "0.1,0.2,0.3") + "\n"
                   for i, (ti, (x, y, z)) in enumerate(zip(t, acc)))
    rec = read_recording(("t,ax,ay,az,gx,gy,gz\n" + rows).encode())
    assert rec.gyro is None and rec.n_samples == len(t)
    assert any("gyroscope is left out" in w for w in rec.warnings)


def test_just_under_five_seconds_does_not_read_as_five():
    t = np.arange(500) / 100  # 4.99 s
    rows = "".join(f"{ti:.2f},0,0,9.81\n" for ti in t)
    with pytest.raises(UserError, match=r"lasts 4\.9 s; at least 5 s"):
        read_recording(("time_s,ax,ay,az\n" + rows).encode())


ACTIGRAPH_PREAMBLE = """------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.3 Firmware v2.5.0 date format M/d/yyyy at 100 Hz  Filter Normal -----------
Serial Number: MOS2E22180349
Start Time 00:00:00
Start Date 5/7/2015
Epoch Period (hh:mm:ss) 00:00:00
Download Time 13:20:32
Download Date 5/8/2015
Current Memory Address: 0
Current Battery Voltage: 4.22     Mode = 12
--------------------------------------------------
"""


@pytest.mark.parametrize("preamble", [ACTIGRAPH_PREAMBLE, "# exported by a logger\n#\n# device: Pixel 7\n\n",
                                      "# crlf comment\r\n"])
def test_a_preamble_above_the_table_is_skipped(walk, preamble, monkeypatch):
    from core.sensors import reader
    monkeypatch.setattr(reader, "CHUNK_ROWS", 500)
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x},{y},{z}\n" for ti, (x, y, z) in zip(t, acc))
    rec = read_recording((preamble + "time_s,acc_x,acc_y,acc_z\n" + rows).encode())
    assert rec.n_samples == len(t) and rec.source_format == "generic"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-6)
    headerless = read_recording((preamble + rows).encode())  # time, x, y, z
    np.testing.assert_allclose(headerless.acc, acc, atol=1e-6)
    from core.sensors.reader import peek_columns
    assert peek_columns((preamble + "time_s,acc_x,acc_y,acc_z\n" + rows).encode()) == ["time_s", "acc_x", "acc_y", "acc_z"]


def test_a_file_just_over_the_limit_does_not_read_as_the_limit(monkeypatch):
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", "1")
    data = b"t,ax,ay,az\n" + b"0.01,0,0,9.81\n" * 100_000  # 1.34 MB
    with pytest.raises(UserError, match=r"is 1\.34 MB; the upload limit is 1 MB"):
        read_recording(data)
    with pytest.raises(UserError, match=r"is 1\.01 MB; the upload limit is 1 MB"):
        read_recording(b"x" * (1024 * 1024 + 1))


def _sensor_logger(t, acc) -> bytes:
    """Sensor Logger's layout: a ns clock, the seconds since the start, then z, y, x."""
    ns = (1_700_000_000_000_000_000 + np.round(t * 1e9)).astype(np.int64)
    rows = [f"{n},{s:.6f},{z:.6f},{y:.6f},{x:.6f}" for n, s, (x, y, z) in zip(ns, t, acc)]
    return ("time,seconds_elapsed,z,y,x\n" + "\n".join(rows) + "\n").encode()


def test_a_clock_beside_seconds_elapsed_is_not_a_clash(walk):
    t, acc = walk
    rec = read_recording(_sensor_logger(t, acc))
    assert rec.sample_rate_hz == pytest.approx(100.0) and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)   # x, y, z put back in order


def test_acceleration_without_gravity_is_refused_with_what_to_export(walk):
    t, acc = walk
    linear = acc - acc.mean(axis=0)                       # what apps call linear / user acceleration
    with pytest.raises(UserError, match="no gravity") as e:
        read_recording(_sensor_logger(t, linear))
    assert "with gravity" in e.value.hint
    read_recording(_sensor_logger(t, acc))                # the same walk with gravity reads


def test_a_marker_line_inside_the_table_is_reported_not_taken_for_the_table_start(walk):
    t, acc = walk
    ns = (1_700_000_000_000_000_000 + np.round(t * 1e9)).astype(np.int64)
    rows = [f"{n},{x:.6f},{y:.6f},{z:.6f}" for n, (x, y, z) in zip(ns, acc)]
    text = "timestamp_ns,acc_x,acc_y,acc_z\n" + "\n".join(rows[:30] + ["# lap 1"] + rows[30:]) + "\n"
    with pytest.raises(UserError, match="lap 1"):    # before: 30 rows and the header silently dropped
        read_recording(text.encode())


def test_a_whole_second_clock_beside_seconds_elapsed_asks_which_time_to_use(walk):
    t, acc = walk
    clock = pd.to_datetime(1_700_000_000 + np.floor(t), unit="s").strftime("%Y-%m-%d %H:%M:%S")
    rows = [f"{c},{s:.4f},{x:.6f},{y:.6f},{z:.6f}" for c, s, (x, y, z) in zip(clock, t, acc)]
    data = ("time,seconds_elapsed,x,y,z\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(ColumnMappingNeeded, match="another time column, seconds_elapsed") as e:
        read_recording(data)
    assert e.value.guess["time"] == "seconds_elapsed"
    rec = read_recording(data, mapping=e.value.guess)    # what the page's form sends back
    assert rec.sample_rate_hz == pytest.approx(100.0)


@pytest.mark.parametrize("compress", [False, True])
def test_utf16_exports_are_read(walk, compress):
    """Spreadsheets save "Unicode text" as UTF-16 (tab-separated, with a byte-order mark)."""
    import gzip
    t, acc = walk
    rows = "".join(f"{ti:.3f}\t{x:.6f}\t{y:.6f}\t{z:.6f}\r\n" for ti, (x, y, z) in zip(t, acc))
    data = ("time_s\tacc_x\tacc_y\tacc_z\r\n" + rows).encode("utf-16")
    rec = read_recording(gzip.compress(data) if compress else data)
    assert rec.n_samples == len(t) and rec.sample_rate_hz == pytest.approx(100.0)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)


@pytest.mark.parametrize("spike", [500.0, 1e10])
def test_a_momentary_glitch_does_not_cost_steps(spike):
    """One corrupt sample (1e10) used to skew the 1-s gravity estimate and the model's 4-s
    scale: 88 steps instead of 100 on this walk. It is now replaced and reported."""
    from core.sensors.step_counting import analyse
    t, acc, _, _ = walking(60.0)
    clean = analyse(read_recording(generic_csv(t, acc)))
    acc = acc.copy()
    acc[3000, 2] = spike
    rec = read_recording(generic_csv(t, acc))
    assert any("glitch" in w for w in rec.warnings)
    assert np.abs(rec.acc).max() < 20
    assert abs(analyse(rec).steps - clean.steps) <= 1


def test_a_long_high_reading_is_kept_and_flagged_not_smoothed_away(walk):
    t, acc = walk
    acc = acc.copy()
    acc[500:520] = [0.0, 0.0, 300.0]  # 0.2 s at 30 g: an impact, not a glitch
    rec = read_recording(generic_csv(t, acc))
    assert not any("glitch" in w for w in rec.warnings)
    assert any("above 50 m/s^2" in w for w in rec.warnings)
    np.testing.assert_allclose(rec.acc[500:520, 2], 300.0, rtol=1e-6)



def test_a_csv_gz_that_unpacks_to_far_more_than_the_limit_is_refused():
    """The limit used to apply to the packed size only: 1 MB of .csv.gz can unpack to
    gigabytes. Up to 5x the limit unpacked is read; beyond that, refused while reading."""
    import gzip
    rows = "".join(f"{i * 0.01:.2f},0.1,0.2,9.8\n" for i in range(400_000))
    packed = gzip.compress(("time_s,acc_x,acc_y,acc_z\n" + rows).encode())  # 7.9 MB of text in 1.0 MB
    assert len(packed) < 1024 * 1024
    with pytest.raises(UserError, match=r"unpacks to more than 5 MB of CSV \(5 x the upload limit of 1 MB\)"):
        read_recording(packed, size_limit_mb=1)
    assert read_recording(packed, size_limit_mb=2).n_samples == 400_000
    text = "time_s,acc_x,acc_y,acc_z\n" + rows[:3_000_000]           # 3 MB of CSV, 6 MB as UTF-16
    assert read_recording(gzip.compress(text.encode("utf-16")), size_limit_mb=1).n_samples > 100_000  # counts text


def test_an_actigraph_export_is_read_at_the_rate_its_preamble_states():
    """ActiGraph's raw CSV has no time column; its first line says "at 30 Hz". It used to
    be read at the 60 Hz assumed for Awinda: twice the cadence, half the duration."""
    t, acc, _, steps = walking(40.0, rate_hz=30.0)
    rows = "".join(f"{x / 9.80665:.3f},{y / 9.80665:.3f},{z / 9.80665:.3f}\n" for x, y, z in acc)
    text = ACTIGRAPH_PREAMBLE.replace("at 100 Hz", "at 30 Hz") + "Accelerometer X,Accelerometer Y,Accelerometer Z\n" + rows
    rec = read_recording(text.encode())
    assert rec.sample_rate_hz == 30.0 and rec.units["acc"] == "g"
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-6)
    assert any("30 Hz apart (as its header states)" in w for w in rec.warnings)
    assert rec.rate_source == "header" and rec.rate_unconfirmed
    assert not read_recording(text.encode(), rate_hz=30.0).rate_unconfirmed
    assert read_recording(text.encode(), rate_hz=32.0).sample_rate_hz == 32.0  # a given rate wins
    slow = ACTIGRAPH_PREAMBLE.replace("at 100 Hz", "at 5 Hz") + "Accelerometer X,Accelerometer Y,Accelerometer Z\n" + rows
    with pytest.raises(UserError, match="header states this rate"):
        read_recording(slow.encode())


@pytest.mark.parametrize("lines, rate", [
    (["# sample rate: 52 Hz"], 52.0), (["Sampling frequency (Hz): 12.5"], 12.5),
    ([ACTIGRAPH_PREAMBLE.splitlines()[0]], 100.0),                      # "... at 100 Hz  Filter Normal ---"
    (["Current Battery Voltage: 4.22     Mode = 12"], None), (["# recorded at 14:30"], None),
    (["# low-pass filter at 20 Hz"], None), (["# cutoff frequency: 5 Hz"], None),
    (["# mains frequency 50 Hz notch"], None), (["# Bluetooth at 2.4 GHz"], None),
    (["# Sampling frequency (Hz): 100; anti-alias filter at 40 Hz"], 100.0),
    (["# low-pass filter at 20 Hz", "# sample rate: 100 Hz"], 100.0),
    (["# logged at 50 Hz", "# sampling rate 100 Hz"], 100.0),            # a line that says sampling wins
    (ACTIGRAPH_PREAMBLE.replace("(hh:mm:ss) 00:00:00", "(hh:mm:ss) 00:00:10").splitlines(), None),  # epochs
])
def test_stated_rates(lines, rate):
    from core.sensors.reader import stated_rate
    assert stated_rate(["Serial Number: MOS2E22180349"] + lines) == rate


def test_glitches_are_judged_by_their_time_stamps_and_a_broken_sensor_is_not_hidden():
    from core.sensors.validation import remove_glitches
    t = np.arange(2000) / 15.0                      # 15 Hz: one sample lasts 67 ms, still a glitch
    acc = np.tile([0.0, 0.0, 9.81], (len(t), 1))
    acc[400] = [0.0, 0.0, 1e10]
    fixed, w = remove_glitches(t, acc)
    assert w and fixed[400, 2] == pytest.approx(9.81)
    t = np.arange(2000) / 100.0
    t[100:] += 2.0                                  # a 2 s gap between samples 99 and 100
    acc = np.tile([0.0, 0.0, 9.81], (len(t), 1))
    acc[99:101] = [0.0, 0.0, 500.0]                 # two high samples 2.01 s apart: not a moment
    assert remove_glitches(t, acc)[1] == []
    acc = np.tile([0.0, 0.0, 9.81], (len(t), 1))
    acc[::2] = [0.0, 0.0, 1e10]                     # every other sample: a broken sensor
    fixed, w = remove_glitches(t, acc)
    assert w == [] and fixed is acc


def _rows(t, acc, gyro=None) -> list[str]:
    cols = [acc] if gyro is None else [acc, gyro]
    return [",".join(f"{v:.6f}" for v in (ti, *np.concatenate([c[i] for c in cols]))) for i, ti in enumerate(t)]


def test_a_units_row_under_the_header_is_header_not_a_bad_value(walk):
    t, acc = walk
    text = "time,acc_x,acc_y,acc_z\ns,m/s^2,m/s^2,m/s^2\n" + "\n".join(_rows(t, acc)) + "\n"
    rec = read_recording(text.encode())
    assert rec.n_samples == len(t) and rec.sample_rate_hz == 100.0 and rec.units["time"] == "s"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)


def test_grouped_columns_of_two_sensors_ask_for_one_and_offer_the_first(walk):
    t, acc = walk
    gyro = np.degrees(np.column_stack([np.sin(t), np.cos(t), 0.1 * t]))
    right = np.hstack([acc + 1.0, gyro])
    data = two_sensor_csv(t, np.hstack([acc, gyro]), right)
    with pytest.raises(ColumnMappingNeeded, match="2 sensors \\(left_sensor, right_sensor\\)") as e:
        read_recording(data)
    assert e.value.guess == {"acc_x": "left_sensor / acc_x", "acc_y": "left_sensor / acc_y",
                             "acc_z": "left_sensor / acc_z", "gyro_x": "left_sensor / gyr_x",
                             "gyro_y": "left_sensor / gyr_y", "gyro_z": "left_sensor / gyr_z"}
    assert e.value.columns[:3] == ["sensor / axis", "left_sensor / acc_x", "left_sensor / acc_y"]
    rec = read_recording(data, mapping={r: c.replace("left", "right") for r, c in e.value.guess.items()},
                         rate_hz=100)
    np.testing.assert_allclose(rec.acc, acc + 1.0, atol=1e-5)
    assert rec.units["gyro"] == "deg/s"
    np.testing.assert_allclose(rec.gyro, np.radians(gyro), atol=1e-5)


def test_text_beside_numbers_is_data_not_a_second_header_row(walk):
    """Awinda's activity column holds text in every data row: still one header row."""
    t, acc = walk
    rec = read_recording(awinda_csv(acc, acc, np.full(len(t), "walking")), rate_hz=100)
    assert rec.n_samples == len(t) and rec.source_format == "awinda"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)


@pytest.mark.parametrize("blank", ["", "null", "NaN", "NA"])
def test_a_first_data_row_without_numbers_is_data_not_header(walk, blank):
    """An ISO time with its values missing holds no number, yet is a data row."""
    t, acc = walk
    stamps = pd.to_datetime(1_700_000_000 + t, unit="s").strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    rows = [f"{s},{x:.6f},{y:.6f},{z:.6f}" for s, (x, y, z) in zip(stamps, acc)]
    rows[0] = f"{stamps[0]},{blank},{blank},{blank}"
    rec = read_recording(("timestamp,acc_x,acc_y,acc_z\n" + "\n".join(rows) + "\n").encode())
    assert rec.n_samples == len(t) and rec.units["time"] == "ISO"
    np.testing.assert_allclose(rec.acc[1:], acc[1:], atol=1e-5)


def test_header_rows_without_data_are_reported():
    with pytest.raises(UserError, match="no data rows"):
        read_recording(b"time,acc_x,acc_y,acc_z\ns,g,g,g\n")


def test_the_units_a_units_row_gives_are_used(walk):
    """A units row's cell is a unit hint, as "(ms)" or "_g" in a name are; a sensor's name
    above the axis is none."""
    from core.sensors.units import acc_unit_from_name, time_unit_from_name
    assert (time_unit_from_name("time / ms"), time_unit_from_name("t / s")) == ("ms", "s")
    assert (acc_unit_from_name("acc_x / g"), acc_unit_from_name("ax / mg")) == ("g", "mg")
    assert acc_unit_from_name("g_sensor / acc_x") is None and time_unit_from_name("sensor / time") is None
    t, acc = walk
    rows = [",".join(f"{v:.6f}" for v in (ti * 1000, *(a / 9.80665))) for ti, a in zip(t, acc)]
    rec = read_recording(("time,acc_x,acc_y,acc_z\nms,g,g,g\n" + "\n".join(rows) + "\n").encode())
    assert rec.units["time"] == "ms" and rec.units["acc"] == "g" and rec.sample_rate_hz == 100.0
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_cli_maps_columns_and_refuses_a_malformed_mapping(tmp_path, walk, capsys):
    from core.cli import main
    t, acc = walk
    gyro = np.zeros((len(t), 3))
    p = tmp_path / "two_sensors.csv"
    p.write_bytes(two_sensor_csv(t, np.hstack([acc, gyro]), np.hstack([acc, gyro])))
    assert main(["steps", "count", str(p), "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "choose one sensor's columns" in err[0] and "--map" in err[0]
    assert main(["steps", "count", str(p), "--map", "acc_x"]) == 2
    assert "ROLE=COLUMN" in capsys.readouterr().err
    assert main(["steps", "count", str(p), "--map", "acc_x=left_sensor / acc_x", "--map", "acc_x=b"]) == 2
    assert "names a role twice" in capsys.readouterr().err
    mapped = [f"--map=acc_{a}=right_sensor / acc_{a}" for a in "xyz"]
    assert main(["steps", "count", str(p), "--json", "--rate-hz", "100", *mapped]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["sample_rate_hz"] == 100.0 and abs(out["duration_s"] - t[-1]) < 0.05


def test_a_foot_mounted_imu_from_the_gaitmap_example_counts_both_feet():
    """gaitmap's example (two foot-mounted IMUs at 204.8 Hz, no time column): each foot's
    sensor alone, mapped, finds the initial contacts of both feet (stride_events' `ic`)."""
    from core.sensors.step_counting import analyse, step_model
    from models.step_detector.evaluation import match
    root = shared_path("data", "imu", "gaitmap_example")
    events = pd.read_csv(root / "stride_events_sample.csv")
    truth = np.sort(events["ic"].to_numpy() / 204.8)
    for side in ("left_sensor", "right_sensor"):
        mapping = {f"acc_{a}": f"{side} / acc_{a}" for a in "xyz"} | {f"gyro_{a}": f"{side} / gyr_{a}" for a in "xyz"}
        rec = read_recording(root / "imu_sample.csv", mapping=mapping, rate_hz=204.8)
        steps = np.asarray(analyse(rec, step_model()).step_times_s)
        inside = steps[(steps > truth[0] - 0.25) & (steps < truth[-1] + 0.25)]  # strides cover the walk's middle
        score = match(inside, truth)
        assert abs(len(inside) - len(truth)) <= 2 and score.f1 >= 0.95, (side, len(inside), len(truth), score)


@pytest.mark.parametrize("name, role", [
    ("accelerometerAccelerationX(G)", "acc_x"), ("gyroRotationZ(rad/s)", "gyro_z"),      # SensorLog (iOS)
    ("accelerometerTimestamp_sinceReboot(s)", "time"),
    ("motionUserAccelerationX(G)", None), ("motionGravityY(G)", None), ("loggingSample(N)", None),
    ("ACCELEROMETER Y (m/s²)", "acc_y"), ("Time since start in ms", "time"),            # AndroSensor
    ("gFx", "acc_x"), ("gFz", "acc_z"), ("TgF", None),                                   # Physics Toolbox
    ("x_acc", "acc_x"), ("z_gyro", "gyro_z"), ("X-Axis", "acc_x"), ("acc_y_g", "acc_y"),
    ("accel_z_mps2", "acc_z"), ("gyro_x_dps", "gyro_x"), ("TimeStamp", "time"), ("timestampNs", "time"),
    ("AccelX_5", "acc_x"), ("Acceleration x (m/s^2)", "acc_x"), ("linear_acceleration_x", None),
    ("LinearAccX", None), ("linear_acc_x", None), ("x_g", "acc_x"), ("z_acc_g", "acc_z"),
    ("x-axis (deg/s)", "gyro_x"), ("y-axis (g)", "acc_y"), ("gx", "gyro_x"), ("wz", "gyro_z"),
    ("Beschl. X (m/s²)", "acc_x"), ("Aceleración Y (m/s^2)", "acc_y"), ("Accélération z", "acc_z"),  # localised
])
def test_phone_apps_column_names(name, role):
    from core.sensors.columns import role_of
    assert role_of(name) == role


def test_a_sensorlog_export_is_read_by_its_accelerometer_clock_in_g(walk):
    """SensorLog (iOS) writes dozens of columns: text, location, the accelerometer in g with
    its own clock since reboot, user acceleration (gravity removed) and gravity apart."""
    t, acc = walk
    header = ("loggingTime(txt),loggingSample(N),identifierForVendor(txt),locationTimestamp_since1970(s),"
              "accelerometerTimestamp_sinceReboot(s),accelerometerAccelerationX(G),accelerometerAccelerationY(G),"
              "accelerometerAccelerationZ(G),motionUserAccelerationX(G),motionUserAccelerationY(G),"
              "motionUserAccelerationZ(G),motionGravityX(G),motionGravityY(G),motionGravityZ(G)")
    g = acc / 9.80665
    rows = [f"2026-12-01 10:00:{ti:06.3f} +0100,{i},ABC-123,1764579600.0,{86400 + ti:.4f},"
            + ",".join(f"{v:.6f}" for v in (*gi, *(gi * 0.1), 0, 0, -1)) for i, (ti, gi) in enumerate(zip(t, g))]
    rec = read_recording((header + "\n" + "\n".join(rows) + "\n").encode())
    assert rec.rate_source == "time stamps" and rec.sample_rate_hz == 100.0 and rec.units["acc"] == "g"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


@pytest.mark.parametrize("layout", ["isoformat", "day_first_text"])
def test_iso_stamps_with_and_without_a_fraction_are_all_read(walk, layout):
    """Python's isoformat() writes whole seconds without ".000000"; other loggers write
    12/01/2026 10:00:01.230."""
    from datetime import datetime, timedelta
    t, acc = walk
    start = datetime(2026, 12, 1, 10, 0, 0)
    stamps = [(start + timedelta(seconds=float(x))) for x in np.round(t, 3)]
    text = [s.isoformat() if layout == "isoformat" else s.strftime("%m/%d/%Y %H:%M:%S.%f")[:-3] for s in stamps]
    assert layout != "isoformat" or "." not in text[0] and "." in text[1]
    rows = [f"{s},{x:.6f},{y:.6f},{z:.6f}" for s, (x, y, z) in zip(text, acc)]
    rec = read_recording(("time,acc_x,acc_y,acc_z\n" + "\n".join(rows) + "\n").encode())
    assert rec.n_samples == len(t) and rec.sample_rate_hz == 100.0 and rec.started_at == start


def test_cli_reads_a_stored_file_again_with_its_columns_and_rate(data_dir, tmp_path, walk, capsys):
    """Stored with --map and --rate-hz: with --athlete the next run needs neither."""
    from core.cli import main
    t, acc = walk
    p = tmp_path / "feet.csv"
    p.write_bytes(two_sensor_csv(t, np.hstack([acc, np.zeros((len(t), 3))]), np.hstack([acc, np.zeros((len(t), 3))])))
    mapped = [f"--map=acc_{a}=left_sensor / acc_{a}" for a in "xyz"]
    assert main(["steps", "count", str(p), "--json", "--athlete", "Ana", "--rate-hz", "100", *mapped]) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert main(["steps", "count", str(p), "--json", "--athlete", "Ana"]) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again["stored"] == "existing" and again["sample_rate_hz"] == first["sample_rate_hz"] == 100.0
    assert again["steps"] == first["steps"]
    assert main(["steps", "count", str(p), "--json"]) == 2       # nothing stored to go by without --athlete
    assert "choose one sensor's columns" in capsys.readouterr().err


# Wearable and logger exports as their tools write them (layouts checked against each tool's docs).

def _g(acc):
    return acc / 9.80665


def test_polar_sensor_logger_is_read_on_the_sensors_clock_in_mg(walk):
    """Polar Sensor Logger: `Phone timestamp` (when the phone received a batch: repeated) and
    `sensor timestamp [ns]` (the sensor's own, regular); read at 60 Hz assumed with no time
    column before, so a 200 Hz file was a third as fast and a third of its steps."""
    t, acc = walk
    phone = pd.to_datetime(1_709_288_130 + np.floor(t * 10) / 10, unit="s").strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3]
    ns = (762_603_330_250_000_000 + np.round(t * 1e9)).astype(np.int64)
    rows = "".join(f"{p};{n};{x:.0f};{y:.0f};{z:.0f}\n" for p, n, (x, y, z) in zip(phone, ns, _g(acc) * 1000))
    rec = read_recording(("Phone timestamp;sensor timestamp [ns];X [mg];Y [mg];Z [mg]\n" + rows).encode())
    assert rec.sample_rate_hz == pytest.approx(100.0) and rec.units == {"time": "ns", "acc": "mg"}
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-6)
    assert rec.started_at == pd.Timestamp("2024-03-01 10:15:30")  # the date from the phone's column
    np.testing.assert_allclose(rec.acc, acc, atol=0.01)


def test_shimmer_consensys_export_with_its_sep_line_units_row_and_long_names(walk):
    t, acc = walk
    names = [f"Shimmer_8C25_{n}_CAL" for n in ("Timestamp_Unix", "Accel_LN_X", "Accel_LN_Y", "Accel_LN_Z",
                                                 "Gyro_X", "Gyro_Y", "Gyro_Z")]
    rows = "".join(f"{1_709_288_130_250 + ti * 1000:.3f},{x:.6f},{y:.6f},{z:.6f},1.5,-2.0,0.5,\n"
                   for ti, (x, y, z) in zip(t, acc))
    text = '"sep=,"\n' + ",".join(names) + ",\n" + "ms,m/(s^2),m/(s^2),m/(s^2),deg/s,deg/s,deg/s,\n" + rows
    rec = read_recording(text.encode())
    assert rec.sample_rate_hz == pytest.approx(100.0) and rec.units["gyro"] == "deg/s"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-5)
    np.testing.assert_allclose(rec.gyro[0], np.deg2rad([1.5, -2.0, 0.5]))


def test_geneactiv_export_after_its_hundred_line_preamble(walk):
    """GENEActiv: ~100 "Key:,Value" lines (read as the table before), then rows of a time with
    a colon before the milliseconds, x, y, z in g, light, button and temperature."""
    t, acc = walk
    preamble = "Device Identity\nDevice Unique Serial Code:,012345\nDevice Type:,GENEActiv\n" + "".join(
        f"Setting {i}:,{i}\n" for i in range(90)) + "Measurement Frequency:,100 Hz\n\n"
    stamps = pd.to_datetime(1_709_288_130.25 + t, unit="s").strftime("%Y-%m-%d %H:%M:%S:%f").str[:-3]
    rows = "".join(f"{s},{x:.4f},{y:.4f},{z:.4f},200,0,25.0\n" for s, (x, y, z) in zip(stamps, _g(acc)))
    rec = read_recording((preamble + rows).encode())
    assert rec.source_format == "geneactiv" and rec.gyro is None  # light, button, temperature are no gyroscope
    assert rec.sample_rate_hz == pytest.approx(100.0) and rec.units["acc"] == "g"
    assert rec.started_at == pd.Timestamp("2024-03-01 10:15:30.250")
    np.testing.assert_allclose(rec.acc, acc, atol=0.01)


def test_axivity_csv_without_a_header_starts_with_a_date_time(walk):
    t, acc = walk
    stamps = pd.to_datetime(1_709_288_130.25 + t, unit="s").strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3]
    rows = "".join(f"{s},{x:.6f},{y:.6f},{z:.6f}\n" for s, (x, y, z) in zip(stamps, _g(acc)))
    rec = read_recording(rows.encode())
    assert rec.n_samples == len(t) and rec.sample_rate_hz == pytest.approx(100.0) and rec.units["acc"] == "g"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


@pytest.mark.parametrize("stated, written", [("d/M/yyyy", "%-d/%-m/%Y"), ("dd.MM.yyyy", "%d.%m.%Y"),
                                             ("M/d/yyyy", "%-m/%-d/%Y")])
def test_actigraph_dates_are_read_in_the_order_its_preamble_states_across_midnight(walk, stated, written):
    """1/3/2024 is 1 March in a d/M/yyyy export: read month first, crossing midnight jumped a
    month (refused as a 30-day span) and the recording was dated 3 January."""
    t, acc = walk
    stamps = pd.to_datetime(1_709_337_595.0 + t, unit="s")  # 2024-03-01 23:59:55, past midnight after 5 s
    rows = "".join(f"{s.strftime(written)} {s:%H:%M:%S}.{s.microsecond // 1000:03d},{x:.4f},{y:.4f},{z:.4f}\n"
                   for s, (x, y, z) in zip(stamps, _g(acc)))
    preamble = ACTIGRAPH_PREAMBLE.replace("M/d/yyyy", stated)
    rec = read_recording((preamble + "Timestamp,Accelerometer X,Accelerometer Y,Accelerometer Z\n" + rows).encode())
    assert rec.started_at == pd.Timestamp("2024-03-01 23:59:55")
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-3) and rec.sample_rate_hz == pytest.approx(100.0)


def test_a_time_of_day_with_a_colon_before_the_milliseconds_going_past_midnight(walk):
    """Physics Toolbox writes `23:59:55:250`; past midnight its clock starts again at 00:00."""
    t, acc = walk
    stamps = pd.to_datetime(86_395.25 + t, unit="s")
    rows = "".join(f"{s:%H:%M:%S}:{s.microsecond // 1000:03d},{x:.4f},{y:.4f},{z:.4f}\n"
                   for s, (x, y, z) in zip(stamps, _g(acc)))
    rec = read_recording(("time,gFx,gFy,gFz\n" + rows).encode())
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-3) and rec.sample_rate_hz == pytest.approx(100.0)
    assert rec.started_at is None  # a time of day says nothing of the date
    assert not rec.warnings


def test_empatica_e4_acc_csv_start_time_and_rate_rows_then_64ths_of_g(walk):
    t, acc = walk
    counts = np.round(_g(acc[::3]) * 64).astype(int)  # ~33 Hz
    text = ("1709288130.000000, 1709288130.000000, 1709288130.000000\n32.000000, 32.000000, 32.000000\n"
            + "".join(f"{x},{y},{z}\n" for x, y, z in counts))
    rec = read_recording(text.encode())
    assert rec.source_format == "empatica" and rec.sample_rate_hz == 32.0 and rec.n_samples == len(counts)
    assert rec.started_at == pd.Timestamp("2024-03-01 10:15:30") and rec.units["acc"] == "g"
    np.testing.assert_allclose(rec.acc, counts / 64 * 9.80665, atol=1e-9)


def test_linear_acceleration_alone_is_refused_with_what_to_export_instead(walk):
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x:.4f},{y:.4f},{z:.4f}\n" for ti, (x, y, z) in zip(t, acc - acc.mean(axis=0)))
    text = '"Time (s)","Linear Acceleration x (m/s^2)","Linear Acceleration y (m/s^2)","Linear Acceleration z (m/s^2)"\n'
    with pytest.raises(ColumnMappingNeeded, match="linear") as e:  # the page still lets the coach map columns
        read_recording((text + rows).encode())
    assert "with g" in e.value.hint


def test_a_blank_first_time_stamp_is_dropped_not_a_crash(walk):
    t, acc = walk
    stamps = list(pd.to_datetime(1_709_288_130 + t, unit="s").strftime("%Y-%m-%dT%H:%M:%S.%f"))
    stamps[0] = ""
    rows = "".join(f"{s},{x:.4f},{y:.4f},{z:.4f}\n" for s, (x, y, z) in zip(stamps, acc))
    rec = read_recording(("time,acc_x,acc_y,acc_z\n" + rows).encode())
    assert rec.n_samples == len(t) - 1 and any("no time stamp" in w for w in rec.warnings)


@pytest.mark.parametrize("clock", ["%H:%M:%S.%f", "%I:%M:%S.%f %p"])
def test_a_clock_past_midnight_with_a_blank_stamp_at_midnight(walk, clock):
    t, acc = walk
    stamps = list(pd.to_datetime(86_395.0 + t, unit="s").strftime(clock))
    stamps[500] = ""  # 00:00:00.000
    rows = "".join(f"{s},{x:.4f},{y:.4f},{z:.4f}\n" for s, (x, y, z) in zip(stamps, acc))
    rec = read_recording(("time,acc_x,acc_y,acc_z\n" + rows).encode())
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-3) and rec.n_samples == len(t) - 1


def test_day_first_dates_are_told_by_the_field_that_steps_when_no_day_is_over_12(walk):
    """1/3/2024 then 2/3/2024 past midnight, no preamble: the first field steps on its own, so it is
    the day (read month first, the walk spanned a month and was refused)."""
    t, acc = walk
    stamps = pd.to_datetime(1_709_337_595.0 + t, unit="s")
    rows = "".join(f"{s.day}/{s.month}/{s.year} {s:%H:%M:%S}.{s.microsecond // 1000:03d},{x:.4f},{y:.4f},{z:.4f}\n"
                   for s, (x, y, z) in zip(stamps, acc))
    rec = read_recording(("time,acc_x,acc_y,acc_z\n" + rows).encode())
    assert rec.started_at == pd.Timestamp("2024-03-01 23:59:55") and rec.duration_s == pytest.approx(t[-1], abs=1e-3)


def test_shimmer_calibrated_low_noise_columns_win_over_raw_and_wide_range_ones():
    from core.sensors.columns import map_columns
    names = [f"Shimmer_8C25_{n}" for n in (
        "Timestamp_CAL", "Timestamp_Unix_CAL", "Accel_LN_X_CAL", "Accel_LN_Y_CAL", "Accel_LN_Z_CAL",
        "Accel_LN_X_RAW", "Accel_WR_X_CAL", "Accel_WR_Y_CAL", "Accel_WR_Z_CAL", "Gyro_X_CAL", "Gyro_Y_CAL",
        "Gyro_Z_CAL", "Gyro_X_RAW")]
    found = map_columns(names)
    assert found["time"].endswith("Timestamp_Unix_CAL") and found["acc_x"].endswith("Accel_LN_X_CAL")
    assert found["gyro_z"].endswith("Gyro_Z_CAL")
    # outside Shimmer's names a _raw column is not the calibrated one, and a sensor_time beside time is no clash
    assert map_columns(["time", "sensor_time", "acc_x", "acc_y", "acc_z", "acc_x_raw"])["time"] == "time"


def test_xsens_dot_export_reads_its_microsecond_counter_across_its_wrap(walk):
    """Movella/Xsens DOT: a preamble ("OutputRate:,120Hz"), then SampleTimeFine, a 32-bit µs counter
    that wraps every 71.6 min, free acceleration (no gravity) beside Acc_X..Z; read at 60 Hz assumed
    before (the counter's name was not known)."""
    t, acc = walk
    fine = (2 ** 32 - 3_000_000 + np.round(t * 1e6).astype(np.int64)) % 2 ** 32  # wraps 3 s in
    rows = "".join(f"{i},{f},0,0,0,{x:.4f},{y:.4f},{z:.4f},0.1,0.2,0.3\n"
                   for i, (f, (x, y, z)) in enumerate(zip(fine, acc)))
    text = ("sep=,\nDeviceTag:,1\nOutputRate:,100Hz\nFilterProfile:,General\n\n"
            "PacketCounter,SampleTimeFine,FreeAcc_X,FreeAcc_Y,FreeAcc_Z,Acc_X,Acc_Y,Acc_Z,Gyr_X,Gyr_Y,Gyr_Z\n" + rows)
    rec = read_recording(text.encode())
    assert rec.sample_rate_hz == pytest.approx(100.0) and rec.duration_s == pytest.approx(t[-1], abs=1e-3)
    assert not rec.warnings and rec.gyro is not None
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_metabase_export_uses_its_epoch_clock_and_a_witmotion_temperature_is_not_time(walk):
    t, acc = walk
    rows = "".join(f"{1_709_288_130_250 + round(ti * 1000)},2024-03-01T05.15.30.250,{ti:.3f},{x:.4f},{y:.4f},{z:.4f}\n"
                   for ti, (x, y, z) in zip(t, _g(acc)))
    rec = read_recording(("epoc (ms),timestamp (-0500),elapsed (s),x-axis (g),y-axis (g),z-axis (g)\n" + rows).encode())
    assert rec.sample_rate_hz == pytest.approx(100.0) and rec.started_at == pd.Timestamp("2024-03-01 10:15:30.250")
    from core.sensors.columns import map_columns
    assert map_columns(["Time", "ChipTime", "ax(g)", "ay(g)", "az(g)", "T(°)"])["time"] == "Time"


def test_samples_stamped_once_per_batch_are_spread_not_dropped(walk):
    """Movesense (or a phone relaying a sensor) stamps a packet of 8 samples once: the repeats were
    dropped, leaving 12.5 Hz of the 100."""
    t, acc = walk
    stamps = 123_456 + np.round(t[::8] * 1000).astype(int)
    rows = "".join(f"{stamps[i // 8]},{x:.4f},{y:.4f},{z:.4f}\n" for i, (x, y, z) in enumerate(acc))
    rec = read_recording(("Timestamp,AccX,AccY,AccZ\n" + rows).encode())
    assert rec.n_samples == len(t) and rec.sample_rate_hz == pytest.approx(100.0, rel=0.01)
    assert any("one per batch of about 8 samples" in w for w in rec.warnings)


def test_a_clock_with_a_decimal_comma_and_an_unknown_time_name_are_asked_for(walk):
    t, acc = walk
    stamps = pd.to_datetime(36_000.0 + t, unit="s")
    rows = "".join(f"{s:%H:%M:%S},{s.microsecond // 1000:03d};{x:.4f};{y:.4f};{z:.4f}\n".replace(".", ",")
                   for s, (x, y, z) in zip(stamps, acc))
    rec = read_recording(("time;x;y;z\n" + rows).encode())
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-3) and rec.sample_rate_hz == pytest.approx(100.0)
    rows = "".join(f"{ti:.3f},{x:.4f},{y:.4f},{z:.4f}\n" for ti, (x, y, z) in zip(t, acc))
    with pytest.raises(ColumnMappingNeeded, match="No column is named like a time; the file also has Uhr") as e:
        read_recording(("Uhr,ax,ay,az\n" + rows).encode())  # read at an assumed 60 Hz before
    assert e.value.guess == {"acc_x": "ax", "acc_y": "ay", "acc_z": "az"}
    assert read_recording(("Uhr,ax,ay,az\n" + rows).encode(), mapping={"time": "Uhr", "acc_x": "ax", "acc_y": "ay",
                                                                        "acc_z": "az"}).sample_rate_hz == 100.0


@pytest.mark.parametrize("text, said", [
    ("Date,Time,Axis1,Axis2,Axis3,Steps\n3/1/2024,10:00:00,120,80,60,12\n", "step or activity summary (Axis1, Steps)"),
    ("Steps,Actual,Goal\n2024-03-01,6313,10000\n", "step or activity summary (Steps)"),
    ('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n</HealthData>\n', "This is an XML file")])
def test_step_summaries_and_xml_exports_say_what_they_are(text, said):
    with pytest.raises(UserError, match=re.escape(said)):
        read_recording(text.encode())


def test_axes_beside_a_steps_column_are_read_with_a_warning_that_they_may_be_counts(walk):
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x:.4f},{y:.4f},{z:.4f},0\n" for ti, (x, y, z) in zip(t, acc))
    rec = read_recording(("time,x,y,z,Steps\n" + rows).encode())
    assert any("The file also has Steps" in w and "activity counts" in w for w in rec.warnings)


def test_a_mapping_without_the_axes_asks_for_them_in_a_summary_file_too():
    from core.sensors.columns import check_mapping
    with pytest.raises(ColumnMappingNeeded, match="Choose a column for acc_y, acc_z"):
        check_mapping({"acc_x": "Steps"}, ["Date", "Steps", "Goal"])


@pytest.mark.parametrize("header, day0", [("Time", 45352.0), ("Excel Time", 45352.0), ("timestamp", 739312.0),
                                          ("datenum", 739312.0)])
def test_spreadsheet_and_matlab_day_numbers_are_read_as_dates(walk, header, day0):
    """Excel writes date-times as days since 1899-12-30, MATLAB as days since year 0, the time
    of day the fraction: read as seconds they gave an 8.6 MHz clock ("lasts 0.0 s")."""
    t, acc = walk
    days = day0 + (10 * 3600 + 15 * 60 + 30.25 + t) / 86400
    rows = "".join(f"{d:.10f},{x:.5f},{y:.5f},{z:.5f}\n" for d, (x, y, z) in zip(days, _g(acc)))
    rec = read_recording((f"{header},X,Y,Z\n" + rows).encode())
    assert rec.units["time"] == ("Excel days" if day0 < 1e5 else "MATLAB datenum")
    assert rec.sample_rate_hz == pytest.approx(100.0) and rec.duration_s == pytest.approx(t[-1], abs=1e-4)
    assert rec.started_at == pd.Timestamp("2024-03-01 10:15:30.250")


def test_a_column_named_as_day_numbers_outside_any_calendar_is_refused(walk):
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x:.5f},{y:.5f},{z:.5f}\n" for ti, (x, y, z) in zip(t, _g(acc)))
    with pytest.raises(UserError, match="day numbers"):
        read_recording(("Excel Time,X,Y,Z\n" + rows).encode())


def _date_and_clock(t, start_s, date_format):
    stamps = pd.to_datetime(start_s + t, unit="s")
    return stamps.strftime(date_format), stamps.strftime("%H:%M:%S.%f").str[:-3]


@pytest.mark.parametrize("layout", ["Date,Time,X,Y,Z\n{d},{c},{x},{y},{z}", "date time ax ay az\n{d} {c} {x} {y} {z}",
                                    "{d} {c} {x} {y} {z}"])
def test_a_date_column_beside_a_time_of_day_dates_the_recording_across_midnight(walk, layout):
    """`Date,Time,...` or a whitespace table whose date-time the space splits: the date was
    dropped (session dated at upload) and a file without a header was refused."""
    t, acc = walk
    dates, clocks = _date_and_clock(t, 1_709_337_595.25, "%Y-%m-%d")  # 2024-03-01 23:59:55.250, on past midnight
    head, row = layout.split("\n") if "\n" in layout else ("", layout)
    rows = "".join(row.format(d=d, c=c, x=f"{x:.5f}", y=f"{y:.5f}", z=f"{z:.5f}") + "\n"
                   for d, c, (x, y, z) in zip(dates, clocks, _g(acc)))
    rec = read_recording(((head + "\n" if head else "") + rows).encode())
    assert rec.started_at == pd.Timestamp("2024-03-01 23:59:55.250")
    assert rec.duration_s == pytest.approx(t[-1], abs=1e-3) and rec.sample_rate_hz == pytest.approx(100.0)
    assert not rec.warnings


def test_a_date_whose_day_and_month_cannot_be_told_apart_is_read_with_a_warning(walk):
    t, acc = walk
    dates, clocks = _date_and_clock(t, 1_709_288_130.25, "%d/%m/%Y")  # 01/03/2024 all along
    rows = "".join(f"{d};{c};{x:.5f};{y:.5f};{z:.5f}\n" for d, c, (x, y, z) in zip(dates, clocks, _g(acc)))
    rec = read_recording(("date;time;acc_x;acc_y;acc_z\n" + rows).encode())
    assert rec.started_at == pd.Timestamp("2024-01-03 10:15:30.250")  # month first: a guess, said so
    assert any("day 3, month 1" in w for w in rec.warnings)
    dates, _ = _date_and_clock(t, 1_709_288_130.25 + 12 * 86400, "%d/%m/%Y")  # 13/03/2024: no guess
    rows = "".join(f"{d};{c};{x:.5f};{y:.5f};{z:.5f}\n" for d, c, (x, y, z) in zip(dates, clocks, _g(acc)))
    rec = read_recording(("date;time;acc_x;acc_y;acc_z\n" + rows).encode())
    assert rec.started_at == pd.Timestamp("2024-03-13 10:15:30.250") and not rec.warnings


@pytest.mark.parametrize("per_g", [16384, 4096, 2048, 512, 256, 32])
def test_raw_sensor_counts_are_read_at_the_power_of_two_scale_gravity_shows(walk, per_g):
    """A converter's raw readings (2048 to 1 g for a 16-bit sensor at +-16 g): read as mg
    they were twice too large, others were refused as 'not accelerations'."""
    t, acc = walk
    counts = np.round(_g(acc) * per_g).astype(int)
    rows = "".join(f"{round(ti * 1000)},{x},{y},{z}\n" for ti, (x, y, z) in zip(t, counts))
    rec = read_recording(("time_ms,ax,ay,az\n" + rows).encode())
    assert rec.units["acc"] == f"1/{per_g} g"
    np.testing.assert_allclose(rec.acc, counts * 9.80665 / per_g)
    assert any(f"raw counts, {per_g} to 1 g" in w for w in rec.warnings)


def test_mg_is_not_taken_for_counts(walk):
    t, acc = walk
    rows = "".join(f"{ti:.3f},{x:.1f},{y:.1f},{z:.1f}\n" for ti, (x, y, z) in zip(t, _g(acc) * 1000))
    rec = read_recording(("t,x,y,z\n" + rows).encode())
    assert rec.units["acc"] == "mg" and not rec.warnings


def _grouped(v: float, decimals: int, point: str) -> str:
    text = f"{v:,.{decimals}f}"
    return text if point == "." else text.replace(",", "_").replace(".", ",").replace("_", ".")


@pytest.mark.parametrize("point", [".", ","])
def test_numbers_with_digits_grouped_in_threes_are_read(walk, point):
    """A spreadsheet's formatted numbers: `"1,709,288,130,250","1,002.5"` (quoted) or, in a
    decimal-comma locale, `1.709.288.130.250;1.002,5`. They were refused as non-numeric."""
    t, acc = walk
    sep, quote = (",", '"') if point == "." else (";", "")
    rows = "".join(sep.join(quote + _grouped(v, d, point) + quote for v, d in
                            ((1_709_288_130_250 + ti * 1000, 0), (x, 1), (y, 1), (z, 1))) + "\n"
                   for ti, (x, y, z) in zip(t, _g(acc) * 1000))
    rec = read_recording((sep.join(["timestamp_ms", "x_mg", "y_mg", "z_mg"]) + "\n" + rows).encode())
    assert rec.units == {"time": "ms", "acc": "mg"} and rec.sample_rate_hz == pytest.approx(100.0)
    assert rec.started_at == pd.Timestamp("2024-03-01 10:15:30.250")
    np.testing.assert_allclose(rec.acc, acc, atol=1e-3)


def test_a_point_before_three_digits_is_still_a_decimal_point(walk):
    t, acc = walk
    rows = "".join(f"{ti:.3f}\t{x:.3f}\t{y:.3f}\t{z:.3f}\n" for ti, (x, y, z) in zip(t, _g(acc)))
    rec = read_recording(("t\tx\ty\tz\n" + rows).encode())
    assert rec.units["acc"] == "g" and rec.sample_rate_hz == pytest.approx(100.0)
    np.testing.assert_allclose(rec.acc, acc, atol=0.01)


@pytest.mark.parametrize("layout", ["seq_label", "index_header", "bare"])
def test_row_numbers_and_bare_axes_are_read_without_time_stamps(walk, layout):
    """Research datasets: Casale's `seq,x,y,z,label` (the row number was read as an Oxford
    nanosecond clock at 1000 Hz: 0 steps, its label taken for z), MotionSense's pandas index
    `,x,y,z` (asked which column is the time) and UCI HAR's bare `x y z` (refused)."""
    t, acc = walk
    g = _g(acc)
    if layout == "seq_label":
        text = "".join(f"{i},{x:.4f},{y:.4f},{z:.4f},4\n" for i, (x, y, z) in enumerate(g))
    elif layout == "index_header":
        text = ",x,y,z\n" + "".join(f"{i},{x:.4f},{y:.4f},{z:.4f}\n" for i, (x, y, z) in enumerate(g))
    else:
        text = "".join(f"{x:.6f} {y:.6f} {z:.6f}\n" for x, y, z in g)
    rec = read_recording(text.encode(), rate_hz=100)
    assert rec.rate_source == "given" and rec.sample_rate_hz == 100 and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=0.01)


def test_a_five_column_file_is_oxford_only_with_its_accuracy_flags(walk):
    t, acc = walk
    ns = (263_239_144_953_734 + np.round(t * 1e9)).astype(np.int64)
    text = "".join(f"{a},{x:.5f},{y:.5f},{z:.5f},7\n" for a, (x, y, z) in zip(ns, _g(acc)))  # time, x, y, z, label
    with pytest.raises(ColumnMappingNeeded, match="no header and 5 columns"):
        read_recording(text.encode())


def test_gravity_and_user_acceleration_held_apart_are_added_up(walk):
    """MotionSense / CoreMotion device motion: `gravity.x` and `userAcceleration.x` in g, no
    accelerometer column. It was refused as linear acceleration; its attitude columns are no clock."""
    t, acc = walk
    g = _g(acc)
    gravity = np.tile(g.mean(axis=0), (len(g), 1))
    rows = "".join(f"{i},0.1,0.2,0.3,{a:.6f},{b:.6f},{c:.6f},0.01,0.02,0.03,{x:.6f},{y:.6f},{z:.6f}\n"
                   for i, ((a, b, c), (x, y, z)) in enumerate(zip(gravity, g - gravity)))
    head = (",attitude.roll,attitude.pitch,attitude.yaw,gravity.x,gravity.y,gravity.z,rotationRate.x,rotationRate.y,"
            "rotationRate.z,userAcceleration.x,userAcceleration.y,userAcceleration.z\n")
    rec = read_recording((head + rows).encode(), rate_hz=100)
    assert rec.units["acc"] == "g" and rec.gyro is not None and rec.sample_rate_hz == 100
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    assert any("from their sum" in w for w in rec.warnings)
    rec = read_recording((head + rows).encode())  # no rate given: assumed, not asked for a clock
    assert rec.rate_source == "assumed"


def test_records_ended_with_a_semicolon_some_joined_on_one_line_with_a_label_column(walk):
    """WISDM: `33,Walking,49105962326000,1.93,5.13,10.22;`, some records joined onto one line.
    Its ";" was taken for the delimiter and the first record for a header; now the table is
    read, and its time and axes are guessed for the user to confirm."""
    t, acc = walk
    ns = (49_105_962_326_000 + np.round(t * 1e9)).astype(np.int64)
    records = [f"33,Walking,{a},{x:.5f},{y:.5f},{z:.5f};" for a, (x, y, z) in zip(ns, acc)]
    text = "".join(r + ("" if i % 40 == 7 else "\n") for i, r in enumerate(records)) + "\n"
    with pytest.raises(ColumnMappingNeeded, match="time looks to be in column 3") as e:
        read_recording(text.encode())
    assert e.value.guess == {"time": "column 3", "acc_x": "column 4", "acc_y": "column 5", "acc_z": "column 6"}
    rec = read_recording(text.encode(), mapping=e.value.guess)
    assert rec.n_samples == len(t) and rec.sample_rate_hz == pytest.approx(100.0) and rec.units["acc"] == "m/s^2"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_a_wide_table_without_a_header_gets_a_guess_past_its_clock_and_other_channels(walk):
    """Daphnet-like: ms clock, three axes in mg, more sensors, a label; PAMAP2-like: a clock in
    s, an activity, a heart rate mostly missing, a temperature, then the axes."""
    t, acc = walk
    mg = np.round(_g(acc) * 1000).astype(int)
    daphnet = "".join(f"{round(ti * 1000)} {x} {y} {z} {x} {y} {z} 1 2 3 1\n" for ti, (x, y, z) in zip(t, mg))
    with pytest.raises(ColumnMappingNeeded) as e:
        read_recording(daphnet.encode())
    assert e.value.guess == {"time": "column 1", "acc_x": "column 2", "acc_y": "column 3", "acc_z": "column 4"}
    pamap = "".join(f"{ti + 5:.2f} 4 {'100' if i % 9 == 0 else 'NaN'} {30 + i * 1e-3:.3f} {x:.4f} {y:.4f} {z:.4f} 1 2\n"
                    for i, (ti, (x, y, z)) in enumerate(zip(t, acc)))
    with pytest.raises(ColumnMappingNeeded) as e:
        read_recording(pamap.encode())
    assert e.value.guess == {"time": "column 1", "acc_x": "column 5", "acc_y": "column 6", "acc_z": "column 7"}


@pytest.mark.parametrize("head, guess", [
    ("id,attr_time,attr_x,attr_y,attr_z", {"time": "attr_time", "acc_x": "attr_x", "acc_y": "attr_y", "acc_z": "attr_z"}),
    ("gyro_rf_x,gyro_rf_y,gyro_rf_z,acc_rf_x,acc_rf_y,acc_rf_z,acc_rs_x,acc_rs_y,acc_rs_z",
     {"acc_x": "acc_rf_x", "acc_y": "acc_rf_y", "acc_z": "acc_rf_z"})])
def test_axes_named_with_a_tag_are_offered_as_a_guess(head, guess):
    """RealWorld HAR's `attr_x`, HuGaDB's `acc_rf_x` (right foot): asked with an empty guess before."""
    row = ",".join(["1"] * head.count(",")) + ",1\n"
    with pytest.raises(ColumnMappingNeeded, match="may be the accelerometer's axes") as e:
        read_recording((head + "\n" + row * 20).encode())
    assert e.value.guess == guess


def _interleaved(t, acc, tag_acc, tag_others, line, other_every=1):
    """Rows of several sensors in time order: the accelerometer's and, after every
    `other_every`-th of them, one row per other sensor with made-up values."""
    rows = []
    for i, (ti, a) in enumerate(zip(t, acc)):
        rows.append(line(ti, tag_acc, a))
        if i % other_every == 0:
            rows += [line(ti + 0.001 * (k + 1), tag, np.array([0.1, -0.2, 0.3]) * (k + 1))
                     for k, tag in enumerate(tag_others)]
    return "\n".join(rows) + "\n"


GSD_PREAMBLE = """% LogFile data created by the "GetSensorData" App for Android.
% LogFile Data format:
% Accelerometer data: \t'ACCE;AppTimestamp(s);SensorTimestamp(s);Acc_X(m/s^2);Acc_Y(m/s^2);Acc_Z(m/s^2);Accuracy(integer)'
% Gyroscope data:     \t'GYRO;AppTimestamp(s);SensorTimestamp(s);Gyr_X(rad/s);Gyr_Y(rad/s);Gyr_Z(rad/s);Accuracy(integer)'
% Pressure data:      \t'PRES;AppTimestamp(s);SensorTimestamp(s);Pres(mbar);Accuracy(integer)'
%
"""


@pytest.mark.parametrize("preamble", [True, False])
def test_getsensordata_logs_read_their_accelerometer_rows(walk, preamble):
    """GetSensorData (IPIN competitions' logger): `ACCE;app s;sensor s;x;y;z;accuracy` among
    GYRO, MAGN, PRES... rows of other widths, the format stated in a `%` preamble. Refused as
    "missing acc columns" before (the preamble's format lines were taken for the header)."""
    t, acc = walk

    def line(ti, tag, a):
        if tag == "PRES":
            return f"PRES;{ti:.3f};{9573.1 + ti:.3f};1008.25;3"
        return f"{tag};{ti + 0.002:.3f};{9573.1 + ti:.4f};{a[0]:.5f};{a[1]:.5f};{a[2]:.5f};3"

    text = (GSD_PREAMBLE if preamble else "") + _interleaved(t, acc, "ACCE", ["GYRO", "MAGN", "PRES"], line)
    rec = read_recording(text.encode())
    assert rec.source_format == "sensor_rows" and rec.n_samples == len(t)
    assert rec.sample_rate_hz == pytest.approx(100.0, rel=1e-3)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    assert any("(ACCE)" in w and "(GYRO, MAGN, PRES at the start" in w for w in rec.warnings), rec.warnings


@pytest.mark.parametrize("head, acc_tag, others, clock", [
    ("timestamp,sensor,x,y,z", "accelerometer", ["gyroscope", "magnetometer"], "ns"),
    ("sensor,timestamp,x,y,z", "accelerometer", ["gyroscope"], "ns"),
    ("time_ms,sensor_name,value_x,value_y,value_z", "android.sensor.accelerometer",
     ["android.sensor.gyroscope", "android.sensor.linear_acceleration"], "ms"),
    ("timestamp,sensor,x,y,z", "LSM6DSO Accelerometer Non-wakeup", ["LSM6DSO Gyroscope Non-wakeup"], "ns"),
    ("timestamp,type,x,y,z", "1", ["4", "2"], "ns"),
    (None, "ACC", ["GYR"], "s"),
])
def test_one_row_per_sensor_reading_is_read_from_the_accelerometers_rows(walk, head, acc_tag, others, clock):
    """A column naming each row's sensor. Before, `timestamp,sensor,x,y,z` was a silent misread:
    all sensors' values taken as one signal at their combined rate (0 steps at "1000 Hz")."""
    t, acc = walk
    scale = {"ns": 1e9, "ms": 1e3, "s": 1.0}[clock]
    base = {"ns": 1_709_288_130_250_000_000, "ms": 1_709_288_130_250, "s": 0}[clock]
    sensor_first = head is None or head.startswith("sensor")

    def line(ti, tag, a):
        stamp = f"{base + round(ti * scale)}" if clock != "s" else f"{ti:.4f}"
        xyz = f"{a[0]:.5f},{a[1]:.5f},{a[2]:.5f}"
        return f"{tag},{stamp},{xyz}" if sensor_first else f"{stamp},{tag},{xyz}"

    text = (head + "\n" if head else "") + _interleaved(t, acc, acc_tag, others, line)
    rec = read_recording(text.encode())
    assert rec.source_format == "sensor_rows" and rec.n_samples == len(t)
    assert rec.sample_rate_hz == pytest.approx(100.0, rel=1e-3) and rec.units["time"] == clock
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    said = [w for w in rec.warnings if "one row per reading" in w]
    assert len(said) == 1 and acc_tag in said[0] and all(o in said[0] for o in others)


def test_a_label_column_and_a_tag_column_holding_only_the_accelerometer_change_nothing(walk):
    # an activity label is not a sensor; a file holding the accelerometer's rows alone reads
    # as before, without a note
    t, acc = walk
    rows = "".join(f"{ti:.4f},Walking,{x:.5f},{y:.5f},{z:.5f}\n" for ti, (x, y, z) in zip(t, acc))
    rec = read_recording(("t,activity,x,y,z\n" + rows).encode())
    assert rec.source_format == "generic" and not any("one row per reading" in w for w in rec.warnings)
    rows = "".join(f"ACCE;{ti:.3f};{ti:.4f};{x:.5f};{y:.5f};{z:.5f};3\n" for ti, (x, y, z) in zip(t, acc))
    rec = read_recording((GSD_PREAMBLE + rows).encode())
    assert rec.n_samples == len(t) and not any("one row per reading" in w for w in rec.warnings)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_a_long_format_file_is_mapped_by_the_columns_left_once_its_sensor_column_is_gone(walk):
    from core.sensors.reader import peek_columns
    t, acc = walk
    text = "stamp,sensor,a,b,c\n" + _interleaved(
        t, acc, "accelerometer", ["gyroscope"], lambda ti, tag, a: f"{ti:.4f},{tag},{a[0]:.5f},{a[1]:.5f},{a[2]:.5f}")
    assert peek_columns(text.encode()) == ["stamp", "a", "b", "c"]
    with pytest.raises(ColumnMappingNeeded):
        read_recording(text.encode())
    rec = read_recording(text.encode(), mapping={"time": "stamp", "acc_x": "a", "acc_y": "b", "acc_z": "c"})
    assert rec.n_samples == len(t) and rec.source_format == "mapped"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


@pytest.mark.parametrize("sep, crlf, packed", [("\t", False, False), ("  ", False, False), (";", True, True)])
def test_sensor_rows_with_other_separators_line_ends_and_gzip(walk, sep, crlf, packed):
    import gzip
    t, acc = walk
    text = _interleaved(t, acc, "ACC", ["GYR", "MAG"],
                        lambda ti, tag, a: sep.join([tag, f"{ti:.4f}"] + [f"{v:.5f}" for v in a]))
    data = text.replace("\n", "\r\n" if crlf else "\n").encode()
    rec = read_recording(gzip.compress(data) if packed else data)
    assert rec.source_format == "sensor_rows" and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def _clocked(t, acc):
    return "".join(f"{ti:.4f},{x:.5f},{y:.5f},{z:.5f}\n" for ti, (x, y, z) in zip(t, acc))


def test_two_recordings_of_the_same_time_in_one_file_are_refused_not_interleaved(walk):
    """Two devices' recordings one after the other (HHAR's blocks, or files joined): sorting
    used to interleave them into one signal that was neither, with a mere "went backwards"."""
    t, acc = walk
    other = acc[::-1] * 0.9
    text = "t,x,y,z\n" + _clocked(t + 1000.0, acc) + _clocked(t + 1000.0037, other)
    with pytest.raises(UserError, match=rf"start over at data row {len(t) + 1} .*several recordings"):
        read_recording(text.encode())


@pytest.mark.parametrize("layout", ["pasted twice", "clock set back 2 s", "shuffled", "newest first"])
def test_rows_out_of_order_within_one_recording_are_still_sorted(walk, layout):
    t, acc = walk
    rng = np.random.default_rng(3)
    if layout == "pasted twice":       # a copy of the same rows: its repeats are dropped
        body = _clocked(t, acc) + _clocked(t[:500], acc[:500])
    elif layout == "clock set back 2 s":  # a time sync during the recording
        cut = len(t) // 2
        body = _clocked(t[:cut], acc[:cut]) + _clocked(t[cut:] - 2.0, acc[cut:])
    elif layout == "shuffled":         # an export without an order
        order = rng.permutation(len(t))
        body = _clocked(t[order], acc[order])
    else:
        body = _clocked(t[::-1], acc[::-1])
    rec = read_recording(("t,x,y,z\n" + body).encode())
    assert any("went backwards" in w for w in rec.warnings)
    if layout != "clock set back 2 s":
        assert rec.n_samples == len(t)
        np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def _zip(members: dict) -> bytes:
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize("platform", ["ios", "android"])
def test_sensor_loggers_zip_export_is_read_with_its_gravity(walk, platform):
    """Sensor Logger's recommended export is a zip; its Accelerometer.csv holds the acceleration
    *without* gravity. iOS adds Gravity.csv (here at half the rate), Android TotalAcceleration.csv."""
    t, acc = walk
    grav = np.tile(acc.mean(axis=0), (len(t), 1))
    members = {"Accelerometer.csv": _sensor_logger(t, acc - grav), "Gravity.csv": _sensor_logger(t[::2], grav[::2]),
               "Gyroscope.csv": _sensor_logger(t, np.zeros_like(acc)), "Metadata.csv": "version,platform\n3,x\n"}
    if platform == "android":
        members["TotalAcceleration.csv"] = _sensor_logger(t, acc)
    rec = read_recording(_zip(members))
    assert rec.n_samples == len(t) and rec.sample_rate_hz == pytest.approx(100.0, rel=1e-3)
    assert rec.source_format == "zip"
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    said = "TotalAcceleration.csv" if platform == "android" else "added Gravity.csv"
    assert any(said in w for w in rec.warnings) and len(rec.warnings) == 1, rec.warnings
    # the accelerometer file alone is refused, pointing to the zip
    with pytest.raises(UserError, match="no gravity") as e:
        read_recording(members["Accelerometer.csv"])
    assert "whole zip export" in e.value.hint


@pytest.mark.parametrize("members, picked", [
    ({"Raw Data.csv": "x", "meta/device.csv": "property,value\n", "meta/time.csv": "event\n"}, "Raw Data.csv"),
    ({"Accelerometer.csv": "x", "Linear Acceleration.csv": "x", "Gyroscope.csv": "t,x,y,z\n"}, "Accelerometer.csv"),
    ({"walk/recording.csv": "x", "__MACOSX/walk/._recording.csv": "junk"}, "walk/recording.csv")])
def test_a_zip_is_read_from_its_accelerometers_csv(walk, members, picked):
    t, acc = walk
    table = "Time (s),Acceleration x (m/s^2),Acceleration y (m/s^2),Acceleration z (m/s^2)\n" + _clocked(t, acc)
    rec = read_recording(_zip({k: table if v == "x" else v for k, v in members.items()}))
    assert rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


@pytest.mark.parametrize("members, said", [
    ({"walk1.csv": "t,x,y,z\n", "walk2.csv": "t,x,y,z\n"}, r"2 data files \(walk1.csv, walk2.csv\); none of them"),
    ({"readme.md": "hello"}, "without a CSV"),
    ({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>", "xl/worksheets/sheet1.xml": "<x/>"},
     r"an Excel workbook \(.xlsx\), not a CSV"),
    ({"info.txt": "Serial Number: MOS2E\nSample Rate: 30\n", "log.bin": "\x00\x01"}, r"ActiGraph .gt3x recording"),
])
def test_a_zip_without_one_clear_accelerometer_csv_says_what_it_holds(members, said):
    with pytest.raises(UserError, match=said):
        read_recording(_zip(members))
    with pytest.raises(UserError, match="cannot be opened"):
        read_recording(b"PK\x03\x04" + b"\x00" * 200)


@pytest.mark.parametrize("layout", ["resent block", "one stray stamp", "clock set back 10 s"])
def test_one_recording_with_rows_out_of_time_is_not_taken_for_two(layout):
    """Found in review: the first check refused these as "several recordings"."""
    t, acc, _, _ = walking(120.0, rate_hz=50.0)
    t = t + 1_700_000_000.0
    if layout == "resent block":        # a logger sending 10 s again after a reconnect
        order = np.concatenate([np.arange(3000), np.arange(2500, 3000), np.arange(3000, len(t))])
        stamps, values = t[order], acc[order]
    elif layout == "one stray stamp":   # one row's stamp an hour ahead
        stamps, values = t.copy(), acc
        stamps[1000] += 3600.0
    else:                               # a time sync sets the clock back during the recording
        stamps, values = t.copy(), acc
        stamps[3000:] -= 10.0
    rec = read_recording(("t,x,y,z\n" + _clocked(stamps, values)).encode())
    assert any("went backwards" in w for w in rec.warnings)


@pytest.mark.parametrize("head, cell", [
    ("time,acc_mode,x,y,z", lambda i: "normal"),                   # a status column named "acc..."
    ("time,status,x,y,z", lambda i: "ACC_OK" if i % 7 else "ACC_SAT"),
    ("time,type,x,y,z", lambda i: "1" if i < 20 else "2"),       # a label numbered 1, 2
    ("time,sensor_id,x,y,z", lambda i: "1" if i % 2 else "2"),   # two devices' numbers: not Android types
])
def test_ordinary_tables_with_a_text_or_number_column_are_not_taken_for_sensor_rows(walk, head, cell):
    t, acc = walk
    rows = "".join(f"{ti:.4f},{cell(i)},{x:.5f},{y:.5f},{z:.5f}\n" for i, (ti, (x, y, z)) in enumerate(zip(t, acc)))
    rec = read_recording((head + "\n" + rows).encode())
    assert rec.source_format == "generic" and rec.n_samples == len(t)


@pytest.mark.parametrize("layout", ["space after the comma", "tag last", "byte order mark", "old Mac line ends"])
def test_sensor_rows_with_padding_a_last_tag_a_bom_or_cr_line_ends(walk, layout):
    """Found in review: these lost every row, or the first one."""
    t, acc = walk

    def line(ti, tag, a):
        xyz = [f"{v:.5f}" for v in a]
        if layout == "tag last":
            return ",".join([f"{ti:.4f}"] + xyz + [tag])
        if layout == "space after the comma":
            return ", ".join([f"{ti:.4f}", tag] + xyz)
        return ",".join([tag, f"{ti:.4f}"] + xyz)

    head = {"tag last": "t,x,y,z,sensor\n", "space after the comma": "t, sensor, x, y, z\n"}.get(layout, "")
    text = head + _interleaved(t, acc, "accelerometer", ["gyroscope"], line)
    data = {"byte order mark": b"\xef\xbb\xbf" + text.encode(),
            "old Mac line ends": text.replace("\n", "\r").encode()}.get(layout, text.encode())
    rec = read_recording(data)
    assert rec.source_format == "sensor_rows" and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_a_zips_broken_parts_are_refused_with_a_message(walk):
    t, acc = walk
    table = _sensor_logger(t, acc)
    # gravity files that cannot be read, a damaged member, two recordings in folders
    for gravity in (b"", b"time,gz,gy,gx\n1,2,3,4\n", b"\xff\xfe\x00junk"):
        with pytest.raises(UserError, match="Gravity.csv in the zip cannot be read"):
            read_recording(_zip({"Accelerometer.csv": _sensor_logger(t, acc - acc.mean(axis=0)), "Gravity.csv": gravity}))
    data = bytearray(_zip({"rec.csv": table}))
    body = data.index(b"rec.csv") + len("rec.csv")
    data[body + 200:body + 260] = bytes(60)   # damage the packed data
    with pytest.raises(UserError, match="cannot be unpacked"):
        read_recording(bytes(data))
    with pytest.raises(UserError, match=r"several recordings \(walk1/, walk2/\)"):
        read_recording(_zip({"walk1/TotalAcceleration.csv": table, "walk2/TotalAcceleration.csv": table}))


def test_a_zips_gravity_is_not_added_to_an_accelerometer_that_has_it(walk):
    t, acc = walk
    grav = np.tile(acc.mean(axis=0), (len(t), 1))
    rec = read_recording(_zip({"Accelerometer.csv": _sensor_logger(t, acc), "Gravity.csv": _sensor_logger(t, grav)}))
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    assert any("holds gravity already" in w for w in rec.warnings)


@pytest.mark.parametrize("order", ["one device after the other", "rows interleaved"])
def test_a_file_of_several_devices_readings_is_refused_naming_them(walk, order):
    """HHAR's `Index,Arrival_Time,Creation_Time,x,y,z,User,Model,Device,gt`: two phones' rows,
    interleaved in time, were sorted into one signal that was neither."""
    t, acc = walk
    rows = [(ti, f"{i},{ti:.4f},{x:.5f},{y:.5f},{z:.5f},a,nexus4,nexus4_1,walk") for i, (ti, (x, y, z)) in enumerate(zip(t, acc))]
    rows += [(ti + 0.003, f"{i},{ti + 0.003:.4f},{-x:.5f},{z:.5f},{y:.5f},a,s3,s3_1,walk")
             for i, (ti, (x, y, z)) in enumerate(zip(t, acc))]
    if order == "rows interleaved":
        rows.sort()
    text = "Index,Creation_Time,x,y,z,User,Model,Device,gt\n" + "".join(r + "\n" for _, r in rows)
    mapping = {"time": "Creation_Time", "acc_x": "x", "acc_y": "y", "acc_z": "z"}
    with pytest.raises(UserError, match=r"2 devices or people \(Device: nexus4_1, s3_1\)"):
        read_recording(text.encode(), mapping=mapping)
    one = "Index,Creation_Time,x,y,z,User,Model,Device,gt\n" + "".join(r + "\n" for _, r in rows if "nexus4_1" in r)
    assert read_recording(one.encode(), mapping=mapping).n_samples == len(t)


def test_sensor_rows_take_the_total_acceleration_over_sensor_loggers_accelerometer(walk):
    """Sensor Logger names its acceleration without gravity `Accelerometer` and the total
    `TotalAcceleration`; in one file of rows, the total is read."""
    t, acc = walk
    grav = acc.mean(axis=0)
    rows = []
    for ti, a in zip(t, acc):
        rows += [f"{ti:.4f},Accelerometer,{a[0] - grav[0]:.5f},{a[1] - grav[1]:.5f},{a[2] - grav[2]:.5f}",
                 f"{ti + 0.001:.4f},TotalAcceleration,{a[0]:.5f},{a[1]:.5f},{a[2]:.5f}",
                 f"{ti + 0.002:.4f},Gravity,{grav[0]:.5f},{grav[1]:.5f},{grav[2]:.5f}"]
    rec = read_recording(("seconds_elapsed,sensor,x,y,z\n" + "\n".join(rows) + "\n").encode())
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    assert any("(TotalAcceleration)" in w for w in rec.warnings)


@pytest.mark.parametrize("platform", ["ios", "android"])
def test_sensor_logger_records_written_out_as_one_csv_grouped_by_sensor(walk, platform):
    """Its JSON written out as CSV (pandas' to_csv of the records): one row per reading,
    grouped by sensor, so TotalAcceleration or Gravity rows come only after the first lines the
    sensor was chosen from; the Accelerometer rows, without gravity, were read and refused."""
    from tests.sensor_samples import sensor_logger_json
    t, acc = walk
    table = pd.DataFrame(json.loads(sensor_logger_json(t, acc, platform))).to_csv(index=False)
    rec = read_recording(table.encode())
    assert rec.source_format == "sensor_rows" and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    said = "Added the file's Gravity rows" if platform == "ios" else "(TotalAcceleration)"
    assert any(said in w for w in rec.warnings), rec.warnings
