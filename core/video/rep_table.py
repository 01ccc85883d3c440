"""The per-rep table of an analysis, with units in the column names (page table and CSV).

Columns: rep, side, start/bottom/end (s from clip start), duration (s), depth or range of motion (% of the
exercise's target), tempo down/pause/up (s), faults (names; `fault_details` in the CSV gives
each fault's message and time span). Other numeric keys a counter adds come after, as named.
"""
from __future__ import annotations

import io
import math

import pandas as pd

from core.video.analysis import VideoAnalysis

# (key in the rep object, column title with unit)
COLUMNS = (
    ("side", "Side"),
    ("start_s", "Start (s)"),
    ("bottom_s", "Bottom (s)"),
    ("end_s", "End (s)"),
    ("duration_s", "Duration (s)"),
    ("depth_pct", "Depth / ROM (% of target)"),
    ("down_s", "Down (s)"),
    ("pause_s", "Pause (s)"),
    ("up_s", "Up (s)"),
)
_KNOWN = {k for k, _ in COLUMNS} | {"faults", "rep"}


def _round(v, nd=2):
    if isinstance(v, float):
        return round(v, nd) if math.isfinite(v) else None
    return v


def _fault_names(faults) -> str:
    return ", ".join(dict.fromkeys(str(f.get("name", "fault")).replace("_", " ") for f in faults or []))


def _fault_details(faults) -> str:
    parts = []
    for f in faults or []:
        span = ""
        if f.get("start_s") is not None:
            span = f" ({float(f['start_s']):.2f}-{float(f.get('end_s', f['start_s'])):.2f} s)"
        parts.append(f"{f.get('message') or f.get('name', 'fault')}{span}")
    return "; ".join(parts)


def rep_frame(analysis: VideoAnalysis, details: bool = False) -> pd.DataFrame:
    """One row per rep. `details=True` adds the fault messages with their time spans and any
    other scalar keys of the rep objects (for CSV)."""
    rows = []
    extras: list[str] = []
    for rep in analysis.rep_details:
        for k, v in rep.items():
            if k not in _KNOWN and k not in extras and isinstance(v, (int, float, str, bool)) and v is not None:
                extras.append(k)
    for i, rep in enumerate(analysis.rep_details, start=1):
        row = {"Rep": i}
        for key, title in COLUMNS:
            row[title] = _round(rep.get(key), 1 if key == "depth_pct" else 2)
        row["Faults"] = _fault_names(rep.get("faults"))
        if details:
            row["Fault details"] = _fault_details(rep.get("faults"))
            for k in extras:
                row[k] = _round(rep.get(k), 3)
        rows.append(row)
    cols = ["Rep"] + [t for _, t in COLUMNS] + ["Faults"] + (["Fault details"] + extras if details else [])
    frame = pd.DataFrame(rows, columns=cols)
    # drop columns no rep has (e.g. side for a two-sided exercise counter that omits it)
    empty = [c for c in frame.columns if len(frame) and c != "Rep" and frame[c].isna().all()]
    return frame.drop(columns=empty)


def rep_csv(analysis: VideoAnalysis) -> bytes:
    """The per-rep table as UTF-8 CSV (with fault details and extra per-rep keys)."""
    buf = io.StringIO()
    rep_frame(analysis, details=True).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")
