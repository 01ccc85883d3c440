"""Plans: generate or import a plan, edit it in a table, validate, save, assign, see it by week."""
import json
import re
from datetime import date, timedelta

import streamlit as st

from components.plan_views import clear_clip_cache, clip_store, exercise_catalogue, show_plan_errors
from components.state import actor, database, show_error
from core import athletes
from core.errors import UserError
from core.plans import catalogue, generator, playlist, schema, store, table
from core.plans.clip_store import MAX_CLIP_BYTES

st.title("Plans")
st.caption("Multi-week training plans. Generate one from a goal, or import a JSON plan; edit it in the "
           "table, validate it against the plan schema, save it and assign it to athletes.")
db = database()
me = actor()
cat = exercise_catalogue(db)
names = {e.slug: e.name for e in cat.exercises}
state = st.session_state
MAX_PLAN_BYTES = 10 * 2**20

# The plan being worked on: state["plan_draft"] (dict) and state["plan_id"] (None until saved).
saved = store.list_all(db, me)
labels = {None: "— choose a saved plan —", **{p.id: f"{p.name} (#{p.id})" for p in saved}}


def _open_saved():
    pid = state.get("plan_open")
    if pid is None:
        return
    try:
        state["plan_id"], state["plan_draft"] = pid, store.get(db, me, pid).plan
        state["plan_table_version"] = state.get("plan_table_version", 0) + 1
    except UserError as e:  # archived or removed meanwhile
        state["plan_open_error"] = e


def _save(plan: dict, plan_id: int | None) -> None:
    """Stores a valid plan (a new one when plan_id is None), then redraws the page from what was stored."""
    try:
        stored = store.save(db, me, plan, plan_id=plan_id, catalogue=cat)
    except UserError as e:
        show_error(e)
        return
    state["plan_draft"], state["plan_id"] = stored.plan, stored.id
    state["plan_table_version"] = state.get("plan_table_version", 0) + 1
    state["plan_message"] = f"Saved {stored.name} (#{stored.id})." + (
        " Assign it to athletes in the Assign tab." if plan_id is None else "")
    st.rerun()


# The chooser shows the plan that is open: none for a draft generated or imported since.
if state.get("plan_open") != state.get("plan_id"):
    state["plan_open"] = state.get("plan_id") if state.get("plan_id") in labels else None
st.selectbox("Open a saved plan", options=list(labels), format_func=labels.get, key="plan_open",
             on_change=_open_saved, placeholder=labels[None])  # shown for None, as the option's label
if "plan_open_error" in state:
    show_error(state.pop("plan_open_error"))

tab_generate, tab_import, tab_clips = st.tabs(["Generate", "Import JSON", "Demo clips"], key="plan_source_tab",
                                               on_change="rerun")
with tab_generate, st.form("plan_generate"):
    c1, c2, c3 = st.columns(3)
    goal = c1.selectbox("Goal", schema.GOALS, format_func=lambda g: g.replace("_", " ").capitalize())
    level = c2.selectbox("Level", catalogue.LEVELS, format_func=str.capitalize)
    days = c3.slider("Training days per week", 1, 7, 3)
    c1, c2, c3 = st.columns(3)
    weeks = c1.slider("Weeks", 1, schema.MAX_WEEKS, 8)
    minutes = c2.slider("Session length (min)", generator.MIN_SESSION_MIN, 120, 60, step=5)
    seed = c3.number_input("Variation (seed)", min_value=0, max_value=9999, value=0, step=1,
                           help="The same inputs and seed always give the same plan; change it for other exercises.")
    equipment = st.multiselect("Equipment available (bodyweight is always available)", catalogue.EQUIPMENT,
                               default=["dumbbell", "bench", "band"],
                               format_func=lambda e: e.replace("_", " "))
    if st.form_submit_button("Generate plan", type="primary"):
        try:
            state["plan_draft"] = generator.generate(goal, level, days, weeks, minutes, equipment,
                                                     seed=int(seed) or None, catalogue=cat)
            state["plan_id"] = None
            state["plan_table_version"] = state.get("plan_table_version", 0) + 1
            state["plan_message"] = "Plan generated. Review it below, then save it."
            st.rerun()  # redrawn from the top, so the chooser no longer shows a saved plan as open
        except UserError as e:
            show_error(e)

