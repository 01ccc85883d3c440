"""Plans storage on DuckDB and PostgreSQL: catalogue sync, plans, assignments, planned vs done."""
from datetime import date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from core import athletes, sessions
from core.actor import Actor
from core.errors import NotFound, PermissionDenied, UserError
from core.plans import catalogue, generator, schema, store
from core.storage.tables_plans import plan_exercises, plan_set_logs

OTHER_TEAM = Actor(user_id="other", display_name="Other coach", role="coach", team_id="other-team")


@pytest.fixture
def plan():
    return generator.generate("hypertrophy", "intermediate", 3, 5, equipment=catalogue.EQUIPMENT)


def test_catalogue_sync_is_idempotent_and_retires_dropped_exercises(db):
    cat = catalogue.default()
    assert catalogue.sync(db, cat) == len(cat)
    assert catalogue.sync(db, cat) == 0
    stored = catalogue.load(db)
    assert stored.slugs() == cat.slugs()
    assert stored["lunge"] == cat["lunge"]
    smaller = catalogue.Catalogue([e for e in cat.exercises if e.slug != "burpee"])
    assert catalogue.sync(db, smaller) == 1
    assert "burpee" not in catalogue.load(db)
    with db.begin() as conn:  # kept for old plans, marked retired
        assert conn.execute(sa.select(plan_exercises.c.retired).where(plan_exercises.c.slug == "burpee")).scalar_one()
    assert catalogue.sync(db, cat) == 1 and "burpee" in catalogue.load(db)
    # The generator gives the same plan from the database's copy as from the file.
    args = ("fat_loss", "intermediate", 4, 5, 45, ("dumbbell", "band"))
    assert generator.generate(*args, catalogue=catalogue.load(db)) == generator.generate(*args)


def test_save_get_list_update_archive(db, actor, plan):
    saved = store.save(db, actor, plan)
    assert saved.plan == schema.to_dict(schema.parse(plan)) and saved.weeks == 5 and saved.goal == "hypertrophy"
    assert [p.id for p in store.list_all(db, actor)] == [saved.id]
    edited = dict(plan, name="Block 1 (edited)")
    updated = store.save(db, actor, edited, plan_id=saved.id)
    assert updated.id == saved.id and updated.name == "Block 1 (edited)"
    assert updated.content_hash != saved.content_hash
    store.set_archived(db, actor, saved.id)
    assert store.list_all(db, actor) == [] and len(store.list_all(db, actor, include_archived=True)) == 1


def test_invalid_plan_is_refused_with_every_error_and_nothing_stored(db, actor, plan):
    plan["weeks"][0]["days"][0]["exercises"][0]["sets"] = 0
    plan["weeks"][1]["days"][1]["exercises"][1]["slug"] = "moonwalk"
    with pytest.raises(schema.PlanInvalid) as e:
        store.save(db, actor, plan)
    assert [x.path for x in e.value.errors] == ["weeks[0].days[0].exercises[0].sets",
                                               "weeks[1].days[1].exercises[1].slug"]
    assert store.list_all(db, actor, include_archived=True) == []


def test_team_scoping_and_permissions(db, actor, plan):
    saved = store.save(db, actor, plan)
    with pytest.raises(NotFound):
        store.get(db, OTHER_TEAM, saved.id)
    assert store.list_all(db, OTHER_TEAM) == []
    with pytest.raises(NotFound):
        store.save(db, OTHER_TEAM, plan, plan_id=saved.id)
    researcher_athlete = Actor("a1", "Athlete", role="athlete", team_id=actor.team_id)
    with pytest.raises(PermissionDenied):
        store.save(db, researcher_athlete, plan)
    mine = athletes.create(db, actor, "Maya")
    with pytest.raises(NotFound):  # another team's coach cannot assign my plan to my athlete
        store.assign(db, OTHER_TEAM, saved.id, mine.id, date(2026, 1, 5))


def test_assign_keeps_one_active_plan_per_athlete(db, actor, plan):
    a = athletes.create(db, actor, "Maya")
    p1, p2 = store.save(db, actor, plan), store.save(db, actor, dict(plan, name="Second"))
    first = store.assign(db, actor, p1.id, a.id, date(2026, 1, 5))
    second = store.assign(db, actor, p2.id, a.id, date(2026, 2, 9))
    active = store.assignments(db, actor, athlete_id=a.id, active_only=True)
    assert [x.id for x in active] == [second.id] and active[0].start_date == date(2026, 2, 9)
    assert {x.id for x in store.assignments(db, actor, athlete_id=a.id)} == {first.id, second.id}
    with pytest.raises(NotFound):
        store.assign(db, actor, 999999, a.id, date(2026, 1, 5))
    with pytest.raises(NotFound):
        store.assign(db, actor, p1.id, 999999, date(2026, 1, 5))


