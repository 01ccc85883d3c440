"""Home: what CoachLab does, how to start, and what is stored."""
import streamlit as st

from components.state import actor, database, show_error
from core import athletes, demo, sessions
from core.errors import UserError

st.title("CoachLab")
st.markdown(
    "Analytics and coaching for strength, fitness and combat-sport athletes, running on your "
    "own machine. Count and grade reps from a phone clip, count steps from a wearable "
    "recording, get a train / modify / rest answer from a daily check-in, and build "
    "multi-week plans."
)

db = database()
me = actor()

if done := st.session_state.pop("home_done", None):
    st.success(done)

kinds = sessions.count_by_kind(db, me)
c1, c2, c3 = st.columns(3)
c1.metric("Athletes", athletes.count(db, me))
c2.metric("Sessions", f"{sum(n for k, n in kinds.items() if k != 'checkin'):,}",
          help="Video analyses, sensor recordings, logged sessions and plan workouts.")
c3.metric("Check-ins", f"{kinds['checkin']:,}")

st.subheader("Getting started")
demo_here = demo.loaded(db, me)
st.markdown("1. **Add your athletes** on the Athletes page" + ("" if demo_here else ", or load the demo team below") + ".\n"
            "2. **Analyse** a clip or a recording: results are stored with the athlete's session.\n"
            "3. **Check in** before training for a train / modify / rest answer, and **plan** the weeks ahead.")
links = st.columns(2)  # two columns: the labels fit whole beside the sidebar (three cut them off)
links[0].page_link("app_pages/athletes.py", label="Athletes: add, rename, archive, sessions", icon=":material/groups:")
links[0].page_link("app_pages/video.py", label="Video analysis: count reps, depth, tempo, faults", icon=":material/videocam:")
links[0].page_link("app_pages/sensors.py", label="Sensors: steps, cadence, walking bouts", icon=":material/directions_walk:")
links[1].page_link("app_pages/checkin.py", label="Daily check-in: readiness and recommendation", icon=":material/fact_check:")
links[1].page_link("app_pages/plans.py", label="Plans: multi-week programmes", icon=":material/calendar_month:")
links[1].page_link("app_pages/settings.py", label="Settings: where the data lives, health", icon=":material/settings:")

if athletes.count(db, me) == 0:
    st.info("No athletes yet. Load the demo team to see CoachLab with realistic data.")
if not demo_here and st.button(
        "Load demo data", help="Adds four demo athletes with six weeks of logged sessions, check-ins and a plan."):
    try:
        with st.spinner("Seeding the demo team…"):
            added = demo.load(db, me)
        st.session_state["home_done"] = (f"Added {added.athletes} athletes, {added.sessions} sessions, "
                                         f"{added.checkins} check-ins and a plan for each.")
        st.rerun()
    except UserError as e:
        show_error(e)
