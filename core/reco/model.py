"""Hierarchical model of session quality (1-10) from the check-in and the training load.

    quality[i] ~ Normal(alpha[a] + sum_k beta[a, k] * x[i, k], sigma)
    alpha[a] = mu_alpha + sigma_alpha * z_alpha[a]             (non-centred)
    beta[a, k] = beta_pop[k] + sigma_beta[k] * z_beta[a, k]     (non-centred)

Parametrisation: slopes are always non-centred. Intercepts are non-centred for athletes with
few sessions and centred for athletes with CENTRE_INTERCEPT_FROM (20) sessions or more: a usual
level seen in 20+ sessions is pinned by the data, and the non-centred form then ties mu_alpha
to every z_alpha (measured on 100 athletes x 60 sessions: all non-centred gave r-hat 1.028 and
bulk ESS 56; this mixed form r-hat 1.009 and ESS 669; all centred diverged on 6 athletes x 8,
and the mixed form on 4 athletes with 8-70 sessions). So the fit uses the mixed form for teams of
CENTRE_MIN_ATHLETES (30) or more, all non-centred below, and retries once with the other form
when a fit fails its convergence check (core/reco/fit.py).

x are the predictors standardised with the training data's means and sds (stored with the
fit), so every slope is "quality points per 1 sd of that input" and alpha is the athlete's
usual quality at the team's average inputs. The non-centred form avoids the funnel that made
the seed's centred model diverge when athletes have few sessions.

Priors (weakly informative, on the standardised scale):
- mu_alpha ~ Normal(6, 2): a typical session rates about 6/10; +-2 sd spans the whole 2-10 range.
- sigma_alpha ~ HalfNormal(1.5): athletes' usual quality can differ by a few points, rarely more.
- beta_pop[k] ~ Normal(0, 1): one sd of sleep, energy... moving quality by more than ~2
  points would be implausible; the sign is left to the data.
- sigma_beta[k] ~ HalfNormal(0.5): athletes differ in sensitivity, typically by < 1 point per sd.
- sigma = 0.25 + HalfNormal(1.5): session-to-session noise; the floor is about the rounding
  error of an integer 1-10 rating (sd 1/sqrt(12) = 0.29), so near-deterministic data cannot
  pin sigma at 0 (a geometry NUTS cannot sample).
`prior_scale` widens or narrows every prior scale at once (prior sensitivity on the Model page).
"""
import os

import numpy as np
import pandas as pd

from core import config
from core.reco.load import NEUTRAL_ACWR

MODEL_VERSION = "hier-ncp-1"
PREDICTORS = ("sleep_hours", "sleep_quality", "energy", "stress", "soreness", "motivation", "acwr")
TERMS = ("intercept", *PREDICTORS)
PRIORS = {"mu_alpha": (6.0, 2.0), "sigma_alpha": 1.5, "beta_pop": (0.0, 1.0), "sigma_beta": 0.5,
          "sigma": 1.5, "sigma_floor": 0.25}
# Used to standardise before any fit exists (typical values of a squad; the first fit replaces them).
DEFAULT_SCALER = {"mean": {"sleep_hours": 7.2, "sleep_quality": 3.2, "energy": 3.2, "stress": 2.6,
                           "soreness": 2.6, "motivation": 3.4, "acwr": 1.0},
                  "sd": {"sleep_hours": 1.0, "sleep_quality": 0.9, "energy": 0.9, "stress": 0.9,
                         "soreness": 0.9, "motivation": 0.9, "acwr": 0.25}}
# Intercepts of athletes with this many sessions or more are centred (see the module docstring).
CENTRE_INTERCEPT_FROM = 20
# ... and only in teams this large: with few athletes the non-centred form mixes well and the
# centred intercepts diverged (4 athletes with 8-70 sessions).
CENTRE_MIN_ATHLETES = 30
LABELS = {"intercept": "usual quality", "sleep_hours": "sleep", "sleep_quality": "sleep quality",
          "energy": "energy", "stress": "stress", "soreness": "soreness", "motivation": "motivation",
          "acwr": "load ratio (ACWR)"}


def compile_dir():
    """Persistent PyTensor compile cache, so a refit in a new process does not recompile."""
    return config.data_dir() / "cache" / "pytensor"


def configure_compile_cache() -> None:
    """Point PyTensor at compile_dir() via PYTENSOR_FLAGS; must run before pytensor is imported."""
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    if "compiledir" in flags:
        return
    path = compile_dir()
    path.mkdir(parents=True, exist_ok=True)
    os.environ["PYTENSOR_FLAGS"] = ",".join(f for f in (flags, f"base_compiledir={path}") if f)


def pymc():
    """Import PyMC with the compile cache configured (heavy: only fit and the Model page need it)."""
    configure_compile_cache()
    import pymc as pm
    return pm


