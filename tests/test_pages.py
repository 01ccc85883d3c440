"""AppTest for the foundation pages: each renders without exceptions, empty and with data."""
import pytest

from core import athletes, demo
from tests.apptest_util import run_page


@pytest.mark.parametrize("page", ["app_pages/home.py", "app_pages/athletes.py", "app_pages/settings.py"])
def test_page_renders_on_an_empty_database(data_dir, page):
    at = run_page(page)
    assert at.title[0].value


def test_home_counts_and_demo_button(data_dir):
    at = run_page("app_pages/home.py")
    assert [m.value for m in at.metric][:2] == ["0", "0"]
    at.button[0].click().run()
    assert not at.exception
    assert at.metric[0].value == str(len(demo.DEMO_ATHLETES))


def test_athletes_page_creates_and_refuses_duplicates(data_dir):
    at = run_page("app_pages/athletes.py")
    at.text_input[0].input("Zoë \"Ice\" O'Brien; DROP TABLE athletes;--").run()
    at.button[0].click().run()
    assert not at.exception
    assert any("Added" in s.value for s in at.success)
    at.text_input[0].input("zoë \"ice\" o'brien; drop table athletes;--").run()
    at.button[0].click().run()
    assert any("already exists" in e.value for e in at.error)


def test_demo_team_has_checkins_and_a_plan_for_the_readiness_and_today_pages(duck, actor):
    from datetime import date

    from core.plans import store as plan_store
    from core.reco import store as reco_store
    real = athletes.create(duck, actor, "Real Person")
    added = demo.load(duck, actor)
    assert added.checkins > 100 and added.plans_assigned == len(demo.DEMO_ATHLETES)
    # only the demo athletes got simulated check-ins: the real athlete added before keeps none
    with_checkins = set(reco_store.checkins(duck, actor)["athlete_id"])
    assert real.id not in with_checkins and len(with_checkins) == len(demo.DEMO_ATHLETES)
    maya = athletes.find(duck, actor, "Maya Okafor")
    assert plan_store.today(duck, actor, maya.id, date.today()) is not None


def test_athletes_page_hides_checkins_and_opens_the_analysis_behind_a_session(data_dir):
    from datetime import date

    from core.actor import LOCAL_COACH
    from core.reco import store as reco_store
    from core.reco.checkin import parse
    from core.sensors import storage
    from tests.apptest_util import app_database
    from tests.test_reco_core import GOOD
    from tests.test_sensors_store import _fake
    db = app_database()
    a = athletes.create(db, LOCAL_COACH, "Runner")
    reco_store.record_checkin(db, LOCAL_COACH, a.id, date(2026, 3, 2), parse(GOOD))
    rec, analysis = _fake()
    stored = storage.save(db, LOCAL_COACH, a.id, rec, analysis, "c" * 64, file_name="walk.csv")
    db.close()
    at = run_page("app_pages/home.py")  # through app.py: the button switches to another page
    at.switch_page("app_pages/athletes.py").run()
    assert not at.exception, [e.value for e in at.exception]
    sessions_table = at.dataframe[1].value
    assert sessions_table["Kind"].tolist() == ["sensor recording"]  # the check-in is hidden
    assert at.toggle[1].label == "Show check-ins (1)"
    assert any("40 steps" in m.value for m in at.markdown)
    assert at.selectbox[2].label == "Metric" and at.selectbox[2].value == "cadence_spm"
    opener = next(b for b in at.button if b.label == "Open on the Sensors page")
    opener.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["sensor_athlete"] == a.id
    assert at.session_state[f"sensor_open_{a.id}"] == stored.id
    assert at.title[0].value == "Sensors"
    assert "40" in [m.value for m in at.metric]  # the stored recording is open, its count shown
    at.switch_page("app_pages/athletes.py").run()
    at.toggle[1].set_value(True).run()
    assert at.dataframe[1].value["Kind"].tolist() == ["check-in", "sensor recording"]


def test_metric_names_read_as_words_with_units():
    from components.session_links import metric_label
    assert metric_label("heart_rate_bpm") == "Heart rate (bpm)"
    assert metric_label("cadence_spm") == "Cadence (steps/min)"
    assert metric_label("rpe") == "RPE (1-10)"
    assert metric_label("power") == "Power"
