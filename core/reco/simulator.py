"""Simulated cohorts with known true coefficients, to test the model where the truth is known.

Each athlete has their own usual quality (alpha), their own sensitivity to every predictor
(slopes in raw units: points per hour of sleep, per scale point, per unit of ACWR), their own
baselines (typical sleep, stress...), a training frequency, and missing days (no check-in).
Session quality = alpha + sum_k slope_k * (x_k - POPULATION_CENTRE_k) + Normal(0, noise),
rounded to a whole 1-10 rating as athletes give it. ACWR is computed from the recorded loads
exactly as the app computes it (core.reco.load), so the model sees what the truth used.
"""
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from core.reco import load as loadcalc
from core.reco.model import PREDICTORS

# Population distribution of the true coefficients (raw units): (mean, sd between athletes).
TRUE_ALPHA = (6.3, 0.8)
TRUE_SLOPES = {
    "sleep_hours": (0.35, 0.15),  # points per hour
    "sleep_quality": (0.20, 0.10),  # per scale point
    "energy": (0.45, 0.20),
    "stress": (-0.25, 0.12),
    "soreness": (-0.30, 0.15),
    "motivation": (0.30, 0.12),
    "acwr": (-1.20, 0.50),  # per unit of ratio
}
POPULATION_CENTRE = {"sleep_hours": 7.2, "sleep_quality": 3.2, "energy": 3.2, "stress": 2.6, "soreness": 2.6,
                     "motivation": 3.4, "acwr": 1.0}


@dataclass
class Cohort:
    history: pd.DataFrame  # the import CSV's columns, one row per recorded day
    truth: pd.DataFrame  # athlete, term, value (raw units; intercept = quality at POPULATION_CENTRE)
    noise_sd: float


def _scale(rng, centre: float, n: int, spread: float = 0.9, ar: float = 0.5) -> np.ndarray:
    """A 1-5 rating that drifts day to day (AR(1)), rounded and clipped."""
    e = rng.normal(0, spread, n)
    x = np.empty(n)
    prev = 0.0
    for i in range(n):
        prev = ar * prev + np.sqrt(1 - ar ** 2) * e[i]
        x[i] = prev
    return np.clip(np.round(centre + x), 1, 5)


def cohort(n_athletes: int = 20, days: int | list[int] = 60, seed: int = 1, noise_sd: float = 0.7,
           missing_rate: float = 0.1, train_rate: float = 0.7, start: date = date(2026, 1, 5),
           illness_rate: float = 0.0) -> Cohort:
    """Generate a cohort. `days` per athlete (an int for all, or a list). Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    spans = [days] * n_athletes if isinstance(days, int) else list(days)
    rows, truth = [], []
    for a in range(n_athletes):
        name = f"Sim {a + 1:03d}"
        n = int(spans[a])
        alpha = rng.normal(*TRUE_ALPHA)
        slopes = {k: rng.normal(m, s) for k, (m, s) in TRUE_SLOPES.items()}
        truth.append((name, "intercept", alpha))
        truth += [(name, k, v) for k, v in slopes.items()]
        base_sleep = rng.normal(7.2, 0.5)
        base = {k: rng.normal(POPULATION_CENTRE[k], 0.4) for k in ("sleep_quality", "energy", "stress", "motivation")}
        sleep = np.clip(np.round((base_sleep + rng.normal(0, 0.9, n)) * 4) / 4, 3.0, 11.0)
        sq = _scale(rng, base["sleep_quality"], n)
        sq = np.clip(np.round(sq + 0.4 * (sleep - base_sleep)), 1, 5)
        energy = np.clip(np.round(_scale(rng, base["energy"], n) + 0.3 * (sleep - base_sleep)), 1, 5)
        stress = _scale(rng, base["stress"], n)
        motivation = _scale(rng, base["motivation"], n)
        p_train = float(np.clip(rng.normal(train_rate, 0.1), 0.3, 0.95))
        trains = rng.random(n) < p_train
        duration = np.where(trains, np.clip(rng.normal(60, 15, n), 20, 150).round(), np.nan)
        rpe = np.where(trains, np.clip(np.round(rng.normal(6, 1.5, n)), 1, 10), np.nan)
        # Some weeks are heavier (load blocks): scale durations so the ACWR actually moves.
        block = np.repeat(rng.choice([0.6, 1.0, 1.0, 1.6], size=n // 7 + 1), 7)[:n]
        duration = np.round(duration * block)
        present = rng.random(n) >= missing_rate
        load = np.where(present & trains, duration * rpe, 0.0)
        days_idx = [start + timedelta(days=i) for i in range(n)]
        # Exactly as the app will see it: a series of the recorded sessions' loads only.
        loads = pd.Series(load, index=pd.to_datetime(days_idx))
        acwr = loadcalc.acwr_for_days(loads[loads > 0], days_idx)
        acwr_used = np.where(np.isnan(acwr), loadcalc.NEUTRAL_ACWR, acwr)
        prev_load = np.concatenate(([0.0], load[:-1]))
        soreness = np.clip(np.round(_scale(rng, 2.2, n, spread=0.7) + prev_load / 400.0), 1, 5)
        illness = (rng.random(n) < illness_rate).astype(int)
        x = {"sleep_hours": sleep, "sleep_quality": sq, "energy": energy, "stress": stress, "soreness": soreness,
             "motivation": motivation, "acwr": acwr_used}
        mu = alpha + sum(slopes[k] * (x[k] - POPULATION_CENTRE[k]) for k in PREDICTORS)
        quality = np.clip(np.round(mu + rng.normal(0, noise_sd, n)), 1, 10)
        for i in range(n):
            if not present[i]:
                continue
            rows.append({"athlete": name, "date": days_idx[i].isoformat(), "sleep_hours": sleep[i],
                         "sleep_quality": int(sq[i]), "energy": int(energy[i]), "stress": int(stress[i]),
                         "soreness": int(soreness[i]), "motivation": int(motivation[i]), "illness": int(illness[i]),
                         "session_quality": quality[i] if trains[i] else np.nan,
                         "duration_min": duration[i] if trains[i] else np.nan,
                         "rpe": rpe[i] if trains[i] else np.nan})
    history = pd.DataFrame(rows)
    return Cohort(history=history, truth=pd.DataFrame(truth, columns=["athlete", "term", "value"]), noise_sd=noise_sd)


def as_training_frame(history: pd.DataFrame) -> pd.DataFrame:
    """The cohort as store.training_frame would return it (athlete_id, day, predictors, acwr, outcome)."""
    frame = history.copy()
    names = sorted(frame["athlete"].unique())
    frame["athlete_id"] = frame["athlete"].map({n: i + 1 for i, n in enumerate(names)})
    frame["day"] = pd.to_datetime(frame["date"]).dt.date
    parts = []
    for _, one in frame.groupby("athlete_id", sort=True):
        trained = one.dropna(subset=["duration_min", "rpe"])
        loads = pd.Series((trained["duration_min"] * trained["rpe"]).to_numpy(),
                          index=pd.to_datetime(trained["date"]))
        one = one.copy()
        one["acwr"] = loadcalc.acwr_for_days(loads, list(one["day"]))
        parts.append(one)
    return pd.concat(parts, ignore_index=True)
