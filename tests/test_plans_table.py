"""Plan <-> flat table (the editor grid and CSV), and the week calendar."""
import io

import pandas as pd

from core.plans import generator, schema, table


def plan():
    return generator.generate("general_fitness", "intermediate", 3, 5, 45, ("dumbbell", "bench", "band"))


def header(p):
    return {k: p[k] for k in ("name", "goal", "level", "archetype", "description")}


def test_round_trip_through_the_table_and_csv():
    p = plan()
    frame = table.to_frame(p)
    assert list(frame.columns) == table.TABLE_COLUMNS
    assert len(frame) == sum(len(d["exercises"]) for w in p["weeks"] for d in w["days"])
    back, where = table.from_frame(header(p), frame, notes_from=p)
    assert back == p and schema.validate(back) == []
    csv_back, _ = table.from_frame(header(p), pd.read_csv(io.StringIO(table.to_csv(p))), notes_from=p)
    assert csv_back == p
    bare, _ = table.from_frame(header(p), frame)  # without the original, only week notes are lost
    assert "notes" in p["weeks"][3] and "notes" not in bare["weeks"][3]


def test_edits_land_in_the_right_place_and_errors_point_at_rows():
    p = plan()
    frame = table.to_frame(p)
    frame.loc[2, "sets"] = 0
    frame.loc[len(frame)] = {"week": 1, "day": 1, "slug": "plank", "sets": 2, "duration_s": 30, "rest_s": 30}
    frame.loc[len(frame)] = {c: None for c in table.TABLE_COLUMNS}  # blank row left in the editor
    edited, where = table.from_frame(header(p), frame)
    assert edited["weeks"][0]["days"][0]["exercises"][-1]["slug"] == "plank"
    errors = schema.validate(edited)
    assert [e.path for e in errors] == ["weeks[0].days[0].exercises[2].sets"]
    assert table.row_of(errors[0].path, where) == 2
    assert table.row_of("weeks[0].days[0].exercises[%d]" % (len(edited["weeks"][0]["days"][0]["exercises"]) - 1),
                        where) == len(frame) - 2
    assert table.row_of("name", where) is None


def test_wrong_cells_become_schema_errors_not_crashes():
    p = plan()
    frame = table.to_frame(p).astype(object)
    frame.loc[0, "sets"] = "three"
    frame.loc[1, "reps"] = 7.5
    frame.loc[3, "week"] = None
    edited, where = table.from_frame(header(p), frame)
    paths = [e.path for e in schema.validate(edited)]
    assert "weeks[0].days[0].exercises[0].sets" in paths and "weeks[0].days[0].exercises[1].reps" in paths
    assert any(x.endswith(".week") for x in paths)


def test_calendar_has_a_row_per_week_and_rest_days_empty():
    p = plan()
    cal = table.calendar(p, lambda ex: generator.estimate_seconds(ex) / 60)
    assert list(cal.columns) == ["Week"] + [f"Day {d}" for d in range(1, 8)]
    assert len(cal) == 5 and cal.loc[3, "Week"] == "Week 4 (deload)"
    assert cal.loc[0, "Day 2"] == "" and cal.loc[0, "Day 1"].startswith("Full body A · ")
    day = p["weeks"][0]["days"][0]["exercises"]
    assert f"{len(day)} exercises · {sum(e['sets'] for e in day)} sets · ≈" in cal.loc[0, "Day 1"]
    assert "min" not in table.calendar(p).loc[0, "Day 1"]