def make_scaler(frame: pd.DataFrame) -> dict:
    """Means and sds of the predictors in `frame` (sd floored so a constant input cannot blow up)."""
    x = _raw(frame)
    mean = {k: float(np.nanmean(x[:, i])) for i, k in enumerate(PREDICTORS)}
    sd = {k: float(max(np.nanstd(x[:, i]), 0.1 * DEFAULT_SCALER["sd"][k], 1e-6)) for i, k in enumerate(PREDICTORS)}
    return {"mean": mean, "sd": sd}


def _raw(frame: pd.DataFrame) -> np.ndarray:
    cols = []
    for k in PREDICTORS:
        v = pd.to_numeric(frame[k], errors="coerce").to_numpy(dtype="float64") if k in frame else \
            np.full(len(frame), np.nan)
        if k == "acwr":
            v = np.where(np.isnan(v), NEUTRAL_ACWR, v)
        cols.append(v)
    return np.column_stack(cols) if cols else np.empty((len(frame), 0))


def design(frame: pd.DataFrame, scaler: dict) -> np.ndarray:
    """Standardised predictor matrix (n x K), in PREDICTORS order."""
    m = np.array([scaler["mean"][k] for k in PREDICTORS])
    s = np.array([scaler["sd"][k] for k in PREDICTORS])
    return (_raw(frame) - m) / s


def standardise_one(values: dict, scaler: dict) -> np.ndarray:
    """One request's standardised predictors (fast path for prediction)."""
    out = np.empty(len(PREDICTORS))
    for i, k in enumerate(PREDICTORS):
        v = values.get(k)
        if v is None or (k == "acwr" and v != v):
            v = NEUTRAL_ACWR if k == "acwr" else scaler["mean"][k]
        out[i] = (float(v) - scaler["mean"][k]) / scaler["sd"][k]
    return out


def build(X: np.ndarray, y: np.ndarray, athlete_idx: np.ndarray, n_athletes: int, prior_scale: float = 1.0,
          centre_intercept_from: int | None = CENTRE_INTERCEPT_FROM):
    """The PyMC model for standardised X (n x K), quality y (n), athlete index (n) in [0, n_athletes).

    Intercepts of athletes with at least `centre_intercept_from` sessions are centred, the rest
    non-centred (None: all non-centred); slopes are always non-centred."""
    pm = pymc()
    import pytensor.tensor as pt
    P, s = PRIORS, prior_scale
    coords = {"athlete": np.arange(n_athletes), "predictor": list(PREDICTORS)}
    with pm.Model(coords=coords) as model:
        mu_alpha = pm.Normal("mu_alpha", P["mu_alpha"][0], P["mu_alpha"][1] * s)
        sigma_alpha = pm.HalfNormal("sigma_alpha", P["sigma_alpha"] * s)
        beta_pop = pm.Normal("beta_pop", P["beta_pop"][0], P["beta_pop"][1] * s, dims="predictor")
        sigma_beta = pm.HalfNormal("sigma_beta", P["sigma_beta"] * s, dims="predictor")
        counts = np.bincount(athlete_idx, minlength=n_athletes)
        rich = counts >= centre_intercept_from if centre_intercept_from else np.zeros(n_athletes, bool)
        alpha = pt.zeros(n_athletes)
        if (~rich).any():
            z_alpha = pm.Normal("z_alpha", 0.0, 1.0, shape=int((~rich).sum()))
            alpha = pt.set_subtensor(alpha[np.flatnonzero(~rich)], mu_alpha + sigma_alpha * z_alpha)
        if rich.any():
            alpha_c = pm.Normal("alpha_centred", mu_alpha, sigma_alpha, shape=int(rich.sum()))
            alpha = pt.set_subtensor(alpha[np.flatnonzero(rich)], alpha_c)
        alpha = pm.Deterministic("alpha", alpha, dims="athlete")
        z_beta = pm.Normal("z_beta", 0.0, 1.0, dims=("athlete", "predictor"))
        beta = pm.Deterministic("beta", beta_pop + sigma_beta * z_beta, dims=("athlete", "predictor"))
        noise = pm.HalfNormal("noise", P["sigma"] * s)
        sigma = pm.Deterministic("sigma", P["sigma_floor"] + noise)
        mu = alpha[athlete_idx] + (pm.math.constant(X) * beta[athlete_idx]).sum(axis=1)
        pm.Normal("quality", mu, sigma, observed=y)
    return model


def prior_population() -> dict:
    """Population summary implied by the priors alone (used before the first published fit)."""
    P = PRIORS
    half = np.sqrt(2 / np.pi)  # mean of a HalfNormal(1)
    return {"mean": {"intercept": P["mu_alpha"][0], **{k: 0.0 for k in PREDICTORS}},
            "sd": {"intercept": P["mu_alpha"][1], **{k: P["beta_pop"][1] for k in PREDICTORS}},
            "group_sd": {"intercept": P["sigma_alpha"] * half, **{k: P["sigma_beta"] * half for k in PREDICTORS}},
            "sigma": P["sigma_floor"] + P["sigma"] * half}
