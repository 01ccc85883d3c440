"""Screenshot app pages in headless Chromium, as a user sees them.

    python scripts/screenshots.py OUT_DIR [page-path ...]   (e.g. "" athletes settings)
Starts the app on a fresh data folder with the demo team loaded (set NO_DEMO=1 to skip).
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import browser_page, running_app  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
pages = sys.argv[2:] or ["", "athletes", "settings"]
data = tempfile.mkdtemp(prefix="coachlab-shots-")
env = {"COACHLAB_DATA_DIR": data, "DATABASE_URL": ""}
if not os.environ.get("NO_DEMO"):
    subprocess.run([sys.executable, "-m", "core", "demo", "load"], check=True, env={**os.environ, **env},
                   cwd=Path(__file__).resolve().parent.parent)
with running_app(env) as url, browser_page(height=int(os.environ.get('SHOT_HEIGHT', 2200))) as page:
    for p in pages:
        page.goto(f"{url}/{p}", wait_until="networkidle")
        page.wait_for_timeout(4000)
        target = out / f"{p or 'home'}.png"
        page.screenshot(path=str(target), full_page=True)
        print(target)
