"""Checks on a recording, each with its own message. Fixable problems are fixed and
reported as warnings (sorted time stamps, short NaN runs); others raise UserError."""
import numpy as np
import pandas as pd

from core.errors import UserError
from models.step_detector.features import gravity

MIN_DURATION_S = 5.0
LONG_GAP_S = 1.0        # gaps longer than this are reported; no step is counted inside them
MAX_NAN_GAP_S = 0.5     # missing values up to this long are interpolated, longer ones refused
ACC_LIMIT_MS2 = 50.0    # beyond this a phone or wrist sensor is hitting something, not walking
GYRO_LIMIT_RADS = 35.0
GLITCH_MS2 = 200.0      # |acc| beyond this (20 g) for a moment is a glitch: the shared phones peak at 84 m/s^2
GLITCH_MAX_S = 0.05     # ... when one sample, or a run lasting at most this long; longer runs are kept and flagged
GLITCH_MAX_SHARE = 0.01  # more glitches than this share of the samples is a broken sensor: flagged, not hidden
MIN_RATE_HZ = 10.0      # below this a step's impact falls between samples
MIN_GRAVITY_SHARE = 0.5  # the 1-s average's size over the signal's size; about 1 with gravity, near 0 without
MAX_SPAN_H = 48.0       # longer than two days from first to last time stamp: a clock jump or several files joined


def check_size(n_bytes: int, limit_mb: int, name: str = "The file") -> None:
    if n_bytes == 0:
        raise UserError(f"{name} is empty.", "export the recording again")
    if n_bytes > limit_mb * 1024 * 1024:
        shown = np.ceil(n_bytes / 1024 / 1024 * 100) / 100  # rounded up: 1.3 MB must not read "is 1 MB; the limit is 1 MB"
        raise UserError(f"{name} is {shown:.2f} MB; the upload limit is {limit_mb} MB.",
                        "split the recording or compress it as .csv.gz (whoever runs CoachLab can raise "
                        "COACHLAB_UPLOAD_LIMIT_MB)")


def check_given_rate(rate_hz: float) -> float:
    """The rate a user gave for a file without time stamps, in Hz; UserError unless a
    positive number (0 used to fall back to the default silently, negatives ran backwards)."""
    rate = float(rate_hz)
    if not 0 < rate < float("inf"):
        raise UserError(f"The sample rate must be a positive number of Hz, not {rate_hz:g}.",
                        "give the rate the sensor recorded at, e.g. 60 or 100")
    return rate


OVERLAP_S = 5.0         # rows starting over in time and covering this much of it again, and ...
OVERLAP_SHARE = 0.5     # ... this share of the shorter part: another recording, not a clock set back
MAX_RESTARTS = 20       # more restarts than this are rows out of order (a shuffled export): sorted, not judged
DENSE_SPACINGS = 3.0    # a sample within this many typical spacings of earlier ones lies in time they cover


def check_one_recording(t: np.ndarray) -> None:
    """UserError when the time stamps (in file order, seconds) start over and the rows after
    cover much of the same stretch of time again with stamps of their own: several
    recordings in one file (two devices or people one after the other), which sorting would
    interleave into one signal that is neither. Rows sent twice (the same stamps), a clock
    set back a few seconds and a stray stamp far off are not that."""
    t = t[np.isfinite(t)]
    starts = np.flatnonzero(np.diff(t) < 0) + 1
    if not len(starts) or len(starts) > MAX_RESTARTS:
        return
    spacing = float(np.median(np.abs(np.diff(t)))) or 1e-9
    bounds = np.concatenate([starts, [len(t)]])
    for a, b in zip(bounds[:-1], bounds[1:]):
        before = np.sort(t[:a])
        run = t[a:b]
        k = np.clip(np.searchsorted(before, run), 1, len(before) - 1) if len(before) > 1 else None
        if k is None:
            continue
        # a sample of the run lies in covered time when the earlier samples around it are close together
        inside = (before[k] - before[k - 1] <= DENSE_SPACINGS * spacing) & (run >= before[0]) & (run <= before[-1])
        inside &= ~np.isin(run, before)  # the same stamps again: a copy, dropped later as repeats
        overlap = inside.sum() * spacing
        shorter = min(len(before), len(run)) * spacing
        if overlap > OVERLAP_S and overlap >= OVERLAP_SHARE * shorter:
            raise UserError(f"The time stamps start over at data row {a + 1} (back {t[a - 1] - t[a]:.0f} s), and the "
                            f"rows after it cover {overlap:.0f} s of the same time again: the file holds several "
                            "recordings (two devices or people, or one recording pasted into another).",
                            "upload each recording as a file of its own")


