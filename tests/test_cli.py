"""The foundation CLI: db init/check, demo load, and one-line errors."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=ROOT, timeout=300)


def test_db_init_check_and_demo(data_dir):
    p = cli("db", "init")
    assert p.returncode == 0, p.stderr
    assert str(data_dir) in p.stdout
    p = cli("db", "check", "--json")
    assert p.returncode == 0
    health = json.loads(p.stdout.strip().splitlines()[-1])
    assert health["backend"] == "duckdb" and health["ok"] is True
    p = cli("demo", "load")
    assert p.returncode == 0 and "added 4 athletes" in p.stdout
    p = cli("demo", "load")
    assert "added 0 athletes" in p.stdout


def test_db_check_on_postgres(pg_server):
    url = pg_server.create_database("cli_check")
    p = cli("db", "check", "--json", env={"DATABASE_URL": url})
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.strip().splitlines()[-1])["backend"] == "postgresql"


def test_bad_input_exits_2_with_one_line():
    for args, env in [(("nonsense",), {}),
                      (("db", "check"), {"DATABASE_URL": "postgresql://x@127.0.0.1:1/none"}),
                      (("db", "check"), {"DATABASE_URL": "mysql://x@h/db"})]:
        p = cli(*args, env=env)
        assert p.returncode == 2, (args, p.stderr)
        assert "Traceback" not in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_demo_weeks_out_of_range_and_os_errors_exit_2_storing_nothing(data_dir, tmp_path):
    for weeks in ("-3", "0", "53"):
        p = cli("demo", "load", "--weeks", weeks)
        assert p.returncode == 2 and "1 to 52 weeks" in p.stderr, p.stderr
    p = cli("db", "check", "--json")
    assert json.loads(p.stdout.strip().splitlines()[-1])["ok"]
    p = cli("demo", "load", "--weeks", "1")
    assert "added 4 athletes" in p.stdout  # nothing half-seeded was left by the refused runs
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    p = cli("plan", "render-clips", "--out", str(a_file))
    assert p.returncode == 2 and "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_db_check_and_init_say_why_a_newer_schema_is_not_ready(data_dir):
    import duckdb
    assert cli("db", "init").returncode == 0
    con = duckdb.connect(str(data_dir / "coachlab.duckdb"))
    con.execute("INSERT INTO schema_migrations VALUES (999, 'from a newer CoachLab', now())")
    con.close()
    p = cli("db", "check", "--json")
    assert p.returncode == 1 and "newer than this CoachLab knows" in p.stderr
    p = cli("db", "init")
    assert p.returncode == 2 and "newer than this CoachLab knows" in p.stderr
