"""Storing sensor results with the athlete's session, on DuckDB and PostgreSQL."""
from datetime import datetime

import numpy as np
import pytest
import sqlalchemy as sa

from core import athletes, metrics, sessions
from core.actor import Actor
from core.errors import NotFound, PermissionDenied, UserError
from core.sensors import storage
from core.sensors.recording import Recording
from core.sensors.step_counting import StepAnalysis
from core.storage.tables_sensors import sensor_recordings, sensor_steps
from models.step_detector.baseline import BaselineParams


def _fake(steps=40, duration=30.0):
    t = np.arange(0, duration, 0.01)
    rec = Recording(t=t, acc=np.tile([0, 0, 9.81], (len(t), 1)), gyro=None, sample_rate_hz=100.0,
                    source_format="generic", units={"time": "ns", "acc": "m/s^2"}, warnings=["a warning"],
                    started_at=datetime(2026, 3, 1, 9, 30))
    times = np.linspace(2.0, 2.0 + 0.55 * (steps - 1), steps)
    a = StepAnalysis(step_times_s=times, baseline_times_s=times[:-2] + 0.01, threshold=0.5, min_interval_s=0.25,
                     rate_hz=25.0, prob=np.zeros(750), acc=np.zeros((750, 3)), duration_s=duration,
                     sample_rate_hz=100.0, model_version="test", baseline_params=BaselineParams(),
                     warnings=list(rec.warnings))
    return rec, a


def test_save_links_a_sensor_session_and_round_trips_steps(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    stored = storage.save(db, actor, ath.id, rec, a, "h" * 64, file_name="walk.csv")
    assert stored.steps == 40 and stored.baseline_steps == 38 and stored.warnings == ["a warning"]
    assert stored.cadence_spm == pytest.approx(60 / 0.55, abs=0.2)
    s = sessions.get(db, actor, stored.session_id)
    assert s.kind == "sensor" and s.source_hash == "h" * 64 and s.started_at == datetime(2026, 3, 1, 9, 30)
    np.testing.assert_allclose(storage.step_times(db, actor, stored.id), a.step_times_s)
    np.testing.assert_allclose(storage.step_times(db, actor, stored.id, "baseline"), a.baseline_times_s)
    cad = metrics.read(db, actor, stored.session_id, ["cadence_spm"])
    assert len(cad) > 0 and cad["value"].max() > 100
    assert [r.id for r in storage.list_for_athlete(db, actor, ath.id)] == [stored.id]


def test_the_signal_is_kept_with_the_analysis_and_goes_with_it(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    a.acc = np.column_stack([np.zeros(750), 3.0 * np.sin(np.arange(750) / 4), np.full(750, 9.81)])
    first = storage.save(db, actor, ath.id, rec, a, "s" * 64)
    rate_hz, magnitude = storage.signal(db, actor, first.id)
    assert rate_hz == 25.0 and len(magnitude) == 750
    np.testing.assert_allclose(magnitude, np.linalg.norm(a.acc, axis=1), atol=0.01)  # float16: 1/128 m/s² near 1 g
    assert storage.signal(db, Actor("x", "Other coach", "coach", team_id="other"), first.id) is None  # team-scoped
    again = storage.save(db, actor, ath.id, rec, a, "s" * 64, replaces=first)
    assert storage.signal(db, actor, first.id) is None and storage.signal(db, actor, again.id) is not None
    storage.delete(db, actor, again.id)
    assert storage.signal(db, actor, again.id) is None


def test_same_file_is_reused_not_stored_twice(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    first = storage.save(db, actor, ath.id, rec, a, "a" * 64)
    again = storage.save(db, actor, ath.id, rec, a, "a" * 64)
    assert again.id == first.id
    assert storage.find_by_hash(db, actor, "a" * 64).id == first.id
    assert storage.find_by_hash(db, actor, "b" * 64) is None
    with db.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sensor_recordings)).scalar_one() == 1
    assert sessions.count(db, actor) == 1


def test_failure_leaves_nothing_half_written(db, actor):
    rec, a = _fake()
    with pytest.raises(NotFound):
        storage.save(db, actor, 99999, rec, a, "c" * 64)  # no such athlete
    with db.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sensor_recordings)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(sensor_steps)).scalar_one() == 0
    assert sessions.count(db, actor) == 0


