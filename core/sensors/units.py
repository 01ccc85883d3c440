"""Unit detection for time stamps, acceleration and angular rate.

Header hints ("timestamp_ns", "acc_x (g)", "gyro_x [deg/s]") win; otherwise the numbers
decide: the interval between samples for time, gravity's size for acceleration, the
spread of values for gyroscopes.
"""
import re

import numpy as np

G = 9.80665
TIME_FACTORS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "days": 86400.0}
# Day numbers with the time of day as their fraction, as spreadsheets and MATLAB write them:
# (unit name, the range of day numbers 1950-2120, the day number of 1970-01-01)
SERIAL_DAYS = (("Excel days", (18264.0, 80400.0), 25569.0),        # days since 1899-12-30
               ("MATLAB datenum", (712224.0, 774360.0), 719529.0))  # days since year 0


LEVEL_SEP = " / "  # the reader joins a header's rows per column with it: `left_sensor / acc_x`, `time / ms`


def is_number(cell: str | bytes) -> bool:
    """True when a cell of text (or its bytes) reads as a number ("1.5", "-2e3", "nan")."""
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _units_row(name: str) -> str:
    """The cell a units row gave a column (`ms` of `time / ms`), or ""."""
    levels = name.split(LEVEL_SEP)
    return levels[-1].strip().lower() if len(levels) > 1 else ""


def time_unit_from_name(name: str) -> str | None:
    cell = _units_row(name)
    if cell in ("ns", "us", "µs", "ms", "s", "sec"):
        return {"µs": "us", "sec": "s"}.get(cell, cell)
    n = name.lower()
    if re.search(r"excel|serial|oadate|datenum", n):
        return "days"
    for unit, pats in (("ns", (r"_ns\b", r"\bns\b", r"nanos", r"\(ns\)")), ("us", (r"_us\b", r"micros", r"\(us\)", r"µs")),
                       ("ms", (r"_ms\b", r"\bms\b", r"millis", r"\(ms\)")), ("s", (r"_s\b", r"\(s\)", r"\[s\]", r"seconds", r"_sec\b"))):
        if any(re.search(p, n) for p in pats):
            return unit
    return None


def detect_time_unit(values: np.ndarray, name: str = "") -> str:
    """'ns', 'us', 'ms', 's' or 'days' (serial day numbers: see SERIAL_DAYS) for numeric time
    stamps `values`."""
    hinted = time_unit_from_name(name)
    if hinted:
        return hinted
    # sorted: rows out of order (newest first, a shuffled export) are sorted later, their spacing is the same
    d = np.diff(np.sort(values[np.isfinite(values)][:20000].astype(np.float64)))
    d = d[d > 0]
    if d.size == 0:
        return "s"
    med = float(np.median(d))
    # Prefer the unit giving 5-500 Hz (phones, wearables), then 0.5-5000 Hz.
    for lo, hi in ((1 / 500, 1 / 5), (1 / 5000, 2.0)):
        for unit in ("ns", "us", "ms", "s"):
            if lo <= med * TIME_FACTORS[unit] <= hi:
                return unit
    if serial_days_epoch(values) is not None and 1 / 5000 <= med * TIME_FACTORS["days"] <= 2.0:
        return "days"
    return "s"


