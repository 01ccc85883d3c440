"""Video: upload a clip of a set, count and measure the reps, see the overlay clip."""
import time

import streamlit as st

from components.state import (
    actor,
    database,
    show_error,
    team_names_or_stop,
    upload_limit_mb_or_stop,
)
from components.video_results import EXERCISE_LABELS, analyses_table, show_analysis
from core import jobs
from core.errors import UserError
from core.video import pipeline, store

st.title("Video analysis")
st.caption("Upload a phone clip of one set. CoachLab finds the athlete, counts the reps, measures "
           "depth, tempo and form faults, and draws them on the clip.")
db = database()
me = actor()

names = team_names_or_stop("then come back to analyse a clip")
job = jobs.get(st.session_state.get("video_job", ""))

with st.form("video_upload"):
    c1, c2 = st.columns(2)
    athlete_id = c1.selectbox("Athlete", options=list(names), format_func=names.get,
                              index=list(names).index(st.session_state.get("video_athlete", next(iter(names))))
                              if st.session_state.get("video_athlete") in names else 0)
    exercise = c2.selectbox("Exercise", options=list(pipeline.EXERCISE_CHOICES), format_func=EXERCISE_LABELS.get)
    upload = st.file_uploader(f"Clip ({', '.join(pipeline.VIDEO_TYPES)})", type=list(pipeline.VIDEO_TYPES),
                              max_upload_size=upload_limit_mb_or_stop())  # it states the limit the page checks
    submitted = st.form_submit_button("Analyse", type="primary", disabled=bool(job and not job.done))

if submitted:
    st.session_state["video_athlete"] = athlete_id
    if upload is None:
        st.warning("Choose a clip to upload first.")
    else:
        try:
            pipeline.check_upload(upload.name, upload.size)
            path = pipeline.stash_upload(upload.name, upload)
            try:
                pipeline.check_video(path)
            except UserError:
                pipeline.discard_upload(path)
                raise
        except UserError as e:
            show_error(e)
        else:
            job = jobs.submit(pipeline.process_clip, db, me, athlete_id, path, exercise, None, upload.name,
                              name="video")
            st.session_state["video_job"] = job.id
            st.session_state["video_job_file"] = str(path)

if job is not None and not job.done:
    st.button("Cancel analysis", on_click=job.cancel, key="video_cancel")
    bar = st.progress(job.progress, text="Analysing…")
    while not job.done:
        text = "Cancelling…" if job.cancel_requested else f"Analysing… {job.message}".strip()
        bar.progress(job.progress, text=f"{text} ({job.progress:.0%}, {job.elapsed_s:.0f} s)")
        time.sleep(0.25)
    st.rerun()

if job is not None and job.done and st.session_state.get("video_job_seen") != job.id:
    st.session_state["video_job_seen"] = job.id
    pipeline.discard_upload(st.session_state.pop("video_job_file", None))
    if job.status == jobs.DONE:
        res = job.result
        st.session_state["video_open"] = res.analysis_id
        # How long this run took in all, shown with its result (a stored result shown again took nothing)
        st.session_state["video_took"] = None if res.copied_from or res.reused else (res.analysis_id, job.elapsed_s)
        if res.copied_from:
            st.toast("This clip was already analysed for another athlete: its result was copied, not re-run.")
        elif res.reused:
            st.toast("This clip was already analysed with these settings: showing the stored result.")
    elif job.status == jobs.CANCELLED:
        st.info("Analysis cancelled; nothing was stored.")
    elif isinstance(job.error, UserError):
        show_error(job.error)
    else:
        st.error("The analysis failed unexpectedly; nothing was stored. The details are in the app's log.")

chosen = st.session_state.get("video_athlete", athlete_id)
history = store.list_for_athlete(db, me, chosen) if chosen in names else []
if history:
    with st.expander(f"Stored analyses of {names[chosen]} ({len(history)})",
                     expanded=st.session_state.get("video_open") is None):
        st.dataframe(analyses_table(history), hide_index=True, width="stretch")
        labels = {h.id: f"{h.created_at:%Y-%m-%d %H:%M} · {h.file_name or 'clip'} · "
                        f"{EXERCISE_LABELS.get(h.exercise, h.exercise)} · {h.reps} reps" for h in history}
        pick = st.selectbox("Open", options=list(labels), format_func=labels.get, key="video_pick")
        if st.button("Open analysis"):
            st.session_state["video_open"] = pick

open_id = st.session_state.get("video_open")
if open_id is None:
    if not history:
        st.info("No clips analysed yet for this athlete. Upload one above.")
    st.stop()

st.divider()
took = st.session_state.get("video_took")
if took and took[0] == open_id:
    st.caption(f"Done in {took[1]:.0f} s in all: pose, counting, drawing the overlay clip and storing.")
show_analysis(db, me, open_id)
