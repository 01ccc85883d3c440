"""Helpers shared by the AppTest page tests."""
import base64

import numpy as np
from streamlit.testing.v1 import AppTest

from core import athletes, config
from core.actor import LOCAL_COACH
from core.storage import Database, open_database


def run_page(path: str, timeout: float = 120) -> AppTest:
    """Run one page and assert it raised nothing. Home links to other pages, which needs the
    app's navigation, so it runs through app.py (whose default page it is)."""
    at = AppTest.from_file("app.py" if path == "app_pages/home.py" else path, default_timeout=timeout)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def app_database() -> Database:
    """The database the pages use (the `data_dir` fixture points it at an empty folder)."""
    return open_database(config.database_url())


def add_athlete(name: str = "Maya") -> int:
    db = app_database()
    try:
        return athletes.create(db, LOCAL_COACH, name).id
    finally:
        db.close()


def plot_values(v):
    """A plotly trace's values from a chart's JSON spec: a plain list, or a typed array {"dtype", "bdata"}."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.array(v, dtype="float64")
