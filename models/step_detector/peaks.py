"""Per-sample step probability -> step times (s)."""
import numpy as np
from scipy.signal import find_peaks

DEFAULT_THRESHOLD = 0.5
DEFAULT_MIN_INTERVAL_S = 0.25  # 240 steps/min: faster than anyone walks or jogs
DEFAULT_MIN_RUN_STEPS = 4      # walking is rhythmic: fewer steps in a row are a jolt, not a walk
RUN_MAX_GAP_S = 2.0


def pick_steps(prob: np.ndarray, rate_hz: float, threshold: float = DEFAULT_THRESHOLD,
               min_interval_s: float = DEFAULT_MIN_INTERVAL_S, min_run_steps: int = DEFAULT_MIN_RUN_STEPS) -> np.ndarray:
    """Times (s from the first sample) of probability peaks above `threshold`, at least
    `min_interval_s` apart, each refined to sub-sample precision with a parabola; runs of
    fewer than `min_run_steps` steps (pauses over RUN_MAX_GAP_S end a run) are dropped."""
    prob = np.asarray(prob, dtype=np.float64)
    if prob.size < 3:
        return np.empty(0)
    idx, _ = find_peaks(prob, height=threshold, distance=max(1, int(round(min_interval_s * rate_hz))))
    return keep_runs(refine(prob, idx) / rate_hz, min_run_steps)


def keep_runs(times: np.ndarray, min_steps: int, max_gap_s: float = RUN_MAX_GAP_S) -> np.ndarray:
    """Only the steps that belong to a run of at least `min_steps` (gaps <= max_gap_s)."""
    t = np.asarray(times, dtype=np.float64)
    if min_steps <= 1 or len(t) == 0:
        return t
    run = np.concatenate([[0], np.cumsum(np.diff(t) > max_gap_s)])
    sizes = np.bincount(run)
    return t[sizes[run] >= min_steps]


def refine(y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Sub-sample peak positions (in samples) by fitting a parabola through each peak."""
    idx = np.asarray(idx, dtype=np.int64)
    inner = (idx > 0) & (idx < len(y) - 1)
    pos = idx.astype(np.float64)
    i = idx[inner]
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2 * b + c
    off = np.where(np.abs(den) > 1e-12, 0.5 * (a - c) / np.where(den == 0, 1, den), 0.0)
    pos[inner] = i + np.clip(off, -0.5, 0.5)
    return pos
