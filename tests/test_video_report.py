"""Per-rep table (units in every column title, CSV with fault details) and the angle chart
(rep bands, bottoms, faults, axis titles with units)."""
import io

import pandas as pd

from components.video_chart import angle_figure
from core.video.rep_table import rep_csv, rep_frame
from tests.video_samples import synthetic_analysis


def test_rep_table_has_units_and_faults():
    a = synthetic_analysis(reps=2)
    a.rep_details[0].update(rep=1, duration_s=2.0, measured_side="left")
    t = rep_frame(a)
    assert list(t["Rep"]) == [1, 2]
    for col in t.columns:
        assert col in ("Rep", "Side", "Faults") or col.endswith("(s)") or "%" in col, col
    assert t.loc[1, "Faults"] == "shallow depth" and t.loc[0, "Faults"] == ""
    assert t.loc[0, "Depth / ROM (% of target)"] == 95.0
    csv = pd.read_csv(io.BytesIO(rep_csv(a)))
    assert "Not deep enough (3.90-4.10 s)" in csv.loc[1, "Fault details"]
    assert "measured_side" in csv.columns and "rep" not in csv.columns  # extras kept, no duplicate


def test_rep_table_without_reps_is_empty_not_broken():
    a = synthetic_analysis(reps=0)
    assert rep_frame(a).empty
    assert rep_csv(a).decode().startswith("Rep,Side,Start (s)")


def test_angle_chart_marks_reps_bottoms_and_faults():
    a = synthetic_analysis(reps=2)
    fig = angle_figure(a)
    names = [tr.name for tr in fig.data]
    assert names[0] == "Knee angle (degrees)" and "Rep bottom" in names and "Fault" in names
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(b.x0, b.x1) for b in bands] == [(1.0, 3.0), (3.0, 5.0)]
    fault = next(tr for tr in fig.data if tr.name == "Fault")
    assert "Not deep enough" in fault.text[0]
    assert fig.layout.xaxis.title.text == "Time (s)" and fig.layout.yaxis.title.text == "Knee angle (degrees)"
