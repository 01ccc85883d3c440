"""A plan as a flat table (one row per exercise) and back: for editing in a grid and CSV export.

`to_frame(plan)` -> columns TABLE_COLUMNS, in plan order. `from_frame(header, frame)` groups
rows by week then day (numbers sorted; rows keep their order inside a day) and returns the plan
dict plus where each exercise came from, so schema errors can point at a table row.
"""
import io
import math

import pandas as pd

TABLE_COLUMNS = ["week", "deload", "day", "title", "slug", "sets", "reps", "duration_s", "rest_s", "rpe",
                 "load_pct_1rm", "load_kg", "notes"]
_INT_COLUMNS = {"week", "day", "sets", "reps", "duration_s", "rest_s"}
_EXERCISE_FIELDS = ["slug", "sets", "reps", "duration_s", "rest_s", "rpe", "load_pct_1rm", "load_kg", "notes"]


def to_frame(plan: dict) -> pd.DataFrame:
    rows = []
    for w in plan.get("weeks", []):
        for d in w.get("days", []):
            for e in d.get("exercises", []):
                rows.append({"week": w.get("week"), "deload": bool(w.get("deload", False)), "day": d.get("day"),
                             "title": d.get("title"), **{k: e.get(k) for k in _EXERCISE_FIELDS}})
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for c in _INT_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    for c in ("rpe", "load_pct_1rm", "load_kg"):
        frame[c] = frame[c].astype("Float64")
    return frame


def _cell(value, column: str):
    """A table cell as plan JSON: empty -> None, whole floats in count columns -> int."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if column in _INT_COLUMNS | {"rpe", "load_pct_1rm", "load_kg"}:
            try:
                value = float(value)
            except ValueError:
                return value  # the schema reports it, at its path
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar -> Python
    if column in _INT_COLUMNS and isinstance(value, float) and value.is_integer():
        return int(value)
    if column == "deload":
        return bool(value)
    return value


def from_frame(header: dict, frame: pd.DataFrame, notes_from: dict | None = None
               ) -> tuple[dict, dict[tuple[int, int, int], int]]:
    """(plan dict, {(week index, day index, exercise index): table row position}).

    `header` gives name, goal, level (and optionally archetype, description). Rows without a
    week or day number are grouped under week/day None, which the schema then reports.
    Week and day notes are not table columns; they are kept from `notes_from` (the plan
    before editing) for the same week and day numbers."""
    week_notes = {w.get("week"): w.get("notes") for w in (notes_from or {}).get("weeks", [])}
    day_notes = {(w.get("week"), d.get("day")): d.get("notes")
                 for w in (notes_from or {}).get("weeks", []) for d in w.get("days", [])}
    plan = {k: v for k, v in header.items() if v is not None}
    weeks: dict = {}
    rows: dict = {}
    for pos, (_, r) in enumerate(frame.reset_index(drop=True).iterrows()):
        if all(_cell(r.get(c), c) is None for c in ("slug", "sets", "reps", "duration_s")):
            continue  # a blank row left in the editor
        wk, dy = _cell(r.get("week"), "week"), _cell(r.get("day"), "day")
        week = weeks.setdefault(wk, {"deload": False, "days": {}})
        week["deload"] = week["deload"] or bool(_cell(r.get("deload"), "deload") or False)
        day = week["days"].setdefault(dy, {"title": None, "exercises": []})
        day["title"] = day["title"] or _cell(r.get("title"), "title")
        ex = {k: _cell(r.get(k), k) for k in _EXERCISE_FIELDS}
        day["exercises"].append({k: v for k, v in ex.items() if v is not None})
        rows.setdefault((wk, dy), []).append(pos)

    def order(x):
        return (x is None or not isinstance(x, (int, float)), x if isinstance(x, (int, float)) else 0)

    plan["weeks"] = []
    where: dict[tuple[int, int, int], int] = {}
    for wi, wk in enumerate(sorted(weeks, key=order)):
        w = weeks[wk]
        days = []
        for di, dy in enumerate(sorted(w["days"], key=order)):
            d = w["days"][dy]
            entry = {"day": dy}
            if d["title"]:
                entry["title"] = d["title"]
            entry["exercises"] = d["exercises"]
            if day_notes.get((wk, dy)):
                entry["notes"] = day_notes[(wk, dy)]
            days.append(entry)
            for ei, pos in enumerate(rows[(wk, dy)]):
                where[(wi, di, ei)] = pos
        plan["weeks"].append({"week": wk, "deload": w["deload"], "days": days})
        if week_notes.get(wk):
            plan["weeks"][-1]["notes"] = week_notes[wk]
    return plan, where


def row_of(path: str, where: dict[tuple[int, int, int], int]) -> int | None:
    """Table row (0-based) an error path such as weeks[0].days[1].exercises[2].sets points into."""
    import re
    m = re.match(r"weeks\[(\d+)\]\.days\[(\d+)\]\.exercises\[(\d+)\]", path)
    return where.get(tuple(int(g) for g in m.groups())) if m else None


def to_csv(plan: dict) -> str:
    buf = io.StringIO()
    to_frame(plan).to_csv(buf, index=False)
    return buf.getvalue()


def calendar(plan: dict, minutes=None) -> pd.DataFrame:
    """Weeks as rows, plan days 1-7 as columns. A training day's cell reads
    `Title · N exercises · S sets` (and `· ≈M min` when `minutes(exercises)` is given); rest
    days are empty. Sets per day make the build-up and the deload weeks visible at a glance."""
    cols = [f"Day {d}" for d in range(1, 8)]
    out = []
    for w in plan.get("weeks", []):
        row = {"Week": f"Week {w.get('week')}" + (" (deload)" if w.get("deload") else "")}
        row.update({c: "" for c in cols})
        for d in w.get("days", []):
            ex = d.get("exercises", [])
            parts = [d.get("title") or "Workout", f"{len(ex)} exercises",
                     f"{sum(int(e.get('sets') or 0) for e in ex)} sets"]
            if minutes is not None:
                parts.append(f"≈{minutes(ex):.0f} min")
            row[f"Day {d.get('day')}"] = " · ".join(parts)
        out.append(row)
    return pd.DataFrame(out, columns=["Week"] + cols)