def test_today_walks_the_calendar(db, actor, plan):
    a = athletes.create(db, actor, "Maya")
    assert store.today(db, actor, a.id, date(2026, 1, 5)).status == "no_plan"
    p = store.save(db, actor, plan)
    store.assign(db, actor, p.id, a.id, date(2026, 1, 5))  # a Monday: plan day 1
    assert store.today(db, actor, a.id, date(2026, 1, 4)).status == "not_started"
    t = store.today(db, actor, a.id, date(2026, 1, 5))
    assert (t.status, t.week, t.day) == ("workout", 1, 1)
    assert t.workout == p.plan["weeks"][0]["days"][0]
    assert store.today(db, actor, a.id, date(2026, 1, 6)).status == "rest_day"  # 3 days/week: 1, 3, 5
    t = store.today(db, actor, a.id, date(2026, 1, 14))
    assert (t.status, t.week, t.day) == ("workout", 2, 3)
    assert store.today(db, actor, a.id, date(2026, 1, 26)).deload  # intermediate: week 4 is the deload
    assert not store.today(db, actor, a.id, date(2026, 2, 2)).deload
    assert store.today(db, actor, a.id, date(2026, 2, 9)).status == "finished"


def _slots(db, actor, athlete_id):
    return {s.assignment.id: s for s in store.athlete_schedule(db, actor, athlete_id)}


def test_a_plan_assigned_for_later_leaves_the_current_one_running_until_it_starts(db, actor, plan):
    a = athletes.create(db, actor, "Kenji")
    p1, p2 = store.save(db, actor, plan), store.save(db, actor, dict(plan, name="Second"))
    first = store.assign(db, actor, p1.id, a.id, date(2026, 1, 5))
    second = store.assign(db, actor, p2.id, a.id, date(2026, 1, 19))  # assigned during week 1, starts week 3
    t = store.today(db, actor, a.id, date(2026, 1, 14))
    assert (t.status, t.assignment.id, t.week, t.day) == ("workout", first.id, 2, 3)
    assert (t.upcoming.id, t.upcoming_plan.name) == (second.id, "Second")
    t = store.today(db, actor, a.id, date(2026, 1, 19))
    assert (t.status, t.assignment.id, t.week, t.day, t.upcoming) == ("workout", second.id, 1, 1, None)
    slots, weeks = _slots(db, actor, a.id), len(plan["weeks"])
    assert store.status(slots[first.id], date(2026, 1, 14)) == f"week 2 of {weeks}"
    assert store.status(slots[first.id], date(2026, 1, 19)) == "replaced from 2026-01-19"
    assert store.status(slots[second.id], date(2026, 1, 14)) == "starts 2026-01-19"
    # the coach changes their mind: a third plan from an earlier date; the second, set to start inside it, never runs
    before = store.athlete_schedule(db, actor, a.id)
    third = store.assign(db, actor, p1.id, a.id, date(2026, 1, 12))
    slots = _slots(db, actor, a.id)
    assert store.status(slots[second.id], date(2026, 1, 10)) == "replaced before it started"
    assert [(old.assignment.id, new.start) for old, new in store.displaced(before, list(slots.values()))] == [
        (first.id, date(2026, 1, 5)), (second.id, None)]
    assert slots[first.id].end == date(2026, 1, 11)
    assert store.today(db, actor, a.id, date(2026, 1, 10)).upcoming.id == third.id
    assert store.today(db, actor, a.id, date(2026, 1, 26)).assignment.id == third.id


def test_a_block_that_ends_before_a_scheduled_plan_leaves_that_plan_in_place(db, actor, plan):
    """Plan B is set for March; a four-week block from January fills the gap: B still starts in March
    (the block is newer, but it does not overlap B)."""
    a = athletes.create(db, actor, "Ana")
    b = store.assign(db, actor, store.save(db, actor, plan).id, a.id, date(2026, 3, 2))
    block = dict(plan, name="Block", weeks=plan["weeks"][:4])
    filler = store.assign(db, actor, store.save(db, actor, block).id, a.id, date(2026, 1, 12))
    assert store.today(db, actor, a.id, date(2026, 1, 20)).assignment.id == filler.id
    t = store.today(db, actor, a.id, date(2026, 2, 20))  # the block ended on 2026-02-08
    assert (t.status, t.assignment.id) == ("not_started", b.id)
    assert store.today(db, actor, a.id, date(2026, 3, 2)).assignment.id == b.id
    assert store.status(_slots(db, actor, a.id)[filler.id], date(2026, 2, 20)) == "finished"


def test_a_finished_plan_gives_way_to_the_next_one_announced(db, actor, plan):
    a = athletes.create(db, actor, "Sofia")
    p = store.save(db, actor, plan)
    old = store.assign(db, actor, p.id, a.id, date(2025, 1, 6))
    nxt = store.assign(db, actor, p.id, a.id, date(2026, 3, 2))
    t = store.today(db, actor, a.id, date(2026, 2, 23))
    assert (t.status, t.assignment.id) == ("not_started", nxt.id)
    assert store.status(_slots(db, actor, a.id)[old.id], date(2026, 2, 23)) == "finished"
    t = store.today(db, actor, a.id, date(2030, 1, 1))
    assert (t.status, t.assignment.id) == ("finished", nxt.id)


