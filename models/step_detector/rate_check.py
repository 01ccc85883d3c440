"""How the step counter holds up at other phone sampling rates.

Each out-of-fold network (`train --cv --dump DIR` keeps PERSON.keras) counts its held-out
person's Oxford recordings through the app's whole pipeline
(`core.sensors.step_counting.analyse`) after they are sub-sampled: to regular lower rates
(the sample nearest each tick, no anti-alias filter, as a cheap phone gives it) and to an
irregular rate (samples 30-70 ms apart at random). Scored against the cleaned truth, the
mean over persons as the cross-validation reports it.

    python -m models.step_detector.rate_check --dump DIR [--threshold 0.4]

The last stdout line is one JSON object: {setting: {"mape_pct", "f1_mean", "persons": {person:
evaluation.summarise()}}}.
"""
import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from core.sensors.reader import read_recording  # core first: it imports pylibsrtp before TensorFlow can
from core.sensors.recording import Recording
from core.sensors.step_counting import analyse
from models.step_detector.evaluation import by_person, match

REGULAR_HZ = (50.0, 30.0, 20.0, 15.0)
IRREGULAR_GAP_S = (0.03, 0.07)  # an irregular 20 Hz


def _taken(rec: Recording, idx: np.ndarray, rate_hz: float) -> Recording:
    idx = np.unique(idx)
    return Recording(rec.t[idx] - rec.t[idx[0]], rec.acc[idx], None, rate_hz, rec.source_format)


def subsample(rec: Recording, rate_hz: float) -> Recording:
    """The sample at or just after each tick of a regular `rate_hz` clock, nothing filtered."""
    ticks = np.arange(0.0, rec.t[-1], 1.0 / rate_hz)
    return _taken(rec, np.searchsorted(rec.t, ticks).clip(0, len(rec.t) - 1), rate_hz)


def irregular(rec: Recording, rng: np.random.Generator, gap_s: tuple[float, float] = IRREGULAR_GAP_S) -> Recording:
    """Samples taken at random gaps between gap_s[0] and gap_s[1] (the sample at or just after each)."""
    ticks = np.cumsum(rng.uniform(*gap_s, int(rec.t[-1] / gap_s[0]) + 1))
    ticks = np.r_[0.0, ticks[ticks < rec.t[-1]]]
    return _taken(rec, np.searchsorted(rec.t, ticks).clip(0, len(rec.t) - 1), 2.0 / sum(gap_s))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.step_detector.rate_check", description=__doc__.split("\n\n")[0])
    ap.add_argument("--dump", type=Path, required=True, help="folder with the out-of-fold networks (PERSON.keras)")
    ap.add_argument("--threshold", type=float, help="peak threshold (default: the shipped model's)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the irregular timing")
    args = ap.parse_args(argv)
    from models.step_detector.datasets import oxford
    from models.step_detector.inference import ModelConfig, StepModel, configure_threads, keras_runner
    recs = oxford()
    missing = sorted({r.person for r in recs if not (args.dump / f"{r.person}.keras").exists()})
    if missing:
        print(f"error: no out-of-fold network for {', '.join(missing)} in {args.dump} (run train --cv --dump)",
              file=sys.stderr)
        return 2
    import keras
    configure_threads()
    cfg = ModelConfig.read()
    rng = np.random.default_rng(args.seed)
    models, scores = {}, defaultdict(lambda: defaultdict(list))
    for r in recs:
        if r.person not in models:
            net = keras.models.load_model(args.dump / f"{r.person}.keras", compile=False)
            models[r.person] = StepModel(keras_runner(net), cfg, "keras")
        rec = read_recording(str(r.path))
        settings = {"as recorded": rec, **{f"{hz:g} Hz": subsample(rec, hz) for hz in REGULAR_HZ},
                    "irregular 20 Hz": irregular(rec, rng)}
        for name, sub in settings.items():
            found = analyse(sub, model=models[r.person], threshold=args.threshold).step_times_s
            scores[name][r.person].append(match(found, r.clean_s))
    out = {name: by_person(by) for name, by in scores.items()}
    for name, v in out.items():
        print(f"{name:16s} MAPE {v['mape_pct']:.2f} %  F1 {v['f1_mean']:.4f}  "
              + "  ".join(f"{p} {s['mape_pct']:.2f}" for p, s in v["persons"].items()))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
