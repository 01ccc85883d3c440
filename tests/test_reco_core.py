"""Readiness: check-in validation, rules, load maths, import, stored loads, prediction without sampling."""
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from core import athletes, metrics, sessions
from core.actor import Actor
from core.errors import UserError
from core.reco import load as loadcalc
from core.reco import model as M
from core.reco import predict, rules, simulator, store
from core.reco.checkin import CheckinInvalid, parse, parse_date
from core.reco.history_import import import_history, read_rows

GOOD = {"sleep_hours": 7.5, "sleep_quality": 4, "energy": 4, "stress": 2, "soreness": 2, "motivation": 4, "illness": 0}
HEADER = "athlete,date,sleep_hours,sleep_quality,energy,stress,soreness,motivation,illness,session_quality,duration_min,rpe"


# ---- check-in ------------------------------------------------------------------------------

def test_checkin_parses_strings_and_numbers():
    c = parse({**{k: str(v) for k, v in GOOD.items()}, "session_quality": "7", "duration_min": "60", "rpe": "6"})
    assert c.sleep_hours == 7.5 and c.energy == 4 and c.session_quality == 7.0 and c.has_outcome


@pytest.mark.parametrize("field,value,needle", [
    ("sleep_hours", -3, "sleep_hours"), ("sleep_hours", 30, "sleep_hours"), ("energy", 6, "energy"),
    ("stress", 0, "stress"), ("soreness", 2.5, "whole number"), ("illness", 2, "illness"),
    ("motivation", "lots", "must be a number"), ("sleep_quality", None, "required")])
def test_checkin_refuses_each_bad_field_by_name(field, value, needle):
    with pytest.raises(CheckinInvalid) as e:
        parse({**GOOD, field: value})
    assert field in e.value.errors and needle in str(e.value)


def test_checkin_lists_every_bad_field_and_outcome_needs_rpe():
    with pytest.raises(CheckinInvalid) as e:
        parse({**GOOD, "energy": 9, "stress": -1, "session_quality": 7})
    assert set(e.value.errors) == {"energy", "stress", "rpe"}


def test_dates_must_be_iso_exactly():
    assert parse_date("2026-03-01") == date(2026, 3, 1)
    for bad in ("2026-3-1", "01/03/2026", "2026-02-30", "", None):
        with pytest.raises(UserError):
            parse_date(bad)


# ---- rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("change,rule,action", [
    ({"illness": 1, "sleep_hours": 4, "stress": 5}, "illness", "rest"),  # illness wins over the others
    ({"sleep_hours": 4.5, "stress": 4}, "short_sleep_high_stress", "modify"),
    ({"soreness": 5}, "high_soreness", "modify"),
    ({"acwr": 1.7}, "load_spike", "modify"),
    ({}, None, None), ({"sleep_hours": 4.5, "stress": 3}, None, None), ({"acwr": None}, None, None)])
def test_rules_fire_in_order_with_reasons(change, rule, action):
    fired = rules.evaluate({**GOOD, "acwr": 1.0, **change})
    if rule is None:
        assert fired is None
    else:
        assert (fired.rule, fired.action) == (rule, action) and fired.reason and fired.advice
        assert "nan" not in fired.reason


def test_an_answer_at_the_bad_end_of_its_scale_is_said_in_the_first_reason():
    """No fit yet (priors): energy 1/5 moves nothing, the answer is train; the coach's table shows the
    first reason only, so it names the answer."""
    ctx = predict.build_context(GOOD, predict.History.empty(), date(2026, 3, 2))
    m = predict.population_model(M.prior_population(), M.DEFAULT_SCALER, 0, None, "priors")
    plain = predict.decide(parse(GOOD), ctx, m)
    assert plain.reasons[0] == "Good to train as planned."
    drained = predict.decide(parse({**GOOD, "energy": 1, "stress": 5}), ctx, m)
    assert drained.reasons[0].endswith("Worth a word first: energy 1/5, stress 5/5.")
    assert rules.worth_a_word({**GOOD, "soreness": 5}) == []  # that one is a rule of its own


def test_rules_are_compiled_once():
    assert rules.compiled() is rules.compiled()
    assert [r.id for r, _ in rules.compiled()] == [r.id for r in rules.RULES]