def test_log_workout_stores_planned_vs_done_with_its_session(db, actor, plan):
    a = athletes.create(db, actor, "Maya")
    p = store.save(db, actor, plan)
    asg = store.assign(db, actor, p.id, a.id, date(2026, 1, 5))
    planned = p.plan["weeks"][0]["days"][0]["exercises"]
    done = [{"position": 0, "done_sets": planned[0]["sets"]},
            {"position": 1, "done_sets": planned[1]["sets"] - 1, "done_reps": 6}]
    sid = store.log_workout(db, actor, asg.id, 1, 1, done, when=datetime(2026, 1, 5, 18))
    s = sessions.get(db, actor, sid)
    assert s.kind == "plan" and s.athlete_id == a.id and s.duration_s > 0
    dev = store.deviations(db, actor, assignment_id=asg.id)
    assert len(dev) == len(planned)
    assert dev["set_deviation"].tolist() == [0, -1] + [-e["sets"] for e in planned[2:]]
    assert pd.isna(dev["done_reps"].iloc[0]) and dev["done_reps"].iloc[1] == 6
    assert store.adherence(dev) == pytest.approx(
        (planned[0]["sets"] + planned[1]["sets"] - 1) / sum(e["sets"] for e in planned))
    # Logging the same day again replaces the log, keeps one session.
    sid2 = store.log_workout(db, actor, asg.id, 1, 1, [{"position": i, "done_sets": e["sets"]}
                                                      for i, e in enumerate(planned)])
    assert sid2 == sid and len(sessions.list_for_athlete(db, actor, a.id, kind="plan")) == 1
    assert store.deviations(db, actor, athlete_id=a.id)["set_deviation"].tolist() == [0] * len(planned)
    assert store.deviations(db, OTHER_TEAM).empty


def test_log_against_readiness_adjusted_day(db, actor, plan):
    a = athletes.create(db, actor, "Maya")
    p = store.save(db, actor, plan)
    asg = store.assign(db, actor, p.id, a.id, date(2026, 1, 5))
    store.log_workout(db, actor, asg.id, 1, 1, [{"position": 0, "done_sets": 1}], readiness_action="rest")
    dev = store.deviations(db, actor, assignment_id=asg.id)
    assert dev["slug"].tolist() == [e["slug"] for e in generator.RECOVERY]
    assert set(dev["readiness_action"]) == {"rest"}
    store.log_workout(db, actor, asg.id, 1, 3, [], readiness_action="modify")
    day3 = store.deviations(db, actor, assignment_id=asg.id).query("day == 3")
    planned = generator.adjust_for_readiness(p.plan["weeks"][0]["days"][1], "modify")["exercises"]
    assert day3["planned_sets"].tolist() == [e["sets"] for e in planned]


def test_bad_logs_leave_nothing_written(db, actor, plan):
    a = athletes.create(db, actor, "Maya")
    p = store.save(db, actor, plan)
    asg = store.assign(db, actor, p.id, a.id, date(2026, 1, 5))
    for bad in ([{"position": 0, "done_sets": -1}], [{"position": 99, "done_sets": 1}],
                [{"position": 0, "done_sets": 1}, {"position": 0, "done_sets": 2}],
                [{"position": 0, "done_sets": 2, "done_reps": 1000}]):
        with pytest.raises(UserError):
            store.log_workout(db, actor, asg.id, 1, 1, bad)
    with pytest.raises(NotFound):
        store.log_workout(db, actor, asg.id, 1, 2, [])  # no training on day 2
    with pytest.raises(NotFound):
        store.log_workout(db, actor, asg.id, 9, 1, [])
    with pytest.raises(UserError):
        store.log_workout(db, actor, asg.id, 1, 1, [], readiness_action="sprint")
    with pytest.raises(NotFound):
        store.log_workout(db, OTHER_TEAM, asg.id, 1, 1, [])
    assert sessions.list_for_athlete(db, actor, a.id) == []
    with db.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(plan_set_logs)).scalar_one() == 0


def test_conditioning_column_migration_upgrades_an_older_schema(db):
    from core.storage import migrations
    with db.begin() as conn:
        conn.execute(sa.text("ALTER TABLE plan_exercises DROP COLUMN conditioning"))
        conn.execute(sa.text("DELETE FROM schema_migrations WHERE version = 401"))
    assert migrations.migrate(db.engine) == [401]
    assert migrations.migrate(db.engine) == []
    catalogue.sync(db)
    assert catalogue.load(db)["rowing_machine"].conditioning == "both"
