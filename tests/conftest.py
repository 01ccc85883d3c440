"""Shared fixtures. streamlit_webrtc (and so pylibsrtp) is imported first: importing
tensorflow or mediapipe before it segfaults the process."""
import streamlit_webrtc  # noqa: F401  (must stay the first import, see docstring)

import os
import uuid
from pathlib import Path

import pytest

from core.actor import LOCAL_COACH
from core.storage import open_database

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the test is skipped (with the reason) when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs the shared data {p} (../shared beside the project), absent here")
    return p


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL on 127.0.0.1 for the whole run (started here, stopped at the end)."""
    from tests.pgserver import PgServer
    try:
        server = PgServer().start()
    except Exception as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not available here: {e}")
    yield server
    server.stop()


@pytest.fixture(params=["duckdb", "postgresql"])
def db(request, tmp_path):
    """A fresh, migrated database on each backend."""
    if request.param == "duckdb":
        database = open_database(f"duckdb:///{tmp_path / 'test.duckdb'}")
    else:
        server = request.getfixturevalue("pg_server")
        database = open_database(server.create_database(f"t_{uuid.uuid4().hex[:12]}"))
    yield database
    database.close()


@pytest.fixture
def duck(tmp_path):
    """A fresh DuckDB database, for tests that do not need both backends."""
    database = open_database(f"duckdb:///{tmp_path / 'test.duckdb'}")
    yield database
    database.close()


@pytest.fixture
def actor():
    return LOCAL_COACH


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Point the app and CLI at an empty data folder (embedded DuckDB inside)."""
    d = tmp_path / "coachlab_data"
    monkeypatch.setenv("COACHLAB_DATA_DIR", str(d))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return d
