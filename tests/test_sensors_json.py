"""JSON exports (core/sensors/json_records.py): Sensor Logger's array of records of all its
sensors, records of one sensor, JSON Lines; what is refused and why."""
import gzip
import json

import numpy as np
import pytest

from core.errors import UserError
from core.sensors.columns import ColumnMappingNeeded
from core.sensors.reader import read_recording
from tests.sensor_samples import generic_csv, sensor_logger_json, sensor_logger_records, walking


@pytest.fixture(scope="module")
def walk():
    t, acc, _, _ = walking(12.0)
    return t, acc


@pytest.mark.parametrize("platform", ["ios", "android"])
def test_sensor_loggers_json_export_is_read_with_its_gravity(walk, platform):
    """Its Accelerometer holds the acceleration without gravity: Android's TotalAcceleration is
    read, or iOS's Gravity (here at half the rate) is added back, as from its zip."""
    t, acc = walk
    rec = read_recording(sensor_logger_json(t, acc, platform))
    assert rec.source_format == "json" and rec.n_samples == len(t)
    assert rec.sample_rate_hz == pytest.approx(100.0, rel=1e-3)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    note = rec.warnings[0]
    assert ("TotalAcceleration records" in note) if platform == "android" else ("added its Gravity records" in note)
    left = "Accelerometer, Gyroscope, Gravity, Location, Annotation" if platform == "android" \
        else "Gyroscope, Location, Annotation"
    assert f"left out ({left})" in note, note
    assert len(rec.warnings) == 1, rec.warnings


def test_numbers_written_as_numbers_gzipped_json_lines_and_records_of_one_sensor_are_read(walk):
    t, acc = walk
    plain = [{k: v for k, v in r.items() if k != "sensor"} for r in sensor_logger_records("Accelerometer", t, acc, as_text=False)]
    for data in (json.dumps(plain).encode(),                                   # one line, no spaces to speak of
                 "\n".join(json.dumps(r) for r in plain).encode(),             # JSON Lines
                 gzip.compress(json.dumps(sensor_logger_records("TotalAcceleration", t, acc), indent=4).encode())):
        rec = read_recording(data)
        assert rec.n_samples == len(t) and rec.source_format == "json"
        np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_records_the_fast_reading_misses_are_read_one_by_one(walk):
    """Keys in another order, a value with a space or a comma: the record is still read right."""
    t, acc = walk
    recs = sensor_logger_records("Accelerometer", t, acc)
    recs[5] = dict(reversed(list(recs[5].items())))
    recs[9]["x"] = " " + recs[9]["x"]
    recs[11]["note"] = "a, b"
    rec = read_recording(json.dumps(recs).encode())
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_the_accelerometer_without_gravity_alone_is_refused_as_such(walk):
    t, acc = walk
    grav = acc.mean(axis=0)
    with pytest.raises(UserError, match="no gravity"):
        read_recording(json.dumps(sensor_logger_records("Accelerometer", t, acc - grav)).encode())


def test_records_without_axes_named_so_ask_for_a_mapping(walk):
    t, acc = walk
    recs = [{"ts": float(ti), "a": float(a), "b": float(b), "c": float(c)} for ti, (a, b, c) in zip(t, acc)]
    with pytest.raises(ColumnMappingNeeded) as e:
        read_recording(json.dumps(recs).encode())
    assert e.value.columns[:4] == ["ts", "a", "b", "c"]
    rec = read_recording(json.dumps(recs).encode(), mapping={"time": "ts", "acc_x": "a", "acc_y": "b", "acc_z": "c"})
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


@pytest.mark.parametrize("text, said", [
    ('{"accelerometer": [{"t": 1, "x": 2, "y": 3, "z": 4}], "gyroscope": [{"t": 1, "x": 0, "y": 0, "z": 0}]}',
     "not a list of readings"),
    ('{"t": [1, 2, 3], "x": [1, 2, 3]}', "not a list of readings"),
    ('[{"sensor": "Location", "time": "1", "latitude": "51.7"}, {"sensor": "Battery", "time": "2", "level": "1"}]',
     r"no accelerometer readings \(its sensors: Location, Battery\)"),
    ("[]", "without a complete reading"),
    ('[\n  {\n    "sensor": "Accelerometer",\n    "time": "16985011444', "without a complete reading"),  # cut off
])
def test_json_of_another_layout_is_refused_saying_what_it_is(text, said):
    with pytest.raises(UserError, match=said) as e:
        read_recording(text.encode())
    assert "zip export" in e.value.hint