# ---- load ----------------------------------------------------------------------------------

def test_acwr_steady_load_is_one_and_spike_is_high():
    days = pd.date_range("2026-01-01", periods=90, freq="D")
    steady = pd.Series(400.0, index=days)
    assert loadcalc.ewma_acwr(steady)["acwr"].iloc[-1] == pytest.approx(1.0, abs=0.01)
    spike = steady.copy()
    spike.iloc[-7:] = 1600.0  # 4x for six days before today
    assert loadcalc.ewma_acwr(spike)["acwr"].iloc[-1] > 1.5
    # The ratio on a day uses loads up to the day before: today's load does not move it.
    today_only = steady.copy()
    today_only.iloc[-1] = 5000.0
    assert loadcalc.ewma_acwr(today_only)["acwr"].iloc[-1] == pytest.approx(1.0, abs=0.01)


def test_request_time_acwr_matches_the_pandas_definition():
    rng = np.random.default_rng(0)
    days = pd.date_range("2026-01-01", periods=80, freq="D")
    loads = pd.Series(np.where(rng.random(80) < 0.6, rng.uniform(100, 900, 80), 0.0), index=days)
    loads.iloc[0] = 300.0
    table = loadcalc.ewma_acwr(loads)["acwr"]
    nz = loads[loads > 0]
    for i in (5, 27, 28, 29, 50, 79):
        on = days[i].date()
        fast = loadcalc.acwr_from_days([d.date() for d in nz.index], nz.to_numpy(), on)
        expected = table.iloc[i]
        assert (fast is None and np.isnan(expected)) or fast == pytest.approx(expected, rel=1e-9)


def test_acwr_undefined_without_chronic_load():
    days = pd.date_range("2026-01-01", periods=5, freq="D")
    assert loadcalc.ewma_acwr(pd.Series(0.0, index=days))["acwr"].isna().all()
    assert loadcalc.acwr_on(pd.Series(dtype=float), date(2026, 1, 5)) is None


def test_banister_matches_the_closed_form():
    days = pd.date_range("2026-01-01", periods=20, freq="D")
    w = pd.Series(0.0, index=days)
    w.iloc[0] = 100.0
    b = loadcalc.banister(w)
    assert b["fitness"].iloc[10] == pytest.approx(100 * np.exp(-10 / 42))
    assert b["fatigue"].iloc[10] == pytest.approx(2 * 100 * np.exp(-10 / 7))
    assert b["form"].iloc[0] < 0 < b["form"].iloc[19]  # tired right after, fitter later


# ---- simulator -----------------------------------------------------------------------------

def test_simulator_is_deterministic_and_has_missing_and_rest_days():
    a, b = simulator.cohort(3, 40, seed=5), simulator.cohort(3, 40, seed=5)
    pd.testing.assert_frame_equal(a.history, b.history)
    h = a.history
    assert len(h) < 3 * 40  # missing days
    assert h["session_quality"].isna().any() and h["session_quality"].notna().any()  # rest days
    assert set(a.truth["term"]) == set(M.TERMS)
    assert h["session_quality"].dropna().between(1, 10).all()
    # Different athletes, different true sensitivities.
    assert a.truth[a.truth["term"] == "energy"]["value"].nunique() == 3


# ---- import & store ------------------------------------------------------------------------

def _csv(tmp_path, lines, header=HEADER):
    p = tmp_path / "history.csv"
    p.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return p


