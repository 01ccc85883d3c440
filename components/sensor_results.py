"""Showing a sensor result, from an upload or from storage: the counts, cadence over time,
walking bouts, step-time variability and the step times as CSV."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.sensor_charts import MAX_POINTS, cadence_figure, probability_figure, signal_figure
from core.sensors import bouts


FORMAT_LABELS = {"generic": "CSV with a header", "mapped": "CSV, columns as you mapped them",
                 "oxford": "Oxford step-counter (no header)", "headerless": "CSV without a header",
                 "awinda": "Xsens Awinda export", "geneactiv": "GENEActiv export", "empatica": "Empatica E4 ACC.csv",
                 "sensor_rows": "Several sensors, one row per reading (the accelerometer's rows read)",
                 "zip": "An app's zip export (the accelerometer's CSV read)"}
UNIT_LABELS = {"m/s^2": "m/s²"}  # as read (units.py) -> as shown
BASELINE_ALONE_MIN = 20  # baseline steps from which a count the model mostly refuses gets a word of explanation


def units_text(units: dict[str, str]) -> str:
    """'time ns, acc m/s²': the units a recording was read in."""
    return ", ".join(f"{k} {UNIT_LABELS.get(v, v)}" for k, v in units.items())


def difference(value: int, other: int, name: str) -> str:
    """A metric's delta text: '+3 vs model', or 'same as model' (no arrow for zero)."""
    return f"{value - other:+d} vs {name}" if value != other else f"same as {name}"


def cadence_metric(where, steps: np.ndarray) -> None:
    """The typical cadence, or a dash where there is no walking bout (not a cadence of 0)."""
    cadence = bouts.cadence_spm(steps)
    where.metric("Cadence (steps/min)", f"{cadence:.1f}" if cadence else "–",
                 help="Typical cadence while walking: from the median interval between steps within walking "
                      "bouts (a bout's own figure below is its steps over its duration)." if cadence else
                      f"No walking bout (at least {bouts.MIN_BOUT_STEPS} steps in a row).")


def show_counts(steps: np.ndarray, base_steps: np.ndarray, duration_s: float, rate_hz: float) -> None:
    c = st.columns(5)
    c[0].metric("Steps (model)", f"{len(steps):,}")
    c[1].metric("Steps (baseline)", f"{len(base_steps):,}", delta=difference(len(base_steps), len(steps), "model"),
                delta_color="off", delta_arrow="auto" if len(base_steps) != len(steps) else "off")
    cadence_metric(c[2], steps)
    c[3].metric("Duration (min)", f"{duration_s / 60:.1f}")
    c[4].metric("File rate (Hz)", f"{round(rate_hz, 1):g}")  # 217.3, 204.8, 60, 12.5
    if len(base_steps) >= BASELINE_ALONE_MIN and len(steps) < len(base_steps) / 2:
        st.caption("The classical detector counts any steady rhythm in the signal (pedalling with the phone in a "
                   "pocket, a bag bouncing); the model counts where a foot lands, and found far fewer of those here.")


CLOSER_LOOK_S = (10, 30, 60, 300)


def _window(t: np.ndarray, steps: np.ndarray, key: str) -> tuple[int, int, float, float] | None:
    """For a recording too long to draw sample by sample, the coach's choice: None for the whole
    recording (decimated, for the overview), else (first index, end index, start s, width s) of
    a window of it at full resolution."""
    if len(t) <= MAX_POINTS:
        return None
    c1, c2, c3 = st.columns([2, 1, 4], vertical_alignment="bottom")
    closer = c1.radio("Show", ["Whole recording", "A closer look"], horizontal=True, key=f"{key}_view",
                      help="The whole recording is drawn with fewer points (each stretch's lowest and highest "
                           "value), so zooming into it does not show single steps: take a closer look for that.")
    if closer == "Whole recording":
        return None
    width = c2.selectbox("Window", CLOSER_LOOK_S, index=1, format_func=lambda w: f"{w} s", key=f"{key}_width")
    # The slider spans the whole recording whatever the window (a new range would reset it); a
    # start too close to the end shows the last `width` seconds.
    end = float(t[-1])
    chosen = c3.slider("From (s)", 0, int(np.ceil(end)), int(steps[0]) if len(steps) else 0, key=f"{key}_from")
    start = max(0.0, min(float(chosen), end - width))
    i0, i1 = int(np.searchsorted(t, start)), int(np.searchsorted(t, start + width, side="right"))
    return i0, i1, start, float(width)


def _inside(times: np.ndarray, start: float, width: float) -> np.ndarray:
    return times[(times >= start) & (times <= start + width)]


