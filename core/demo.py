"""A realistic demo team so a new user sees real charts at once.

Four athletes, six weeks of sessions (lifting, runs, conditioning) with a heart-rate
trace at 1 Hz and per-session summary metrics, six weeks of daily check-ins (simulated,
ending today) for the readiness pages, and a 3-day strength plan assigned from this week.
Deterministic (seeded) and idempotent: loading twice adds nothing.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from core import athletes, metrics, sessions
from core.actor import Actor
from core.errors import UserError
from core.plans import catalogue as plan_catalogue
from core.plans import generator
from core.plans import store as plan_store
from core.reco import sample_data
from core.storage import Database

DEMO_ATHLETES = {
    # name: (resting HR, max HR, sessions per week)
    "Maya Okafor": (52, 192, 4),
    "Lucas \"Tank\" Brennan": (60, 185, 3),
    "Sofia Lindqvist": (48, 196, 5),
    "Kenji Watanabe": (56, 188, 3),
}
SESSION_TYPES = [  # kind, notes, minutes, intensity (share of HR reserve)
    # Logged sessions ("manual"): a "video" or "sensor" session is one made by an analysis,
    # and the demo has no clips or recordings behind its sessions.
    ("manual", "Lower body: back squat 5x5", 55, 0.55),
    ("manual", "Easy run", 40, 0.65),
    ("manual", "Conditioning intervals", 35, 0.8),
    ("manual", "Upper body: push-ups and curls", 45, 0.5),
]
MAX_WEEKS = 52
INTERVALS_FROM = 0.75  # session types this hard (share of HR reserve) are intervals; easier ones steady


@dataclass
class DemoSummary:
    athletes: int
    sessions: int
    samples: int
    checkins: int = 0
    plans_assigned: int = 0


def heart_rate_trace(rng: np.random.Generator, minutes: int, rest: int, peak: int, intensity: float,
                     intervals: bool = True) -> pd.DataFrame:
    """1 Hz heart rate: warm-up ramp, work (4-min intervals, or steady), cool-down (bpm)."""
    n = minutes * 60
    t = np.arange(n, dtype=float)
    target = rest + intensity * (peak - rest)
    ramp = np.clip(t / 300.0, 0, 1)
    cool = np.clip((n - t) / 240.0, 0, 1)
    swing = 0.08 * (peak - rest) * np.sign(np.sin(2 * np.pi * t / 240.0)) if intervals else 0.0
    hr = rest + (target - rest) * ramp * cool + swing * ramp * cool
    hr += np.cumsum(rng.normal(0, 0.4, n)) * 0.05 + rng.normal(0, 1.0, n)
    return pd.DataFrame({"t": t, "name": "heart_rate_bpm", "value": np.round(hr, 1)})


def loaded(db: Database, actor: Actor) -> bool:
    """Every demo athlete is in the team already (loading again would add nothing)."""
    return all(athletes.find(db, actor, name) for name in DEMO_ATHLETES)


def load(db: Database, actor: Actor, weeks: int = 6, today: datetime | None = None, seed: int = 7) -> DemoSummary:
    """Seed the demo team; athletes that already exist are left as they are."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise UserError(f"The demo covers 1 to {MAX_WEEKS} weeks, not {weeks}.", "give --weeks between 1 and "
                        f"{MAX_WEEKS}")
    rng = np.random.default_rng(seed)
    today = (today or datetime.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(weeks=weeks)
    added = DemoSummary(0, 0, 0)
    new_ids = []
    for name, (rest, peak, per_week) in DEMO_ATHLETES.items():
        if athletes.find(db, actor, name):
            continue
        # One transaction per athlete: a failure leaves no half-seeded athlete behind.
        with db.begin() as conn:
            athlete_id = athletes.insert(conn, actor, name)
            new_ids.append(athlete_id)
            added.athletes += 1
            for week in range(weeks):
                days = sorted(rng.choice(7, size=per_week, replace=False))
                for i, day in enumerate(days):
                    kind, notes, minutes, intensity = SESSION_TYPES[(week + i) % len(SESSION_TYPES)]
                    minutes = int(minutes * rng.uniform(0.85, 1.15))
                    when = start + timedelta(days=7 * week + int(day), hours=int(rng.integers(6, 19)))
                    sid = sessions.insert(conn, actor, athlete_id, kind, when, duration_s=minutes * 60.0, notes=notes)
                    trace = heart_rate_trace(rng, minutes, rest, peak, intensity * rng.uniform(0.9, 1.1),
                                             intervals=intensity >= INTERVALS_FROM)
                    rpe = float(np.clip(round(2 + 8 * intensity + rng.normal(0, 0.8)), 1, 10))
                    summary = pd.DataFrame({"t": 0.0, "name": ["rpe", "load_au"],
                                            "value": [rpe, rpe * minutes]})
                    added.samples += metrics.insert(conn, actor, sid, pd.concat([trace, summary]))
                    added.sessions += 1
    if new_ids:
        added.checkins = sample_data.seed_checkins(db, actor, days=7 * weeks, today=today.date(),
                                                   seed=seed, athlete_ids=new_ids)
        added.plans_assigned = _assign_demo_plan(db, actor, new_ids, today.date())
    return added


def _assign_demo_plan(db: Database, actor: Actor, athlete_ids: list[int], today: date) -> int:
    """A 3-day beginner strength plan, assigned to each demo athlete from this week's Monday."""
    plan_catalogue.sync(db)
    plan = generator.generate("strength", "beginner", days_per_week=3, weeks=6, session_minutes=60,
                              equipment=("dumbbell", "bench", "band"), seed=1)
    plan["name"] = "Demo: beginner strength, 3 days"
    stored = plan_store.save(db, actor, plan)
    monday = today - timedelta(days=today.weekday())
    for athlete_id in athlete_ids:
        plan_store.assign(db, actor, stored.id, athlete_id, monday)
    return len(athlete_ids)