def test_import_keeps_good_rows_lists_bad_ones_and_creates_athletes(db, actor, tmp_path):
    f = _csv(tmp_path, [
        "Ana Ruiz,2026-03-01,7.5,4,4,2,2,4,0,7,60,6,x",
        "Ana Ruiz,2026-03-02,6,3,3,3,3,3,0,,,,x",
        "Ben O'Neil,2026-03-01,8,5,5,1,1,5,0,8,45,5,x",
        "Ben O'Neil,2026-3-2,8,5,5,1,1,5,0,8,45,5,x",      # bad date form
        "Ben O'Neil,2026-03-03,-3,5,5,1,1,5,0,8,45,5,x",   # out of range
        "Ana Ruiz,2026-03-01,7,4,4,2,2,4,0,7,60,6,x",      # duplicate
    ], header=HEADER + ",coach_note")
    r = import_history(db, actor, f)
    assert (r.created, r.replaced, r.rows_read) == (3, 0, 6)
    assert [line for line, _ in r.bad] == [5, 6, 7] and "sleep_hours" in r.bad[1][1] and "duplicate" in r.bad[2][1]
    assert r.unknown_columns == ["coach_note"]
    assert sorted(r.athletes_created) == ["Ana Ruiz", "Ben O'Neil"]
    rows = store.checkins(db, actor)
    assert len(rows) == 3 and rows["session_quality"].isna().sum() == 1
    # Each check-in is a "checkin" session of its athlete, the duration being the session's.
    ana = athletes.find(db, actor, "ana ruiz")
    kinds = sessions.list_for_athlete(db, actor, ana.id, kind="checkin")
    assert len(kinds) == 2 and sorted(s.duration_s or 0 for s in kinds) == [0, 3600.0]
    # Re-import: idempotent (replaces, creates nothing new).
    again = import_history(db, actor, f)
    assert (again.created, again.replaced, again.athletes_created) == (0, 3, [])
    assert len(store.checkins(db, actor)) == 3 and sessions.count(db, actor) == 3


def test_import_refuses_unusable_files(duck, actor, tmp_path):
    with pytest.raises(UserError, match="lacks the column"):
        import_history(duck, actor, _csv(tmp_path, ["a,b"], header="athlete,date"))
    with pytest.raises(UserError, match="No valid rows"):
        import_history(duck, actor, _csv(tmp_path, ["Ana,2026-03-01,99,4,4,2,2,4,0,7,60,6"]))
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(UserError):
        import_history(duck, actor, tmp_path / "bin.csv")
    assert store.checkins(duck, actor).empty and athletes.count(duck, actor) == 0


def test_checkins_are_scoped_to_the_team(duck, actor, tmp_path):
    import_history(duck, actor, _csv(tmp_path, ["Ana,2026-03-01,7.5,4,4,2,2,4,0,7,60,6"]))
    other = Actor("x", "Other coach", "coach", team_id="other")
    assert store.checkins(duck, other).empty
    assert store.training_frame(duck, other).empty


def test_recheckin_keeps_the_recorded_outcome(duck, actor):
    a = athletes.create(duck, actor, "Ana")
    d = date(2026, 3, 1)
    store.record_checkin(duck, actor, a.id, d, parse(GOOD))
    store.record_outcome(duck, actor, a.id, d, 8, 50, 7, "skipped sprints")
    store.record_checkin(duck, actor, a.id, d, parse({**GOOD, "energy": 2}))
    row = store.checkins(duck, actor).iloc[0]
    assert (row["energy"], row["session_quality"], row["duration_min"], row["deviation"]) == (2, 8, 50, "skipped sprints")
    with pytest.raises(UserError):
        store.record_outcome(duck, actor, a.id, date(2026, 3, 2), 8, 50, 7)


def test_recorded_sessions_count_as_load_without_double_counting(db, actor):
    a = athletes.create(db, actor, "Maya")
    base = datetime(2026, 3, 1, 9)
    with db.begin() as conn:
        # A video session with load_au, a sensor session with only rpe (duration x RPE), one with neither.
        s1 = sessions.insert(conn, actor, a.id, "video", base, duration_s=3600)
        metrics.insert(conn, actor, s1, pd.DataFrame({"t": 0.0, "name": ["rpe", "load_au"], "value": [7, 420]}))
        s2 = sessions.insert(conn, actor, a.id, "sensor", base + timedelta(days=1), duration_s=1800)
        metrics.insert(conn, actor, s2, pd.DataFrame({"t": [0.0], "name": ["rpe"], "value": [6.0]}))
        sessions.insert(conn, actor, a.id, "manual", base + timedelta(days=2), duration_s=1800)
    rec = store.recorded_loads(db, actor, a.id)
    assert sorted(rec["load_au"]) == [180.0, 420.0]
    # A self-reported session on day 2 replaces the recorded one that day.
    store.record_checkin(db, actor, a.id, date(2026, 3, 2), parse({**GOOD, "session_quality": 7, "duration_min": 40, "rpe": 5}))
    loads = store.athlete_loads(db, actor, a.id, date(2026, 3, 1), date(2026, 3, 3))
    assert loads.tolist() == [420.0, 200.0, 0.0]