def test_cli_counts_a_json_export(tmp_path, walk, capsys):
    from core.cli import main
    t, acc = walk
    p = tmp_path / "walk.json"
    p.write_bytes(sensor_logger_json(t, acc))
    assert main(["steps", "count", str(p), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["sample_rate_hz"] == pytest.approx(100.0, rel=1e-3) and out["steps"] > 0


def test_a_gzip_cut_short_is_still_a_message_not_a_crash(walk):
    """Found by the probe corpus: looking for JSON at the start of a .csv.gz cut short raised
    EOFError, a crash where the reader had said the file cannot be read."""
    t, acc = walk
    data = gzip.compress(generic_csv(t[:50], acc[:50]))
    with pytest.raises(UserError, match="cannot be read as CSV or .csv.gz"):
        read_recording(data[:len(data) // 2])


def test_the_export_reading_benchmark_runs_and_reads_every_sample():
    """benchmarks/sensor_exports.py on one minute: each export read whole, its last line JSON."""
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = subprocess.run([sys.executable, "benchmarks/sensor_exports.py", "--minutes", "1", "--repeats", "1"],
                       capture_output=True, text=True, cwd=root, timeout=300)
    assert p.returncode == 0, p.stderr[-1000:]
    figures = json.loads(p.stdout.strip().splitlines()[-1])
    assert figures["samples"] == 6000 and figures["plain_csv"]["vs_plain_csv"] == 1.0
    assert {"sensor_logger_ios_zip", "sensor_logger_android_zip", "getsensordata_log", "sensor_logger_json"} <= set(figures)


# Found in review (each failed on the first version of the JSON reader)

@pytest.mark.parametrize("damage", ["cut in half", "checksum"])
def test_a_damaged_json_gz_is_a_message_not_a_crash(walk, damage):
    t, acc = walk
    data = bytearray(gzip.compress(sensor_logger_json(t, acc, "android")))
    if damage == "cut in half":
        data = data[:len(data) // 2]
    else:
        data[-8] ^= 0xFF
    with pytest.raises(UserError, match="cut short or damaged|cannot be read"):
        read_recording(bytes(data))


@pytest.mark.parametrize("key", ["Sensor", "sensorType", "sensor_type", "kind"])
def test_the_sensor_named_under_another_key_keeps_the_sensors_apart(walk, key):
    t, acc = walk
    recs = sensor_logger_records("Gyroscope", t, np.full_like(acc, 0.3)) + sensor_logger_records("TotalAcceleration", t, acc)
    recs = [{(key if k == "sensor" else k): v for k, v in r.items()} for r in recs]
    rec = read_recording(json.dumps(recs, indent=2).encode())
    assert rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_android_type_numbers_name_the_accelerometer_as_in_a_csv(walk):
    t, acc = walk
    recs = []
    for ti, a in zip(t, acc):
        recs += [{"type": 4, "t": float(ti), "x": 0.1, "y": 0.2, "z": 0.3},
                 {"type": 1, "t": float(ti) + 0.001, "x": float(a[0]), "y": float(a[1]), "z": float(a[2])}]
    rec = read_recording("\n".join(json.dumps(r) for r in recs).encode())
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    assert "type 1 records (Android's accelerometer)" in rec.warnings[0]


def test_brackets_and_braces_in_a_text_value_near_the_start_are_only_text(walk):
    t, acc = walk
    recs = [{"sensor": "Annotation", "time": "1698501144401773000", "seconds_elapsed": "0", "text": "stairs [up] {x}"}]
    rec = read_recording(json.dumps(recs + sensor_logger_records("TotalAcceleration", t, acc)).encode())
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)


def test_columns_of_values_are_refused_at_once_and_a_file_over_the_limit_before_it_is_parsed(monkeypatch):
    n = 60_000  # over one read chunk before the first "}", over 1 MB
    cols = json.dumps({"t": (np.arange(n) / 100).tolist(), "x": [0.5] * n, "y": [0.5] * n, "z": [9.8] * n}).encode()
    with pytest.raises(UserError, match="not a list of readings"):
        read_recording(cols)
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", "1")
    with pytest.raises(UserError, match="upload limit is 1 MB"):
        read_recording(cols)


def test_gravity_follows_the_time_column_the_user_chose(walk):
    """Choosing seconds_elapsed over the ns clock (as the reader offers for a whole-second
    clock) matched the gravity's ns stamps against seconds: one gravity value was added all along."""
    t, acc = walk
    mean = acc.mean(axis=0)
    grav = mean + np.column_stack([np.sin(t / 2), np.zeros(len(t)), np.zeros(len(t))])  # the phone turning
    data = json.dumps(sensor_logger_records("Accelerometer", t, acc - mean) + sensor_logger_records("Gravity", t, grav)).encode()
    rec = read_recording(data, mapping={"time": "seconds_elapsed", "acc_x": "x", "acc_y": "y", "acc_z": "z"})
    np.testing.assert_allclose(rec.acc, acc - mean + grav, atol=1e-4)


def test_a_json_in_a_zip_and_keys_holding_a_comma(walk):
    import io
    import zipfile
    t, acc = walk
    recs = [{"t (s)": float(ti), "acc_x, m/s2": float(a[0]), "acc_y, m/s2": float(a[1]), "acc_z, m/s2": float(a[2])}
            for ti, a in zip(t, acc)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("walk.json", json.dumps(recs))
    mapping = {"time": "t (s)", "acc_x": "acc_x, m/s2", "acc_y": "acc_y, m/s2", "acc_z": "acc_z, m/s2"}
    for data in (json.dumps(recs).encode(), buf.getvalue()):
        with pytest.raises(ColumnMappingNeeded) as e:  # was: "Too many columns specified"
            read_recording(data)
        assert e.value.columns[:4] == list(mapping.values())
        np.testing.assert_allclose(read_recording(data, mapping=mapping).acc, acc, atol=1e-4)


def test_two_accelerometers_named_with_a_comma_are_not_merged(walk):
    t, acc = walk
    recs = sensor_logger_records("Accelerometer, left", t, acc) + sensor_logger_records("Accelerometer, right", t, acc)
    try:
        rec = read_recording(json.dumps(recs).encode())
    except UserError as e:
        assert "Accelerometer, left" in e.message
    else:
        assert rec.n_samples == len(t)


def test_a_json_cut_off_is_read_up_to_the_cut_saying_so(walk):
    t, acc = walk
    data = sensor_logger_json(t, acc, "android")
    cut = data[:data.index(b'"Gravity"') + 5000]
    rec = read_recording(cut)
    assert "cut off" in rec.warnings[0]


def test_a_first_record_with_null_does_not_leave_quotes_on_the_values_after_it(walk):
    """The first record's `"x": null` makes x look like a bare value; the quoted values after it
    must lose their quotes (a version of the review mends kept them and refused the file)."""
    t, acc = walk
    recs = sensor_logger_records("TotalAcceleration", t, acc)
    recs[0]["x"] = None
    rec = read_recording(json.dumps(recs, indent=2).encode())
    np.testing.assert_allclose(rec.acc[1:], acc[1:], atol=1e-4)


def test_a_name_that_labels_the_whole_recording_is_not_taken_for_a_sensor(walk):
    t, acc = walk
    recs = [{"name": "walk 1", "t": float(ti), "x": float(a[0]), "y": float(a[1]), "z": float(a[2])} for ti, a in zip(t, acc)]
    rec = read_recording(json.dumps(recs).encode())
    np.testing.assert_allclose(rec.acc, acc, atol=1e-4)
    assert "walk 1 throughout, taken for a label" in rec.warnings[0]
    gyro_only = sensor_logger_records("Gyroscope", t, acc)  # a sensor, under "sensor": not read as the accelerometer
    with pytest.raises(UserError, match=r"no accelerometer readings \(its sensors: Gyroscope\)"):
        read_recording(json.dumps(gyro_only).encode())
