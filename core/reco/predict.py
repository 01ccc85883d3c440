"""Request-time recommendation from stored coefficients only (no sampling).

    rules (rules.py) -> if one fires: its action, at once
    else: predicted session quality (1-10) with an 80% interval from the athlete's stored
          coefficients (or the population's, in the cold-start phase) -> train / modify / rest
Plus the statistical context: each input today vs the athlete's own 28-day baseline, as a
z-score said in words, and the acute:chronic load ratio the athlete walks in with.
"""
import math
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core.actor import Actor
from core.errors import NotFound
from core.reco import load as loadcalc
from core.reco import model as M
from core.reco import rules, store
from core.reco.checkin import FIELDS, Checkin
from core.reco.fit import phase_for
from core.storage import Database
from core.storage.tables_reco import reco_checkins

Z80, Z90 = 1.2815516, 1.6448536
BASELINE_DAYS, MIN_BASELINE = 28, 5
LOAD_HISTORY_DAYS = 120
# Inputs for which a higher value is better (stress and soreness: lower is better).
HIGHER_IS_BETTER = {"sleep_hours": True, "sleep_quality": True, "energy": True, "motivation": True,
                    "stress": False, "soreness": False, "resting_hr": False, "hrv_ms": True}
CONTEXT_FIELDS = [k for k in FIELDS if k != "illness"]


@dataclass
class AthleteModel:
    """Coefficients (standardised scale) for one athlete, as predictions use them."""
    mean: np.ndarray  # [intercept, *PREDICTORS]
    sd: np.ndarray
    sigma: float
    scaler: dict
    phase: str
    sessions_used: int
    fit_id: int | None
    source: str  # what the coefficients are, in words


@dataclass
class Context:
    lines: list[str]
    z: dict  # input -> z-score vs baseline
    baseline_n: int
    basis: str
    acwr: float | None
    loads: pd.Series = field(repr=False, default=None)


@dataclass
class Recommendation:
    action: str
    reasons: list[str]
    predicted_quality: float
    interval_80: list[float]
    phase: str
    rule: str | None
    context: list[str]
    acwr: float | None
    usual_quality: float
    contributions: dict
    fit_id: int | None

    def contract(self) -> dict:
        """The CLI/contract object: action, reasons, predicted_quality, interval_80, phase, rule (+ extras)."""
        d = asdict(self)
        return {k: d[k] for k in ("action", "reasons", "predicted_quality", "interval_80", "phase", "rule",
                                  "context", "acwr", "usual_quality", "fit_id")}


def _sessions_stored(db: Database, actor: Actor, athlete_id: int) -> int:
    with db.begin() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(reco_checkins).where(
            reco_checkins.c.team_id == actor.team_id, reco_checkins.c.athlete_id == athlete_id,
            reco_checkins.c.session_quality.is_not(None))).scalar_one()


def population_model(population: dict, scaler: dict, sessions_used: int, fit_id: int | None, source: str,
                     own_intercept: tuple[float, float] | None = None) -> AthleteModel:
    """A new athlete's coefficients: the population means, widened by the between-athlete spread.

    With `own_intercept` (the athlete's partially pooled usual level, when the fit saw a few of
    their sessions) that replaces the population intercept: a handful of sessions already tells
    an athlete's usual level well, while their sensitivities stay the team's (docs/reco.md)."""
    mean = np.array([population["mean"][t] for t in M.TERMS])
    sd = np.sqrt(np.array([population["sd"][t] ** 2 + population["group_sd"][t] ** 2 for t in M.TERMS]))
    if own_intercept is not None:
        mean[0], sd[0] = own_intercept
    return AthleteModel(mean, sd, population["sigma"], scaler, "cold_start", sessions_used, fit_id, source)


