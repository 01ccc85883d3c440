"""Today: an athlete's workout from their plan, with its demo-clip playlist; mark sets done."""
from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from components.plan_views import clip_store, exercise_catalogue, show_playlist
from components.state import actor, database, show_error, team_names_or_stop
from core.errors import UserError
from core.plans import generator, playlist, readiness, store

st.title("Today's workout")
st.caption("The workout of the day from the athlete's plan, each exercise with its demo clip. "
           "Mark the sets done: CoachLab stores the difference between planned and done.")
db = database()
me = actor()
cat = exercise_catalogue(db)

who = team_names_or_stop("then assign a plan on the Plans page")
c1, c2, c3 = st.columns([2, 1, 2])
athlete_id = c1.selectbox("Athlete", options=list(who), format_func=who.get, key="today_athlete")
on = c2.date_input("Date", value=date.today(), key="today_date", format="YYYY-MM-DD")
answer = readiness.stored(db, me, athlete_id, on)  # from the day's check-in, when there is one
action = c3.radio("Readiness", generator.READINESS_ACTIONS, horizontal=True, key=f"today_readiness_{athlete_id}_{on}",
                  index=generator.READINESS_ACTIONS.index(answer.action) if answer else 0,
                  format_func=str.capitalize,
                  help="Set from the day's check-in when there is one. Modify gives fewer sets and lighter "
                       "loads, rest a recovery session.")
if answer:
    st.caption(f"Check-in of {on:%Y-%m-%d} says **{answer.action}**: " + " ".join(answer.reasons[:2]))
else:
    st.caption("No check-in for this day: readiness is as you set it above.")

today = store.today(db, me, athlete_id, on)
if today.status == "no_plan":
    st.info(f"{who[athlete_id]} has no plan. Assign one on the Plans page.")
    st.stop()
plan_name = today.plan.name
if today.status == "not_started":
    st.info(f"{plan_name} starts on {today.assignment.start_date:%Y-%m-%d}.")
    st.stop()
if today.status == "finished":
    st.success(f"{plan_name} is finished (it ran {today.plan.weeks} weeks). Assign the next plan on the Plans page.")
    st.stop()

st.subheader(f"{plan_name}: week {today.week}, day {today.day}" + (" · deload week" if today.deload else ""))
if today.upcoming:
    st.caption(f"Next plan: {today.upcoming_plan.name}, from {today.upcoming.start_date:%Y-%m-%d}.")
if today.status == "rest_day":
    st.info("Rest day in the plan. Easy movement (a walk, mobility) is welcome.")
    st.stop()

workout = generator.adjust_for_readiness(today.workout, action)
if action != "train":
    st.warning(workout.get("notes", ""))
st.caption(f"{workout.get('title') or 'Workout'} · {len(workout['exercises'])} exercises · "
           f"≈{generator.estimate_seconds(workout['exercises'], cat) / 60:.0f} min")

store_ = clip_store()
items = playlist.build(workout["exercises"], store_, cat)
form_key = f"today_{today.assignment.id}_{today.week}_{today.day}_{action}"
with st.form(form_key):
    done = show_playlist(items, store_, form_key)
    if st.form_submit_button("Save workout", type="primary"):
        try:
            store.log_workout(db, me, today.assignment.id, today.week, today.day,
                              [{"position": p, **d} for p, d in done.items()], readiness_action=action,
                              when=datetime.combine(on, time(12, 0)))
            st.success("Workout saved. Planned vs done is below.")
        except UserError as e:
            show_error(e)

logged = store.deviations(db, me, assignment_id=today.assignment.id)
day_log = logged[(logged["week"] == today.week) & (logged["day"] == today.day)]
if not day_log.empty:
    st.subheader("Planned vs done")
    view = pd.DataFrame({
        "Exercise": [cat.name(s) for s in day_log["slug"]],
        "Planned sets": day_log["planned_sets"], "Done sets": day_log["done_sets"],
        "Difference (sets)": day_log["set_deviation"],
        "Planned reps": day_log["planned_reps"].astype("Int64"),
        # An empty done-reps cell means "as planned" for the sets that were done.
        "Done reps": day_log["done_reps"].fillna(day_log["planned_reps"]).where(day_log["done_sets"] > 0).astype("Int64"),
        "Readiness": day_log["readiness_action"]})
    st.dataframe(view, hide_index=True, width="stretch")
share = store.adherence(logged)
if share is not None:
    st.metric("Plan adherence so far (share of planned sets done)", f"{share:.0%}")