def show_signal(acc: np.ndarray, rate_hz: float, steps: np.ndarray, base_steps: np.ndarray, key: str) -> None:
    """The signal as the model reads it, with the steps marked (a long recording whole or a window of it)."""
    t = np.arange(len(acc)) / rate_hz
    what = f"Signal as the model reads it ({rate_hz:g} Hz)"
    window = _window(t, steps, key)
    if window is None:
        st.plotly_chart(signal_figure(t, acc, steps, base_steps, title=what), width="stretch")
        return
    i0, i1, start, width = window
    inside = _inside(steps, start, width)
    st.plotly_chart(signal_figure(t[i0:i1], acc[i0:i1], inside, _inside(base_steps, start, width),
                                  title=f"{what}, {start:g}–{start + width:g} s: {len(inside)} steps"),
                    width="stretch")


def show_probability(prob: np.ndarray, rate_hz: float, threshold: float, picked: np.ndarray,
                     stored: np.ndarray, key: str) -> None:
    """The model's step probability with the threshold, the steps these settings pick and the
    stored steps they drop (a long recording whole or a window of it)."""
    t = np.arange(len(prob)) / rate_hz
    what = f"Step probability ({rate_hz:g} Hz)"
    window = _window(t, picked, key)
    if window is None:
        st.plotly_chart(probability_figure(t, prob, threshold, picked, stored, title=what), width="stretch")
        return
    i0, i1, start, width = window
    inside = _inside(picked, start, width)
    st.plotly_chart(probability_figure(t[i0:i1], prob[i0:i1], threshold, inside, _inside(stored, start, width),
                                       title=f"{what}, {start:g}–{start + width:g} s: {len(inside)} steps"),
                    width="stretch")


def show_walking(steps: np.ndarray, duration_s: float) -> None:
    """Cadence over time beside the walking bouts and the step-time variability."""
    left, right = st.columns(2)
    with left:
        st.subheader("Cadence over time")
        cad = bouts.cadence_over_time(steps, duration_s)
        if len(steps) < 2 or cad.empty:
            st.caption("Too few steps for a cadence curve.")
        else:
            st.plotly_chart(cadence_figure(cad), width="stretch")
            st.caption(f"Steps/min while walking, over {_span(cad.attrs['window_s'])} windows every "
                       f"{_span(cad.attrs['hop_s'])}; 0 where a window holds no walking." if len(cad) > 1 else
                       f"Steps/min while walking, over the whole {_span(cad.attrs['window_s'])} recording.")
    with right:
        st.subheader("Walking bouts")
        table = bouts.bouts_table(bouts.find_bouts(steps)).rename(columns={
            "start_s": "Start (s)", "end_s": "End (s)", "steps": "Steps", "cadence_spm": "Mean cadence (steps/min)"})
        if table.empty:
            st.caption(f"No walking bout (at least {bouts.MIN_BOUT_STEPS} steps, pauses under "
                       f"{bouts.MAX_STEP_GAP_S:g} s).")
        else:
            st.dataframe(table, hide_index=True, width="stretch", column_config={
                c: st.column_config.NumberColumn(format="%.1f") for c in ("Start (s)", "End (s)")} | {
                "Mean cadence (steps/min)": st.column_config.NumberColumn(
                    format="%.1f", help="The bout's steps over its duration (first to last step).")})
        var = bouts.step_time_variability(steps)
        st.caption("Step-time variability: the intervals between steps within bouts (mean, SD, coefficient "
                   "of variation).")
        v = st.columns(3)
        v[0].metric("Step time (ms)", f"{var['mean_s'] * 1000:.0f}" if var["mean_s"] is not None else "–")
        v[1].metric("SD (ms)", f"{var['sd_s'] * 1000:.0f}" if var["sd_s"] is not None else "–")
        v[2].metric("CV (%)", f"{var['cv_pct']:.1f}" if var["cv_pct"] is not None else "–")


def download_steps(steps: np.ndarray, file_name: str | None) -> None:
    stem = (file_name or "recording").split(".")[0]
    st.download_button("Download step times (CSV)", data=pd.DataFrame(
        {"step": np.arange(1, len(steps) + 1), "t_s": np.round(steps, 3)}).to_csv(index=False),
        file_name=f"{stem}_steps.csv", mime="text/csv")


def _span(seconds: float) -> str:
    """'10 s', '1.5 min': how long a cadence window is, in the unit a coach reads it in."""
    return f"{seconds:.3g} s" if seconds < 60 else f"{seconds / 60:.1f} min".replace(".0 min", " min")
