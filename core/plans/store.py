"""Stored plans, their assignment to athletes, and planned-vs-done tracking.

Every function takes the acting user and is scoped to the user's team. A plan is stored
only after it passes the schema. Logging a workout writes its `plan` session and one row per
exercise (planned sets, done sets, their difference) in one transaction.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from core import sessions
from core.actor import Actor
from core.errors import NotFound, UserError
from core.plans import generator, schema
from core.plans.catalogue import Catalogue
from core.storage import Database
from core.storage.tables import athletes
from core.storage.tables_plans import plan_assignments, plan_set_logs, plans
from core.timeutil import utcnow

MAX_DONE_SETS = 20
MAX_DONE_REPS = 200


@dataclass(frozen=True)
class StoredPlan:
    id: int
    name: str
    goal: str
    level: str
    weeks: int
    plan: dict  # the validated plan JSON
    content_hash: str
    archived: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Assignment:
    id: int
    plan_id: int
    athlete_id: int
    start_date: date
    active: bool  # the athlete's latest assignment (the coach's last choice); which plan runs on a day: schedule()


@dataclass(frozen=True)
class Today:
    """What an athlete has on a date. status: workout, rest_day, not_started, finished, no_plan."""
    status: str
    on: date
    assignment: Assignment | None = None
    plan: StoredPlan | None = None
    week: int | None = None  # 1-based plan week
    day: int | None = None  # 1-7, day of the plan week
    workout: dict | None = None  # the plan day (title, exercises...) when status == "workout"
    deload: bool = False
    upcoming: Assignment | None = None  # the next plan to start, when one is assigned (see schedule)
    upcoming_plan: StoredPlan | None = None


def content_hash(plan: dict) -> str:
    return hashlib.sha256(json.dumps(plan, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _plan_row(r) -> StoredPlan:
    return StoredPlan(id=r.id, name=r.name, goal=r.goal, level=r.level, weeks=r.weeks, plan=json.loads(r.body),
                      content_hash=r.content_hash, archived=bool(r.archived), created_at=r.created_at,
                      updated_at=r.updated_at)


def _assignment_row(r) -> Assignment:
    start = r.start_date if isinstance(r.start_date, date) else date.fromisoformat(str(r.start_date))
    return Assignment(id=r.id, plan_id=r.plan_id, athlete_id=r.athlete_id, start_date=start, active=bool(r.active))


def save(db: Database, actor: Actor, plan: dict, plan_id: int | None = None,
         catalogue: Catalogue | None = None) -> StoredPlan:
    """Validate and store a plan (new, or replacing plan `plan_id`). Raises PlanInvalid with
    every violation; nothing is stored then."""
    actor.require("write")
    clean = schema.to_dict(schema.parse(plan, catalogue))
    values = dict(name=clean["name"], goal=clean["goal"], level=clean["level"], weeks=len(clean["weeks"]),
                  body=json.dumps(clean, ensure_ascii=False), content_hash=content_hash(clean),
                  updated_at=utcnow())
    with db.begin() as conn:
        if plan_id is None:
            plan_id = conn.execute(plans.insert().values(
                team_id=actor.team_id, archived=False, created_at=values["updated_at"],
                created_by=actor.user_id, **values).returning(plans.c.id)).scalar_one()
        else:
            done = conn.execute(plans.update().where(plans.c.team_id == actor.team_id, plans.c.id == plan_id)
                                .values(**values)).rowcount
            if not done:
                raise NotFound(f"No plan with id {plan_id}.")
    return get(db, actor, plan_id)


def get(db: Database, actor: Actor, plan_id: int) -> StoredPlan:
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(plans).where(plans.c.team_id == actor.team_id, plans.c.id == plan_id)).first()
    if r is None:
        raise NotFound(f"No plan with id {plan_id}.")
    return _plan_row(r)


def list_all(db: Database, actor: Actor, include_archived: bool = False) -> list[StoredPlan]:
    """Newest first."""
    actor.require("read")
    q = sa.select(plans).where(plans.c.team_id == actor.team_id).order_by(plans.c.updated_at.desc(), plans.c.id.desc())
    if not include_archived:
        q = q.where(plans.c.archived.is_(False))
    with db.begin() as conn:
        return [_plan_row(r) for r in conn.execute(q)]


def set_archived(db: Database, actor: Actor, plan_id: int, archived: bool = True) -> StoredPlan:
    """Hide a plan from lists (assignments and logs are kept) or bring it back."""
    actor.require("write")
    with db.begin() as conn:
        done = conn.execute(plans.update().where(plans.c.team_id == actor.team_id, plans.c.id == plan_id)
                            .values(archived=archived)).rowcount
    if not done:
        raise NotFound(f"No plan with id {plan_id}.")
    return get(db, actor, plan_id)


def assign(db: Database, actor: Actor, plan_id: int, athlete_id: int, start_date: date) -> Assignment:
    """Give an athlete a plan from `start_date` (day 1 of week 1). It becomes the athlete's
    latest (`active`) assignment and wins the days it runs: a plan it overlaps stops the day
    before `start_date`, or never runs if it was to start later (see schedule); logs are kept."""
    actor.require("write")
    if not isinstance(start_date, date):
        raise UserError("A plan needs a start date.")
    with db.begin() as conn:
        if conn.execute(sa.select(plans.c.id).where(plans.c.team_id == actor.team_id, plans.c.id == plan_id)).first() is None:
            raise NotFound(f"No plan with id {plan_id}.")
        if conn.execute(sa.select(athletes.c.id).where(athletes.c.team_id == actor.team_id,
                                                       athletes.c.id == athlete_id)).first() is None:
            raise NotFound(f"No athlete with id {athlete_id}.")
        conn.execute(plan_assignments.update().where(
            plan_assignments.c.team_id == actor.team_id, plan_assignments.c.athlete_id == athlete_id,
            plan_assignments.c.active.is_(True)).values(active=False))
        new_id = conn.execute(plan_assignments.insert().values(
            team_id=actor.team_id, plan_id=plan_id, athlete_id=athlete_id, start_date=start_date, active=True,
            created_at=utcnow(), created_by=actor.user_id).returning(plan_assignments.c.id)).scalar_one()
        r = conn.execute(sa.select(plan_assignments).where(plan_assignments.c.id == new_id)).first()
    return _assignment_row(r)


def assignments(db: Database, actor: Actor, plan_id: int | None = None, athlete_id: int | None = None,
                active_only: bool = False) -> list[Assignment]:
    """Newest first."""
    actor.require("read")
    q = (sa.select(plan_assignments).where(plan_assignments.c.team_id == actor.team_id)
         .order_by(plan_assignments.c.id.desc()))
    if plan_id is not None:
        q = q.where(plan_assignments.c.plan_id == plan_id)
    if athlete_id is not None:
        q = q.where(plan_assignments.c.athlete_id == athlete_id)
    if active_only:
        q = q.where(plan_assignments.c.active.is_(True))
    with db.begin() as conn:
        return [_assignment_row(r) for r in conn.execute(q)]


def _get_assignment(conn, actor: Actor, assignment_id: int) -> Assignment:
    r = conn.execute(sa.select(plan_assignments).where(
        plan_assignments.c.team_id == actor.team_id, plan_assignments.c.id == assignment_id)).first()
    if r is None:
        raise NotFound(f"No plan assignment with id {assignment_id}.")
    return _assignment_row(r)


def position(start: date, on: date) -> tuple[int, int]:
    """(plan week, day of the plan week) of `on` for a plan started on `start`; week < 1 before it."""
    days = (on - start).days
    return days // 7 + 1, days % 7 + 1


@dataclass(frozen=True)
class Slot:
    """When an assignment runs once the newer ones are laid over it: `start`..`end` (inclusive),
    or never (both None); `planned_end` is where the plan itself ends."""
    assignment: Assignment
    weeks: int
    start: date | None
    end: date | None
    planned_end: date

    def holds(self, on: date) -> bool:
        return self.start is not None and self.start <= on <= self.end


def schedule(given: list[Assignment], weeks: dict[int, int]) -> list[Slot]:
    """One athlete's assignments laid out in time, oldest first (`weeks`: plan id -> its length).
    Each newer assignment wins the days it runs: an older plan it overlaps stops the day before it
    starts, or never runs if the newer one starts first. A plan that ends before an older one
    starts leaves that one as scheduled (a four-week block that fills the gap before a plan
    already set for next month), and a plan once cut short does not resume."""
    slots: list[Slot] = []
    for a in sorted(given, key=lambda a: a.id):
        n = weeks[a.plan_id]
        end = a.start_date + timedelta(weeks=n, days=-1)
        for i, old in enumerate(slots):
            if old.start is not None and a.start_date <= old.end and old.start <= end:  # they overlap
                cut = a.start_date - timedelta(days=1)
                slots[i] = Slot(old.assignment, old.weeks, *((old.start, cut) if old.start <= cut else (None, None)),
                                old.planned_end)
        slots.append(Slot(a, n, a.start_date, end, end))
    return slots


def in_force(slots: list[Slot], on: date) -> tuple[Slot | None, Slot | None, Slot | None]:
    """(the slot running on `on`, the next one to start after it, the last one that ended
    before it) of one athlete's schedule()."""
    current = next((s for s in slots if s.holds(on)), None)
    runs = [s for s in slots if s.start is not None]
    upcoming = min((s for s in runs if s.start > on), key=lambda s: s.start, default=None)
    ended = max((s for s in runs if s.end < on), key=lambda s: s.end, default=None)
    return current, upcoming, ended


