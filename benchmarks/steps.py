"""Step counting speed: a 1-hour, 100 Hz, six-axis recording parsed, resampled and run
through the model, against the classical baseline on the same file in the same run.

    python benchmarks/steps.py [--minutes 60] [--repeats 3] [--synthetic]

The hour is a real 100 Hz Oxford walk from ../shared repeated end to end (its foot-switch
steps repeated too, so counts can be compared), or a synthetic walk when that is absent.

Model loading is timed apart (once per process in the app and CLI). Memory: the peak of
traced allocations while parsing, as a multiple of the file size. TensorFlow uses 2
threads. Last line: one JSON object with the figures.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import core  # noqa: E402,F401  (pylibsrtp before tensorflow)
import numpy as np  # noqa: E402

from core.sensors.reader import read_recording  # noqa: E402
from core.sensors.resampling import resample  # noqa: E402
from models.step_detector.baseline import detect_steps  # noqa: E402
from models.step_detector.features import N_CHANNELS, model_input  # noqa: E402
from models.step_detector.inference import load  # noqa: E402
from models.step_detector.peaks import pick_steps, rescue_missed_walks  # noqa: E402

G = 9.80665


REAL_100HZ = (Path(__file__).resolve().parents[2] / "shared" / "data" / "imu" / "oxford_optimisation" / "data"
              / "Samsung_Jamie_Hard_InHand_1")


def write_real_tiled(path: Path, minutes: float, seed: int = 0) -> tuple[int, int]:
    """A real 100 Hz Oxford walk (shared data) repeated to `minutes`, with a gyroscope-shaped
    noise channel added so the file has six axes. Returns (bytes, true steps in the file)."""
    import pandas as pd
    from models.step_detector.datasets import oxford_truth
    raw = pd.read_csv(REAL_100HZ / "accelerometer.csv", header=None).to_numpy()
    first = float(raw[:, 0].min())
    truth = oxford_truth(REAL_100HZ / "stepcounter.csv", first)
    span_ns = int(raw[-1, 0] - raw[0, 0]) + 10_000_000
    reps = int(np.ceil(minutes * 60e9 / span_ns))
    n_total = int(minutes * 60 * 100)
    rng = np.random.default_rng(seed)
    steps, written = 0, 0
    with open(path, "w") as fh:
        fh.write("timestamp_ns,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n")
        for k in range(reps):
            part = raw[: max(0, min(len(raw), n_total - written))]
            if not len(part):
                break
            ts = (part[:, 0] - raw[0, 0]).astype(np.int64) + k * span_ns + 1_700_000_000_000_000_000
            gyro = rng.normal(0, 0.3, (len(part), 3))
            fh.write("\n".join(f"{a}," + ",".join(f"{v:.5f}" for v in r)
                               for a, r in zip(ts, np.column_stack([part[:, 2:5], gyro]))) + "\n")
            steps += int((truth <= (part[-1, 0] - first) * 1e-9).sum())
            written += len(part)
    return path.stat().st_size, steps


def write_recording(path: Path, minutes: float, rate: float = 100.0, seed: int = 0) -> int:
    """Walking with pauses, timestamps in ns with jitter, acc (m/s^2) and gyro (rad/s)."""
    rng = np.random.default_rng(seed)
    n = int(minutes * 60 * rate)
    t = np.arange(n) / rate
    period = 0.55
    walking = (np.sin(2 * np.pi * t / 300) > -0.3).astype(float)  # ~60 % of the time walking
    phase = (t % period) / period
    pulse = np.exp(-0.5 * ((phase - 0.1) / 0.05) ** 2) * 6.0 - np.exp(-0.5 * ((phase - 0.4) / 0.12) ** 2) * 2.0
    vert = walking * (pulse + 1.2 * np.sin(2 * np.pi * t / period))
    acc = np.column_stack([0.5 + walking * np.sin(np.pi * t / period), 1.0 + 0.1 * vert, G + vert])
    acc += rng.normal(0, 0.05, acc.shape)
    gyro = np.column_stack([walking * 1.1 * np.sin(np.pi * t / period), walking * 0.4 * np.cos(2 * np.pi * t / period),
                            rng.normal(0, 0.02, n)])
    ts = (1_700_000_000_000_000_000 + np.round((t + rng.uniform(-2e-4, 2e-4, n)) * 1e9)).astype(np.int64)
    with open(path, "w") as fh:
        fh.write("timestamp_ns,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n")
        block = 100_000
        for i in range(0, n, block):
            rows = np.column_stack([acc[i:i + block], gyro[i:i + block]])
            fh.write("\n".join(f"{a}," + ",".join(f"{v:.5f}" for v in r) for a, r in zip(ts[i:i + block], rows)) + "\n")
    return path.stat().st_size


_RSS = """
import sys
sys.path.insert(0, {root!r})
import core
from core.sensors.reader import read_recording
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the current size
before = status("VmRSS")
rec = read_recording({path!r})
print(status("VmHWM") - before)
"""


def parse_rss_mb(path: Path) -> float:
    """Peak resident memory added by reading the file, in a fresh process (MB; Linux)."""
    import subprocess
    root = str(Path(__file__).resolve().parent.parent)
    r = subprocess.run([sys.executable, "-c", _RSS.format(root=root, path=str(path))], capture_output=True, text=True)
    return float(r.stdout.split()[-1]) if r.returncode == 0 and r.stdout.split() else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--synthetic", action="store_true", help="synthetic signal even when the shared data is there")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.csv"
        if REAL_100HZ.exists() and not args.synthetic:
            size, true_steps = write_real_tiled(path, args.minutes)
            signal = f"real 100 Hz Oxford walk ({REAL_100HZ.name}) repeated, noise gyro added"
        else:
            size, true_steps = write_recording(path, args.minutes), None
            signal = "synthetic walking with pauses (shape unlike real phones: counts not meaningful)"
        print(f"recording: {args.minutes:g} min, 100 Hz, 6 axes, {size / 2**20:.1f} MB CSV: {signal}", file=sys.stderr)

        t0 = time.perf_counter()
        model = load()
        load_s = time.perf_counter() - t0
        rate = model.config.rate_hz
        model.probabilities(np.zeros((512, N_CHANNELS), np.float32))  # first call builds the graph
        warm_s = time.perf_counter() - t0 - load_s

        tracemalloc.start()
        read_recording(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        rss = parse_rss_mb(path)

        rows = []
        for _ in range(args.repeats):
            a = time.perf_counter()
            rec = read_recording(path)
            b = time.perf_counter()
            _, acc = resample(rec.t, rec.acc, rate)
            x = model_input(acc, rate)
            c = time.perf_counter()
            prob = model.probabilities(x)
            steps = pick_steps(prob, rate, model.config.threshold, model.config.min_interval_s)
            d = time.perf_counter()
            base = detect_steps(acc, rate, model.config.baseline)
            e = time.perf_counter()
            steps = rescue_missed_walks(steps, base, prob, rate)  # the shipped pipeline's safety net needs the baseline
            f = time.perf_counter()
            rows.append({"parse_s": b - a, "resample_s": c - b, "model_s": d - c, "baseline_s": e - d,
                         "rescue_s": f - e, "steps": len(steps), "baseline_steps": len(base)})
        best = {k: min(r[k] for r in rows) for k in ("parse_s", "resample_s", "model_s", "baseline_s", "rescue_s")}
        # the shipped model path also runs the baseline (its steady-walk rescue), so it is counted in
        model_total = best["parse_s"] + best["resample_s"] + best["model_s"] + best["baseline_s"] + best["rescue_s"]
        base_total = best["parse_s"] + best["resample_s"] + best["baseline_s"]
        out = {"minutes": args.minutes, "file_mb": round(size / 2**20, 2), "samples": int(rec.n_samples),
               "model_load_s": round(load_s, 3), "model_first_call_s": round(warm_s, 3),
               **{k: round(v, 3) for k, v in best.items()},
               "model_pipeline_s": round(model_total, 3), "baseline_pipeline_s": round(base_total, 3),
               "model_vs_baseline_time_ratio": round(model_total / base_total, 2),
               "model_only_vs_baseline_only_ratio": round(best["model_s"] / max(best["baseline_s"], 1e-6), 2),
               "target_s": 3.0, "meets_target": model_total <= 3.0,
               "parse_peak_traced_mb": round(peak / 2**20, 1), "parse_memory_x_file": round(peak / size, 2),
               "parse_peak_rss_added_mb": round(rss, 1), "parse_rss_x_file": round(rss * 2**20 / size, 2),
               "signal": signal, "true_steps": true_steps,
               "steps": rows[-1]["steps"], "baseline_steps": rows[-1]["baseline_steps"],
               "cpu_count": os.cpu_count(), "repeats": args.repeats}
        for k, v in out.items():
            print(f"{k:>36}: {v}")
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
