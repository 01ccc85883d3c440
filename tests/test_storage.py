"""Storage on both backends: migrations, athletes, sessions, metric samples, transactions."""
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core import athletes, metrics, sessions
from core.actor import Actor
from core.errors import Conflict, NotFound, PermissionDenied, UserError
from core.storage import migrations, open_database
from core.storage.tables import metric_samples

TRICKY_NAMES = [
    "Zoë \"Ice\" O'Brien",
    "Robert'); DROP TABLE athletes;--",
    "🥊 Kid Dynamite 💥",
    "李小龙",
    "a%b_c\\d",
]


def test_migrations_are_recorded_and_idempotent(db):
    latest = migrations.available()[-1].VERSION
    assert db.schema_version() == latest
    assert migrations.migrate(db.engine) == []  # second run applies nothing
    reopened = open_database(db.engine.url.render_as_string(hide_password=False))
    assert reopened.schema_version() == latest
    reopened.close()


def test_health(db):
    h = db.health()
    assert h["ok"] and h["backend"] == db.backend and h["schema_version"] >= 1


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_names_round_trip_exactly(db, actor, name):
    a = athletes.create(db, actor, name)
    assert athletes.get(db, actor, a.id).name == name
    assert [x.name for x in athletes.list_all(db, actor)] == [name]
    assert athletes.find(db, actor, name).id == a.id


def test_duplicate_names_refused_case_and_space_insensitive(db, actor):
    athletes.create(db, actor, "Maya Okafor")
    for dup in ["Maya Okafor", "maya okafor", "  Maya   OKAFOR "]:
        with pytest.raises(Conflict, match="already exists"):
            athletes.create(db, actor, dup)
    assert athletes.count(db, actor) == 1


def test_empty_and_long_names_refused(db, actor):
    with pytest.raises(UserError):
        athletes.create(db, actor, "   ")
    with pytest.raises(UserError, match="limit"):
        athletes.create(db, actor, "x" * 201)


def test_rename_and_archive(db, actor):
    a = athletes.create(db, actor, "Sam")
    b = athletes.create(db, actor, "Alex")
    assert athletes.rename(db, actor, a.id, "Samuel").name == "Samuel"
    with pytest.raises(Conflict):
        athletes.rename(db, actor, a.id, "alex")
    assert athletes.rename(db, actor, b.id, "ALEX").name == "ALEX"  # own name, new case: fine
    athletes.set_archived(db, actor, a.id, True)
    assert [x.name for x in athletes.list_all(db, actor)] == ["ALEX"]
    assert {x.name for x in athletes.list_all(db, actor, include_archived=True)} == {"ALEX", "Samuel"}
    athletes.set_archived(db, actor, a.id, False)
    assert athletes.count(db, actor) == 2
    with pytest.raises(NotFound):
        athletes.rename(db, actor, 999999, "Ghost")


def test_queries_are_scoped_to_the_actors_team(db, actor):
    other = Actor("coach-b", "Coach B", "coach", team_id="team-b")
    a = athletes.create(db, actor, "Shared Name")
    athletes.create(db, other, "Shared Name")  # same name in another team is fine
    assert [x.name for x in athletes.list_all(db, other)] == ["Shared Name"]
    with pytest.raises(NotFound):
        athletes.get(db, other, a.id)
    with pytest.raises(NotFound):
        sessions.create(db, other, a.id, "manual", datetime(2026, 1, 1))


def test_athlete_role_cannot_write_team_data(db):
    athlete_user = Actor("u1", "An athlete", "athlete")
    with pytest.raises(PermissionDenied):
        athletes.create(db, athlete_user, "Nope")


def test_sessions_and_lookup_by_hash(db, actor):
    a = athletes.create(db, actor, "Runner")
    s1 = sessions.create(db, actor, a.id, "sensor", datetime(2026, 3, 1, 7), 1800.0, "abc", "easy run")
    s2 = sessions.create(db, actor, a.id, "video", datetime(2026, 3, 2, 7), 60.0)
    assert [s.id for s in sessions.list_for_athlete(db, actor, a.id)] == [s2.id, s1.id]
    assert sessions.find_by_hash(db, actor, "sensor", "abc").id == s1.id
    assert sessions.find_by_hash(db, actor, "video", "abc") is None
    with pytest.raises(UserError):
        sessions.create(db, actor, a.id, "nonsense", datetime(2026, 3, 1))