def status(slot: Slot, on: date) -> str:
    """How an assignment stands on `on`: 'starts …', 'week N of W', 'finished', 'replaced from …'
    or 'replaced before it started'."""
    if slot.start is None:
        return "replaced before it started"
    if slot.start > on:
        return f"starts {slot.start.isoformat()}"
    if on <= slot.end:
        return f"week {position(slot.start, on)[0]} of {slot.weeks}"
    if slot.end < slot.planned_end:
        return f"replaced from {slot.end + timedelta(days=1):%Y-%m-%d}"
    return "finished"


def displaced(before: list[Slot], after: list[Slot]) -> list[tuple[Slot, Slot]]:
    """(old, new) slots of the assignments whose days changed between two schedules of one
    athlete (a new assignment cut them short or replaced them)."""
    was = {s.assignment.id: s for s in before}
    return [(was[s.assignment.id], s) for s in after
            if s.assignment.id in was and (was[s.assignment.id].start, was[s.assignment.id].end) != (s.start, s.end)]


def athlete_schedule(db: Database, actor: Actor, athlete_id: int) -> list[Slot]:
    """schedule() of the athlete's stored assignments."""
    return _athlete_schedule(db, actor, athlete_id)[0]


def _athlete_schedule(db: Database, actor: Actor, athlete_id: int) -> tuple[list[Slot], dict[int, StoredPlan]]:
    """(schedule, the plans it uses by id): each plan read once."""
    given = assignments(db, actor, athlete_id=athlete_id)
    used = {pid: get(db, actor, pid) for pid in {a.plan_id for a in given}}
    return schedule(given, {pid: p.weeks for pid, p in used.items()}), used


