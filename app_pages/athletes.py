"""Athletes: create, rename, archive, and see each one's sessions."""
import pandas as pd
import plotly.express as px
import streamlit as st

from components.session_links import metric_label, open_analysis
from components.state import actor, database, show_error
from core import athletes, metrics, sessions
from core.errors import UserError

st.title("Athletes")
db = database()
me = actor()

with st.form("new_athlete", clear_on_submit=True):
    st.subheader("Add an athlete")
    name = st.text_input("Name", max_chars=athletes.MAX_NAME, placeholder="e.g. Maya Okafor")
    if st.form_submit_button("Add athlete", type="primary"):
        try:
            created = athletes.create(db, me, name)
            st.success(f"Added {created.name}.")
        except UserError as e:
            show_error(e)

show_archived = st.toggle("Show archived athletes", value=False)
team = athletes.list_all(db, me, include_archived=show_archived)
if not team:
    st.info("No athletes yet. Add one above, or load the demo team from the Home page.")
    st.stop()

st.subheader(f"Team ({len(team)})")
summary = sessions.summary_by_athlete(db, me)
rows = []
for a in team:
    done = summary.get(a.id, {"sessions": 0, "checkins": 0, "last": None, "minutes": 0.0})
    rows.append({"Name": a.name, "Status": "archived" if a.archived else "active",
                 "Sessions": done["sessions"], "Check-ins": done["checkins"],
                 "Last session": done["last"].strftime("%Y-%m-%d") if done["last"] else "none yet",
                 "Training time (h)": round(done["minutes"] / 60, 1),
                 "Added": a.created_at.strftime("%Y-%m-%d")})
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
    "Training time (h)": st.column_config.NumberColumn(
        help="Each day once: the training logged with the day's check-in or the day's logged sessions, plan "
             "workouts and analysed clips together, whichever is longer (both usually describe the same "
             "training). Sensor recordings are left out: their length is how long the phone recorded.")})

labels = {a.id: a.name + (" (archived)" if a.archived else "") for a in team}
chosen_id = st.selectbox("Open athlete", options=list(labels), format_func=labels.get)
chosen = next(a for a in team if a.id == chosen_id)

col_rename, col_archive = st.columns([3, 1])
with col_rename.form("rename"):
    new_name = st.text_input("Rename to", value=chosen.name, max_chars=athletes.MAX_NAME)
    if st.form_submit_button("Rename"):
        try:
            renamed = athletes.rename(db, me, chosen.id, new_name)
            st.success(f"Renamed to {renamed.name}.")
            st.rerun()
        except UserError as e:
            show_error(e)
with col_archive:
    st.write("")
    label = "Restore" if chosen.archived else "Archive"
    if st.button(label, help="Archived athletes are hidden from lists; their sessions are kept."):
        athletes.set_archived(db, me, chosen.id, not chosen.archived)
        st.rerun()

st.subheader(f"Sessions of {chosen.name}")
history = sessions.list_for_athlete(db, me, chosen.id)
if not history:
    st.info("No sessions recorded yet. Analyse a clip or a sensor recording to add one.")
    st.stop()
checkins = sum(s.kind == "checkin" for s in history)
if checkins and st.toggle(f"Show check-ins ({checkins})", value=False,
                          help="Each daily check-in is stored as a session; its duration is the training logged with it."):
    shown = history
else:
    shown = [s for s in history if s.kind != "checkin"]
if not shown:
    st.info(f"Only check-ins so far. Analyse a clip or a sensor recording of {chosen.name} to add a session.")
    st.stop()
table = pd.DataFrame([{"Date": s.started_at.strftime("%Y-%m-%d" if s.kind == "checkin" else "%Y-%m-%d %H:%M"),
                       "Kind": sessions.KIND_LABELS.get(s.kind, s.kind),
                       "Duration (min)": round((s.duration_s or 0) / 60, 1), "Notes": s.notes or ""}
                      for s in shown])
st.dataframe(table, hide_index=True, width="stretch")

session_labels = {s.id: f"{s.started_at:%Y-%m-%d %H:%M} · {sessions.KIND_LABELS.get(s.kind, s.kind)}"
                        + (f" · {s.notes}" if s.notes else "") for s in shown}
sid = st.selectbox("Open a session", options=list(session_labels), format_func=session_labels.get)
session = next(s for s in shown if s.id == sid)
if session.kind in ("video", "sensor"):
    if chosen.archived:
        st.caption(f"Restore {chosen.name} to open this analysis on its page (pages list active athletes only).")
    else:
        open_analysis(db, me, session)
samples = metrics.read(db, me, sid)
series = samples[samples["t"] > 0] if not samples.empty else samples
if series.empty:
    if session.kind not in ("video", "sensor"):
        st.caption("This session has no time series (heart rate, cadence...) stored.")
else:
    name = st.selectbox("Metric", sorted(series["name"].unique()), format_func=metric_label)
    one = series[series["name"] == name]
    fig = px.line(one, x=one["t"] / 60, y="value", labels={"x": "Time (min)", "value": metric_label(name)})
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10))
    st.plotly_chart(fig, width="stretch")
