"""In headless Chromium: a stored analysis opens on the Video page and its overlay clip
(H.264 MP4 made by core.video.overlay) actually plays in the browser's <video> element."""

import numpy as np
import pytest

from core import athletes
from core.actor import LOCAL_COACH
from core.storage import open_database
from core.video import overlay, store
from tests.browser import browser_page, require_chromium, running_app
from tests.video_samples import synthetic_analysis

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("video_browser_data")
    clip = data / "src.mp4"
    with overlay.H264Writer(clip, 640, 360, fps=30.0, preset="ultrafast") as wr:
        for i in range(180):
            img = np.full((360, 640, 3), 80, np.uint8)
            img[:, (i * 3) % 640:] = 150
            wr.write(img, i / 30.0)
    a = synthetic_analysis(reps=2)
    res = overlay.render_overlay(clip, a, data / "overlay.mp4")
    db = open_database(f"duckdb:///{data / 'coachlab.duckdb'}")
    ath = athletes.create(db, LOCAL_COACH, "Video Browser")
    store.save(db, LOCAL_COACH, ath.id, a, file_hash="ab" * 32, file_name="set.mp4",
               overlay=res.path.read_bytes())
    db.close()
    with running_app({"COACHLAB_DATA_DIR": str(data), "DATABASE_URL": ""}) as url:
        yield url


def test_overlay_clip_plays_in_the_browser(app_url):
    with browser_page() as page:
        page.goto(app_url + "/video", wait_until="networkidle")
        page.get_by_text("Stored analyses of Video Browser (1)").wait_for(timeout=60_000)
        page.get_by_role("button", name="Open analysis").click()
        page.get_by_text("Squat: 2 reps").wait_for(timeout=60_000)
        video = page.locator("video").first
        video.wait_for(timeout=30_000)
        assert page.evaluate("() => document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.640028\"')")
        # loaded enough to play (HAVE_CURRENT_DATA or better), correct length, no media error
        page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 2; }",
                               timeout=30_000)
        state = page.evaluate("() => { const v = document.querySelector('video'); "
                              "return {d: v.duration, w: v.videoWidth, h: v.videoHeight, e: v.error && v.error.code}; }")
        assert state["e"] is None and state["w"] == 640 and state["h"] == 360
        assert 5.5 < state["d"] < 6.5
        page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
        page.wait_for_function("() => document.querySelector('video').currentTime > 0.5", timeout=30_000)