def check_one_source(column: str, values: np.ndarray) -> None:
    """UserError when a column naming whose readings a row holds (HHAR's User, Device) names
    more than one: several devices' or people's readings, which sorting would mix into one."""
    sources = pd.unique(pd.Series(values).dropna().astype(str).str.strip())
    if len(sources) > 1:
        shown = ", ".join(sources[:4]) + (", ..." if len(sources) > 4 else "")
        raise UserError(f"The file holds the readings of {len(sources)} devices or people ({column}: {shown}); "
                        "CoachLab counts the steps of one recording at a time.",
                        f"split the file by its {column} column and upload each part")


def fix_time(t: np.ndarray, arrays: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray], list[str]]:
    """Drop rows without a time, sort backwards time stamps, drop duplicates (first kept), or
    spread them when most stamps repeat (one stamp per batch of samples)."""
    warnings = []
    ok = np.isfinite(t)
    if not ok.all():
        if not ok.any():
            raise UserError("The time column has no usable time stamps.")
        warnings.append(f"{int((~ok).sum())} row(s) had no time stamp and were dropped.")
        t, arrays = t[ok], [a[ok] for a in arrays]
    d = np.diff(t)
    if (d < 0).any():
        warnings.append(f"Time stamps went backwards {int((d < 0).sum())} time(s); the samples were sorted by time.")
        order = np.argsort(t, kind="stable")
        t, arrays = t[order], [a[order] for a in arrays]
        d = np.diff(t)
    dup = np.concatenate([[False], d == 0])
    if dup.mean() >= BATCH_SHARE:  # one stamp per packet of samples (Movesense, a phone relaying a sensor)
        starts = np.flatnonzero(~dup)
        steps = np.diff(t[starts])
        # a clock keeping whole seconds only is not a packet clock: it is refused (or its file's other time
        # column offered) as before, since the samples' own timing is lost
        if len(starts) >= 2 and not np.allclose(steps, np.round(steps), rtol=0, atol=1e-6):
            t = _spread_batches(t, starts)
            warnings.append(f"Time stamps come one per batch of about {len(t) / len(starts):.0f} samples; the "
                            "samples of each batch were spread evenly up to the next batch's stamp.")
            return t, arrays, warnings
    if dup.any():
        warnings.append(f"{int(dup.sum())} sample(s) repeated an earlier time stamp and were dropped.")
        t, arrays = t[~dup], [a[~dup] for a in arrays]
    return t, arrays, warnings


BATCH_SHARE = 0.5  # at least this share of repeated stamps: the stamps are per batch, not per sample


