"""The batch fit: sample the hierarchical model, check it, publish per-athlete coefficients or keep the old ones.

A fit is published only when every monitored quantity has r-hat <= 1.01, bulk ESS >= 200 and
the sampler reported no divergences. Otherwise the attempt is recorded as rejected (with the
reason) and predictions keep using the previous published fit. Re-running on unchanged data
with the same settings does nothing (idempotent); every run logs what changed.
"""
import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable

import numpy as np
import pandas as pd

from core import athletes as athletes_mod
from core.actor import Actor
from core.errors import UserError
from core.reco import model as M
from core.reco import store
from core.storage import Database
from core.timeutil import utcnow

log = logging.getLogger(__name__)

GATE = {"rhat_max": 1.01, "ess_bulk_min": 200.0, "divergences_max": 0}
MONITORED = ("mu_alpha", "sigma_alpha", "beta_pop", "sigma_beta", "sigma", "alpha", "beta")
LEARNING_FROM, PERSONALISED_FROM = 10, 30


def phase_for(sessions_used: int) -> str:
    """cold_start (< 10 sessions: population coefficients), learning (10-29: partial pooling), personalised (30+)."""
    if sessions_used < LEARNING_FROM:
        return "cold_start"
    return "learning" if sessions_used < PERSONALISED_FROM else "personalised"


MIN_FIT_SESSIONS = LEARNING_FROM  # fewer rated sessions in the whole team say nothing the prior does not


@dataclass
class Settings:
    draws: int = 1000
    tune: int = 1000
    chains: int = 2
    cores: int | None = None  # None: min(chains, CPU count)
    sampler: str = "pymc"  # "pymc" (PyMC's NUTS), "nutpie", or "advi" (no diagnostics: never publishable)
    target_accept: float = 0.9
    # When the first run fails the check, one retry: the other intercept parametrisation, and
    # smaller steps if it diverged (about twice the time, only on failure).
    retry_target_accept: float | None = 0.99
    seed: int = 20260301
    prior_scale: float = 1.0
    # "auto": centre the intercepts of athletes with 20+ sessions when the team has 30+ athletes
    # (where the all non-centred form mixes poorly), else all non-centred; True / False force it.
    centre_rich_intercepts: bool | str = "auto"


@dataclass
class Posterior:
    population: dict  # mean/sd per term, group_sd per term, sigma
    athletes: pd.DataFrame  # athlete_id, term, mean, sd, sessions_used
    diagnostics: dict
    scaler: dict
    seconds: float
    idata: object = None


@dataclass
class Outcome:
    status: str  # "published", "kept" (rejected, old fit kept), "unchanged"
    message: str
    fit_id: int | None = None
    current_fit_id: int | None = None
    changes: list[str] = field(default_factory=list)
    diagnostics: dict = field(default_factory=dict)


