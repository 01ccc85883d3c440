"""Per-sample step probability -> step times (s)."""
import numpy as np
from scipy.signal import find_peaks

DEFAULT_THRESHOLD = 0.5
DEFAULT_MIN_INTERVAL_S = 0.25  # 240 steps/min: faster than anyone walks or jogs
DEFAULT_MIN_RUN_STEPS = 4      # walking is rhythmic: fewer steps in a row are a jolt, not a walk
RUN_MAX_GAP_S = 2.0
FILL_FLOOR_RATIO = 0.4         # a step the rhythm expects is kept down to 0.4 x the threshold
EDGE_FLOOR_RATIO = 0.6         # a walk's first / closing step, one-sided rhythm: 0.6 x the threshold
EDGE_STEPS = 2                 # at most this many steps added before a walk and after it
SHORT_WALK_STEPS = 8           # a walk of fewer steps (a few seconds) must be clearly steps:
SHORT_WALK_PROB = 0.6          # its steps' median probability at least this (see sure_walks)
RESCUE_MIN_PROB = 0.1          # the baseline stands in only where the model saw something step-like


def pick_steps(prob: np.ndarray, rate_hz: float, threshold: float = DEFAULT_THRESHOLD,
               min_interval_s: float = DEFAULT_MIN_INTERVAL_S, min_run_steps: int = DEFAULT_MIN_RUN_STEPS,
               fill_floor_ratio: float = FILL_FLOOR_RATIO,
               edge_floor_ratio: float = EDGE_FLOOR_RATIO,
               short_walk_prob: float = SHORT_WALK_PROB) -> np.ndarray:
    """Times (s from the first sample) of probability peaks above `threshold`, at least
    `min_interval_s` apart, each refined to sub-sample precision with a parabola; gaps the
    walking rhythm says hold a missed step are filled with weaker peaks (down to
    `fill_floor_ratio` x threshold, see fill_gaps; 1 or more turns this off); runs of
    fewer than `min_run_steps` steps (pauses over RUN_MAX_GAP_S end a run) are dropped;
    a walk of fewer than SHORT_WALK_STEPS steps is kept only if its steps' median
    probability reaches `short_walk_prob` (see sure_walks; 0 turns this off); each
    remaining walk is extended by up to EDGE_STEPS steps at either end where the rhythm
    expects one and a peak reaches `edge_floor_ratio` x threshold (see extend_walks; 1 or
    more turns this off)."""
    prob = np.asarray(prob, dtype=np.float64)
    if prob.size < 3:
        return np.empty(0)
    idx, _ = find_peaks(prob, height=threshold, distance=max(1, int(round(min_interval_s * rate_hz))))
    t = refine(prob, idx) / rate_hz
    if fill_floor_ratio < 1:
        t = fill_gaps(t, prob, rate_hz, fill_floor_ratio * threshold)
    t = keep_runs(t, min_run_steps)
    if short_walk_prob > 0:  # before the soft edge steps are added: they must not make a burst long
        t = sure_walks(t, prob, rate_hz, short_walk_prob)
    if edge_floor_ratio < 1:
        t = extend_walks(t, prob, rate_hz, edge_floor_ratio * threshold, min_steps=max(min_run_steps, 4),
                         min_interval_s=min_interval_s)
    return t


def sure_walks(times: np.ndarray, prob: np.ndarray, rate_hz: float, min_prob: float,
               short_steps: int = SHORT_WALK_STEPS) -> np.ndarray:
    """The walks of at least `short_steps` steps, and the shorter ones whose steps' median
    probability reaches `min_prob`. A long walk is trusted for its rhythm; a burst of a few
    steps is where a phone turned in the hand or a shift of weight looks like walking: out
    of fold, such phantom bursts had medians of 0.40-0.54, short real walks 0.65-0.80."""
    return walks_where(times, lambda w: len(w) >= short_steps or np.median(prob_at(prob, rate_hz, w)) >= min_prob)