def _spread_batches(t: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Times for samples stamped once per batch (`starts`: each batch's first sample): each batch
    evenly spread from its stamp to the next batch's; the last at the median sample spacing."""
    stamps = t[starts]
    spacing = np.diff(stamps) / np.diff(starts)
    spacing = np.append(spacing, np.median(spacing))
    batch = np.searchsorted(starts, np.arange(len(t)), side="right") - 1
    return stamps[batch] + (np.arange(len(t)) - starts[batch]) * spacing[batch]


def check_duration(t: np.ndarray) -> None:
    span = float(t[-1] - t[0]) if len(t) else 0.0
    if len(t) < 2 or span < MIN_DURATION_S:
        shown = np.floor(span * 10) / 10  # rounded down: 4.99 s must not read "lasts 5.0 s; at least 5 s"
        raise UserError(f"The recording lasts {shown:.1f} s; at least {MIN_DURATION_S:.0f} s are needed to count steps.",
                        "record for longer, or check the time column's unit")


def check_span(t: np.ndarray) -> None:
    """UserError when the time stamps span more than MAX_SPAN_H (a clock that jumped a year
    would otherwise make a resampled grid of billions of samples)."""
    span = float(t[-1] - t[0]) if len(t) else 0.0
    if span > MAX_SPAN_H * 3600:
        d = np.diff(t)
        i = int(np.argmax(d))
        raise UserError(f"The time stamps span {span / 86400:.1f} days (the largest jump, {d[i] / 3600:.1f} h, comes "
                        f"after {t[i] - t[0]:.1f} s); CoachLab counts recordings of up to {MAX_SPAN_H:.0f} h.",
                        "check the time column (a clock reset or jump), or split the recording into files")


def check_rate(rate_hz: float, source: str = "time stamps") -> None:
    """UserError when samples are too far apart to see steps (1 Hz, say, when a time column
    keeps only whole seconds and its repeats were dropped). `source`: where the rate came
    from, "time stamps", "given" (by the user) or "header" (stated above the table)."""
    if rate_hz < MIN_RATE_HZ:
        apart = f"{1 / rate_hz:.2g} s apart" if rate_hz > 0 else "far apart"
        hint = {"time stamps": "record at a higher rate, or check the time column: its unit, and that it keeps "
                               "fractions of a second",
                "given": "give the rate the sensor recorded at (the file has no time column)",
                "header": "the file has no time column and its header states this rate; if the header is wrong, "
                          "give the right rate (--rate-hz)"}[source]
        raise UserError(f"The samples are {apart} ({rate_hz:.3g} Hz); at least {MIN_RATE_HZ:g} Hz is needed to count "
                        "steps.", hint)


def gravity_share(acc: np.ndarray, rate_hz: float) -> float:
    """The 1-s average's size over the signal's size (medians): about 1 with gravity in the
    acceleration, near 0 without; 1.0 for an all-zero signal (left to the unit check)."""
    size = np.sqrt(np.einsum("ij,ij->i", acc, acc))
    typical = float(np.median(size)) if size.size else 0.0
    if typical <= 0:
        return 1.0
    mean = gravity(acc, rate_hz)
    return float(np.median(np.sqrt(np.einsum("ij,ij->i", mean, mean)))) / typical


def check_gravity(acc: np.ndarray, rate_hz: float) -> None:
    """UserError when the acceleration carries no gravity (linear or "user" acceleration,
    which many apps offer next to the total): its 1-s average is then near zero, while with
    gravity it is about the size of the signal itself, whatever the unit. Steps are counted
    relative to gravity's direction. An all-zero signal is left to the unit check."""
    share = gravity_share(acc, rate_hz)
    if share < MIN_GRAVITY_SHARE:
        raise UserError(f"The acceleration has no gravity in it: its 1-second average is {share:.0%} of its size "
                        "(with gravity it is about 100 %). This looks like linear (user) acceleration; steps are "
                        "counted from the total acceleration.",
                        "export the accelerometer with gravity (total acceleration), not linear acceleration; "
                        "from Sensor Logger, upload its whole zip export (its gravity is added back)")


def true_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of True in `mask`, each run = mask[start:end]."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def fill_nans(t: np.ndarray, values: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Interpolate NaN runs up to MAX_NAN_GAP_S per column; longer runs raise UserError."""
    warnings = []
    values = values.copy()
    for j, name in enumerate(names):
        col = values[:, j]
        bad = ~np.isfinite(col)
        if not bad.any():
            continue
        if bad.all():
            raise UserError(f"Column {name} has no numbers.", "map another column to it, or export it again")
        starts, ends = true_runs(bad)
        lo = t[np.maximum(starts - 1, 0)]
        hi = t[np.minimum(ends, len(t) - 1)]
        longest = int(np.argmax(hi - lo))
        if hi[longest] - lo[longest] > MAX_NAN_GAP_S:
            raise UserError(f"Column {name} is missing for {hi[longest] - lo[longest]:.1f} s "
                            f"(from {t[starts[longest]]:.1f} s); only gaps up to {MAX_NAN_GAP_S} s are filled in.",
                            "trim that part of the recording or export it again")
        col[bad] = np.interp(t[bad], t[~bad], col[~bad])
        warnings.append(f"{int(bad.sum())} missing value(s) in {name} were interpolated (each gap <= {MAX_NAN_GAP_S} s).")
    return values, warnings


def remove_glitches(t: np.ndarray, acc: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Acceleration (m/s^2) with momentary glitches replaced by interpolation, and a warning.
    A glitch is a single sample above GLITCH_MS2, or a run of them lasting at most
    GLITCH_MAX_S by the time stamps: a corrupt value or a knock, not a step. Left in, one
    such sample skews the 1-s gravity estimate and the 4-s scale the model reads, and a few
    seconds of steps are lost around it. When more than GLITCH_MAX_SHARE of the samples
    would be replaced, nothing is: the sensor is broken, and flag_range says so."""
    high = np.sqrt(np.einsum("ij,ij->i", acc, acc)) > GLITCH_MS2
    if not high.any():
        return acc, []
    starts, ends = true_runs(high)
    bad = np.zeros(len(t), dtype=bool)
    for s, e in zip(starts, ends):
        if e - s < len(t) and (e - s == 1 or t[e - 1] - t[s] <= GLITCH_MAX_S + 1e-9):
            bad[s:e] = True
    n = int(bad.sum())
    if n == 0 or n > GLITCH_MAX_SHARE * len(t):
        return acc, []
    acc = acc.copy()
    for j in range(acc.shape[1]):
        acc[bad, j] = np.interp(t[bad], t[~bad], acc[~bad, j])
    return acc, [f"{n} momentary glitch sample(s) ({100 * n / len(t):.2g} %) with |acc| above {GLITCH_MS2:.0f} m/s^2 "
                 f"(single samples or runs of at most {GLITCH_MAX_S * 1000:.0f} ms) were replaced by their "
                 "neighbours' values."]


def flag_range(acc: np.ndarray, gyro: np.ndarray | None) -> list[str]:
    """Warnings for values beyond what walking produces (impacts, sensor faults, wrong units);
    UserError when most samples are beyond it (not an accelerometer in a known unit)."""
    warnings = []
    mag = np.sqrt(np.einsum("ij,ij->i", acc, acc))
    if float(np.median(mag)) > ACC_LIMIT_MS2:  # a phone at rest or walking reads about 9.8
        raise UserError(f"Most samples have |acc| above {ACC_LIMIT_MS2:.0f} m/s^2 (median {np.median(mag):.3g}): "
                        "these are not accelerations in m/s^2, g or mg.",
                        "check that the columns are the accelerometer's and its unit")
    n = int((mag > ACC_LIMIT_MS2).sum())
    if n:
        warnings.append(f"{n} sample(s) ({100 * n / len(mag):.2f} %) have |acc| above {ACC_LIMIT_MS2:.0f} m/s^2 "
                        f"(max {mag.max():.0f} m/s^2): impacts, a sensor fault or the wrong unit.")
    if gyro is not None:
        gmag = np.sqrt(np.einsum("ij,ij->i", gyro, gyro))
        n = int((gmag > GYRO_LIMIT_RADS).sum())
        if n:
            warnings.append(f"{n} sample(s) have |gyro| above {GYRO_LIMIT_RADS:.0f} rad/s (max {gmag.max():.0f} rad/s): "
                            "check the gyroscope unit (deg/s read as rad/s?).")
    return warnings


def find_gaps(t: np.ndarray) -> list[tuple[float, float]]:
    """(start_s, length_s) of every interval longer than LONG_GAP_S (and 5x the usual one)."""
    d = np.diff(t)
    if d.size == 0:
        return []
    limit = max(LONG_GAP_S, 5 * float(np.median(d)))
    idx = np.flatnonzero(d > limit)
    return [(float(t[i]), float(d[i])) for i in idx]


def gap_warning(gaps: list[tuple[float, float]]) -> str | None:
    if not gaps:
        return None
    start, length = max(gaps, key=lambda g: g[1])
    return (f"{len(gaps)} gap(s) longer than {LONG_GAP_S:.0f} s in the time stamps (longest {length:.1f} s at "
            f"{start:.1f} s); no steps are counted inside them.")