with tab_import:
    upload = st.file_uploader("Plan JSON file (as exported here or by `python -m core plan generate`)",
                              type=["json"], key="plan_upload")
    if upload is not None and st.button("Import", key="plan_import"):
        try:
            if upload.size > MAX_PLAN_BYTES:
                raise UserError(f"{upload.name} is {upload.size / 2**20:.1f} MB; a plan file is at most "
                                f"{MAX_PLAN_BYTES // 2**20} MB.", "upload a plan JSON file")
            data = schema.parse_json_text(upload.getvalue())
            errors = schema.validate(data, cat)
            if errors:
                show_plan_errors(errors)
            else:
                state["plan_draft"], state["plan_id"] = data, None
                state["plan_table_version"] = state.get("plan_table_version", 0) + 1
                state["plan_message"] = f"Imported {data['name']}. Review it below, then save it."
                st.rerun()
        except UserError as e:
            show_error(e)

with tab_clips:
    clips = clip_store()
    st.caption("Demo clips play beside each exercise in Today's workout; exercises without one show a "
               "placeholder there.")
    with st.expander("Where clips are kept"):
        st.caption(f"Read from {clips.describe()}. An administrator can point COACHLAB_CLIPS at a folder, an "
                   "https:// URL or an s3://bucket/prefix.")
    with st.form("plan_clip_upload", clear_on_submit=True):
        c1, c2 = st.columns(2)
        slug = c1.selectbox("Exercise", options=[e.slug for e in cat.exercises], format_func=names.get)
        clip_file = c2.file_uploader("Demo clip (MP4, WebM or MOV)", type=["mp4", "webm", "mov"],
                                     max_upload_size=MAX_CLIP_BYTES // 2**20)
        if st.form_submit_button("Add clip"):
            if clip_file is None:
                st.warning("Choose a clip file first.")
            else:
                try:
                    key = playlist.add_clip(clips, slug, clip_file.getvalue(), cat)
                    clear_clip_cache()
                    st.success(f"Added the demo clip for {names[slug]} ({key}).")
                except UserError as e:
                    show_error(e)
    if st.button("Check which exercises have a clip", key="plan_clip_check"):
        with st.spinner("Checking the clip store…"):
            found = playlist.coverage(clips, cat)
        have = sum(r["state"] == "in store" for r in found)
        st.caption(f"{have} of {len(found)} exercises have a demo clip.")
        st.dataframe([{"Exercise": r["name"], "Clip file": r["clip"] or "–", "In the store": r["state"]} for r in found],
                     hide_index=True, width="stretch")

draft = state.get("plan_draft")
if not draft:
    st.info("No plan open. Generate one above, import a JSON plan, or open a saved plan.")
    st.stop()

st.divider()
st.subheader(draft.get("name", "Untitled plan"))
st.caption(" · ".join(x for x in [str(draft.get("goal", "")).replace("_", " ").capitalize(),
                                  str(draft.get("level", "")).capitalize(),
                                  draft.get("archetype") or "", f"{len(draft.get('weeks', []))} weeks",
                                  draft.get("description") or ""] if x))
if state.get("plan_id") is None:
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    if c1.button("Save this plan", type="primary", key="plan_save_draft"):
        errors = schema.validate(draft, cat)
        if errors:
            show_plan_errors(errors)
        else:
            _save(draft, None)
    c2.caption("Not saved yet. Save it as shown, or change it in the Edit tab first (its own Save button keeps "
               "the table's changes).")
if "plan_message" in state:
    st.toast(state["plan_message"])  # seen wherever the page is scrolled (the Edit tab's button is far below)
    st.success(state.pop("plan_message"))
# keyed and tracked, so the tab chosen stays open when a message above it comes or goes (saving, assigning)
tab_cal, tab_edit, tab_assign = st.tabs(["Calendar", "Edit", "Assign"], key="plan_view_tab", on_change="rerun")

with tab_cal:
    cal = table.calendar(draft, lambda ex: generator.estimate_seconds(ex, cat) / 60)
    cal = cal[[c for c in cal.columns if c == "Week" or (cal[c] != "").any()]]  # days never trained: left out
    st.dataframe(cal, hide_index=True, width="stretch", column_config={
        c: st.column_config.TextColumn(width="medium") for c in cal.columns if c != "Week"})
    st.caption("Each training day: title · exercises · sets · estimated minutes. Days not listed are rest days.")
    week_no = st.selectbox("Week in detail", options=[w["week"] for w in draft["weeks"]],
                           format_func=lambda w: f"Week {w}", key="plan_cal_week")
    week = next(w for w in draft["weeks"] if w["week"] == week_no)
    if week.get("deload"):
        st.caption(week.get("notes") or "Deload week.")
    cols = st.columns(7)
    by_day = {d["day"]: d for d in week["days"]}
    for d, col in zip(range(1, 8), cols):
        with col:
            st.markdown(f"**Day {d}**")
            if d not in by_day:
                st.caption("Rest")
                continue
            day = by_day[d]
            st.caption(f"{day.get('title') or ''} · ≈{generator.estimate_seconds(day['exercises'], cat) / 60:.0f} min")
            for e in day["exercises"]:
                work = f"{e['reps']} reps" if e.get("reps") is not None else f"{e.get('duration_s')} s"
                st.markdown(f"- {names.get(e['slug'], e['slug'])}: {e['sets']} × {work}")

with tab_edit:
    with st.form("plan_edit"):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Plan name", value=draft.get("name", ""), max_chars=200)
        goal_e = c2.selectbox("Goal", schema.GOALS, index=schema.GOALS.index(draft["goal"])
                              if draft.get("goal") in schema.GOALS else 0,
                              format_func=lambda g: g.replace("_", " ").capitalize())
        level_e = c3.selectbox("Level", catalogue.LEVELS, index=catalogue.LEVELS.index(draft["level"])
                               if draft.get("level") in catalogue.LEVELS else 0, format_func=str.capitalize)
        edited = st.data_editor(
            table.to_frame(draft), num_rows="dynamic", hide_index=True, width="stretch", height=420,
            key=f"plan_table_{state.get('plan_id')}_{state.get('plan_table_version', 0)}",
            column_config={
                "week": st.column_config.NumberColumn("Week", min_value=1, max_value=16, step=1),
                "deload": st.column_config.CheckboxColumn("Deload"),
                "day": st.column_config.NumberColumn("Day", min_value=1, max_value=7, step=1),
                "title": st.column_config.TextColumn("Day title"),
                "slug": st.column_config.SelectboxColumn("Exercise", options=sorted(names, key=names.get),
                                                         format_func=lambda s: names.get(s, s), required=True),
                "sets": st.column_config.NumberColumn("Sets", step=1),
                "reps": st.column_config.NumberColumn("Reps", step=1),
                "duration_s": st.column_config.NumberColumn("Time (s)", step=1),
                "rest_s": st.column_config.NumberColumn("Rest (s)", step=5),
                "rpe": st.column_config.NumberColumn("RPE (1-10)", step=0.5),
                "load_pct_1rm": st.column_config.NumberColumn("Load (% 1RM)", step=2.5),
                "load_kg": st.column_config.NumberColumn("Load (kg)", step=0.5),
                "notes": st.column_config.TextColumn("Notes"),
            })
        with st.container(horizontal=True):
            validate_clicked = st.form_submit_button("Validate")
            save_clicked = st.form_submit_button("Save plan", type="primary")
    if validate_clicked or save_clicked:
        header = {k: draft.get(k) for k in ("archetype", "description")}
        header.update(name=name, goal=goal_e, level=level_e)
        plan, where = table.from_frame(header, edited, notes_from=draft)
        errors = schema.validate(plan, cat)
        if errors:
            show_plan_errors(errors, where)
        elif validate_clicked:
            # The edits are now in the draft: start the editor afresh from it (its edits are
            # kept as changes against the frame it was given).
            state["plan_draft"] = plan
            state["plan_table_version"] = state.get("plan_table_version", 0) + 1
            st.success("The plan is valid.")
        else:
            _save(plan, state.get("plan_id"))
    slug_name = re.sub(r"[^a-z0-9]+", "_", (draft.get("name") or "plan").lower()).strip("_")[:60] or "plan"
    if state.get("plan_id") is not None and st.button("Archive this plan", key="plan_archive",
                                                       help="Hidden from lists; assignments and logs are kept."):
        try:
            store.set_archived(db, me, state["plan_id"])
            st.success("Plan archived. It stays open here until you open or generate another.")
            state["plan_id"] = None
        except UserError as e:
            show_error(e)
    st.caption("Exports hold the plan as last generated, imported, validated or saved.")
    c1, c2 = st.columns(2)
    c1.download_button("Export JSON", json.dumps(draft, indent=1, ensure_ascii=False), f"{slug_name}.json",
                       "application/json", key="plan_export_json")
    c2.download_button("Export CSV (one row per exercise)", table.to_csv(draft), f"{slug_name}.csv", "text/csv",
                       key="plan_export_csv")

with tab_assign:
    plan_id = state.get("plan_id")
    if plan_id is None:
        st.info("Save the plan first, then assign it to athletes.")
    else:
        team = athletes.list_all(db, me)
        if not team:
            st.info("No athletes yet. Add one on the Athletes page.")
        else:
            who = {a.id: a.name for a in team}
            with st.form("plan_assign"):
                c1, c2 = st.columns(2)
                by_name = {name: athlete_id for athlete_id, name in who.items()}  # names are unique per team
                chosen = [by_name[n] for n in c1.multiselect("Athletes", options=list(by_name))]
                start = c2.date_input("Start date (day 1 of week 1)", value=date.today() + timedelta(days=1),
                                      format="YYYY-MM-DD")
                if st.form_submit_button("Assign", type="primary"):
                    if not chosen:
                        st.warning("Choose at least one athlete.")
                    for athlete_id in chosen:
                        try:
                            before = store.athlete_schedule(db, me, athlete_id)
                            store.assign(db, me, plan_id, athlete_id, start)
                            st.success(f"{who[athlete_id]} starts this plan on {start:%Y-%m-%d}.")
                            for old, new in store.displaced(before, store.athlete_schedule(db, me, athlete_id)):
                                name = store.get(db, me, old.assignment.plan_id).name
                                if new.start is None:
                                    st.warning(f"{name}, set to start on {old.start:%Y-%m-%d}, is replaced: it will "
                                               "not run.")
                                else:
                                    st.info(f"{name} now ends on {new.end:%Y-%m-%d} (it was to run until "
                                            f"{old.end:%Y-%m-%d}).")
                        except UserError as e:
                            show_error(e)
            given = store.assignments(db, me, plan_id=plan_id)
            if given:
                slots = {s.assignment.id: s for athlete_id in {a.athlete_id for a in given}
                         for s in store.athlete_schedule(db, me, athlete_id)}
                rows = []
                for a in given:
                    log = store.deviations(db, me, assignment_id=a.id)
                    share = store.adherence(log)
                    slot = slots[a.id]
                    rows.append({"Athlete": who.get(a.athlete_id, f"#{a.athlete_id}"),
                                 "Start": a.start_date.isoformat(), "Ends": slot.planned_end.isoformat(),
                                 "Status today": store.status(slot, date.today()),
                                 "Workouts logged": int(log["session_id"].nunique()),
                                 "Sets done (% of planned)": "–" if share is None else f"{100 * share:.0f}"})
                st.dataframe(rows, hide_index=True, width="stretch")
                st.caption("A plan assigned later wins the days it runs: the athlete's current plan goes on until "
                           "the day before it starts, and a plan set to start inside it does not run.")