def prob_at(prob: np.ndarray, rate_hz: float, times: np.ndarray, half_width: int = 0) -> np.ndarray:
    """The probability at each of `times` (s; the nearest sample), or with `half_width` > 0
    the highest within that many samples either side of it."""
    i = np.clip(np.floor(np.asarray(times, dtype=np.float64) * rate_hz + 0.5).astype(np.int64), 0, len(prob) - 1)
    if not half_width:
        return prob[i]
    return np.array([prob[max(0, c - half_width):c + half_width + 1].max() for c in i])


def split_walks(times: np.ndarray, max_gap_s: float = RUN_MAX_GAP_S) -> list[np.ndarray]:
    """Sorted step times cut into walks wherever a pause is longer than `max_gap_s`."""
    t = np.sort(np.asarray(times, dtype=np.float64))
    return np.split(t, np.flatnonzero(np.diff(t) > max_gap_s) + 1) if len(t) else []


def walks_where(times: np.ndarray, keep, max_gap_s: float = RUN_MAX_GAP_S) -> np.ndarray:
    """The steps of the walks (split_walks) for which `keep(walk)` is true, ascending."""
    kept = [w for w in split_walks(times, max_gap_s) if keep(w)]
    return np.concatenate(kept) if kept else np.empty(0)


def keep_runs(times: np.ndarray, min_steps: int, max_gap_s: float = RUN_MAX_GAP_S) -> np.ndarray:
    """Only the steps that belong to a run of at least `min_steps` (gaps <= max_gap_s)."""
    if min_steps <= 1:
        return np.sort(np.asarray(times, dtype=np.float64))
    return walks_where(times, lambda w: len(w) >= min_steps, max_gap_s)


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


def local_interval(times: np.ndarray, half: int = 4) -> np.ndarray:
    """For each gap between consecutive steps, the median of the gaps around it (up to
    `half` on either side, itself included): the walker's current step interval."""
    gaps = np.diff(np.asarray(times, dtype=np.float64))
    out = np.empty_like(gaps)
    for i in range(len(gaps)):
        out[i] = np.median(gaps[max(0, i - half):i + half + 1])
    return out


def peak_near(prob: np.ndarray, rate_hz: float, centre_s: float, half_width_s: float,
              floor: float) -> float | None:
    """Time (s) of the strongest local maximum of `prob` within centre_s +- half_width_s,
    refined with a parabola, if it reaches `floor`; else None."""
    lo = max(int(np.floor((centre_s - half_width_s) * rate_hz)), 1)
    hi = min(int(np.ceil((centre_s + half_width_s) * rate_hz)) + 1, len(prob) - 1)
    if hi <= lo:
        return None
    i = lo + int(np.argmax(prob[lo:hi]))
    if prob[i] >= floor and prob[i] >= prob[i - 1] and prob[i] >= prob[i + 1]:
        return float(refine(prob, np.array([i]))[0] / rate_hz)
    return None


def fill_gaps(times: np.ndarray, prob: np.ndarray, rate_hz: float, floor: float,
              max_missing: int = 2) -> np.ndarray:
    """Steps the rhythm says are missing: where a gap is about 2 (or 3) of the walker's
    local step intervals, look near each expected position (+-25 % of an interval) for the
    strongest probability peak and keep it if it reaches `floor` (below the picking
    threshold: the rhythm vouches for it)."""
    t = np.sort(np.asarray(times, dtype=np.float64))
    if len(t) < 4:
        return t
    interval = local_interval(t)
    added = []
    for a, b, m in zip(t[:-1], t[1:], interval):
        k = round((b - a) / m)
        if k < 2 or k > max_missing + 1 or abs((b - a) / k - m) > 0.2 * m or (b - a) / k > 1.5:
            continue
        for j in range(1, k):
            step = peak_near(prob, rate_hz, a + j * (b - a) / k, 0.25 * m, floor)
            if step is not None:
                added.append(step)
    return np.sort(np.concatenate([t, added])) if added else t


