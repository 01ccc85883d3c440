"""CoachLab: navigation. Run with `streamlit run app.py`.

streamlit_webrtc is imported first: it loads pylibsrtp, which segfaults when loaded after
tensorflow or mediapipe, and the Streamlit server is one process for all pages.
"""
import streamlit_webrtc  # noqa: F401  (must stay the first import, see docstring)

import streamlit as st

st.set_page_config(page_title="CoachLab", page_icon=":material/fitness_center:", layout="wide")

PAGES = {
    "CoachLab": [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("app_pages/athletes.py", title="Athletes", icon=":material/groups:"),
    ],
    "Analyse": [
        st.Page("app_pages/video.py", title="Video analysis", icon=":material/videocam:"),
        st.Page("app_pages/sensors.py", title="Sensors", icon=":material/directions_walk:"),
    ],
    "Coach": [
        st.Page("app_pages/plans.py", title="Plans", icon=":material/calendar_month:"),
        st.Page("app_pages/today.py", title="Today's workout", icon=":material/today:"),
    ],
    "Readiness": [
        st.Page("app_pages/checkin.py", title="Daily check-in", icon=":material/fact_check:"),
        st.Page("app_pages/coach_today.py", title="Team readiness", icon=":material/traffic:"),
        st.Page("app_pages/reco_model.py", title="Readiness model", icon=":material/query_stats:"),
    ],
    "Admin": [
        st.Page("app_pages/settings.py", title="Settings", icon=":material/settings:"),
    ],
}

st.navigation({section: pages for section, pages in PAGES.items() if pages}).run()