def athlete_model(db: Database, actor: Actor, athlete_id: int) -> AthleteModel:
    """The coefficients predictions use for this athlete, following the phases:
    cold start (< 10 sessions) population, learning (10-29) and personalised (30+) the athlete's own."""
    fit = store.current_fit(db, actor)
    if fit is None:
        n = _sessions_stored(db, actor, athlete_id)
        return population_model(M.prior_population(), M.DEFAULT_SCALER, n, None,
                                "no model fitted yet: prior defaults")
    coefs = store.coefficients(db, actor, fit.id, athlete_id)
    if coefs.empty:
        n = _sessions_stored(db, actor, athlete_id)
        return population_model(fit.population, fit.scaler, n, fit.id,
                                f"not in fit #{fit.id}: team averages")
    n = int(coefs["sessions_used"].iloc[0])
    phase = phase_for(n)
    c = coefs.set_index("term").reindex(list(M.TERMS))
    if phase == "cold_start":
        return population_model(fit.population, fit.scaler, n, fit.id,
                                f"team sensitivities, own usual level (fit #{fit.id}, {n} sessions)",
                                own_intercept=(float(c.loc["intercept", "mean"]), float(c.loc["intercept", "sd"])))
    return AthleteModel(c["mean"].to_numpy(float), c["sd"].to_numpy(float), fit.population["sigma"], fit.scaler,
                        phase, n, fit.id, f"own coefficients (fit #{fit.id}, {n} sessions)")


def predict_quality(m: AthleteModel, inputs: dict, z: float = Z80) -> tuple[float, float, float, dict]:
    """(mean, low, high, contributions per predictor in quality points) for one check-in."""
    x = np.concatenate(([1.0], M.standardise_one(inputs, m.scaler)))
    mean = float(x @ m.mean)
    sd = math.sqrt(m.sigma ** 2 + float((x ** 2) @ (m.sd ** 2)))
    contrib = {k: float(m.mean[i + 1] * x[i + 1]) for i, k in enumerate(M.PREDICTORS)}
    return mean, mean - z * sd, mean + z * sd, contrib


def _words(z: float) -> str:
    a = abs(z)
    if a < 0.5:
        return "about your usual"
    side = "above" if z > 0 else "below"
    return f"{side} your usual" if a < 1.5 else f"well {side} your usual"


def build_context(today: dict, history: pd.DataFrame, day: date, loads: pd.Series) -> Context:
    """Today's inputs vs the athlete's baseline (the 28 days before `day`, else their last 28 check-ins)."""
    before = history[history["day"] < day] if not history.empty else history
    recent = before[before["day"] >= day - timedelta(days=BASELINE_DAYS)] if not before.empty else before
    if len(recent) >= MIN_BASELINE:
        base, basis = recent, f"your last {BASELINE_DAYS} days ({len(recent)} check-ins)"
    else:
        base = before.tail(BASELINE_DAYS)
        basis = (f"your last {len(base)} check-ins (fewer than {MIN_BASELINE} in the last {BASELINE_DAYS} days)"
                 if len(base) >= MIN_BASELINE else "")
    lines, zs = [], {}
    if not basis:
        lines.append(f"Not enough history for a baseline yet ({len(before)} earlier check-ins; "
                     f"{MIN_BASELINE} needed).")
    else:
        lines.append(f"Compared with {basis}:")
        for k in CONTEXT_FIELDS:
            v = today.get(k)
            col = base[k].dropna() if k in base else pd.Series(dtype=float)
            if v is None or len(col) < MIN_BASELINE:
                continue
            mu, sd = float(col.mean()), float(col.std(ddof=1))
            label, unit = FIELDS[k][0], FIELDS[k][1]
            shown = f"{v:g} {unit}" if unit in ("h", "bpm", "ms") else f"{v:g}/5"
            if sd < 1e-9:
                lines.append(f"{label.capitalize()} {shown}: " + ("same as always." if v == mu
                                                                  else f"differs from your constant {mu:g}."))
                continue
            z = (v - mu) / sd
            zs[k] = round(z, 2)
            good = (z > 0) == HIGHER_IS_BETTER.get(k, True)
            tone = "" if abs(z) < 0.5 else (" (good)" if good else " (worse)")
            lines.append(f"{label.capitalize()} {shown}: {_words(z)} {mu:.1f} (z = {z:+.1f}){tone}.")
    acwr = None
    if loads is not None and not loads.empty:
        acwr = loadcalc.acwr_on(loads, day)
    if acwr is None:
        lines.append("Load ratio (ACWR): not enough load history yet (needs a few weeks of sessions).")
    else:
        zone = ("low (detraining)" if acwr < 0.8 else "in the usual 0.8-1.3 range" if acwr <= 1.3
                else "high" if acwr <= 1.5 else "a spike (above 1.5)")
        lines.append(f"Load ratio (ACWR, 7/28-day EWMA): {acwr:.2f}, {zone}.")
    return Context(lines, zs, len(base) if basis else 0, basis, acwr, loads)