def today(db: Database, actor: Actor, athlete_id: int, on: date) -> Today:
    """The athlete's workout on `on` from the plan that runs that day (schedule), with the next
    plan due to start, if any."""
    slots, used = _athlete_schedule(db, actor, athlete_id)
    current, upcoming, ended = in_force(slots, on)
    upcoming_plan = used[upcoming.assignment.plan_id] if upcoming else None
    if current is None:
        if upcoming:
            return Today("not_started", on, upcoming.assignment, upcoming_plan)
        if ended:
            week, day = position(ended.start, on)
            return Today("finished", on, ended.assignment, used[ended.assignment.plan_id], week, day)
        return Today("no_plan", on)
    a = current.assignment
    plan = used[a.plan_id]
    week, day = position(a.start_date, on)
    w = plan.plan["weeks"][week - 1]
    deload = bool(w.get("deload"))
    d = next((d for d in w["days"] if d["day"] == day), None)
    return Today("workout" if d else "rest_day", on, a, plan, week, day, d, deload,
                 upcoming.assignment if upcoming else None, upcoming_plan)


def planned_day(plan: dict, week: int, day: int, readiness_action: str = "train") -> dict:
    """The plan's day, adjusted to the readiness answer; NotFound when the plan has no such day."""
    if not 1 <= week <= len(plan["weeks"]):
        raise NotFound(f"The plan has no week {week}.")
    for d in plan["weeks"][week - 1]["days"]:
        if d["day"] == day:
            return generator.adjust_for_readiness(d, readiness_action)
    raise NotFound(f"Week {week} of the plan has no training on day {day}.")


