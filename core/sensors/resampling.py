"""Irregular samples onto a uniform grid, with an anti-alias box filter when downsampling."""
import numpy as np
from scipy.ndimage import uniform_filter1d

from core.sensors.sample_rate import normal_intervals


def resample(t: np.ndarray, x: np.ndarray, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """(grid times in s from t[0], values on the grid) for samples `x` (n, k) taken at `t` (s).

    When the source is faster than 1.5x the target, each value is first averaged over one
    target period (a box filter: its first null sits at the target rate), then linearly
    interpolated, so heel-strike spikes are kept as energy rather than aliased or skipped.
    """
    x = np.asarray(x, dtype=np.float64)
    squeeze = x.ndim == 1
    if squeeze:
        x = x[:, None]
    d = normal_intervals(t)
    src_rate = 1.0 / float(np.median(d)) if d.size else rate_hz
    width = int(round(src_rate / rate_hz))
    if width >= 2 and src_rate > 1.5 * rate_hz:
        x = uniform_filter1d(x, size=width, axis=0, mode="nearest")
    grid = np.arange(0.0, float(t[-1] - t[0]) + 1e-9, 1.0 / rate_hz)
    tt = t - t[0]
    out = np.empty((len(grid), x.shape[1]), dtype=np.float64)
    for j in range(x.shape[1]):
        out[:, j] = np.interp(grid, tt, x[:, j])
    return grid, (out[:, 0] if squeeze else out)