def extend_walks(times: np.ndarray, prob: np.ndarray, rate_hz: float, floor: float,
                 max_steps: int = EDGE_STEPS, min_steps: int = 4, max_gap_s: float = RUN_MAX_GAP_S,
                 tolerance: float = 0.3, min_interval_s: float = DEFAULT_MIN_INTERVAL_S) -> np.ndarray:
    """A walk's first step (pushing off from standing) and its closing step (the feet
    coming together) are softer than the rest, so the network is least sure of them and
    a detector misses them at every start and stop. For each walk of at least `min_steps`
    steps, look one local step interval (the median of its first or last 4 intervals)
    before its first step and after its last, within +-`tolerance` of an interval, for
    the strongest probability peak; keep it if it reaches `floor`, and go on outwards up
    to `max_steps` steps. Where nothing qualifies the walk ends there. A walk never
    reaches past the middle of the pause to its neighbour (so two walks cannot both claim
    one peak), and no added step is closer than `min_interval_s` to another step."""
    t = np.sort(np.asarray(times, dtype=np.float64))
    if len(t) < min_steps:
        return t
    walks = split_walks(t, max_gap_s)
    added = []
    for k, walk in enumerate(walks):
        if len(walk) < min_steps:
            continue
        before = (walks[k - 1][-1] + walk[0]) / 2 if k > 0 else -np.inf
        after = (walk[-1] + walks[k + 1][0]) / 2 if k + 1 < len(walks) else np.inf
        for side, edge, gaps in ((-1, walk[0], np.diff(walk[:5])), (1, walk[-1], np.diff(walk[-5:]))):
            interval = float(np.median(gaps))
            for _ in range(max_steps):
                step = peak_near(prob, rate_hz, edge + side * interval, tolerance * interval, floor)
                if step is None or not (before < step < after) or abs(step - edge) < min_interval_s:
                    break
                edge = step
                added.append(step)
    return np.sort(np.concatenate([t, added])) if added else t


def regular_runs(times: np.ndarray, min_steps: int, max_cv: float,
                 max_gap_s: float = RUN_MAX_GAP_S) -> list[np.ndarray]:
    """Runs of at least `min_steps` steps (gaps <= max_gap_s) whose step intervals vary
    by at most `max_cv` (coefficient of variation): a steady walk, not a series of jolts."""
    t = np.sort(np.asarray(times, dtype=np.float64))
    if len(t) < max(2, min_steps):
        return []
    out = []
    for run in split_walks(t, max_gap_s):
        if len(run) >= min_steps:
            gaps = np.diff(run)
            if np.std(gaps) <= max_cv * np.mean(gaps):
                out.append(run)
    return out


def rescue_missed_walks(model_s: np.ndarray, baseline_s: np.ndarray, prob: np.ndarray, rate_hz: float,
                        min_steps: int = 10, max_cv: float = 0.15, coverage: float = 0.5,
                        min_prob: float = RESCUE_MIN_PROB) -> np.ndarray:
    """Safety net for walking unlike anything the network learnt (e.g. very slow): where
    the classical detector finds a steady walk (>= min_steps steps, intervals within
    max_cv) and the model found fewer than `coverage` of those steps, the classical steps
    of that walk replace the model's there, provided the model's probability `prob`
    (at `rate_hz`) peaks at those steps at `min_prob` or more (median over the walk): a
    weak response to walking it does not know, not a confident 'no'. Irregular baseline
    detections (standing, phone handling) never pass the regularity test; a steady rhythm
    with no step in it (pedalling, with the phone in a pocket) the model answers with ~0."""
    t = np.sort(np.asarray(model_s, dtype=np.float64))
    for run in regular_runs(baseline_s, min_steps, max_cv):
        lo, hi = run[0] - 0.5, run[-1] + 0.5
        inside = (t >= lo) & (t <= hi)
        if inside.sum() < coverage * len(run) and support(prob, rate_hz, run) >= min_prob:
            t = np.sort(np.concatenate([t[~inside], run]))
    return t


def support(prob: np.ndarray, rate_hz: float, times: np.ndarray, half_width_s: float = 0.1) -> float:
    """The median over `times` of the highest probability within `half_width_s` of each
    (in whole samples, rounded down: 2 either side at 25 Hz)."""
    prob = np.asarray(prob, dtype=np.float64)
    if not len(times) or not len(prob):
        return 0.0
    return float(np.median(prob_at(prob, rate_hz, times, max(1, int(half_width_s * rate_hz + 1e-9)))))
