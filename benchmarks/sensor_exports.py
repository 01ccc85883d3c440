"""Reading apps' exports of several sensors, against a plain CSV of the same samples, in one run.

    python benchmarks/sensor_exports.py [--minutes 60] [--repeats 2]

One synthetic walk-like 100 Hz signal written five ways: a plain CSV (Sensor Logger's
columns, the baseline), Sensor Logger's iOS zip (`Accelerometer.csv` without gravity,
`Gravity.csv` at 50 Hz) and Android zip (`TotalAcceleration.csv`), a GetSensorData log
(`ACCE;` rows among gyroscope, magnetometer and orientation rows) and Sensor Logger's JSON
(the iOS sensors and the gyroscope and orientation, numbers as text). Each is read with
`read_recording` (the fastest of the repeats); memory is the peak of traced allocations
while reading, as a multiple of the file size. Last line: one JSON object with the figures.
"""
import argparse
import io
import json
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from core.sensors.reader import read_recording  # noqa: E402

G = 9.80665
EPOCH_NS = 1_698_501_144_401_773_000


def signal(minutes: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t in s, acceleration with gravity, gravity) at 100 Hz, m/s^2."""
    t = np.arange(int(minutes * 60 * 100)) / 100.0
    grav = np.tile([0.0, 0.0, G], (len(t), 1))
    acc = grav + np.column_stack([2 * np.sin(t * 11), np.cos(t * 7), 3 * np.sin(t * 11.5)])
    return t, acc, grav


def sensor_logger_csv(t: np.ndarray, xyz: np.ndarray) -> str:
    ns = EPOCH_NS + np.round(t * 1e9).astype(np.int64)
    return "time,seconds_elapsed,z,y,x\n" + "".join(
        f"{n},{s:.6f},{z:.7g},{y:.7g},{x:.7g}\n" for n, s, (x, y, z) in zip(ns, t, xyz))


def zipped(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def getsensordata(t: np.ndarray, acc: np.ndarray) -> str:
    rows = []
    for i, (ti, (x, y, z)) in enumerate(zip(t, acc)):
        rows.append(f"ACCE;{ti:.3f};{9573.1 + ti:.4f};{x:.5f};{y:.5f};{z:.5f};3")
        rows.append(f"GYRO;{ti:.3f};{9573.1 + ti + .001:.4f};0.1;0.2;0.3;3")
        if i % 2 == 0:
            rows.append(f"MAGN;{ti:.3f};{9573.1 + ti + .002:.4f};-12.5;30.1;-40.2;3")
            rows.append(f"AHRS;{ti:.3f};{9573.1 + ti + .003:.4f};12.1;-3.4;170.2;0.1;0.2;0.3;3")
    return "\n".join(rows) + "\n"


def sensor_logger_json(t: np.ndarray, acc: np.ndarray, grav: np.ndarray) -> str:
    """Its JSON layout: one record a reading, two-space indents, a key a line, grouped by sensor."""
    ns = EPOCH_NS + np.round(t * 1e9).astype(np.int64)
    parts = []
    for sensor, xyz, step in (("Accelerometer", acc - grav, 1), ("Gravity", grav, 2),
                              ("Gyroscope", np.zeros_like(acc), 1), ("Orientation", np.zeros_like(acc), 1)):
        parts += [f'  {{\n    "sensor": "{sensor}",\n    "time": "{n}",\n    "seconds_elapsed": "{s:.6f}",\n'
                  f'    "z": "{z:.7g}",\n    "y": "{y:.7g}",\n    "x": "{x:.7g}"\n  }}'
                  for n, s, (x, y, z) in zip(ns[::step], t[::step], xyz[::step])]
    return "[\n" + ",\n".join(parts) + "\n]\n"


def timed(data: bytes, repeats: int) -> tuple[float, float, int]:
    """(fastest read in s, peak traced memory while reading in bytes, samples read)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        rec = read_recording(data, size_limit_mb=2000)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    read_recording(data, size_limit_mb=2000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, rec.n_samples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)
    t, acc, grav = signal(args.minutes)
    files = {
        "plain_csv": sensor_logger_csv(t, acc).encode(),
        "sensor_logger_ios_zip": zipped({"Accelerometer.csv": sensor_logger_csv(t, acc - grav),
                                         "Gravity.csv": sensor_logger_csv(t[::2], grav[::2])}),
        "sensor_logger_android_zip": zipped({"Accelerometer.csv": sensor_logger_csv(t, acc - grav),
                                             "TotalAcceleration.csv": sensor_logger_csv(t, acc)}),
        "getsensordata_log": getsensordata(t, acc).encode(),
        "sensor_logger_json": sensor_logger_json(t, acc, grav).encode(),
    }
    figures = {"minutes": args.minutes, "samples": len(t)}
    base = None
    for name, data in files.items():
        seconds, peak, n = timed(data, args.repeats)
        if n != len(t):
            raise SystemExit(f"{name}: read {n} samples of {len(t)}")
        base = base or seconds
        figures[name] = {"mb": round(len(data) / 1e6, 1), "read_s": round(seconds, 3),
                         "vs_plain_csv": round(seconds / base, 2), "peak_memory_x_file": round(peak / len(data), 2)}
        print(f"{name:26s} {len(data) / 1e6:7.1f} MB  {seconds:6.2f} s  x{seconds / base:5.2f} the plain CSV  "
              f"memory x{peak / len(data):.2f} the file", flush=True)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
