"""Showing one stored video analysis: overlay clip, figures, per-rep table, angle chart,
downloads, and the researcher's re-count from the stored landmarks."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.state import show_error
from components.video_chart import angle_figure, signal_axis_title
from core.actor import Actor
from core.errors import UserError
from core.storage import Database
from core.video import store
from core.video.analysis import VideoAnalysis
from core.video.rep_table import rep_csv, rep_frame

EXERCISE_LABELS = {"auto": "Recognise automatically", "squat": "Squat", "pushup": "Push-up",
                   "bicep_curl": "Biceps curl", "lunge": "Lunge", "jumping_jack": "Jumping jack"}


PARAM_WORDS = {"rest": "Rest", "enter": "Rep starts past", "count": "Counts once past", "exit": "Rep ends past",
               "target": "Target (100 % depth)", "min_rep_s": "Shortest rep", "max_rep_s": "Longest rep",
               "max_gap_s": "Longest gap without the person", "smooth_hz": "Smoothing cut-off",
               "min_visibility": "Landmark visibility needed"}
DEPTH = "Depth / ROM (% of target)"
DEPTH_HELP = ("100 % is the exercise's target (squat and lunge: hip crease at knee height; push-up: elbows at "
              "90 deg; curl: elbow at 45 deg); above 100 % went deeper than the target.")


def exercise_label(slug: str) -> str:
    return EXERCISE_LABELS.get(slug, slug.replace("_", " ").capitalize())


@st.cache_data(show_spinner=False, max_entries=8)
def _load(location: str, team_id: str, analysis_id: int, _db: Database, _actor: Actor) -> store.StoredAnalysis:
    return store.load(_db, _actor, analysis_id)


@st.cache_data(show_spinner=False, max_entries=4)
def _overlay(location: str, team_id: str, analysis_id: int, _db: Database, _actor: Actor) -> bytes | None:
    return store.overlay_bytes(_db, _actor, analysis_id)


@st.cache_data(show_spinner=False, max_entries=4)
def _parquet(location: str, team_id: str, analysis_id: int, _track) -> bytes:
    return _track.to_parquet_bytes()


def _file_stem(summary: store.AnalysisSummary) -> str:
    base = (summary.file_name or "clip").rsplit(".", 1)[0]
    return f"{base}_{summary.exercise}_{summary.id}"


def show_figures(a: VideoAnalysis) -> None:
    cols = st.columns(4)
    cols[0].metric("Reps", a.reps)
    cols[1].metric("Exercise", exercise_label(a.exercise))
    cols[2].metric("Clip length", f"{a.duration_s:.1f} s")
    faulty = sum(bool(r.get("faults")) for r in a.rep_details)
    cols[3].metric("Reps with a fault", f"{faulty} of {a.reps}" if a.reps else "–")


def show_reps_and_chart(a: VideoAnalysis, key: str) -> None:
    if a.reps:
        frame = rep_frame(a)
        frame["Faults"] = frame["Faults"].replace("", "none")
        seconds = [c for c in frame.columns if c.endswith("(s)")]
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            **{c: st.column_config.NumberColumn(format="%.2f") for c in seconds},
            DEPTH: st.column_config.NumberColumn(format="%.0f", help=DEPTH_HELP)})
        st.caption(f"{DEPTH}: {DEPTH_HELP}")
    else:
        st.info("No rep was counted in this clip.")
    if len(a.signal_t):
        st.plotly_chart(angle_figure(a), width="stretch", key=f"chart_{key}")
        st.caption(f"{signal_axis_title(a)} over time. Green bands: counted reps (numbered), dots: "
                   "rep bottoms, red marks: faults (hover for details). Gaps: no person in frame.")


def show_analysis(db: Database, me: Actor, analysis_id: int) -> None:
    """The whole result view of a stored analysis."""
    try:
        stored = _load(db.location, me.team_id, analysis_id, db, me)
    except UserError as e:
        show_error(e)
        return
    s, a = stored.summary, stored.analysis
    st.subheader(f"{exercise_label(a.exercise)}: {a.reps} rep{'s' if a.reps != 1 else ''}"
                 f" · {s.file_name or 'clip'}")
    asked = "recognised automatically" if s.exercise_requested == "auto" else "as chosen"
    took = (f"counting took {a.processing_s:.1f} s (pose from analysis {s.pose_from_analysis_id})"
            if s.pose_from_analysis_id else f"pose and counting took {a.processing_s:.1f} s")
    st.caption(f"Analysed {s.created_at:%Y-%m-%d %H:%M} UTC · {took} · exercise {asked}")
    show_figures(a)
    recognised = [w for w in a.warnings if w.startswith("Exercise recognised automatically")]
    for w in [w for w in recognised if "unsure" in w] + [w for w in a.warnings if w not in recognised]:
        st.warning(w)  # a doubt about the exercise first: it puts the whole count in question

    overlay = _overlay(db.location, me.team_id, s.id, db, me) if s.has_overlay else None
    if overlay is None and s.pose_from_analysis_id:
        try:
            overlay = _overlay(db.location, me.team_id, s.pose_from_analysis_id, db, me)
            if overlay:
                st.caption("The clip below was drawn with the original count.")
        except UserError:
            overlay = None
    if overlay:
        st.video(overlay, format="video/mp4")
    else:
        st.info("No overlay clip is stored for this analysis.")

    show_reps_and_chart(a, key=str(s.id))

    stem = _file_stem(s)
    c1, c2, c3 = st.columns(3)
    if overlay:
        c1.download_button("Overlay clip (MP4)", overlay, file_name=f"{stem}_overlay.mp4", mime="video/mp4",
                           key=f"dl_mp4_{s.id}")
    c2.download_button("Per-rep table (CSV)", rep_csv(a), file_name=f"{stem}_reps.csv", mime="text/csv",
                       key=f"dl_csv_{s.id}")
    if a.track is not None:
        c3.download_button("Landmarks (Parquet)", _parquet(db.location, me.team_id, s.id, a.track),
                           file_name=f"{stem}_landmarks.parquet", mime="application/octet-stream",
                           key=f"dl_pq_{s.id}")
    _researcher(db, me, stored)


def _researcher(db: Database, me: Actor, stored: store.StoredAnalysis) -> None:
    s, a = stored.summary, stored.analysis
    with st.expander("Researcher: thresholds and re-count from the stored landmarks"):
        if a.track is None:
            st.info("This analysis has no stored landmarks.")
            return
        params = {k: v for k, v in (a.params or {}).items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if not params:
            st.info("This exercise exposes no thresholds to change.")
            return
        st.caption(f"Thresholds of the {exercise_label(a.exercise).lower()} counter, in the signal's unit "
                   f"({a.signal_unit or 'ratio'}) or seconds. Changing one re-counts at once, "
                   "without running pose again.")
        cols = st.columns(3)
        new = {}
        for i, (k, v) in enumerate(sorted(params.items())):
            unit = "s" if k.endswith("_s") else ("Hz" if k.endswith("_hz") else
                                                 ("0-1" if "visibility" in k else a.signal_unit or ""))
            words = PARAM_WORDS.get(k) or k.removesuffix("_s").removesuffix("_hz").replace("_", " ").capitalize()
            new[k] = cols[i % 3].number_input(f"{words} ({unit})" if unit else words, value=float(v),
                                              help=f"`{k}` (CLI: `--param {k}=...`)",
                                              step=_step(k, float(v)), format="%.2f", key=f"p_{s.id}_{k}")
        changed = {k: v for k, v in new.items() if abs(v - float(params[k])) > 1e-9}
        if not changed:
            st.caption("Change a threshold to re-count.")
            return
        from core.video.analyze import recount
        try:
            redo = recount(a.track, a.exercise, {**params, **changed})
        except (UserError, ValueError) as e:
            show_error(e if isinstance(e, UserError) else UserError(str(e), "keep the thresholds in order"))
            return
        st.markdown(f"**Re-count with {', '.join(f'{k}={v:g}' for k, v in changed.items())}: "
                    f"{redo.reps} reps** (stored analysis: {a.reps}).")
        show_reps_and_chart(redo, key=f"{s.id}_recount")
        if st.button("Save this count as a new analysis", key=f"save_recount_{s.id}"):
            asked = {**s.params_requested, **changed}  # overrides of the spec's defaults so far
            try:
                same = store.find(db, me, s.file_hash, a.exercise, asked, athlete_id=s.athlete_id)
                new_id = same.id if same else store.save(
                    db, me, s.athlete_id, redo, file_hash=s.file_hash, exercise_requested=a.exercise,
                    params_requested=asked, file_name=s.file_name, pose_from_analysis_id=s.id)
            except UserError as e:
                show_error(e)
                return
            st.session_state["video_open"] = new_id
            st.rerun()


def _step(key: str, value: float) -> float:
    if key.endswith("_s") or "visibility" in key:
        return 0.05
    if key.endswith("_hz"):
        return 0.5
    return 1.0 if abs(value) >= 10 else 0.05


def analyses_table(rows: list[store.AnalysisSummary]) -> pd.DataFrame:
    return pd.DataFrame([{"Analysed (UTC)": r.created_at.strftime("%Y-%m-%d %H:%M"), "File": r.file_name or "",
                          "Exercise": exercise_label(r.exercise), "Reps": r.reps,
                          "Length (s)": round(r.duration_s or 0.0, 1)} for r in rows])