def test_other_teams_cannot_see_or_reuse(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    stored = storage.save(db, actor, ath.id, rec, a, "d" * 64)
    other = Actor("x", "Other coach", "coach", team_id="other")
    assert storage.find_by_hash(db, other, "d" * 64) is None
    assert len(storage.step_times(db, other, stored.id)) == 0
    with pytest.raises(NotFound):
        storage.get(db, other, stored.id)
    athlete_only = Actor("y", "Athlete", "athlete", team_id="local")
    with pytest.raises(PermissionDenied):
        storage.save(db, athlete_only, ath.id, rec, a, "e" * 64)


def test_content_hash_of_path_and_bytes_agree(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"timestamp_ns,acc_x\n1,2\n" * 1000)
    assert storage.content_hash(p) == storage.content_hash(p.read_bytes())


def test_failure_after_the_first_rows_rolls_everything_back(db, actor, monkeypatch):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()

    def broken(conn, table, frame):
        raise RuntimeError("disk full while writing steps")

    monkeypatch.setattr(storage, "insert_frame", broken)
    with pytest.raises(RuntimeError):
        storage.save(db, actor, ath.id, rec, a, "f" * 64)
    with db.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sensor_recordings)).scalar_one() == 0
    assert sessions.count(db, actor) == 0
    assert storage.find_by_hash(db, actor, "f" * 64) is None


def _counts(db) -> dict:
    with db.begin() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (sensor_recordings, sensor_steps)}