def model_data(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the model learns from: check-ins followed by a rated session."""
    return frame.dropna(subset=["session_quality"]).sort_values(["athlete_id", "day"]).reset_index(drop=True)


def sample(data: pd.DataFrame, settings: Settings | None = None, scaler: dict | None = None,
           progress: Callable[[float, str], None] | None = None) -> Posterior:
    """Fit the model on `data` (athlete_id, predictors, session_quality); pure, touches no database."""
    s = settings or Settings()
    progress = progress or (lambda f, m="": None)
    t0 = time.perf_counter()
    scaler = scaler or M.make_scaler(data)
    ids = np.array(sorted(data["athlete_id"].unique()))
    idx = np.searchsorted(ids, data["athlete_id"].to_numpy())
    X = M.design(data, scaler)
    y = data["session_quality"].to_numpy(dtype="float64")
    progress(0.02, "building the model")
    pm = M.pymc()
    import arviz as az
    mixed = (len(ids) >= M.CENTRE_MIN_ATHLETES) if s.centre_rich_intercepts == "auto" else bool(s.centre_rich_intercepts)
    model = M.build(X, y, idx, len(ids), prior_scale=s.prior_scale,
                    centre_intercept_from=M.CENTRE_INTERCEPT_FROM if mixed else None)
    cores = s.cores or min(s.chains, os.cpu_count() or 1)
    total = s.chains * (s.draws + s.tune)
    seen = [0]

    def on_draw(trace, draw):
        seen[0] += 1
        if seen[0] % max(1, total // 10) == 0:
            progress(0.05 + 0.85 * seen[0] / total, f"sampling: {seen[0]}/{total} draws")

    with model:
        if s.sampler == "advi":
            progress(0.05, "fitting ADVI")
            approx = pm.fit(n=30000, method="advi", random_seed=s.seed, progressbar=False)
            idata = approx.sample(s.draws * s.chains, random_seed=s.seed)
        elif s.sampler == "nutpie":
            progress(0.05, "compiling and sampling with nutpie")
            idata = pm.sample(draws=s.draws, tune=s.tune, chains=s.chains, cores=cores, nuts_sampler="nutpie",
                              target_accept=s.target_accept, random_seed=s.seed, progressbar=False)
        elif s.sampler == "pymc":
            progress(0.05, "compiling and sampling (NUTS)")
            idata = pm.sample(draws=s.draws, tune=s.tune, chains=s.chains, cores=cores,
                              target_accept=s.target_accept, random_seed=s.seed, progressbar=False,
                              callback=on_draw, compute_convergence_checks=False)
        else:
            raise UserError(f"Unknown sampler {s.sampler!r}; expected pymc, nutpie or advi.")
    progress(0.92, "checking convergence")
    post = idata.posterior
    diagnostics = {"sampler": s.sampler, "draws": s.draws, "tune": s.tune, "chains": s.chains,
                   "target_accept": s.target_accept,
                   "intercepts": f"centred from {M.CENTRE_INTERCEPT_FROM} sessions" if mixed else "non-centred"}
    if s.sampler == "advi":
        diagnostics.update(rhat_max=None, ess_bulk_min=None, divergences=None)
    else:
        mon = post[list(MONITORED)]
        rhat = az.rhat(mon)
        ess = az.ess(mon, method="bulk")
        worst = max(MONITORED, key=lambda v: float(rhat[v].max()))
        diagnostics.update(
            rhat_max=round(float(max(float(rhat[v].max()) for v in MONITORED)), 4), rhat_worst=worst,
            ess_bulk_min=round(float(min(float(ess[v].min()) for v in MONITORED)), 1),
            divergences=int(idata.sample_stats["diverging"].sum()))
    a_mean, a_sd = post["alpha"].mean(("chain", "draw")).values, post["alpha"].std(("chain", "draw")).values
    b_mean, b_sd = post["beta"].mean(("chain", "draw")).values, post["beta"].std(("chain", "draw")).values
    counts = data.groupby("athlete_id").size()
    rows = []
    for j, aid in enumerate(ids):
        n = int(counts[aid])
        rows.append((int(aid), "intercept", float(a_mean[j]), float(a_sd[j]), n))
        for k, term in enumerate(M.PREDICTORS):
            rows.append((int(aid), term, float(b_mean[j, k]), float(b_sd[j, k]), n))
    per = pd.DataFrame(rows, columns=["athlete_id", "term", "mean", "sd", "sessions_used"])
    bp = post["beta_pop"]
    population = {
        "mean": {"intercept": float(post["mu_alpha"].mean()),
                 **{k: float(bp.sel(predictor=k).mean()) for k in M.PREDICTORS}},
        "sd": {"intercept": float(post["mu_alpha"].std()),
               **{k: float(bp.sel(predictor=k).std()) for k in M.PREDICTORS}},
        "group_sd": {"intercept": float(post["sigma_alpha"].mean()),
                     **{k: float(post["sigma_beta"].sel(predictor=k).mean()) for k in M.PREDICTORS}},
        "sigma": float(post["sigma"].mean()),
    }
    progress(0.95, "summarised")
    return Posterior(population=population, athletes=per, diagnostics=diagnostics, scaler=scaler,
                     seconds=time.perf_counter() - t0, idata=idata)


def gate(diagnostics: dict) -> list[str]:
    """Reasons the fit may not be published (empty list: it may)."""
    if diagnostics.get("rhat_max") is None:
        return [f"{diagnostics.get('sampler')} gives no r-hat/ESS, so it cannot pass the publication check"]
    why = []
    if diagnostics["rhat_max"] > GATE["rhat_max"]:
        why.append(f"r-hat {diagnostics['rhat_max']:.3f} > {GATE['rhat_max']} (worst: {diagnostics.get('rhat_worst')})")
    if diagnostics["ess_bulk_min"] < GATE["ess_bulk_min"]:
        why.append(f"bulk ESS {diagnostics['ess_bulk_min']:.0f} < {GATE['ess_bulk_min']:.0f}")
    if diagnostics["divergences"] > GATE["divergences_max"]:
        why.append(f"{diagnostics['divergences']} divergent transitions")
    return why


def data_hash(data: pd.DataFrame, settings: Settings) -> str:
    cols = ["athlete_id", "day", *M.PREDICTORS, "session_quality"]
    payload = data[cols].to_csv(index=False, float_format="%.6g").encode()
    key = json.dumps({"model": M.MODEL_VERSION, **asdict(settings), "cores": None}, sort_keys=True).encode()
    return hashlib.sha256(payload + key).hexdigest()


def describe_changes(new: pd.DataFrame, old: pd.DataFrame | None, names: dict[int, str]) -> list[str]:
    """What moved between two coefficient tables, in a few lines."""
    if old is None or old.empty:
        return [f"first published fit: {new['athlete_id'].nunique()} athletes"]
    lines = []
    new_ids, old_ids = set(new["athlete_id"]), set(old["athlete_id"])
    if new_ids - old_ids:
        lines.append("new athletes: " + ", ".join(sorted(names.get(i, str(i)) for i in new_ids - old_ids)))
    m = new.merge(old, on=["athlete_id", "term"], suffixes=("", "_old"))
    if not m.empty:
        m["delta"] = m["mean"] - m["mean_old"]
        moved = m[m["delta"].abs() >= 0.1]
        lines.append(f"{len(moved)} of {len(m)} coefficients moved by >= 0.1 points/sd")
        top = m.reindex(m["delta"].abs().sort_values(ascending=False).index).head(3)
        for r in top.itertuples():
            lines.append(f"{names.get(r.athlete_id, r.athlete_id)} {M.LABELS[r.term]}: "
                         f"{r.mean_old:+.2f} -> {r.mean:+.2f}")
        grew = m[m["sessions_used"] > m["sessions_used_old"]]["athlete_id"].nunique()
        lines.append(f"{grew} athletes have new sessions")
    return lines


def run(db: Database, actor: Actor, settings: Settings | None = None, force: bool = False,
        progress: Callable[[float, str], None] | None = None) -> Outcome:
    """Refit the team's model; publish if it passes the check, else keep the previous fit."""
    actor.require("write")
    s = settings or Settings()
    if s.draws < 1 or s.tune < 0 or s.chains < 1:
        raise UserError(f"The sampler needs draws >= 1, tune >= 0 and chains >= 1 (got draws {s.draws}, "
                        f"tune {s.tune}, chains {s.chains}).", "leave them out for the defaults (1000, 1000, 2)")
    progress = progress or (lambda f, m="": None)
    progress(0.0, "reading check-ins")
    data = model_data(store.training_frame(db, actor))
    if data.empty:
        raise UserError("No sessions with a session_quality to learn from.",
                        "import a history first: python -m core reco import FILE.csv")
    if len(data) < MIN_FIT_SESSIONS:
        raise UserError(f"Only {len(data)} rated session(s) to learn from; a fit needs at least {MIN_FIT_SESSIONS}. "
                        "Until then predictions use the prior defaults.",
                        "log session outcomes or import a history first")
    current = store.current_fit(db, actor)
    digest = data_hash(data, s)
    last = store.fits(db, actor, limit=1)
    if last and last[0].data_hash == digest and not force:
        # Same data and settings give the same draws (fixed seed): nothing to redo.
        keep = f"kept fit #{current.id}" if current else "no published fit yet (prior defaults in use)"
        msg = (f"Unchanged: no new data or settings since attempt #{last[0].id} "
               f"({last[0].status}, {last[0].fitted_at:%Y-%m-%d %H:%M} UTC); {keep}.")
        log.info(msg)
        progress(1.0, msg)
        return Outcome("unchanged" if current else "kept", msg, None, current.id if current else None, [],
                       last[0].diagnostics)
    post = sample(data, s, progress=progress)
    why = gate(post.diagnostics)
    if why and s.retry_target_accept and s.sampler != "advi":
        # Divergences: same model, smaller steps. Slow mixing without divergences (r-hat, ESS):
        # the other intercept parametrisation.
        used_mixed = post.diagnostics["intercepts"] != "non-centred"
        if post.diagnostics.get("divergences"):
            retry = replace(s, centre_rich_intercepts=used_mixed, target_accept=s.retry_target_accept)
        else:
            retry = replace(s, centre_rich_intercepts=not used_mixed)
        log.info("first run: %s; retrying (intercepts %s, target_accept %s)", "; ".join(why),
                 "mixed" if retry.centre_rich_intercepts else "non-centred", retry.target_accept)
        progress(0.5, f"{'; '.join(why)}: retrying once")
        first = post.seconds
        post = sample(data, retry, scaler=post.scaler, progress=progress)
        post.seconds += first
        post.diagnostics["retried"] = True
        why = gate(post.diagnostics)
    names = {a.id: a.name for a in athletes_mod.list_all(db, actor, include_archived=True)}
    per = post.athletes.assign(phase=post.athletes["sessions_used"].map(phase_for))
    old = store.coefficients(db, actor, current.id) if current else None
    changes = describe_changes(per, old, names) if not why else []
    record = {"fitted_at": utcnow(), "model_version": M.MODEL_VERSION, "sampler": s.sampler,
              "status": "rejected" if why else "published",
              "reason": "; ".join(why) if why else "passed: r-hat <= 1.01, bulk ESS >= 200, no divergences",
              "n_athletes": int(data["athlete_id"].nunique()), "n_sessions": int(len(data)), "data_hash": digest,
              "diagnostics": {**post.diagnostics, "seconds": round(post.seconds, 2)},
              "population": post.population, "scaler": post.scaler, "changes": "\n".join(changes),
              "duration_s": float(post.seconds)}
    progress(0.97, "storing")
    fit_id = store.save_fit(db, actor, record, None if why else per)
    if not why:
        _save_posterior(actor, fit_id, digest, post.idata)
        msg = (f"Published fit #{fit_id}: {record['n_athletes']} athletes, {record['n_sessions']} sessions, "
               f"r-hat max {post.diagnostics['rhat_max']}, bulk ESS min {post.diagnostics['ess_bulk_min']:.0f}, "
               f"no divergences, {post.seconds:.1f} s.")
        out = Outcome("published", msg, fit_id, fit_id, changes, record["diagnostics"])
    else:
        kept = (f"kept fit #{current.id} from {current.fitted_at:%Y-%m-%d %H:%M} UTC" if current else
                "no earlier fit to keep, so predictions stay on the prior (cold start) until a fit passes")
        msg = f"Rejected fit #{fit_id} ({'; '.join(why)}); {kept}."
        out = Outcome("kept", msg, fit_id, current.id if current else None, [], record["diagnostics"])
    log.info(msg)
    for line in changes:
        log.info("changed: %s", line)
    progress(1.0, msg)
    return out


def posterior_path(actor: Actor, fit_id: int, data_hash: str):
    """Where a published fit's draws are kept (the hash tells apart databases sharing a data folder)."""
    from core import config
    return config.data_dir() / "reco" / f"posterior_{actor.team_id}_{fit_id}_{data_hash[:16]}.nc"


def _save_posterior(actor: Actor, fit_id: int, data_hash: str, idata) -> None:
    """Keep the population-level and per-athlete draws (not the z's) for the Model page; best effort."""
    try:
        path = posterior_path(actor, fit_id, data_hash)
        path.parent.mkdir(parents=True, exist_ok=True)
        keep = [v for v in MONITORED if v in idata.posterior]
        idata.posterior[keep].to_netcdf(path)
    except Exception as e:  # the fit is stored either way; the plots are a convenience
        log.warning("could not save the posterior draws for the Model page: %s", e)
