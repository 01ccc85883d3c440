"""Charts of a sensor analysis: the signal with every step marked, and cadence over time."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.sensors.decimation import minmax_decimate


MAX_POINTS = 20000  # more samples than this are drawn decimated (min and max of each bucket)
MIN_SIGNAL_SPAN_MS2 = 6.0  # the |acc| axis spans at least this much (a step swings it by 5-15 m/s^2)


def signal_figure(t: np.ndarray, acc: np.ndarray, steps: np.ndarray, baseline: np.ndarray | None = None,
                  max_points: int = MAX_POINTS, height: int = 380, title: str = "Signal") -> go.Figure:
    """|acc| (m/s^2) over time (s), decimated for long files, model steps as dots on the
    signal and baseline steps as small ticks below it. Decimated, the line is each
    stretch's min and max, so a dot put on it lands anywhere in the band: the model's
    steps are then ticks above the signal, as the baseline's are below. Zoom with the mouse."""
    mag = np.sqrt(np.einsum("ij,ij->i", acc, acc))
    td, md = minmax_decimate(t, mag, max_points)
    decimated = len(td) < len(mag)
    fig = go.Figure()
    fig.add_trace(go.Scattergl(x=td, y=md, mode="lines", name="|acc| (m/s²)", line=dict(color="#1c7ed6", width=1),
                               hovertemplate="%{x:.2f} s: %{y:.2f} m/s²<extra></extra>"))
    if len(steps) and decimated:
        high = float(mag.max()) + 0.5  # the line reaches the max anyway, so the axis does not grow
        fig.add_trace(go.Scattergl(x=steps, y=np.full(len(steps), high), mode="markers", name="step (model)",
                                   marker=dict(color="#d9480f", size=6, symbol="line-ns-open"),
                                   hovertemplate="step at %{x:.2f} s<extra></extra>"))
    elif len(steps):
        fig.add_trace(go.Scattergl(x=steps, y=np.interp(steps, t, mag), mode="markers", name="step (model)",
                                   marker=dict(color="#d9480f", size=7 if len(steps) <= 1000 else 4),
                                   hovertemplate="step at %{x:.2f} s<extra></extra>"))
    if baseline is not None and len(baseline):
        low = float(np.percentile(mag, 1)) - 0.5 if len(mag) else 0.0
        fig.add_trace(go.Scattergl(x=baseline, y=np.full(len(baseline), low), mode="markers", name="step (baseline)",
                                   marker=dict(color="#868e96", size=6, symbol="line-ns-open"),
                                   hovertemplate="baseline step at %{x:.2f} s<extra></extra>"))
    note = f" (showing {len(td):,} of {len(mag):,} points)" if decimated else ""
    if len(mag) and float(mag.max() - mag.min()) < MIN_SIGNAL_SPAN_MS2:
        mid = float(mag.max() + mag.min()) / 2  # standing: sensor noise must not fill the chart like walking
        fig.update_yaxes(range=[mid - MIN_SIGNAL_SPAN_MS2 / 2, mid + MIN_SIGNAL_SPAN_MS2 / 2])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), title=dict(text=title + note, font=dict(size=13)),
                      xaxis_title="Time (s)", yaxis_title="|acc| (m/s²)", legend=dict(orientation="h", y=-0.2))
    return fig


def probability_figure(t: np.ndarray, prob: np.ndarray, threshold: float, picked: np.ndarray,
                       stored: np.ndarray | None = None, max_points: int = MAX_POINTS, height: int = 300,
                       title: str = "Step probability") -> go.Figure:
    """The model's step probability over time (s), the threshold as a dashed line, the steps
    `picked` (dots on their peaks; ticks above the curve when it is decimated) and the
    `stored` steps that `picked` no longer holds (crosses), so a researcher sees which peaks
    a setting keeps or drops. A picked step that is not on a peak (filled in from the walking
    rhythm, or the baseline's in a walk the model missed) shows where the curve is low."""
    prob = np.asarray(prob, float)
    td, yd = minmax_decimate(t, prob, max_points)
    decimated = len(td) < len(prob)
    fig = go.Figure()
    fig.add_trace(go.Scattergl(x=td, y=yd, mode="lines", name="step probability", line=dict(color="#7048e8", width=1),
                               hovertemplate="%{x:.2f} s: %{y:.2f}<extra></extra>"))

    def on_curve(x: np.ndarray) -> np.ndarray:
        return np.interp(x, t, prob) if len(t) else np.zeros(len(x))

    if len(picked):
        fig.add_trace(go.Scattergl(x=picked, y=np.full(len(picked), 1.04) if decimated else on_curve(picked),
                                   mode="markers", name="step (these settings)",
                                   marker=dict(color="#d9480f", size=6 if decimated else 7,
                                               symbol="line-ns-open" if decimated else "circle"),
                                   hovertemplate="step at %{x:.2f} s<extra></extra>"))
    if stored is not None and len(stored):
        sample_s = float(t[1] - t[0]) if len(t) > 1 else 0.04
        gone = stored[~has_neighbour(stored, picked, sample_s / 2)]
        if len(gone):
            fig.add_trace(go.Scattergl(x=gone, y=on_curve(gone), mode="markers", name="stored step, dropped",
                                       marker=dict(color="#495057", size=8, symbol="x-thin-open", line=dict(width=2)),
                                       hovertemplate="stored step at %{x:.2f} s, not picked<extra></extra>"))
    fig.add_hline(y=threshold, line=dict(color="#868e96", dash="dash", width=1),
                  annotation_text=f"threshold {threshold:g}", annotation_position="top right",
                  annotation_bgcolor="rgba(255,255,255,0.85)")
    note = f" (showing {len(td):,} of {len(prob):,} points)" if decimated else ""
    fig.update_yaxes(range=[0, 1.08])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), title=dict(text=title + note, font=dict(size=13)),
                      xaxis_title="Time (s)", yaxis_title="Probability", legend=dict(orientation="h", y=-0.25))
    return fig


def has_neighbour(a: np.ndarray, b: np.ndarray, tol: float) -> np.ndarray:
    """For each time in `a`, whether `b` (sorted) holds one within `tol` of it."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if not len(b):
        return np.zeros(len(a), bool)
    i = np.clip(np.searchsorted(b, a), 1, len(b) - 1) if len(b) > 1 else np.zeros(len(a), int)
    nearest = np.minimum(np.abs(b[i] - a), np.abs(b[np.maximum(i - 1, 0)] - a))
    return nearest <= tol


MIN_CADENCE_SPAN_SPM = 30.0  # the cadence axis spans at least this much


def cadence_figure(cadence: pd.DataFrame, height: int = 280) -> go.Figure:
    fig = go.Figure(go.Scatter(x=cadence["t_s"] / 60, y=cadence["cadence_spm"], mode="lines",
                               line=dict(color="#2f9e44", width=2),
                               hovertemplate="%{x:.1f} min: %{y:.0f} steps/min<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), xaxis_title="Time (min)",
                      yaxis_title="Cadence (steps/min)")
    c = cadence["cadence_spm"]
    if len(c) and (c > 0).all() and c.max() - c.min() < MIN_CADENCE_SPAN_SPM:
        mid = (c.max() + c.min()) / 2  # a steady walk throughout: keep 3 steps/min from looking like a swing
        fig.update_yaxes(range=[mid - MIN_CADENCE_SPAN_SPM / 2, mid + MIN_CADENCE_SPAN_SPM / 2])
    return fig
