"""Check-in (athlete view): today's check-in, then the answer in phases: context, prediction,
recommendation, load chart."""
from datetime import date, timedelta

import streamlit as st

from components.load_chart import load_figure
from components.readiness_labels import PHASE_LABELS, phase_help
from components.state import actor, database, show_error, team_names_or_stop
from core.errors import UserError
from core.reco import load as loadcalc
from core.reco import predict, rules, store
from core.reco.checkin import CheckinInvalid, parse

st.title("Daily check-in")
db = database()
me = actor()

names = team_names_or_stop("then check in here")
athlete_id = st.selectbox("Athlete", options=list(names), format_func=names.get)
st.caption("Answer before training: CoachLab says train, modify or rest, and why.")
earlier = store.checkins(db, me, athlete_id, since=date.today(), until=date.today())
notice = st.empty()  # filled below unless this run is the check-in itself (then the answer says so)

with st.form("checkin"):
    c1, c2 = st.columns(2)
    day = c1.date_input("Date", value=date.today(), max_value=date.today() + timedelta(days=1), format="YYYY-MM-DD")
    sleep_hours = c2.number_input("Sleep last night (h)", min_value=0.0, max_value=16.0, value=7.5, step=0.25)
    c1, c2, c3 = st.columns(3)
    sleep_quality = c1.slider("Sleep quality (1 poor - 5 great)", 1, 5, 3)
    energy = c2.slider("Energy (1 drained - 5 full)", 1, 5, 3)
    motivation = c3.slider("Motivation (1 none - 5 high)", 1, 5, 3)
    c1, c2, c3 = st.columns(3)
    stress = c1.slider("Stress (1 none - 5 very high)", 1, 5, 2)
    soreness = c2.slider("Soreness (1 none - 5 very sore)", 1, 5, 2)
    illness = c3.checkbox("I feel ill (fever, flu, infection)")
    with st.expander("Optional: resting heart rate and HRV"):
        c1, c2 = st.columns(2)
        resting_hr = c1.number_input("Resting heart rate (bpm)", min_value=0.0, max_value=250.0, value=None)
        hrv_ms = c2.number_input("HRV, RMSSD (ms)", min_value=0.0, max_value=500.0, value=None)
    submitted = st.form_submit_button("Check in", type="primary")

if not submitted and not earlier.empty:
    notice.info(f"{names[athlete_id]} has already checked in today (sleep {earlier['sleep_hours'].iloc[0]:g} h, "
                f"energy {earlier['energy'].iloc[0]:.0f}/5). Checking in again for today replaces it; a session "
                "outcome already logged for the day is kept.")
if submitted:
    values = {"sleep_hours": sleep_hours, "sleep_quality": sleep_quality, "energy": energy, "stress": stress,
              "soreness": soreness, "motivation": motivation, "illness": int(illness),
              "resting_hr": resting_hr, "hrv_ms": hrv_ms}
    try:
        checkin = parse(values, outcome=False)
        _, created = store.record_checkin(db, me, athlete_id, day, checkin, source="app")
    except CheckinInvalid as e:
        for field, message in e.errors.items():
            st.error(f"**{field}**: {message}")
        st.stop()
    except UserError as e:
        show_error(e)
        st.stop()

    if not created:
        st.info(f"Replaced the check-in already stored for {day:%Y-%m-%d}.")
    # The answer arrives in phases, each shown as soon as it is ready (the status line tracks them).
    status = st.status("Reading your history…", expanded=False)
    hist = predict.gather(db, me, athlete_id, day)
    ctx = predict.build_context(checkin.as_dict(), hist, day)
    loads = hist.loads
    st.subheader("Context")
    st.markdown("\n".join(f"- {line}" for line in ctx.lines))
    status.update(label="Predicting session quality…")
    model = predict.athlete_model(db, me, athlete_id)
    rec = predict.decide(checkin, ctx, model)
    st.subheader("Prediction")
    c1, c2 = st.columns(2)
    c1.metric("Predicted session quality (1-10)", f"{rec.predicted_quality:.1f}",
              help=f"80% of sessions like this one are expected between {rec.interval_80[0]:.1f} and "
                   f"{rec.interval_80[1]:.1f}.")
    c2.metric("Personalisation", PHASE_LABELS.get(rec.phase, rec.phase),
              help=f"{model.sessions_used} rated sessions so far; {model.source}.")
    st.caption(f"Likely range (80%): {rec.interval_80[0]:.1f} – {rec.interval_80[1]:.1f}. "
               + phase_help(rec.phase, model.sessions_used, model.fit_id is not None))
    status.update(label="Answer ready", state="complete")

    st.subheader("Recommendation")
    box = {"train": st.success, "modify": st.warning, "rest": st.error}[rec.action]
    box(f"**{rec.action.upper()}**" + (f" · safety rule: {rules.title(rec.rule)}" if rec.rule else ""))
    for reason in rec.reasons:
        st.write(f"- {reason}")

    st.subheader("Training load")
    if loads.empty or loads.sum() == 0:
        st.info(f"No training load in the last {predict.LOAD_HISTORY_DAYS} days: log sessions (duration and RPE) "
                "to see ACWR and form.")
    else:
        series = loadcalc.daily(loads, loads.index.min().date(), day)
        st.plotly_chart(load_figure(series, show_from=day - timedelta(days=predict.LOAD_CHART_DAYS)),
                        width="stretch")
        st.caption("Load = minutes x RPE (AU). ACWR = acute (7-day) / chronic (28-day) EWMA; "
                   "green band 0.8-1.3, dotted line 1.5 (load spike). Form = Banister fitness - fatigue.")

st.divider()
# keyed and tracked: it stays open (with its confirmation) when the check-in answer above it goes away
with st.expander("Log a session outcome (after training)", key="checkin_outcome", on_change="rerun"):
    with st.form("outcome"):
        c1, c2, c3, c4 = st.columns(4)
        out_day = c1.date_input("Session date", value=date.today(), format="YYYY-MM-DD")
        quality = c2.slider("Session quality (1-10)", 1, 10, 7)
        duration = c3.number_input("Duration (min)", min_value=0, max_value=600, value=60, step=5)
        rpe = c4.slider("RPE (1-10)", 1, 10, 6)
        deviation = st.text_input("Deviation from the plan (optional)", placeholder="e.g. cut the last two sets")
        if st.form_submit_button("Save outcome"):
            try:
                store.record_outcome(db, me, athlete_id, out_day, quality, duration, rpe, deviation or None)
                st.success(f"Saved: quality {quality}/10, {duration:g} min at RPE {rpe} ({duration * rpe:g} AU).")
            except UserError as e:
                show_error(e)