# ---- prediction without a fit, and with stored coefficients --------------------------------

def _stored_fit(db, actor, athlete_id, sessions_used, intercept=7.0, energy=0.8):
    pop = {"mean": {t: 0.0 for t in M.TERMS} | {"intercept": 6.0}, "sd": {t: 0.1 for t in M.TERMS},
           "group_sd": {t: 0.2 for t in M.TERMS}, "sigma": 0.7}
    coefs = pd.DataFrame([(athlete_id, t, intercept if t == "intercept" else energy if t == "energy" else 0.0, 0.1)
                          for t in M.TERMS], columns=["athlete_id", "term", "mean", "sd"])
    from core.reco.fit import phase_for
    coefs = coefs.assign(sessions_used=sessions_used, phase=phase_for(sessions_used))
    rec = {"fitted_at": datetime(2026, 3, 20), "model_version": M.MODEL_VERSION, "sampler": "pymc",
           "status": "published", "reason": "test", "n_athletes": 1, "n_sessions": sessions_used, "data_hash": "x",
           "diagnostics": {"rhat_max": 1.0}, "population": pop, "scaler": M.DEFAULT_SCALER, "changes": "",
           "duration_s": 1.0}
    return store.save_fit(db, actor, rec, coefs)


def test_prediction_uses_prior_then_stored_coefficients_by_phase(db, actor):
    a = athletes.create(db, actor, "Ana")
    c = parse(GOOD)
    r0 = predict.recommend(db, actor, a.id, c, date(2026, 3, 21))
    assert r0.phase == "cold_start" and r0.fit_id is None and r0.interval_80[0] < r0.predicted_quality < r0.interval_80[1]
    assert any("baseline" in line for line in r0.context)

    fid = _stored_fit(db, actor, a.id, sessions_used=40)
    r1 = predict.recommend(db, actor, a.id, c, date(2026, 3, 21))
    x_energy = (4 - M.DEFAULT_SCALER["mean"]["energy"]) / M.DEFAULT_SCALER["sd"]["energy"]
    assert r1.phase == "personalised" and r1.fit_id == fid and r1.action == "train" and r1.rule is None
    assert r1.predicted_quality == pytest.approx(7.0 + 0.8 * x_energy, abs=0.06)
    assert r1.interval_80[1] - r1.interval_80[0] < r0.interval_80[1] - r0.interval_80[0]

    # Low energy drags this athlete's prediction well below their usual: modify.
    low = predict.recommend(db, actor, a.id, parse({**GOOD, "energy": 1}), date(2026, 3, 21))
    assert low.action == "modify" and low.predicted_quality < r1.predicted_quality
    # A rule overrides the model.
    ill = predict.recommend(db, actor, a.id, parse({**GOOD, "illness": 1}), date(2026, 3, 21))
    assert (ill.action, ill.rule) == ("rest", "illness")

    _stored_fit(db, actor, a.id, sessions_used=15)
    assert predict.recommend(db, actor, a.id, c, date(2026, 3, 21)).phase == "learning"
    _stored_fit(db, actor, a.id, sessions_used=4)
    cold = predict.recommend(db, actor, a.id, c, date(2026, 3, 21))
    assert cold.phase == "cold_start" and cold.usual_quality == pytest.approx(7.0)  # own level, team slopes


def test_context_speaks_z_scores_against_the_athletes_own_baseline(duck, actor):
    a = athletes.create(duck, actor, "Ana")
    for i in range(20):
        store.record_checkin(duck, actor, a.id, date(2026, 3, 1) + timedelta(days=i),
                             parse({**GOOD, "sleep_hours": 8 + (i % 2) * 0.5, "stress": 1 + i % 2}))
    r = predict.recommend(duck, actor, a.id, parse({**GOOD, "sleep_hours": 5.0, "stress": 2}), date(2026, 3, 21))
    sleep_line = next(line for line in r.context if line.startswith("Sleep 5"))
    assert "well below your usual" in sleep_line and "(worse)" in sleep_line
    assert any(line.startswith("Stress 2/5: about your usual") or "above your usual" in line
               for line in r.context if line.startswith("Stress"))
