"""AppTest for the readiness pages: check-in, team readiness, model."""
import json
from datetime import date

import numpy as np
import pytest

from core import athletes
from core.actor import LOCAL_COACH
from core.reco import store
from tests.apptest_util import app_database as _db
from tests.apptest_util import plot_values, run_page
from tests.test_reco_core import _stored_fit


@pytest.mark.parametrize("page", ["app_pages/checkin.py", "app_pages/coach_today.py", "app_pages/reco_model.py"])
def test_pages_render_on_an_empty_database(data_dir, page):
    at = run_page(page)
    assert at.title[0].value and at.info  # a clear empty state


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def test_checkin_stores_and_answers_in_phases(data_dir):
    db = _db()
    a = athletes.create(db, LOCAL_COACH, "Maya Okafor")
    db.close()
    at = run_page("app_pages/checkin.py")
    at.slider[3].set_value(5)  # stress
    at.number_input[0].set_value(4.0)  # sleep hours
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.subheader][:3] == ["Context", "Prediction", "Recommendation"]
    assert "Compared with" in " ".join(m.value for m in at.markdown) or "Not enough history" in " ".join(
        m.value for m in at.markdown)
    assert any("MODIFY" in w.value for w in at.warning)  # short sleep + high stress rule
    assert [m.label for m in at.metric][:2] == ["Predicted session quality (1-10)", "Personalisation"]
    assert at.metric[1].value == "team average"
    assert not any("Replaced" in i.value for i in at.info)
    db = _db()
    rows = store.checkins(db, LOCAL_COACH, a.id)
    db.close()
    assert len(rows) == 1 and rows.iloc[0]["stress"] == 5 and rows.iloc[0]["sleep_hours"] == 4.0


def test_a_second_checkin_the_same_day_says_it_replaces_the_first(data_dir):
    db = _db()
    athletes.create(db, LOCAL_COACH, "Maya Okafor")
    db.close()
    at = run_page("app_pages/checkin.py")
    assert not any("already checked in" in i.value for i in at.info)
    at.number_input[0].set_value(6.0)
    at.button[0].click().run()
    at = run_page("app_pages/checkin.py")  # the page opened again later that day
    assert any("already checked in today (sleep 6 h" in i.value for i in at.info)
    at.number_input[0].set_value(8.0)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Replaced the check-in" in i.value for i in at.info)
    db = _db()
    rows = store.checkins(db, LOCAL_COACH)
    db.close()
    assert len(rows) == 1 and rows.iloc[0]["sleep_hours"] == 8.0


def test_team_view_flags_first_after_sample_data(data_dir):
    db = _db()
    for name in ("Maya", "Lucas", "Sofia", "Kenji", "Ana", "Ben"):
        athletes.create(db, LOCAL_COACH, name)
    db.close()
    at = run_page("app_pages/coach_today.py")
    assert "for the 6 athlete(s) without any" in at.button[0].label
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Added ") and "simulated check-ins" in s.value for s in at.success)  # seen after the rerun
    at.run()
    frame = at.dataframe[0].value
    assert len(frame) >= 1 and list(frame.columns)[:3] == ["Athlete", "Action", "Why"]
    from core.reco import rules
    assert set(frame["Red flag"]) <= {"", *(r.title for r in rules.RULES)}  # words, not rule ids
    pinned = {k for k, v in json.loads(at.dataframe[0].proto.columns).items() if v.get("pinned")}
    assert pinned == {"Athlete", "Action"}  # the person and the answer stay in view while scrolling sideways
    order = frame["Action"].map({"REST": 0, "MODIFY": 1, "TRAIN": 2}).tolist()
    assert order == sorted(order)


def test_model_page_shows_the_published_fit_and_shrinkage(data_dir):
    db = _db()
    a = athletes.create(db, LOCAL_COACH, "Ana")
    from core.reco.checkin import parse
    from tests.test_reco_core import GOOD
    for d in range(1, 13):
        store.record_checkin(db, LOCAL_COACH, a.id, date(2026, 3, d),
                             parse({**GOOD, "energy": 1 + d % 5, "session_quality": 4 + d % 5, "duration_min": 60, "rpe": 6}))
    _stored_fit(db, LOCAL_COACH, a.id, sessions_used=12)
    db.close()
    at = run_page("app_pages/reco_model.py")
    assert at.metric[0].value == "#1"
    assert len(at.dataframe) >= 2  # attempts and shrinkage table
    assert at.dataframe[1].value["Athlete"].tolist() == ["Ana"]


@pytest.mark.slow
def test_model_page_after_a_real_fit_plots_the_posterior_and_refits(data_dir, tmp_path):
    from core.reco import fit, simulator
    from core.reco.history_import import import_history
    db = _db()
    p = tmp_path / "h.csv"
    simulator.cohort(4, [20, 40, 50, 60], seed=8).history.to_csv(p, index=False)
    import_history(db, LOCAL_COACH, p)
    out = fit.run(db, LOCAL_COACH, fit.Settings(draws=1000, tune=1000))
    assert out.status == "published", out.message
    current = store.current_fit(db, LOCAL_COACH)
    assert fit.posterior_path(LOCAL_COACH, current.id, current.data_hash).exists()
    db.close()
    at = run_page("app_pages/reco_model.py")
    kinds = {type(e).__name__ + ":" + str(getattr(e, "type", "")) for e in _walk(at.main)}
    assert "Image:image" in kinds, " ".join(sorted(kinds))  # the ArviZ figure (st.pyplot)
    assert at.metric[0].value == f"#{current.id}"
    # Refit with nothing changed (same data and settings): says so, keeps the fit.
    at.number_input[0].set_value(1000)
    at.number_input[1].set_value(1000)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Unchanged" in w.value for w in at.warning) or any("Unchanged" in s.value for s in at.success)


