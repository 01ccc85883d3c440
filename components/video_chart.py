"""Chart of an analysis' primary signal (e.g. knee angle) over time, with rep boundaries,
bottoms and faults marked."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.video.analysis import VideoAnalysis

_UNIT_LABEL = {"deg": "degrees", "degrees": "degrees", "%": "%", "": ""}


def signal_axis_title(analysis: VideoAnalysis) -> str:
    name = (analysis.signal_name or "signal").replace("_", " ").capitalize()
    unit = _UNIT_LABEL.get(analysis.signal_unit or "", analysis.signal_unit)
    return f"{name} ({unit})" if unit else name


def angle_figure(analysis: VideoAnalysis, height: int = 360) -> go.Figure:
    """Plotly figure: the signal (line, gaps where no person), each rep shaded from start to
    end and numbered, its bottom as a dot, and every fault as a red mark over its time span."""
    t = np.asarray(analysis.signal_t, float)
    v = np.asarray(analysis.signal, float)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=t, y=v, mode="lines", name=signal_axis_title(analysis),
                             line=dict(color="#1c7ed6", width=2), connectgaps=False,
                             hovertemplate="%{x:.2f} s: %{y:.1f}<extra></extra>"))
    finite = v[np.isfinite(v)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    pad = max(1.0, 0.08 * (hi - lo))
    bottoms_x, bottoms_y, bottoms_text = [], [], []
    fx, fy, ftext = [], [], []
    for i, rep in enumerate(analysis.rep_details, start=1):
        s, e = rep.get("start_s"), rep.get("end_s")
        if s is not None and e is not None:
            fig.add_vrect(x0=s, x1=e, fillcolor="#40c057", opacity=0.12, line_width=0,
                          annotation_text=str(i), annotation_position="top left")
        b = rep.get("bottom_s")
        if b is not None and len(t):
            j = int(np.clip(np.searchsorted(t, b), 0, len(t) - 1))
            bottoms_x.append(b); bottoms_y.append(v[j] if np.isfinite(v[j]) else None)
            depth = rep.get("depth_pct")
            bottoms_text.append(f"Rep {i} bottom" + (f", depth {depth:.0f}% of target" if depth is not None else ""))
        for f in rep.get("faults") or []:
            fs = f.get("start_s", s)
            fe = f.get("end_s", fs)
            if fs is None:
                continue
            msg = f.get("message") or str(f.get("name", "fault")).replace("_", " ")
            fig.add_shape(type="line", x0=fs, x1=max(fe, fs), y0=hi + pad, y1=hi + pad,
                          line=dict(color="#e03131", width=6))
            fx.append(fs); fy.append(hi + pad); ftext.append(f"Rep {i}: {msg} ({fs:.2f}-{fe:.2f} s)")
    if bottoms_x:
        fig.add_trace(go.Scatter(x=bottoms_x, y=bottoms_y, mode="markers", name="Rep bottom",
                                 marker=dict(color="#2b8a3e", size=9), text=bottoms_text,
                                 hovertemplate="%{text}<extra></extra>"))
    if fx:
        fig.add_trace(go.Scatter(x=fx, y=fy, mode="markers", name="Fault",
                                 marker=dict(color="#e03131", size=10, symbol="x"), text=ftext,
                                 hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
                      legend=dict(orientation="h", y=1.12, x=0),
                      xaxis_title="Time (s)", yaxis_title=signal_axis_title(analysis))
    fig.update_yaxes(range=[lo - pad, hi + 2.5 * pad])
    return fig
