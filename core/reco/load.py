"""Training load: daily load (AU = minutes x RPE), acute:chronic ratio (EWMA), Banister fitness-fatigue.

ACWR uses exponentially weighted moving averages (Williams et al. 2017, Br J Sports Med):
lambda = 2 / (N + 1) with N = 7 days (acute) and 28 days (chronic). The ratio on a day is
computed from loads up to the day before, i.e. the load the athlete walks in with.
Banister: performance = k1 * fitness - k2 * fatigue, each an exponentially decaying sum of
past loads with time constants 42 and 7 days (the classic defaults; k1 = 1, k2 = 2).
"""
from datetime import date, timedelta

import numpy as np
import pandas as pd

ACUTE_DAYS, CHRONIC_DAYS = 7, 28
# Below this chronic load (AU/day) the ratio means nothing (e.g. the first days of a history).
MIN_CHRONIC_AU = 50.0
NEUTRAL_ACWR = 1.0
BANISTER = {"k1": 1.0, "k2": 2.0, "tau_fitness": 42.0, "tau_fatigue": 7.0}
# Days of load read before the first one a chart shows (5 tau of fitness): a load older than
# that would count for under exp(-5) = 0.7 % of its weight in the first day's fitness.
FORM_WARMUP_DAYS = int(5 * BANISTER["tau_fitness"])


def daily(loads: pd.Series, start: date | None = None, end: date | None = None) -> pd.Series:
    """Loads indexed by date (several per day allowed) -> one value per calendar day, 0 on empty days."""
    if loads.empty and (start is None or end is None):
        return pd.Series(dtype="float64")
    idx = pd.to_datetime(pd.Index(loads.index))
    s = pd.Series(np.asarray(loads, dtype="float64"), index=idx).groupby(level=0).sum()
    lo = pd.Timestamp(start) if start is not None else s.index.min()
    hi = pd.Timestamp(end) if end is not None else s.index.max()
    return s.reindex(pd.date_range(lo, hi, freq="D"), fill_value=0.0)


def ewma_acwr(day_loads: pd.Series) -> pd.DataFrame:
    """Columns acute, chronic (EWMA of loads up to the day before, AU/day) and acwr (NaN when undefined).

    `day_loads` is one value per calendar day starting at the athlete's first recorded load."""
    prior = day_loads.shift(1, fill_value=0.0)
    acute = prior.ewm(alpha=2 / (ACUTE_DAYS + 1), adjust=False).mean()
    chronic = prior.ewm(alpha=2 / (CHRONIC_DAYS + 1), adjust=False).mean()
    # Undefined until a full chronic window has passed since the first day (both EWMAs start at
    # 0 and the acute one catches up 4x faster, which would read as a spike) or on a tiny base.
    warmed = np.arange(len(day_loads)) >= CHRONIC_DAYS
    ratio = (acute / chronic).where((chronic >= MIN_CHRONIC_AU) & warmed)
    return pd.DataFrame({"load": day_loads, "acute": acute, "chronic": chronic, "acwr": ratio})


def banister(day_loads: pd.Series, k1: float = BANISTER["k1"], k2: float = BANISTER["k2"],
             tau_fitness: float = BANISTER["tau_fitness"], tau_fatigue: float = BANISTER["tau_fatigue"]) -> pd.DataFrame:
    """Columns fitness, fatigue, form (= k1 fitness - k2 fatigue), arbitrary units, one row per day."""
    w = np.asarray(day_loads, dtype="float64")
    fit = np.zeros_like(w)
    fat = np.zeros_like(w)
    a, b = np.exp(-1 / tau_fitness), np.exp(-1 / tau_fatigue)
    f = g = 0.0
    for i, x in enumerate(w):
        f = f * a + x
        g = g * b + x
        fit[i], fat[i] = f, g
    return pd.DataFrame({"fitness": k1 * fit, "fatigue": k2 * fat, "form": k1 * fit - k2 * fat},
                        index=day_loads.index)


def acwr_on(day_loads: pd.Series, on: date) -> float | None:
    """The ratio the athlete walks in with on `on` (loads up to the day before), None if undefined."""
    if day_loads.empty:
        return None
    lo = day_loads.index.min()
    series = daily(day_loads, lo.date(), max(on, lo.date()))
    v = ewma_acwr(series)["acwr"].iloc[-1]
    return None if pd.isna(v) else float(v)


def acwr_from_days(load_days: list, load_au, on: date) -> float | None:
    """ACWR on `on` from (date, load) pairs, in plain numpy (the request-time path); same
    definition as ewma_acwr: series from the first load day, loads up to the day before."""
    if not load_days:
        return None
    first = load_days[0]
    n = (on - first).days + 1
    if n <= CHRONIC_DAYS:
        return None
    w = np.zeros(n)
    for d, x in zip(load_days, load_au):
        i = (d - first).days
        if 0 <= i < n:
            w[i] += x
    la, lc = 2 / (ACUTE_DAYS + 1), 2 / (CHRONIC_DAYS + 1)
    a = c = 0.0
    for x in w[:-1]:  # loads up to the day before `on`
        a += la * (x - a)
        c += lc * (x - c)
    return float(a / c) if c >= MIN_CHRONIC_AU else None


def acwr_for_days(day_loads: pd.Series, days: list[date]) -> np.ndarray:
    """ACWR for each of `days` (NaN where undefined), from one athlete's loads."""
    if not days:
        return np.array([])
    if day_loads.empty:
        return np.full(len(days), np.nan)
    lo = min(day_loads.index.min(), pd.Timestamp(min(days)))
    hi = max(day_loads.index.max(), pd.Timestamp(max(days)))
    table = ewma_acwr(daily(day_loads, lo.date(), hi.date()))["acwr"]
    return table.reindex(pd.to_datetime(pd.Index(days))).to_numpy(dtype="float64")


def window(end: date, days: int = 120) -> tuple[date, date]:
    """The span of history a load figure for `end` needs (EWMA warm-up included)."""
    return end - timedelta(days=days), end