def serial_days_epoch(values: np.ndarray) -> tuple[str, float] | None:
    """(name, day number of 1970-01-01) of the serial-day clock whose 1950-2120 range holds
    every finite value, or None."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return None
    lo, hi = float(finite.min()), float(finite.max())
    return next(((label, unix_day) for label, (a, b), unix_day in SERIAL_DAYS if a <= lo and hi <= b), None)


def acc_unit_from_name(name: str) -> str | None:
    if _units_row(name) in ("g", "mg"):
        return _units_row(name)
    n = name.lower().replace(" ", "")
    if re.search(r"m/s|m\.s|ms\^?-?2|m_s2|mps2", n):
        return "m/s^2"
    if re.search(r"\(mg\)|\[mg\]|_mg\b", n):
        return "mg"
    if re.search(r"\(g\)|\[g\]|_g\b|ing\b", n):
        return "g"
    return None


# Raw readings of an accelerometer's converter: 2^k counts to 1 g (16384 for a 16-bit sensor
# set to +-2 g, 2048 at +-16 g; 256 or 64 for 10- and 8-bit ones). Named "1/2048 g".
COUNT_SCALES = tuple(2 ** k for k in range(5, 15))
GRAVITY_SIZES = {"g": (0.5, 2.0), "m/s^2": (5.0, 20.0), "mg": (500.0, 2000.0)}  # gravity's median |acc| in each unit
COUNT_TOLERANCE = 1.25  # gravity's median size within this factor of a scale reads as that scale


def _count_scale(med: float) -> int | None:
    """The counts-per-g scale whose 1 g lies within COUNT_TOLERANCE of `med`, or None."""
    near = min(COUNT_SCALES, key=lambda c: abs(np.log(med / c))) if med > 0 else None
    return near if near and abs(np.log(med / near)) < np.log(COUNT_TOLERANCE) else None


def detect_acc_unit(acc: np.ndarray, names: list[str] = ()) -> tuple[str, str | None]:
    """('g' | 'mg' | 'm/s^2' | '1/N g', warning or None) for an (n, 3) acceleration array."""
    for name in names:
        hinted = acc_unit_from_name(name)
        if hinted:
            return hinted, None
    sample = acc[:: max(1, len(acc) // 20000)]
    mag = np.sqrt(np.nansum(sample ** 2, axis=1))
    med = float(np.nanmedian(mag)) if mag.size else 0.0
    for unit in ("g", "m/s^2"):
        if GRAVITY_SIZES[unit][0] <= med <= GRAVITY_SIZES[unit][1]:
            return unit, None
    if 700 <= med <= 1400:  # mg before 1024 (or 512, 2048) counts per g
        return "mg", None
    counts = _count_scale(med)
    if counts:
        return f"1/{counts} g", (f"The acceleration's median size is {med:,.0f} and its columns name no unit: read "
                                 f"as a sensor's raw counts, {counts} to 1 g (gravity). If the sensor's scale "
                                 "was another, its sizes and the step count may be off.")
    if GRAVITY_SIZES["mg"][0] <= med <= GRAVITY_SIZES["mg"][1]:
        return "mg", None
    # No gravity in the signal (linear acceleration): guess from the spread.
    p95 = float(np.nanpercentile(mag, 95)) if mag.size else 0.0
    unit = "g" if p95 < 3.0 else "m/s^2"
    return unit, (f"The acceleration's median size is {med:.2f}, unlike gravity in g or m/s^2; "
                  f"read as {unit}. If that is wrong, the step count may be off.")


def gravity_sized(med: float) -> bool:
    """True when `med`, a median |acc|, is gravity's size in g, m/s^2 or mg. Counts are left
    out: a temperature of 30 is near 32 per g, so they would make a column guess too eager."""
    return any(lo <= med <= hi for lo, hi in GRAVITY_SIZES.values())


def acc_to_si(acc: np.ndarray, unit: str) -> np.ndarray:
    per_g = re.fullmatch(r"1/(\d+) g", unit)
    if per_g:
        return acc * (G / int(per_g.group(1)))
    return acc * {"g": G, "mg": G / 1000.0, "m/s^2": 1.0}[unit]


def gyro_unit_from_name(name: str) -> str | None:
    n = name.lower().replace(" ", "")
    if re.search(r"deg|°|dps", n):
        return "deg/s"
    if re.search(r"rad", n):
        return "rad/s"
    return None


def detect_gyro_unit(gyro: np.ndarray, names: list[str] = ()) -> str:
    """'rad/s' or 'deg/s': human movement rarely passes 15 rad/s at the 99th percentile."""
    for name in names:
        hinted = gyro_unit_from_name(name)
        if hinted:
            return hinted
    sample = np.abs(gyro[:: max(1, len(gyro) // 20000)])
    p99 = float(np.nanpercentile(sample, 99)) if sample.size else 0.0
    return "deg/s" if p99 > 15.0 else "rad/s"


def gyro_to_si(gyro: np.ndarray, unit: str) -> np.ndarray:
    return np.deg2rad(gyro) if unit == "deg/s" else gyro
