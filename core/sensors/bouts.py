"""Walking bouts, cadence over time and step-time variability, from step times (s)."""
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_STEP_GAP_S = 2.0   # a pause longer than this ends a bout
MIN_BOUT_STEPS = 4
CADENCE_MAX_POINTS = 480  # a longer recording gets wider windows (8 h: 2-min windows every minute)


@dataclass(frozen=True)
class Bout:
    start_s: float
    end_s: float
    steps: int

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def cadence_spm(self) -> float:
        """Steps per minute: intervals in the bout over their total time."""
        return 60.0 * (self.steps - 1) / self.duration_s if self.duration_s > 0 else 0.0


def find_bouts(step_times: np.ndarray, max_gap_s: float = MAX_STEP_GAP_S, min_steps: int = MIN_BOUT_STEPS) -> list[Bout]:
    t = np.sort(np.asarray(step_times, dtype=np.float64))
    if len(t) < min_steps:
        return []
    breaks = np.flatnonzero(np.diff(t) > max_gap_s) + 1
    out = []
    for lo, hi in zip(np.r_[0, breaks], np.r_[breaks, len(t)]):
        if hi - lo >= min_steps:
            out.append(Bout(float(t[lo]), float(t[hi - 1]), int(hi - lo)))
    return out


def bouts_table(bouts: list[Bout]) -> pd.DataFrame:
    return pd.DataFrame({"start_s": [round(b.start_s, 2) for b in bouts], "end_s": [round(b.end_s, 2) for b in bouts],
                         "steps": [b.steps for b in bouts], "cadence_spm": [round(b.cadence_spm, 1) for b in bouts]},
                        columns=["start_s", "end_s", "steps", "cadence_spm"])


def bout_intervals(step_times: np.ndarray, bouts: list[Bout]) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) step time of every interval between consecutive steps within `bouts`."""
    t = np.sort(np.asarray(step_times, dtype=np.float64))
    segs = [t[(t >= b.start_s) & (t <= b.end_s)] for b in bouts]
    if not segs:
        return np.empty(0), np.empty(0)
    return np.concatenate([s[:-1] for s in segs]), np.concatenate([s[1:] for s in segs])


def in_bout_intervals(step_times: np.ndarray, bouts: list[Bout]) -> np.ndarray:
    first, last = bout_intervals(step_times, bouts)
    return last - first


def cadence_spm(step_times: np.ndarray) -> float:
    """Typical walking cadence (steps/min): the median of 60 / step interval within bouts; 0 when no bout."""
    iv = in_bout_intervals(step_times, find_bouts(step_times))
    return float(round(60.0 / np.median(iv), 1)) if iv.size else 0.0


def cadence_over_time(step_times: np.ndarray, duration_s: float, window_s: float = 10.0, hop_s: float = 5.0,
                      max_points: int = CADENCE_MAX_POINTS) -> pd.DataFrame:
    """Steps/min in sliding windows: columns t_s (window centre) and cadence_spm, 60 over the
    median interval between consecutive steps of a walking bout inside the window; 0 where
    the window holds fewer than 2 such intervals (not walking). Counting a window's steps
    instead gives multiples of 6 steps/min and reads low where a window is partly standing.
    Past `max_points` windows the hop widens to keep no more than that (a round number
    of seconds or minutes; the window twice the hop), so a day-long recording is a curve,
    not thousands of spikes drawn into a band. The window and hop used are in the frame's
    attrs ("window_s", "hop_s")."""
    t = np.sort(np.asarray(step_times, dtype=np.float64))
    if duration_s <= 0:
        return pd.DataFrame({"t_s": [], "cadence_spm": []})
    if duration_s / hop_s > max_points:
        hop_s = _round_up_nicely(duration_s / max_points)
        window_s = max(window_s, 2 * hop_s)
    window = min(window_s, duration_s)
    starts = np.arange(0.0, max(duration_s - window_s, 0.0) + 1e-9, hop_s)
    first, last = bout_intervals(t, find_bouts(t))
    lo = np.searchsorted(first, starts)                          # intervals starting in the window...
    hi = np.searchsorted(last, starts + window, side="right")    # ...and ending in it
    cadence = [60.0 / float(np.median(last[a:b] - first[a:b])) if b - a >= 2 else 0.0 for a, b in zip(lo, hi)]
    out = pd.DataFrame({"t_s": starts + window / 2, "cadence_spm": cadence})
    out.attrs.update(window_s=float(window), hop_s=float(hop_s))
    return out


def _round_up_nicely(seconds: float) -> float:
    """The first of 10 s, 15 s, 20 s, 30 s, 1, 2, 5, 10, 15, 30 min... at or above `seconds`."""
    nice = [10, 15, 20, 30, 60, 120, 300, 600, 900, 1800]
    return float(next((n for n in nice if n >= seconds), 3600 * np.ceil(seconds / 3600)))


def step_time_variability(step_times: np.ndarray) -> dict:
    """Step intervals within bouts: count, mean and SD (s) and coefficient of variation (%)."""
    iv = in_bout_intervals(step_times, find_bouts(step_times))
    if iv.size < 2:
        return {"intervals": int(iv.size), "mean_s": None, "sd_s": None, "cv_pct": None}
    mean, sd = float(iv.mean()), float(iv.std(ddof=1))
    return {"intervals": int(iv.size), "mean_s": round(mean, 4), "sd_s": round(sd, 4), "cv_pct": round(100 * sd / mean, 2)}
