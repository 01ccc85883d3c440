"""From a session on the Athletes page to what made it: the stored video analysis or sensor
recording (opened on its own page), and readable names for stored metric series."""
import streamlit as st

from components.video_results import exercise_label
from core.actor import Actor
from core.sensors import storage as sensor_storage
from core.sessions import Session
from core.storage import Database
from core.video import store as video_store

UNITS = {"bpm": "bpm", "spm": "steps/min", "s": "s", "ms": "ms", "deg": "deg", "pct": "%", "au": "AU",
         "kg": "kg", "m": "m"}
NAMES = {"rpe": "RPE (1-10)"}


def metric_label(name: str) -> str:
    """'heart_rate_bpm' -> 'Heart rate (bpm)', 'cadence_spm' -> 'Cadence (steps/min)'."""
    if name in NAMES:
        return NAMES[name]
    words = name.split("_")
    unit = UNITS.get(words[-1]) if len(words) > 1 else None
    text = " ".join(words[:-1] if unit else words).capitalize()
    return f"{text} ({unit})" if unit else text


def open_analysis(db: Database, actor: Actor, session: Session) -> None:
    """What the session's analysis found, and a button that opens it on its page."""
    if session.kind == "video":
        found = next((a for a in video_store.list_for_athlete(db, actor, session.athlete_id)
                      if a.session_id == session.id), None)
        if found is None:
            st.caption("No stored video analysis belongs to this session.")
            return
        st.markdown(f"**{exercise_label(found.exercise)}: {found.reps} reps** · {found.file_name or 'clip'}")
        if st.button("Open on the Video analysis page", icon=":material/videocam:", key=f"open_video_{session.id}"):
            st.session_state["video_athlete"] = session.athlete_id
            st.session_state["video_open"] = found.id
            st.switch_page("app_pages/video.py")
    else:
        found = next((r for r in sensor_storage.list_for_athlete(db, actor, session.athlete_id)
                      if r.session_id == session.id), None)
        if found is None:
            st.caption("No stored sensor recording belongs to this session.")
            return
        st.markdown(f"**{found.steps:,} steps** at {found.cadence_spm:.0f} steps/min · "
                    f"{found.duration_s / 60:.1f} min · {found.file_name or 'recording'}")
        if st.button("Open on the Sensors page", icon=":material/directions_walk:", key=f"open_sensor_{session.id}"):
            st.session_state["sensor_athlete"] = session.athlete_id
            st.session_state[f"sensor_open_{session.athlete_id}"] = found.id
            st.switch_page("app_pages/sensors.py")