def test_counting_again_replaces_the_stored_analysis(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, old = _fake(steps=40)
    first = storage.save(db, actor, ath.id, rec, old, "g" * 64, file_name="walk.csv")
    _, new = _fake(steps=30)
    new.model_version = "newer"
    again = storage.save(db, actor, ath.id, rec, new, "g" * 64, file_name="walk.csv", replaces=first)
    assert again.id != first.id and again.steps == 30 and again.model_version == "newer"
    assert storage.find_by_hash(db, actor, "g" * 64).id == again.id
    assert len(storage.step_times(db, actor, first.id)) == 0
    np.testing.assert_allclose(storage.step_times(db, actor, again.id), new.step_times_s)
    assert _counts(db) == {"sensor_recordings": 1, "sensor_steps": 30 + 28}
    assert [s.id for s in sessions.list_for_athlete(db, actor, ath.id)] == [again.session_id]
    assert metrics.read(db, actor, first.session_id).empty and not metrics.read(db, actor, again.session_id).empty


def test_a_failed_replacement_keeps_the_stored_analysis(db, actor, monkeypatch):
    ath = athletes.create(db, actor, "Runner")
    rec, old = _fake(steps=40)
    first = storage.save(db, actor, ath.id, rec, old, "i" * 64)
    before = _counts(db), len(metrics.read(db, actor, first.session_id))

    def broken(conn, table, frame):
        raise RuntimeError("disk full while writing steps")

    monkeypatch.setattr(storage, "insert_frame", broken)
    with pytest.raises(RuntimeError):
        storage.save(db, actor, ath.id, rec, _fake(steps=30)[1], "i" * 64, replaces=first)
    assert (_counts(db), len(metrics.read(db, actor, first.session_id))) == before
    assert storage.find_by_hash(db, actor, "i" * 64) == first
    np.testing.assert_allclose(storage.step_times(db, actor, first.id), old.step_times_s)


def test_delete_removes_the_analysis_and_its_session_for_the_team_only(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    stored = storage.save(db, actor, ath.id, rec, a, "j" * 64)
    kept = storage.save(db, actor, ath.id, rec, a, "k" * 64)
    with pytest.raises(NotFound):
        storage.delete(db, Actor("x", "Other coach", "coach", team_id="other"), stored.id)
    with pytest.raises(PermissionDenied):
        storage.delete(db, Actor("y", "Athlete", "athlete", team_id="local"), stored.id)
    storage.delete(db, actor, stored.id)
    assert storage.find_by_hash(db, actor, "j" * 64) is None
    assert [s.id for s in sessions.list_for_athlete(db, actor, ath.id)] == [kept.session_id]
    assert metrics.read(db, actor, stored.session_id).empty
    assert _counts(db) == {"sensor_recordings": 1, "sensor_steps": 40 + 38}
    with pytest.raises(NotFound):
        storage.delete(db, actor, stored.id)


def test_the_chosen_mapping_is_kept_and_the_migration_adds_its_column(db, actor):
    from core.storage import migrations
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    plain = storage.save(db, actor, ath.id, rec, a, "l" * 64)
    chosen = {"time": "clock", "acc_x": "ch1", "acc_y": "ch2", "acc_z": "ch3"}
    mapped = storage.save(db, actor, ath.id, rec, a, "m" * 64, mapping=chosen)
    assert plain.mapping is None and mapped.mapping == chosen
    assert storage.find_by_hash(db, actor, "m" * 64).mapping == chosen
    with db.begin() as conn:      # a database from before migration 201 (DuckDB alters no indexed table)
        for index in sensor_recordings.indexes:
            conn.execute(sa.text(f"DROP INDEX {index.name}"))
        conn.execute(sa.text("ALTER TABLE sensor_recordings DROP COLUMN mapping"))
        conn.execute(sa.text("DELETE FROM schema_migrations WHERE version = 201"))
    assert migrations.migrate(db.engine) == [201] and migrations.migrate(db.engine) == []
    assert storage.get(db, actor, mapped.id).mapping is None    # older rows: no mapping known


def test_a_stored_file_is_read_again_with_what_was_given_else_what_it_was_stored_with(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    stored = storage.save(db, actor, ath.id, rec, a, "n" * 64, mapping={"acc_x": "a", "acc_y": "b", "acc_z": "c"})
    assert storage.reading_of(None, None, None) == (None, None)
    assert storage.reading_of(None, {"acc_x": "q"}, 50.0) == ({"acc_x": "q"}, 50.0)
    assert storage.reading_of(stored) == ({"acc_x": "a", "acc_y": "b", "acc_z": "c"}, 100.0)
    assert storage.reading_of(stored, {"acc_x": "q"}, 50.0) == ({"acc_x": "q"}, 50.0)


def test_store_says_whether_a_count_is_new_kept_or_replaced_and_keeps_the_first_athlete(db, actor):
    first, second = athletes.create(db, actor, "First"), athletes.create(db, actor, "Second")
    rec, a = _fake()
    stored, how = storage.store(db, actor, rec, a, "s" * 64, None, first.id, file_name="walk.csv")
    assert how == "new" and stored.athlete_id == first.id
    kept, how = storage.store(db, actor, rec, a, "s" * 64, stored, second.id, file_name="other.csv")
    assert how == "existing" and kept.id == stored.id
    rec2, a2 = _fake(steps=30)
    again, how = storage.store(db, actor, rec2, a2, "s" * 64, stored, second.id, replace=True, file_name="other.csv")
    assert how == "replaced" and again.steps == 30
    assert again.athlete_id == first.id and again.file_name == "walk.csv"  # stays with whom and what it was stored as
    assert sessions.count(db, actor) == 1
    with pytest.raises(UserError, match="athlete"):
        storage.store(db, actor, rec, a, "t" * 64, None, None)


def test_removing_a_session_takes_its_metric_samples_for_the_team_only(db, actor):
    ath = athletes.create(db, actor, "Runner")
    rec, a = _fake()
    stored = storage.save(db, actor, ath.id, rec, a, "m" * 64)
    other = Actor("x", "Other coach", "coach", team_id="other")
    with db.begin() as conn, pytest.raises(NotFound):
        sessions.remove(conn, other, stored.session_id)
    assert len(metrics.read(db, actor, stored.session_id, ["cadence_spm"])) > 0
    with db.begin() as conn:
        conn.execute(sensor_steps.delete().where(sensor_steps.c.recording_id == stored.id))
        conn.execute(sensor_recordings.delete().where(sensor_recordings.c.id == stored.id))
        sessions.remove(conn, actor, stored.session_id)
    assert sessions.count(db, actor) == 0
    assert len(metrics.read(db, actor, stored.session_id, ["cadence_spm"])) == 0