def gather(db: Database, actor: Actor, athlete_id: int, day: date) -> tuple[pd.DataFrame, pd.Series]:
    """The athlete's recent check-ins (before `day`) and daily loads up to `day`."""
    since = day - timedelta(days=LOAD_HISTORY_DAYS)
    hist = store.checkins(db, actor, athlete_id, since, day - timedelta(days=1))
    if len(hist[hist["day"] >= day - timedelta(days=BASELINE_DAYS)]) < MIN_BASELINE:
        older = store.checkins(db, actor, athlete_id, None, day - timedelta(days=1))
        hist = older
    rec = store.recorded_loads(db, actor, athlete_id, since, day)
    loads = store.day_loads(hist[hist["day"] >= since], rec)
    return hist, loads


def decide(checkin: Checkin, ctx: Context, m: AthleteModel) -> Recommendation:
    """Rules first, then the model; reasons in words."""
    inputs = {**checkin.as_dict(), "acwr": ctx.acwr}
    mean, low, high, contrib = predict_quality(m, inputs)
    usual = float(m.mean[0])
    pq = round(min(max(mean, 1.0), 10.0), 1)
    interval = [round(min(max(low, 1.0), 10.0), 1), round(min(max(high, 1.0), 10.0), 1)]
    fired = rules.evaluate(inputs)
    outlook = (f"Expected session quality {pq:.1f}/10 (80% interval {interval[0]:.1f}-{interval[1]:.1f}); "
               f"your usual is {usual:.1f} ({m.source}).")
    if fired:
        return Recommendation(fired.action, [fired.reason, fired.advice, outlook], pq, interval, m.phase, fired.rule,
                              ctx.lines, ctx.acwr, round(usual, 2), contrib, m.fit_id)
    if mean < rules.REST_BELOW:
        action, head = "rest", f"Predicted quality {pq:.1f} is below {rules.REST_BELOW:g}: a session today is unlikely to pay off."
    elif mean < rules.MODIFY_BELOW or usual - mean >= rules.MODIFY_DROP:
        action, head = "modify", (f"Predicted quality {pq:.1f} is well below your usual {usual:.1f}: "
                                  "train, but lighter (cut volume or intensity).")
    else:
        action, head = "train", "Good to train as planned."
    drivers = sorted(contrib.items(), key=lambda kv: abs(kv[1]), reverse=True)
    said = [f"{M.LABELS[k].capitalize()} {'adds' if v > 0 else 'costs'} about {abs(v):.1f} points vs the team average."
            for k, v in drivers[:2] if abs(v) >= 0.2]
    return Recommendation(action, [head, outlook, *said], pq, interval, m.phase, None, ctx.lines, ctx.acwr,
                          round(usual, 2), contrib, m.fit_id)


def recommend(db: Database, actor: Actor, athlete_id: int, checkin: Checkin, day: date) -> Recommendation:
    """The whole answer for one check-in (reads only; store the check-in separately if wanted)."""
    actor.require("read")
    hist, loads = gather(db, actor, athlete_id, day)
    ctx = build_context(checkin.as_dict(), hist, day, loads)
    return decide(checkin, ctx, athlete_model(db, actor, athlete_id))


def find_athlete_id(db: Database, actor: Actor, name: str) -> int:
    from core import athletes
    a = athletes.find(db, actor, name)
    if a is None:
        raise NotFound(f"No athlete called {name!r}.", "import a history or add the athlete first")
    return a.id
