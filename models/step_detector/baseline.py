"""Classical baseline: low-pass |acc|, then peak detection. Runs beside the model in the
UI and the benchmark so both counts are always seen side by side.

Parameters were fitted on the training recordings only (see train.py, saved in
artifacts/config.json under "baseline"); these defaults are the same values' ballpark.
"""
from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, find_peaks, sosfiltfilt

from models.step_detector.peaks import refine


@dataclass(frozen=True)
class BaselineParams:
    cutoff_hz: float = 3.0          # low-pass of |acc|: walking cadence lives under 3 Hz
    prominence_ms2: float = 1.0     # how far a peak must stand above its surroundings
    min_interval_s: float = 0.3
    offset_s: float = 0.0           # |acc| peaks lag the foot contact; shift to the contact


def smoothed_magnitude(acc: np.ndarray, rate_hz: float, cutoff_hz: float) -> np.ndarray:
    mag = np.sqrt(np.einsum("ij,ij->i", acc, acc))
    if len(mag) < 16:
        return mag
    sos = butter(2, min(cutoff_hz, 0.45 * rate_hz), btype="low", fs=rate_hz, output="sos")
    return sosfiltfilt(sos, mag - mag.mean()) + mag.mean()


def detect_steps(acc: np.ndarray, rate_hz: float, params: BaselineParams = BaselineParams()) -> np.ndarray:
    """Step times (s from the first sample) from (n, 3) acceleration (m/s^2) at `rate_hz`."""
    y = smoothed_magnitude(acc, rate_hz, params.cutoff_hz)
    idx, _ = find_peaks(y, prominence=params.prominence_ms2,
                        distance=max(1, int(round(params.min_interval_s * rate_hz))))
    t = refine(y, idx) / rate_hz - params.offset_s
    return t[t >= 0]
