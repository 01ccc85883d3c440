"""Sampling-rate estimation that survives jitter, quantised timestamps and gaps.

The median of the intervals alone fails on millisecond timestamps: 80 Hz data logged in
whole ms has intervals 12, 13, 12, 13... ms, and the median (12 ms) says 83 Hz. So the
median only finds the normal intervals (gaps excluded); the rate is their mean.
"""
import numpy as np

COMMON_RATES_HZ = (1, 5, 10, 12.5, 15, 16, 20, 25, 30, 32, 40, 50, 52, 60, 64, 75, 80, 90, 100,
                   104, 120, 125, 128, 200, 204.8, 208, 250, 256, 400, 416, 500, 512, 800, 1000)
SNAP_TOLERANCE = 0.01  # snap to a common rate only when within 1 %


def normal_intervals(t: np.ndarray) -> np.ndarray:
    """Positive intervals without gaps (those longer than 3x the median interval)."""
    d = np.diff(np.asarray(t, dtype=np.float64))
    d = d[d > 0]
    if d.size == 0:
        return d
    med = np.median(d)
    return d[d <= 3 * med]


def estimate_rate(t: np.ndarray) -> float:
    """Rate in Hz of timestamps `t` (seconds). 0.0 when it cannot be told (under 2 samples)."""
    d = normal_intervals(t)
    if d.size == 0:
        return 0.0
    rate = 1.0 / float(np.mean(d))
    nearest = min(COMMON_RATES_HZ, key=lambda c: abs(c - rate))
    if abs(nearest - rate) / nearest <= SNAP_TOLERANCE:
        return float(nearest)
    return round(rate, 2)