def test_checkin_load_chart_starts_warmed_up_from_a_long_history(data_dir):
    """A year of steady training: the chart shows the last 120 days, with fitness and form already at
    their steady level on its first day (not climbing from zero where the shown window starts)."""
    from datetime import timedelta

    from core.reco import load as loadcalc
    from core.reco import predict

    _steady_checkins(365)
    today = date.today()
    at = run_page("app_pages/checkin.py")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    form = next(t for t in spec["data"] if t["name"].startswith("Banister form"))
    acwr = next(t for t in spec["data"] if t["name"].startswith("ACWR"))
    first = date.fromisoformat(str(form["x"][0])[:10])
    assert first == today - timedelta(days=predict.LOAD_CHART_DAYS)
    steady = loadcalc.banister(loadcalc.daily(__import__("pandas").Series(
        [360.0] * 365, index=[today - timedelta(days=b) for b in range(365, 0, -1)])))["form"]
    assert abs(plot_values(form["y"])[0] - steady.iloc[-120]) < 0.02 * abs(steady.iloc[-120])
    assert np.isfinite(plot_values(acwr["y"])[0])  # the ratio is defined from the first day shown


def test_checkin_answer_and_load_chart_read_one_history(data_dir):
    """Back from a four-month break: the ratio in the answer's context and the chart's last ratio
    are the same number (the chart once read months the answer did not, and showed a spike the
    answer said nothing of)."""
    from datetime import timedelta

    from core.reco.checkin import parse

    db = _db()
    a = athletes.create(db, LOCAL_COACH, "Maya Okafor")
    today = date.today()
    with db.begin() as conn:
        for back in [*range(131, 331), *range(1, 13)]:
            store.save_checkin(conn, LOCAL_COACH, a.id, today - timedelta(days=back), parse(
                {"sleep_hours": 8, "sleep_quality": 4, "energy": 4, "stress": 2, "soreness": 2, "motivation": 4,
                 "illness": 0, "session_quality": 7, "duration_min": 60 if back > 100 else 90, "rpe": 6}))
    db.close()
    at = run_page("app_pages/checkin.py")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    chart_acwr = plot_values(next(t for t in spec["data"] if t["name"].startswith("ACWR"))["y"])[-1]
    context = " ".join(m.value for m in at.markdown)
    assert np.isfinite(chart_acwr) and f"(ACWR, 7/28-day EWMA): {chart_acwr:.2f}" in context


def test_checkin_says_why_an_athlete_with_enough_sessions_still_gets_the_team_pattern(data_dir):
    """No fit published yet: an athlete with 12 rated sessions is told that, not 'fewer than 10 rated
    sessions' (the phase is the team's pattern either way until a refit)."""
    _steady_checkins(12)
    at = run_page("app_pages/checkin.py")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[1].value == "team average"
    said = " ".join(c.value for c in at.caption)
    assert "12 rated sessions, but no model has been fitted yet" in said and "Fewer than" not in said


def test_team_view_with_no_athletes_says_to_add_them_and_offers_no_sample_button(data_dir):
    at = run_page("app_pages/coach_today.py")
    assert not at.exception and not at.button
    assert any("No athletes yet" in i.value for i in at.info)


def test_refit_with_nothing_to_fit_says_why_and_leaves_no_progress_bar(data_dir):
    at = run_page("app_pages/reco_model.py")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and not at.get("progress")  # the reason, and no empty bar stuck at "Starting…"


def test_logging_an_outcome_right_after_checking_in_shows_its_confirmation(data_dir):
    db = _db()
    a = athletes.create(db, LOCAL_COACH, "Maya Okafor")
    db.close()
    at = run_page("app_pages/checkin.py")
    next(b for b in at.button if b.label == "Check in").click().run()
    next(b for b in at.button if b.label == "Save outcome").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Saved: quality 7/10, 60 min at RPE 6 (360 AU)." for s in at.success)
    db = _db()
    rows = store.checkins(db, LOCAL_COACH, a.id)
    db.close()
    assert rows.iloc[0]["duration_min"] == 60 and rows.iloc[0]["session_quality"] == 7


def _steady_checkins(days: int) -> int:
    """Maya Okafor with a rated check-in on each of the last `days` days (60 min at RPE 6); her id."""
    from datetime import timedelta

    from core.reco.checkin import parse
    db = _db()
    a = athletes.create(db, LOCAL_COACH, "Maya Okafor")
    with db.begin() as conn:
        for back in range(1, days + 1):
            store.save_checkin(conn, LOCAL_COACH, a.id, date.today() - timedelta(days=back), parse(
                {"sleep_hours": 8, "sleep_quality": 4, "energy": 4, "stress": 2, "soreness": 2, "motivation": 4,
                 "illness": 0, "session_quality": 7, "duration_min": 60, "rpe": 6}))
    db.close()
    return a.id