def test_bulk_metric_samples_round_trip(db, actor):
    a = athletes.create(db, actor, "Lifter")
    s = sessions.create(db, actor, a.id, "manual", datetime(2026, 3, 1))
    n = 50_000
    frame = pd.DataFrame({"t": np.arange(n) / 100.0, "name": np.where(np.arange(n) % 2, "hr", "power"),
                          "value": np.sin(np.arange(n) / 10.0)})
    frame.loc[5, "value"] = np.nan
    assert metrics.add(db, actor, s.id, frame) == n
    back = metrics.read(db, actor, s.id, names=["hr"])
    assert len(back) == n // 2
    np.testing.assert_allclose(back["value"].to_numpy(), frame[frame["name"] == "hr"]["value"].to_numpy())
    assert metrics.read(db, actor, s.id)["value"].isna().sum() == 1


def test_failed_write_leaves_nothing_half_written(db, actor):
    a = athletes.create(db, actor, "Careful")
    with pytest.raises(RuntimeError):
        with db.begin() as conn:
            sid = sessions.insert(conn, actor, a.id, "manual", datetime(2026, 3, 1))
            metrics.insert(conn, actor, sid, pd.DataFrame({"t": [0.0, 1.0], "name": "x", "value": [1.0, 2.0]}))
            raise RuntimeError("crash after the writes")
    assert sessions.list_for_athlete(db, actor, a.id) == []
    with db.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(metric_samples)).scalar() == 0


def test_bad_metric_frames_are_refused(db, actor):
    a = athletes.create(db, actor, "Bad data")
    s = sessions.create(db, actor, a.id, "manual", datetime(2026, 3, 1))
    with pytest.raises(UserError, match="missing"):
        metrics.add(db, actor, s.id, pd.DataFrame({"t": [1.0]}))
    with pytest.raises(UserError, match="numbers"):
        metrics.add(db, actor, s.id, pd.DataFrame({"t": ["soon"], "name": ["x"], "value": [1.0]}))
    with pytest.raises(NotFound):
        metrics.add(db, actor, 424242, pd.DataFrame({"t": [1.0], "name": ["x"], "value": [1.0]}))


def test_session_summary_by_athlete(db, actor):
    a = athletes.create(db, actor, "Busy")
    b = athletes.create(db, actor, "Idle")
    sessions.create(db, actor, a.id, "manual", datetime(2026, 3, 1, 7), 1800.0)
    sessions.create(db, actor, a.id, "manual", datetime(2026, 3, 3, 7), 3600.0)
    sessions.create(db, actor, a.id, "checkin", datetime(2026, 3, 4, 0), 600.0)
    sessions.create(db, actor, a.id, "sensor", datetime(2026, 3, 2, 8), 8 * 3600.0)  # a phone carried all day
    summary = sessions.summary_by_athlete(db, actor)
    assert summary[a.id]["sessions"] == 3 and summary[a.id]["checkins"] == 1 and summary[a.id]["minutes"] == 100.0
    assert sessions.count_by_kind(db, actor) == {"video": 0, "sensor": 1, "manual": 2, "checkin": 1, "plan": 0}
    assert summary[a.id]["last"] == datetime(2026, 3, 3, 7)  # the check-in is not a session
    sessions.create(db, actor, b.id, "checkin", datetime(2026, 3, 5, 0), None)
    assert sessions.summary_by_athlete(db, actor)[b.id] == {"sessions": 0, "checkins": 1, "last": None, "minutes": 0.0}
    assert b.id not in summary
    # a day with a check-in outcome (58 min) and a logged session (33 min) is one training, counted once
    sessions.create(db, actor, a.id, "checkin", datetime(2026, 3, 6, 0), 58 * 60.0)
    sessions.create(db, actor, a.id, "manual", datetime(2026, 3, 6, 18), 33 * 60.0)
    assert sessions.summary_by_athlete(db, actor)[a.id]["minutes"] == 158.0
    # two sessions the same day add up, and outweigh a shorter outcome logged with the check-in
    sessions.create(db, actor, a.id, "checkin", datetime(2026, 3, 7, 0), 30 * 60.0)
    sessions.create(db, actor, a.id, "manual", datetime(2026, 3, 7, 7), 25 * 60.0)
    sessions.create(db, actor, a.id, "plan", datetime(2026, 3, 7, 18), 20 * 60.0)
    assert sessions.summary_by_athlete(db, actor)[a.id]["minutes"] == 203.0
