"""Fewer points for long plots without losing peaks: min and max of each bucket."""
import numpy as np


def minmax_decimate(t: np.ndarray, y: np.ndarray, max_points: int = 20000) -> tuple[np.ndarray, np.ndarray]:
    """(t, y) with at most ~max_points points; each bucket keeps its min and max in time order."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    n = len(y)
    if n <= max_points:
        return t, y
    buckets = max(1, max_points // 2)
    size = int(np.ceil(n / buckets))
    pad = buckets * size - n
    yy = np.concatenate([y, np.full(pad, y[-1])]).reshape(buckets, size)
    base = np.arange(buckets) * size
    i_min, i_max = base + yy.argmin(axis=1), base + yy.argmax(axis=1)
    idx = np.sort(np.unique(np.clip(np.concatenate([i_min, i_max]), 0, n - 1)))
    return t[idx], y[idx]
