"""One journey in headless Chromium: start the app, create an athlete, see it listed."""

import pytest

from tests.browser import browser_page, require_chromium, running_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("browser_data")
    with running_app({"COACHLAB_DATA_DIR": str(data), "DATABASE_URL": ""}) as url:
        yield url


def test_create_an_athlete_and_see_it_listed(app_url):
    name = "Zoë \"Ice\" O'Brien 🥊"
    with browser_page() as page:
        page.goto(app_url + "/athletes", wait_until="networkidle")
        page.get_by_text("No athletes yet").wait_for(timeout=60_000)
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Add athlete").click()
        page.get_by_text(f"Added {name}.").wait_for(timeout=30_000)
        # listed in the team table (a canvas grid) and in the athlete picker
        page.get_by_text("Team (1)").wait_for(timeout=30_000)
        page.get_by_text(f"Sessions of {name}").wait_for(timeout=30_000)
        page.goto(app_url + "/", wait_until="networkidle")
        page.get_by_text("Getting started").wait_for(timeout=60_000)
        assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "1"


def test_a_deep_link_on_a_fresh_server_gets_the_apps_navigation(tmp_path):
    """The first request to a new server is a deep link: it must still run app.py's navigation
    (a `pages/` folder beside app.py made Streamlit run the page alone, in legacy mode)."""
    require_chromium()
    with running_app({"COACHLAB_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}) as url, \
            browser_page() as page:
        page.goto(url + "/settings", wait_until="networkidle")
        page.get_by_text("Schema version").wait_for(timeout=60_000)
        nav = page.locator('[data-testid="stSidebarNav"]')
        for section in ("Analyse", "Readiness", "Admin"):
            nav.get_by_text(section, exact=True).wait_for(timeout=30_000)
        assert nav.get_by_text("Team readiness").count() == 1