def log_workout(db: Database, actor: Actor, assignment_id: int, week: int, day: int, done: list[dict],
                readiness_action: str = "train", when: datetime | None = None) -> int:
    """Store what was done against what was planned; returns the workout's session id.

    `done`: one dict per exercise done, `{"position": i, "done_sets": n, "done_reps": r}`
    (`done_reps` optional: reps per set when they differ from the plan). Exercises of the day
    left out count as not done (0 sets). Logging the same day again replaces the earlier log.
    """
    actor.require("write")
    by_pos: dict[int, dict] = {}
    for d in done:
        pos, sets_, reps = d.get("position"), d.get("done_sets"), d.get("done_reps")
        if not isinstance(pos, int) or pos in by_pos:
            raise UserError(f"Each exercise done needs its own position in the workout (got {pos!r}).")
        if not isinstance(sets_, int) or not 0 <= sets_ <= MAX_DONE_SETS:
            raise UserError(f"Sets done must be a whole number from 0 to {MAX_DONE_SETS} (got {sets_!r}).")
        if reps is not None and (not isinstance(reps, int) or not 0 <= reps <= MAX_DONE_REPS):
            raise UserError(f"Reps done must be a whole number from 0 to {MAX_DONE_REPS} (got {reps!r}).")
        by_pos[pos] = d
    with db.begin() as conn:
        a = _get_assignment(conn, actor, assignment_id)
        r = conn.execute(sa.select(plans).where(plans.c.team_id == actor.team_id, plans.c.id == a.plan_id)).first()
        if r is None:
            raise NotFound(f"No plan with id {a.plan_id}.")
        plan = json.loads(r.body)
        workout = planned_day(plan, week, day, readiness_action)
        exercises = workout["exercises"]
        unknown = sorted(set(by_pos) - set(range(len(exercises))))
        if unknown:
            raise UserError(f"The workout has {len(exercises)} exercises; no position {unknown[0]}.")
        action = readiness_action.strip().lower()
        earlier = conn.execute(sa.select(plan_set_logs.c.session_id).where(
            plan_set_logs.c.team_id == actor.team_id, plan_set_logs.c.assignment_id == assignment_id,
            plan_set_logs.c.week == week, plan_set_logs.c.day == day)).first()
        if earlier is not None:
            session_id = earlier.session_id
            conn.execute(plan_set_logs.delete().where(
                plan_set_logs.c.team_id == actor.team_id, plan_set_logs.c.session_id == session_id))
        else:
            session_id = sessions.insert(
                conn, actor, a.athlete_id, "plan", when or utcnow(),
                duration_s=float(generator.estimate_seconds(exercises)),
                notes=f"{r.name}: week {week}, day {day} ({action})")
        now = utcnow()
        rows = []
        for i, e in enumerate(exercises):
            d = by_pos.get(i, {})
            done_sets = int(d.get("done_sets", 0))
            rows.append(dict(team_id=actor.team_id, assignment_id=assignment_id, athlete_id=a.athlete_id,
                             session_id=session_id, week=week, day=day, position=i, slug=e["slug"],
                             readiness_action=action, planned_sets=e["sets"], planned_reps=e.get("reps"),
                             planned_duration_s=e.get("duration_s"), done_sets=done_sets,
                             done_reps=d.get("done_reps"), set_deviation=done_sets - e["sets"],
                             created_at=now, created_by=actor.user_id))
        conn.execute(plan_set_logs.insert(), rows)
    return session_id


DEVIATION_COLUMNS = ["session_id", "week", "day", "position", "slug", "readiness_action", "planned_sets",
                     "done_sets", "set_deviation", "planned_reps", "done_reps", "planned_duration_s"]


def deviations(db: Database, actor: Actor, assignment_id: int | None = None,
               athlete_id: int | None = None) -> pd.DataFrame:
    """Planned vs done per exercise (columns DEVIATION_COLUMNS; set_deviation = done - planned
    sets, negative when sets were skipped), ordered by week, day, position."""
    actor.require("read")
    q = (sa.select(*[plan_set_logs.c[c] for c in DEVIATION_COLUMNS])
         .where(plan_set_logs.c.team_id == actor.team_id)
         .order_by(plan_set_logs.c.week, plan_set_logs.c.day, plan_set_logs.c.position))
    if assignment_id is not None:
        q = q.where(plan_set_logs.c.assignment_id == assignment_id)
    if athlete_id is not None:
        q = q.where(plan_set_logs.c.athlete_id == athlete_id)
    with db.begin() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=DEVIATION_COLUMNS)


def adherence(frame: pd.DataFrame) -> float | None:
    """Share of planned sets done (0-1, capped at 1 per exercise), or None with nothing logged."""
    if frame.empty or frame["planned_sets"].sum() == 0:
        return None
    return float(frame[["done_sets", "planned_sets"]].min(axis=1).sum() / frame["planned_sets"].sum())
