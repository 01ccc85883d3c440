"""Steps from a Recording: the trained model and the classical baseline, side by side.

The model's steps come from its probability peaks, with gaps the walking rhythm says hold
a missed step filled (models/step_detector/peaks.py); where the classical baseline finds a
steady walk the model all but missed (walking unlike its training data), the baseline's
steps stand in there (`rescue_missed_walks`). The model is loaded once per process (`step_model()`, a lazy module-level cache); the
probability it gives is kept, so a researcher can change the peak threshold or minimum
step interval and re-pick steps without running the network again (`repick`).
"""
import time
from dataclasses import dataclass, field

import numpy as np

from core.sensors import bouts
from core.sensors.recording import Recording
from core.sensors.resampling import resample
from core.sensors.validation import find_gaps
from models.step_detector import MODEL_RATE_HZ
from models.step_detector.baseline import BaselineParams, detect_steps
from models.step_detector.features import model_input
from models.step_detector.peaks import (
    DEFAULT_MIN_RUN_STEPS,
    SHORT_WALK_PROB,
    pick_steps,
    rescue_missed_walks,
)


def step_model(kind: str = "keras"):
    """The shipped step detector, loaded on first use and shared by the whole process."""
    from models.step_detector.inference import shared
    return shared(kind)


@dataclass
class StepAnalysis:
    """Everything a page or the CLI shows about one recording's steps. Times in s from the
    first sample; `prob` and `acc` are on the model's grid (`rate_hz`)."""
    step_times_s: np.ndarray
    baseline_times_s: np.ndarray
    threshold: float
    min_interval_s: float
    rate_hz: float
    prob: np.ndarray
    acc: np.ndarray
    duration_s: float
    sample_rate_hz: float
    model_version: str
    baseline_params: BaselineParams
    warnings: list[str] = field(default_factory=list)
    processing_s: float = 0.0
    gaps: list[tuple[float, float]] = field(default_factory=list)  # (start_s, length_s) without samples

    @property
    def steps(self) -> int:
        return int(len(self.step_times_s))

    @property
    def cadence_spm(self) -> float:
        return bouts.cadence_spm(self.step_times_s)

    def bouts(self) -> list[bouts.Bout]:
        return bouts.find_bouts(self.step_times_s)

    def contract(self) -> dict:
        """The `steps count --json` object (../shared/contracts.md), extra keys after the required ones."""
        return {"steps": self.steps, "step_times_s": [round(float(t), 3) for t in self.step_times_s],
                "sample_rate_hz": float(self.sample_rate_hz), "cadence_spm": float(self.cadence_spm),
                "processing_s": round(float(self.processing_s), 3), "duration_s": round(self.duration_s, 3),
                "baseline_steps": int(len(self.baseline_times_s)), "model_version": self.model_version,
                "threshold": self.threshold, "min_interval_s": self.min_interval_s,
                "bouts": bouts.bouts_table(self.bouts()).to_dict("records"), "warnings": self.warnings}


def analyse(rec: Recording, model=None, threshold: float | None = None,
            min_interval_s: float | None = None) -> StepAnalysis:
    """Run model and baseline on `rec`. Defaults come from the model's config."""
    started = time.perf_counter()
    model = model or step_model()
    cfg = model.config
    _, acc = resample(rec.t, rec.acc, cfg.rate_hz)
    prob = model.probabilities(model_input(acc, cfg.rate_hz))
    th = cfg.threshold if threshold is None else float(threshold)
    gap = cfg.min_interval_s if min_interval_s is None else float(min_interval_s)
    gaps = find_gaps(rec.t)
    base = _clip(detect_steps(acc, cfg.rate_hz, cfg.baseline), rec.duration_s, gaps)
    steps = _clip(rescue_missed_walks(pick_steps(prob, cfg.rate_hz, th, gap), base, prob, cfg.rate_hz),
                  rec.duration_s, gaps)
    return StepAnalysis(step_times_s=steps, baseline_times_s=base, threshold=th, min_interval_s=gap, rate_hz=cfg.rate_hz,
                        prob=prob, acc=acc, duration_s=rec.duration_s, sample_rate_hz=rec.sample_rate_hz,
                        model_version=cfg.version, baseline_params=cfg.baseline, warnings=list(rec.warnings),
                        processing_s=time.perf_counter() - started, gaps=gaps)


def repick(a: StepAnalysis, threshold: float, min_interval_s: float,
           min_run_steps: int = DEFAULT_MIN_RUN_STEPS, rescue: bool = True,
           short_walk_prob: float = SHORT_WALK_PROB) -> np.ndarray:
    """Step times for another threshold / minimum interval / minimum run / sureness asked
    of a short burst of steps (0: none), from the kept probability; `rescue=False` shows
    the model's own peaks without the baseline's steady-walk safety net."""
    picked = pick_steps(a.prob, a.rate_hz, threshold, min_interval_s, min_run_steps,
                        short_walk_prob=short_walk_prob)
    rescued = rescue_missed_walks(picked, a.baseline_times_s, a.prob, a.rate_hz) if rescue else picked
    return _clip(rescued, a.duration_s, a.gaps)


def _clip(t: np.ndarray, duration_s: float, gaps: list[tuple[float, float]] = ()) -> np.ndarray:
    """Step times within the recording and outside its gaps, ascending. The signal across a
    gap is a straight line drawn by resampling, so a step found there was never measured."""
    t = np.sort(np.asarray(t, dtype=np.float64))
    keep = (t >= 0) & (t <= duration_s)
    for start, length in gaps:
        keep &= ~((t > start) & (t < start + length))
    return t[keep]


def baseline_only(rec: Recording, params: BaselineParams | None = None) -> np.ndarray:
    """Baseline step times without loading TensorFlow (benchmarks, quick looks)."""
    p = params or BaselineParams()
    _, acc = resample(rec.t, rec.acc, MODEL_RATE_HZ)
    return _clip(detect_steps(acc, MODEL_RATE_HZ, p), rec.duration_s, find_gaps(rec.t))
