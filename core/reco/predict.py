"""Request-time recommendation from stored coefficients only (no sampling).

    rules (rules.py) -> if one fires: its action, at once
    else: predicted session quality (1-10) with an 80% interval from the athlete's stored
          coefficients (or the population's, in the cold-start phase) -> train / modify / rest
Plus the statistical context: each input today vs the athlete's own 28-day baseline, as a
z-score said in words, and the acute:chronic load ratio the athlete walks in with.
"""
import math
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

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

Z80, Z90 = 1.2815516, 1.6448536
BASELINE_DAYS, MIN_BASELINE = 28, 5
# Loads are read this far back, for the answer (ACWR) and the check-in page's load chart alike, so
# both see one history: the chart's 120 days plus the months that warm its fitness line up.
LOAD_CHART_DAYS = 120
LOAD_HISTORY_DAYS = LOAD_CHART_DAYS + loadcalc.FORM_WARMUP_DAYS
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


# Request-time reads are plain SQL text (cheap to compile) in one transaction: three small
# queries (check-ins window, recorded loads window, current fit id); the fit itself is cached.
_Q_CHECKINS = sa.text(
    "SELECT day, sleep_hours, sleep_quality, energy, stress, soreness, motivation, resting_hr, hrv_ms, "
    "duration_min, rpe FROM reco_checkins WHERE team_id = :team AND athlete_id = :aid "
    "AND day >= :since AND day < :day ORDER BY day")
_Q_LAST_CHECKINS = sa.text(
    "SELECT day, sleep_hours, sleep_quality, energy, stress, soreness, motivation, resting_hr, hrv_ms, "
    "duration_min, rpe FROM reco_checkins WHERE team_id = :team AND athlete_id = :aid AND day < :day "
    "ORDER BY day DESC LIMIT :n")
_Q_RECORDED = sa.text(
    "SELECT s.started_at, s.duration_s, m.name, m.value FROM sessions s LEFT JOIN metric_samples m "
    "ON m.session_id = s.id AND m.t = 0 AND m.name IN ('rpe', 'load_au') "
    "WHERE s.team_id = :team AND s.athlete_id = :aid AND s.kind IN ('video', 'sensor', 'manual') "
    "AND s.started_at >= :since AND s.started_at < :until")
_Q_FIT_ID = sa.text("SELECT max(id) FROM reco_fits WHERE team_id = :team AND status = 'published'")
_Q_RATED = sa.text("SELECT count(*) FROM reco_checkins WHERE team_id = :team AND athlete_id = :aid "
                   "AND session_quality IS NOT NULL")
_HIST_COLS = ("day", "sleep_hours", "sleep_quality", "energy", "stress", "soreness", "motivation", "resting_hr",
              "hrv_ms", "duration_min", "rpe")
_FIT_CACHE: dict = {}


@dataclass
class History:
    """One athlete's recent check-ins (before the request day) and daily loads, as arrays."""
    days: list  # dates, oldest first
    values: dict  # field -> float array aligned with days (NaN when missing)
    load_days: list  # dates with load
    load_au: np.ndarray  # load per load day (AU)

    @classmethod
    def empty(cls) -> "History":
        """No check-ins and no load: a new athlete's."""
        return _rows_to_history([], [])

    @property
    def loads(self) -> pd.Series:
        """Daily loads as a Series indexed by date (for charts)."""
        return pd.Series(self.load_au, index=pd.to_datetime(pd.Index(self.load_days)), dtype="float64")


def _rows_to_history(rows, recorded) -> History:
    days = [r[0] if isinstance(r[0], date) else pd.Timestamp(r[0]).date() for r in rows]
    arr = np.array([[np.nan if v is None else float(v) for v in r[1:]] for r in rows], dtype="float64") \
        if rows else np.empty((0, len(_HIST_COLS) - 1))
    values = {k: arr[:, i] for i, k in enumerate(_HIST_COLS[1:])}
    own = {d: dur * rpe for d, dur, rpe in zip(days, values["duration_min"], values["rpe"])
           if not (math.isnan(dur) or math.isnan(rpe))}
    rec: dict = {}
    per_session: dict = {}
    for started, duration_s, name, value in recorded:
        key = (started, duration_s)
        per_session.setdefault(key, {})
        if name is not None and value is not None:
            per_session[key][name] = float(value)
    for (started, duration_s), m in per_session.items():
        load = m.get("load_au")
        if load is None and "rpe" in m and duration_s is not None:
            load = duration_s / 60.0 * m["rpe"]
        d = started.date() if hasattr(started, "date") else pd.Timestamp(started).date()
        if load is not None and d not in own:  # a self-reported session replaces the recorded ones that day
            rec[d] = rec.get(d, 0.0) + load
    merged = sorted({**rec, **own}.items())
    return History(days, values, [d for d, _ in merged], np.array([v for _, v in merged], dtype="float64"))


def gather(db: Database, actor: Actor, athlete_id: int, day: date) -> History:
    """The athlete's check-ins before `day` (the load window, or their last 28 when that is thin) and loads."""
    actor.require("read")
    with db.begin() as conn:
        return _gather(conn, actor, athlete_id, day)


def _gather(conn, actor: Actor, athlete_id: int, day: date) -> History:
    since = day - timedelta(days=LOAD_HISTORY_DAYS)
    p = {"team": actor.team_id, "aid": athlete_id, "since": since, "day": day}
    rows = conn.execute(_Q_CHECKINS, p).all()
    recent = sum(1 for r in rows if r[0] >= day - timedelta(days=BASELINE_DAYS))
    if recent < MIN_BASELINE:
        older = conn.execute(_Q_LAST_CHECKINS, {**p, "n": BASELINE_DAYS}).all()[::-1]
        seen = {r[0] for r in rows}
        rows = sorted([*rows, *[r for r in older if r[0] not in seen]], key=lambda r: r[0])
    recorded = conn.execute(_Q_RECORDED, {**p, "since": datetime.combine(since, time(0)),
                                          "until": datetime.combine(day, time(0)) + timedelta(days=1)}).all()
    return _rows_to_history(rows, recorded)


