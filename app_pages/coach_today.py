"""Coach view: the team's check-ins for a day, red flags first."""
from datetime import date

import pandas as pd
import streamlit as st

from components.readiness_labels import PHASE_COLUMN_HELP, PHASE_LABELS
from components.state import actor, database, show_error
from core.errors import UserError
from core import athletes
from core.reco import daily, rules, sample_data, store

st.title("Team readiness")
db = database()
me = actor()

st.caption("Each athlete's check-in for the day and CoachLab's answer, those to rest or modify first.")
day = st.date_input("Day", value=date.today(), format="YYYY-MM-DD")
rows = store.checkins(db, me, since=day, until=day)

if "readiness_flash" in st.session_state:
    st.success(st.session_state.pop("readiness_flash"))
if rows.empty:
    team = athletes.list_all(db, me)
    if not team:
        st.info("No athletes yet. Add them on the Athletes page (or load the demo team from Home); their daily "
                "check-ins then show here.")
        st.stop()
    st.info(f"No check-ins for {day:%Y-%m-%d} yet. Athletes check in on the Daily check-in page; a history "
            "kept elsewhere can be imported from the command line (README: Recommendations).")
    waiting = sample_data.athletes_without_checkins(db, me)
    if waiting and st.button(f"Add sample check-ins for the {len(waiting)} athlete(s) without any "
                             "(6 simulated weeks ending today)", help="For a first look at this page."):
        try:
            added = sample_data.seed_checkins(db, me)
            st.session_state["readiness_flash"] = f"Added {added} simulated check-ins."
            st.rerun()
        except UserError as e:
            show_error(e)
    st.stop()

LABEL = {"rest": "REST", "modify": "MODIFY", "train": "TRAIN"}
COLOUR = {"REST": "background-color: #f8d7da", "MODIFY": "background-color: #fff3cd", "TRAIN": "background-color: #d1e7dd"}
with st.spinner("Working out each athlete's recommendation…"):
    answers = daily.for_team(db, me, day)
table = [{"Athlete": a.athlete, "Action": LABEL[a.recommendation.action], "Why": a.recommendation.reasons[0],
          "Red flag": rules.title(a.recommendation.rule),
          "Sleep (h)": a.checkin.sleep_hours, "Energy (1-5)": a.checkin.energy, "Stress (1-5)": a.checkin.stress,
          "Soreness (1-5)": a.checkin.soreness,
          "ACWR": None if a.recommendation.acwr is None else round(a.recommendation.acwr, 2),
          "Predicted quality (1-10)": a.recommendation.predicted_quality,
          "80% range": f"{a.recommendation.interval_80[0]:.1f}–{a.recommendation.interval_80[1]:.1f}",
          "Model": PHASE_LABELS.get(a.recommendation.phase, a.recommendation.phase)}
         for a in answers]
frame = pd.DataFrame(table)
flags = int((frame["Action"] != LABEL["train"]).sum())
c1, c2, c3 = st.columns(3)
c1.metric("Checked in", len(frame))
c2.metric("Red flags (rest or modify)", flags)
c3.metric("Good to train", len(frame) - flags)
styled = frame.style.map(lambda v: COLOUR.get(v, ""), subset=["Action"]).format(
    {"Predicted quality (1-10)": "{:.1f}", "Sleep (h)": "{:g}", "Stress (1-5)": "{:.0f}", "Soreness (1-5)": "{:.0f}",
     "Energy (1-5)": "{:.0f}", "ACWR": "{:.2f}"}, na_rep="–")
# Athlete and action stay in view while the numbers scroll sideways; a squad of 20 fits without scrolling.
st.dataframe(styled, hide_index=True, width="stretch", height=38 + 35 * min(len(frame), 20),
             column_config={"Athlete": st.column_config.TextColumn(pinned=True),
                            "Action": st.column_config.TextColumn(pinned=True),
                            "Why": st.column_config.TextColumn(width="large"),
                            "ACWR": st.column_config.NumberColumn(help="Acute:chronic workload ratio (7/28-day); "
                                                                  "0.8-1.3 usual, above 1.5 a spike"),
                            "Model": st.column_config.TextColumn(help=PHASE_COLUMN_HELP)})
st.download_button("Download as CSV", frame.to_csv(index=False).encode(), file_name=f"readiness_{day:%Y-%m-%d}.csv",
                   mime="text/csv")
