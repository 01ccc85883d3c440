"""Bad storage set-ups give a message and a fix, in core, the CLI and the UI; nothing stored is lost."""
import os
import subprocess
import sys
import time

import pytest
from streamlit.testing.v1 import AppTest

from core import athletes
from core.errors import StorageUnavailable, UserError
from core.storage import open_database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def locked_duckdb(tmp_path):
    """A DuckDB file held open by another process (as a running app would)."""
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
        "c.execute('create table keep(x int)'); c.execute('insert into keep values (42)'); "
        "print('ready', flush=True); time.sleep(60)"), str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    yield path
    holder.kill()
    holder.wait()


def test_locked_duckdb_file_is_explained(locked_duckdb):
    with pytest.raises(StorageUnavailable, match="in use by another process") as e:
        open_database(f"duckdb:///{locked_duckdb}")
    assert "close the other" in e.value.hint


def test_locked_file_keeps_its_data(locked_duckdb, tmp_path):
    with pytest.raises(StorageUnavailable):
        open_database(f"duckdb:///{locked_duckdb}")
    # the holder's data is untouched: read it once the other process lets go
    subprocess.run(["pkill", "-f", str(locked_duckdb)], check=False)
    time.sleep(0.5)
    import duckdb
    for _ in range(20):
        try:
            con = duckdb.connect(str(locked_duckdb), read_only=True)
            break
        except Exception:
            time.sleep(0.25)
    assert con.execute("select x from keep").fetchall() == [(42,)]
    con.close()


def test_unreachable_postgres_is_explained():
    with pytest.raises(StorageUnavailable, match="Cannot reach PostgreSQL at 127.0.0.1:1/"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/coachlab")


def test_unwritable_data_folder_is_explained(tmp_path):
    # A folder that cannot be created (its parent is a file): works as root too.
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageUnavailable, match="Cannot create the data folder"):
        open_database(f"duckdb:///{blocker / 'sub' / 'coachlab.duckdb'}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions; covered by the folder test above")
def test_read_only_database_file_is_explained(tmp_path):
    path = tmp_path / "ro.duckdb"
    open_database(f"duckdb:///{path}").close()
    tmp_path.chmod(0o500)
    path.chmod(0o400)
    try:
        with pytest.raises(StorageUnavailable):
            open_database(f"duckdb:///{path}")
    finally:
        tmp_path.chmod(0o700)


def test_unsupported_and_malformed_urls():
    with pytest.raises(UserError, match="Unsupported"):
        open_database("sqlite:///x.db")
    with pytest.raises(UserError, match="not a database URL"):
        open_database("this is not a url")


def test_cli_reports_a_locked_file_in_one_line(locked_duckdb):
    env = {**os.environ, "DATABASE_URL": f"duckdb:///{locked_duckdb}"}
    p = subprocess.run([sys.executable, "-m", "core", "db", "check"], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=120)
    assert p.returncode == 2
    assert "in use by another process" in p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_settings_page_explains_an_unreachable_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/coachlab")
    at = AppTest.from_file("app_pages/settings.py", default_timeout=60)
    at.run()
    assert not at.exception
    assert any("cannot open its database" in e.value for e in at.error)
    assert any("How to fix" in i.value for i in at.info)


def test_data_survives_reopen(tmp_path, actor):
    url = f"duckdb:///{tmp_path / 'keep.duckdb'}"
    db = open_database(url)
    athletes.create(db, actor, "Persistent")
    db.close()
    db = open_database(url)
    assert [a.name for a in athletes.list_all(db, actor)] == ["Persistent"]
    db.close()


def test_pages_explain_an_unwritable_data_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COACHLAB_DATA_DIR", str(blocker / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for page in ("app_pages/home.py", "app_pages/athletes.py"):
        at = AppTest.from_file(page, default_timeout=60)
        at.run()
        assert not at.exception
        assert any("Cannot create the data folder" in e.value for e in at.error)


def test_concurrent_duplicate_is_a_conflict_not_a_crash(db, actor):
    """Two writers that both passed the duplicate check: the unique key turns the second into a Conflict."""
    import sqlalchemy as sa
    from core.athletes import name_key
    from core.errors import Conflict
    from core.storage.tables import athletes as table
    from core.timeutil import utcnow
    athletes.create(db, actor, "Twin")
    with pytest.raises(Conflict):
        with db.begin() as conn:
            conn.execute(table.insert().values(team_id=actor.team_id, name="Twin", name_key=name_key("Twin"),
                                               archived=False, created_at=utcnow(), created_by="x"))
    assert athletes.count(db, actor) == 1
