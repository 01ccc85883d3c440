"""In headless Chromium: the Today page plays a shipped demo clip (H.264 made by
core.plans.demo_clips) and shows placeholders for the others; the Plans page generates a plan
and shows its calendar."""
import os
from datetime import date

import pytest

from core import athletes
from core.actor import LOCAL_COACH
from core.plans import store
from core.storage import open_database
from tests.browser import browser_page, require_chromium, running_app

pytestmark = pytest.mark.browser

# A one-day plan whose first exercise has a shipped clip (squat) and second has none (plank).
PLAN = {"name": "Browser plan", "goal": "general_fitness", "level": "beginner", "weeks": [
    {"week": 1, "days": [{"day": d, "title": "Full body", "exercises": [
        {"slug": "squat", "sets": 3, "reps": 10, "rest_s": 60},
        {"slug": "plank", "sets": 2, "duration_s": 30, "rest_s": 30}]} for d in range(1, 8)]}]}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("plans_browser_data")
    db = open_database(f"duckdb:///{data / 'coachlab.duckdb'}")
    a = athletes.create(db, LOCAL_COACH, "Plan Browser")
    saved = store.save(db, LOCAL_COACH, PLAN)
    store.assign(db, LOCAL_COACH, saved.id, a.id, date.today())
    db.close()
    with running_app({"COACHLAB_DATA_DIR": str(data), "DATABASE_URL": "", "COACHLAB_CLIPS": ""}) as url:
        yield url


def test_today_plays_the_demo_clip_and_shows_a_placeholder(app_url):
    with browser_page() as page:
        page.goto(app_url + "/today", wait_until="networkidle")
        page.get_by_text("Browser plan: week 1, day 1").wait_for(timeout=60_000)
        page.get_by_text("Demo clip for Front plank is not in the clip store yet").wait_for(timeout=30_000)
        page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 2; }",
                               timeout=30_000)
        state = page.evaluate("() => { const v = document.querySelector('video'); "
                              "return {n: document.querySelectorAll('video').length, d: v.duration, "
                              "w: v.videoWidth, e: v.error && v.error.code}; }")
        assert state["n"] == 1 and state["e"] is None and state["w"] == 256 and 2.5 < state["d"] < 4
        page.screenshot(path=str(os.environ.get("PLANS_SCREENSHOTS", "/tmp")) + "/plans_today.png", full_page=True)


def test_plans_page_generates_and_shows_the_calendar(app_url):
    with browser_page() as page:
        page.goto(app_url + "/plans", wait_until="networkidle")
        page.get_by_role("button", name="Generate plan").click()
        page.get_by_text("Plan generated").wait_for(timeout=60_000)
        page.get_by_text("Week in detail").wait_for(timeout=30_000)
        page.screenshot(path=str(os.environ.get("PLANS_SCREENSHOTS", "/tmp")) + "/plans_plans.png", full_page=True)
