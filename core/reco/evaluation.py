"""Held-out evaluation on simulated cohorts: hierarchical vs population-only vs per-athlete-only.

Split: for every athlete, the last `holdout` share of their rated sessions (in time order) is
held out; everything is fitted on the rest. Reported: RMSE by model and by how many training
sessions the athlete had, coverage of the 90% predictive interval, and how often the true
coefficients fall inside their 90% posterior intervals.

    python -m core.reco.evaluation --athletes 40 --seed 1      # prints a markdown report + JSON
"""
import argparse
import json
import math

import numpy as np
import pandas as pd

from core.reco import fit as F
from core.reco import model as M
from core.reco import simulator
from core.reco.predict import Z90, population_model

GROUPS = (("few (< 10)", 0, 10), ("some (10-29)", 10, 30), ("many (30+)", 30, 10 ** 9))


def split(data: pd.DataFrame, holdout: float = 0.25) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per athlete, the last `holdout` share of rated sessions (at least 1) goes to the test set."""
    train, test = [], []
    for _, one in data.sort_values(["athlete_id", "day"]).groupby("athlete_id"):
        k = max(1, int(round(len(one) * holdout)))
        if len(one) - k < 1:
            continue
        train.append(one.iloc[:-k])
        test.append(one.iloc[-k:])
    return pd.concat(train, ignore_index=True), pd.concat(test, ignore_index=True)


def _design1(frame, scaler):
    X = M.design(frame, scaler)
    return np.column_stack([np.ones(len(frame)), X])


def hierarchical_predictions(post: F.Posterior, test: pd.DataFrame, served: bool,
                             strict_cold_start: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Mean and predictive sd from stored-style coefficient summaries (as the app predicts).

    served=True applies the phases (athletes with < 10 sessions: population slopes with their own
    intercept, as predict.py does; strict_cold_start: the population intercept too)."""
    X1 = _design1(test, post.scaler)
    per = post.athletes.pivot(index="athlete_id", columns="term", values="mean")[list(M.TERMS)]
    sds = post.athletes.pivot(index="athlete_id", columns="term", values="sd")[list(M.TERMS)]
    n_used = post.athletes.groupby("athlete_id")["sessions_used"].first()
    pop = population_model(post.population, post.scaler, 0, None, "population")
    mean, sd = np.empty(len(test)), np.empty(len(test))
    for i, aid in enumerate(test["athlete_id"].to_numpy()):
        if aid not in per.index:
            b, s = pop.mean, pop.sd
        elif served and F.phase_for(int(n_used[aid])) == "cold_start":
            b, s = pop.mean.copy(), pop.sd.copy()
            if not strict_cold_start:
                b[0], s[0] = per.loc[aid, "intercept"], sds.loc[aid, "intercept"]
        else:
            b, s = per.loc[aid].to_numpy(), sds.loc[aid].to_numpy()
        mean[i] = X1[i] @ b
        sd[i] = math.sqrt(post.population["sigma"] ** 2 + float((X1[i] ** 2) @ (s ** 2)))
    return mean, sd


def population_only(train: pd.DataFrame, test: pd.DataFrame, scaler: dict) -> tuple[np.ndarray, np.ndarray]:
    """One regression for everyone (complete pooling), OLS; sd = residual sd."""
    X, y = _design1(train, scaler), train["session_quality"].to_numpy(float)
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ b
    s = float(np.sqrt(resid @ resid / max(1, len(y) - X.shape[1])))
    return _design1(test, scaler) @ b, np.full(len(test), s)


def athlete_only(train: pd.DataFrame, test: pd.DataFrame, scaler: dict) -> np.ndarray:
    """One OLS per athlete (no pooling; minimum-norm when an athlete has fewer sessions than terms)."""
    out = np.empty(len(test))
    coefs = {}
    for aid, one in train.groupby("athlete_id"):
        coefs[aid], *_ = np.linalg.lstsq(_design1(one, scaler), one["session_quality"].to_numpy(float), rcond=None)
    X1 = _design1(test, scaler)
    for i, aid in enumerate(test["athlete_id"].to_numpy()):
        out[i] = X1[i] @ coefs[aid]
    return out


def truth_coverage(post: F.Posterior, cohort: simulator.Cohort, ids: dict[str, int], z: float = Z90) -> dict:
    """Share of true coefficients (raw units) inside the posterior's 90% intervals, per term and overall."""
    truth = cohort.truth.pivot(index="athlete", columns="term", values="value")
    mean_s = np.array([post.scaler["mean"][k] for k in M.PREDICTORS])
    centre = np.array([simulator.POPULATION_CENTRE[k] for k in M.PREDICTORS])
    sd_s = {k: post.scaler["sd"][k] for k in M.PREDICTORS}
    hits = {t: [] for t in M.TERMS}
    est = post.athletes.set_index(["athlete_id", "term"])
    for name, aid in ids.items():
        if (aid, "intercept") not in est.index:
            continue
        slopes = truth.loc[name, list(M.PREDICTORS)].to_numpy(float)
        # The model's intercept is quality at the training means, not at the simulator's centre.
        true_int = truth.loc[name, "intercept"] + float(slopes @ (mean_s - centre))
        m, s = est.loc[(aid, "intercept"), "mean"], est.loc[(aid, "intercept"), "sd"]
        hits["intercept"].append(abs(m - true_int) <= z * s)
        for k, tv in zip(M.PREDICTORS, slopes):
            m, s = est.loc[(aid, k), "mean"] / sd_s[k], est.loc[(aid, k), "sd"] / sd_s[k]
            hits[k].append(abs(m - tv) <= z * s)
    per = {t: float(np.mean(v)) for t, v in hits.items() if v}
    allv = [x for v in hits.values() for x in v]
    return {"overall": float(np.mean(allv)), "n": len(allv), "per_term": per}


def rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def evaluate(cohort: simulator.Cohort, settings: F.Settings | None = None, holdout: float = 0.25) -> dict:
    """Fit on the training part of a cohort and score every model on the held-out part."""
    frame = simulator.as_training_frame(cohort.history)
    data = F.model_data(frame)
    train, test = split(data, holdout)
    post = F.sample(train, settings or F.Settings())
    y = test["session_quality"].to_numpy(float)
    h_mean, h_sd = hierarchical_predictions(post, test, served=False)
    s_mean, s_sd = hierarchical_predictions(post, test, served=True)
    c_mean, _ = hierarchical_predictions(post, test, served=True, strict_cold_start=True)
    p_mean, p_sd = population_only(train, test, post.scaler)
    a_mean = athlete_only(train, test, post.scaler)
    n_train = train.groupby("athlete_id").size()
    test_n = test["athlete_id"].map(n_train).to_numpy()
    by_group = {}
    for label, lo, hi in GROUPS:
        sel = (test_n >= lo) & (test_n < hi)
        if sel.any():
            by_group[label] = {"athletes": int(test.loc[sel, "athlete_id"].nunique()), "test_sessions": int(sel.sum()),
                               "hierarchical": rmse(h_mean[sel], y[sel]), "as_served": rmse(s_mean[sel], y[sel]),
                               "population_cold_start": rmse(c_mean[sel], y[sel]),
                               "population_only": rmse(p_mean[sel], y[sel]),
                               "athlete_only": rmse(a_mean[sel], y[sel])}
    names = frame.groupby("athlete")["athlete_id"].first().to_dict()
    return {
        "athletes": int(data["athlete_id"].nunique()), "train_sessions": int(len(train)), "test_sessions": int(len(test)),
        "rmse": {"hierarchical": rmse(h_mean, y), "as_served": rmse(s_mean, y),
                 "population_cold_start": rmse(c_mean, y),
                 "population_only": rmse(p_mean, y), "athlete_only": rmse(a_mean, y)},
        "rmse_by_training_sessions": by_group,
        "coverage_90": {"hierarchical": float(np.mean(np.abs(y - h_mean) <= Z90 * h_sd)),
                        "as_served": float(np.mean(np.abs(y - s_mean) <= Z90 * s_sd)),
                        "population_only": float(np.mean(np.abs(y - p_mean) <= Z90 * p_sd))},
        "true_coefficients_in_90": truth_coverage(post, cohort, names),
        "diagnostics": post.diagnostics, "published": not F.gate(post.diagnostics), "fit_seconds": round(post.seconds, 1),
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--athletes", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--draws", type=int, default=1000)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    # Mixed history lengths: a quarter of the athletes are new (2-3 weeks of check-ins).
    days = rng.choice([14, 21, 45, 60, 90], size=args.athletes, p=[0.15, 0.15, 0.25, 0.25, 0.2]).tolist()
    c = simulator.cohort(args.athletes, days, seed=args.seed)
    r = evaluate(c, F.Settings(draws=args.draws, tune=args.draws))
    print(f"| cohort | athletes {r['athletes']}, train {r['train_sessions']}, test {r['test_sessions']} sessions |")
    print("| model | RMSE | 90% coverage |\n|---|---|---|")
    for k, v in r["rmse"].items():
        print(f"| {k} | {v:.3f} | {r['coverage_90'].get(k, float('nan')):.3f} |")
    print("| group | athletes | test sessions | hierarchical | as served | strict population cold start "
          "| population only | athlete only |")
    print("|---|---|---|---|---|---|---|---|")
    for g, v in r["rmse_by_training_sessions"].items():
        print(f"| {g} | {v['athletes']} | {v['test_sessions']} | {v['hierarchical']:.3f} | {v['as_served']:.3f} | "
              f"{v['population_cold_start']:.3f} | {v['population_only']:.3f} | {v['athlete_only']:.3f} |")
    print(json.dumps(r, default=str))



def no_pooling_coefficients(data: pd.DataFrame, scaler: dict) -> pd.DataFrame:
    """Each athlete's own OLS coefficients (standardised scale): what the athlete's data alone says.

    Columns athlete_id, term, mean, sessions. Used to show shrinkage (how far pooling moved each)."""
    rows = []
    for aid, one in data.groupby("athlete_id"):
        b, *_ = np.linalg.lstsq(_design1(one, scaler), one["session_quality"].to_numpy(float), rcond=None)
        rows += [(int(aid), t, float(v), len(one)) for t, v in zip(M.TERMS, b)]
    return pd.DataFrame(rows, columns=["athlete_id", "term", "mean", "sessions"])


if __name__ == "__main__":
    main()


def shrinkage(pooled: pd.DataFrame, own: pd.DataFrame, term: str) -> pd.DataFrame:
    """For one term, each athlete's published (partially pooled) `mean`/`sd` beside their own
    no-pooling estimate `mean_own` (NaN without one) and its `sessions`, sorted by `mean`;
    `shift` = |mean - mean_own|, how far pooling moved the athlete (quality points per sd)."""
    one = pooled[pooled["term"] == term]
    if own.empty:
        one = one.assign(mean_own=float("nan"), sessions=0)
    else:
        one = one.merge(own[own["term"] == term][["athlete_id", "mean", "sessions"]],
                        on="athlete_id", how="left", suffixes=("", "_own"))
    return one.assign(shift=(one["mean"] - one["mean_own"]).abs()).sort_values("mean")