def _sessions_stored(conn, actor: Actor, athlete_id: int) -> int:
    return int(conn.execute(_Q_RATED, {"team": actor.team_id, "aid": athlete_id}).scalar_one())


def _cached_fit(db: Database, actor: Actor, fit_id: int):
    """(Fit, {athlete_id: (mean, sd, sessions_used)}) for a published fit; fits never change once stored."""
    key = (actor.team_id, fit_id, str(db.url))
    hit = _FIT_CACHE.get(key)
    if hit is None:
        fit = next(f for f in store.fits(db, actor, limit=1000) if f.id == fit_id)
        coefs = store.coefficients(db, actor, fit_id)
        per = {}
        for aid, one in coefs.groupby("athlete_id"):
            c = one.set_index("term").reindex(list(M.TERMS))
            per[int(aid)] = (c["mean"].to_numpy(float), c["sd"].to_numpy(float), int(one["sessions_used"].iloc[0]))
        if len(_FIT_CACHE) > 8:
            _FIT_CACHE.clear()
        hit = _FIT_CACHE[key] = (fit, per)
    return hit


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
    cold start (< 10 sessions) team slopes, learning (10-29) and personalised (30+) the athlete's own."""
    actor.require("read")
    with db.begin() as conn:
        return _athlete_model(conn, db, actor, athlete_id)


def _athlete_model(conn, db: Database, actor: Actor, athlete_id: int) -> AthleteModel:
    fit_id = conn.execute(_Q_FIT_ID, {"team": actor.team_id}).scalar()
    if fit_id is None:
        n_stored = _sessions_stored(conn, actor, athlete_id)
        return population_model(M.prior_population(), M.DEFAULT_SCALER, n_stored, None,
                                "no model fitted yet: prior defaults")
    fit, per = _cached_fit(db, actor, int(fit_id))
    if athlete_id not in per:
        n = _sessions_stored(conn, actor, athlete_id)
        return population_model(fit.population, fit.scaler, n, fit.id, f"not in fit #{fit.id}: team averages")
    mean, sd, n = per[athlete_id]
    phase = phase_for(n)
    if phase == "cold_start":
        return population_model(fit.population, fit.scaler, n, fit.id,
                                f"team sensitivities, own usual level (fit #{fit.id}, {n} sessions)",
                                own_intercept=(float(mean[0]), float(sd[0])))
    return AthleteModel(mean, sd, fit.population["sigma"], fit.scaler, phase, n, fit.id,
                        f"own coefficients (fit #{fit.id}, {n} sessions)")


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


def build_context(today: dict, hist: History, day: date) -> Context:
    """Today's inputs vs the athlete's baseline (the 28 days before `day`, else their last 28 check-ins)."""
    first = day - timedelta(days=BASELINE_DAYS)
    before = [i for i, d in enumerate(hist.days) if d < day]
    recent = [i for i in before if hist.days[i] >= first]
    if len(recent) >= MIN_BASELINE:
        base, basis = recent, f"your last {BASELINE_DAYS} days ({len(recent)} check-ins)"
    else:
        base = before[-BASELINE_DAYS:]
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
            col = hist.values[k][base]
            col = col[~np.isnan(col)]
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
            lines.append(f"{label.capitalize()} {shown}: {_words(z)} {mu:.1f}{tone}.")
    acwr = loadcalc.acwr_from_days(hist.load_days, hist.load_au, day)
    if acwr is None:
        lines.append("Load ratio (ACWR): not enough load history yet (needs 4 weeks of sessions).")
    else:
        zone = ("low (detraining)" if acwr < 0.8 else "in the usual 0.8-1.3 range" if acwr <= 1.3
                else "high" if acwr <= 1.5 else "a spike (above 1.5)")
        lines.append(f"Load ratio (ACWR, 7/28-day EWMA): {acwr:.2f}, {zone}.")
    return Context(lines, zs, len(base) if basis else 0, basis, acwr)


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
    low_answers = rules.worth_a_word(inputs)
    if low_answers:  # in the first reason, the one the coach's table shows
        head += f" Worth a word first: {', '.join(low_answers)}."
    drivers = sorted(contrib.items(), key=lambda kv: abs(kv[1]), reverse=True)
    said = [f"{M.LABELS[k].capitalize()} {'adds' if v > 0 else 'costs'} about {abs(v):.1f} points vs the team average."
            for k, v in drivers[:2] if abs(v) >= 0.2]
    return Recommendation(action, [head, outlook, *said], pq, interval, m.phase, None, ctx.lines, ctx.acwr,
                          round(usual, 2), contrib, m.fit_id)


def recommend(db: Database, actor: Actor, athlete_id: int, checkin: Checkin, day: date) -> Recommendation:
    """The whole answer for one check-in (reads only; store the check-in separately if wanted)."""
    actor.require("read")
    with db.begin() as conn:  # one transaction: a consistent snapshot, one pool checkout
        hist = _gather(conn, actor, athlete_id, day)
        model = _athlete_model(conn, db, actor, athlete_id)
    return decide(checkin, build_context(checkin.as_dict(), hist, day), model)


def find_athlete_id(db: Database, actor: Actor, name: str) -> int:
    from core import athletes
    a = athletes.find(db, actor, name)
    if a is None:
        raise NotFound(f"No athlete called {name!r}.", "import a history or add the athlete first")
    return a.id
