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
