"""Sensors: upload a phone or wearable recording, count steps (model and baseline), see
cadence, walking bouts and step-time variability; results stored with the athlete's session."""
import json

import pandas as pd
import streamlit as st

from components.sensor_results import (
    FORMAT_LABELS,
    cadence_metric,
    difference,
    download_steps,
    show_counts,
    show_probability,
    show_signal,
    show_walking,
    units_text,
)
from components.state import (
    actor,
    database,
    show_error,
    team_names_or_stop,
    upload_limit_mb_or_stop,
)
from core.errors import UserError
from core.memory import release_freed
from core.sensors import storage, validation
from core.sensors.columns import ROLES, ColumnMappingNeeded
from core.sensors.reader import AWINDA_RATE_HZ, peek_columns, read_recording
from core.sensors.step_counting import analyse, repick, step_model
from models.step_detector.peaks import DEFAULT_MIN_RUN_STEPS, RESCUE_MIN_PROB, SHORT_WALK_PROB, SHORT_WALK_STEPS

st.title("Sensors")
st.caption("Upload an accelerometer recording (phone or wearable: CSV, .csv.gz, or an app's zip or JSON export "
           "such as Sensor Logger's). CoachLab counts steps with "
           "its trained model and with a classical peak detector, and shows cadence and walking bouts.")
db = database()
me = actor()


@st.cache_resource(show_spinner="Loading the step model…")
def _model():
    return step_model()


@st.cache_data(show_spinner=False, max_entries=8, ttl=3600)
def _analyse(source_hash: str, mapping_json: str, rate_hz: float | None, _data: bytes):
    """Read + analyse, cached by the file's hash, the column mapping and the rate given for
    a file without time stamps. An hour at 100 Hz keeps about 23 MB here; an entry over an hour old
    is dropped when the next new file is analysed."""
    try:
        rec = read_recording(_data, mapping=json.loads(mapping_json) or None, rate_hz=rate_hz)
        return rec, analyse(rec, _model())
    finally:
        release_freed()  # parsing freed several times the file's size


def _forget_choices(source_hash: str | None = None) -> None:
    """Drop what the coach chose for one file (its mapping, rate, a re-count asked for), or,
    with no file, every re-count asked for: those must not outlive their upload."""
    kinds = ("mapping", "rate", "rerate", "recount") if source_hash else ("rerate", "recount")
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(tuple(f"sensor_{x}_" for x in kinds))]:
        if source_hash is None or key.endswith(source_hash):
            del st.session_state[key]


def _delete_button(stored: storage.StoredRecording, file_name: str) -> None:
    """A popover asking to confirm. The delete runs as the button's callback, before the page
    runs again, so the page never shows a result that is gone; the uploader is emptied (a new key)."""
    confirm = st.popover("Delete the stored result")
    confirm.button("Delete its steps and its sensor session", type="primary", key="sensor_delete",
                   on_click=_delete, args=(stored, file_name))


def _delete(stored: storage.StoredRecording, file_name: str) -> None:
    try:
        storage.delete(db, me, stored.id)
    except UserError as e:  # deleted meanwhile (another tab)
        st.session_state["sensor_flash_error"] = e
        return
    _forget_choices(stored.source_hash)
    st.session_state["sensor_upload_round"] = st.session_state.get("sensor_upload_round", 0) + 1
    st.session_state["sensor_flash"] = f"Deleted the stored result of {file_name}."


def _show_stored(stored: storage.StoredRecording) -> None:
    """A stored result without its file: counts, cadence, bouts, variability, step times."""
    steps = storage.step_times(db, me, stored.id, "model")
    base_steps = storage.step_times(db, me, stored.id, "baseline")
    kept = storage.signal(db, me, stored.id)
    st.caption(f"{stored.file_name or 'Recording'} · added {stored.created_at:%Y-%m-%d %H:%M} · format "
               f"{FORMAT_LABELS.get(stored.source_format, stored.source_format)} · model {stored.model_version} "
               f"(threshold {stored.threshold:g}, min interval {stored.min_interval_s:g} s). Upload the file again "
               + ("to re-pick the steps." if kept else "to see its signal with every step marked and to re-pick "
                                                       "the steps."))
    for w in stored.warnings:
        st.warning(w)
    show_counts(steps, base_steps, stored.duration_s, stored.sample_rate_hz)
    if kept:
        rate_hz, magnitude = kept
        show_signal(magnitude[:, None], rate_hz, steps, base_steps, key=f"sensor_stored_signal_{stored.id}")
    show_walking(steps, stored.duration_s)
    with st.container(horizontal=True):
        download_steps(steps, stored.file_name)
        _delete_button(stored, stored.file_name or "the recording")


names = team_names_or_stop("then come back to upload a recording")
athlete_id = st.selectbox("Athlete", options=list(names), format_func=names.get, key="sensor_athlete")
limit_mb = upload_limit_mb_or_stop()
upload = st.file_uploader("Recording (a CSV export: .csv, .txt, .csv.gz, or an app's .zip or .json export)",
                          type=["csv", "gz", "txt", "zip", "json"],
                          max_upload_size=limit_mb,  # the uploader then states the limit the page checks
                          key=f"sensor_upload_{st.session_state.get('sensor_upload_round', 0)}")  # new key: emptied
if "sensor_flash" in st.session_state:
    st.success(st.session_state.pop("sensor_flash"))
if "sensor_flash_error" in st.session_state:
    show_error(st.session_state.pop("sensor_flash_error"))

if upload is None:
    _forget_choices()
    history = storage.list_for_athlete(db, me, athlete_id)
    if history:
        st.subheader(f"Stored recordings of {names[athlete_id]}")
        st.dataframe(pd.DataFrame([{"Added": h.created_at.strftime("%Y-%m-%d %H:%M"), "File": h.file_name or "",
                                    "Duration (min)": round(h.duration_s / 60, 1), "Steps": h.steps,
                                    "Baseline steps": h.baseline_steps, "Cadence (steps/min)": h.cadence_spm or None}
                                   for h in history]), hide_index=True, width="stretch")
        by_id = {h.id: h for h in history}
        chosen = st.selectbox("Open a stored recording", [None, *by_id], key=f"sensor_open_{athlete_id}",
                              format_func=lambda i: "—" if i is None else
                              f"{by_id[i].created_at:%Y-%m-%d %H:%M} · {by_id[i].file_name or 'recording'} · "
                              f"{by_id[i].steps:,} steps")
        if chosen is not None:
            _show_stored(by_id[chosen])
    else:
        st.info("No recordings yet for this athlete. Upload one: columns `timestamp_ns, acc_x, acc_y, acc_z` "
                "(optional `gyro_x..gyro_z`), or an Oxford / Xsens Awinda export as recorded.")
    st.stop()

data = upload.getvalue()
try:
    validation.check_size(len(data), limit_mb)
    source_hash = storage.content_hash(data)
except UserError as e:
    show_error(e)
    st.stop()

rate_key, rerate_key, recount_key = (f"sensor_{k}_{source_hash}" for k in ("rate", "rerate", "recount"))
stored = storage.find_by_hash(db, me, source_hash)
# the columns and rate chosen in this session, else the stored file's; a rate chosen here counts for a
# stored file only when the coach asked to count it again at that rate
mapping, given_rate = storage.reading_of(
    stored, st.session_state.get(f"sensor_mapping_{source_hash}"),
    st.session_state.get(rate_key) if stored is None or st.session_state.get(recount_key) else None)
mapping = mapping or {}
try:
    with st.status("Reading the recording and counting steps…", expanded=False) as status:
        try:
            rec, result = _analyse(source_hash, json.dumps(mapping, sort_keys=True), given_rate, data)
        except ColumnMappingNeeded:
            status.update(label="Waiting for you to name the columns.", state="error")
            raise
        except UserError:
            status.update(label="The recording could not be read.", state="error")
            raise
        rate_needed = stored is None and rec.rate_unconfirmed
        if rate_needed:
            status.update(label=f"Read {rec.n_samples:,} samples; waiting for you to confirm their rate.",
                          state="complete")
        else:
            status.update(label=f"Read {rec.n_samples:,} samples ({rec.duration_s / 60:.1f} min); "
                                f"{result.steps:,} steps found.", state="complete")
except ColumnMappingNeeded as e:
    st.warning(f"{e.message} Tell CoachLab which column is which:")
    columns = e.columns or peek_columns(data)
    with st.form("sensor_mapping"):
        cols = st.columns(4)
        chosen = {}
        for i, role in enumerate(ROLES):
            options = ["—"] + list(columns)
            guess = e.guess.get(role)
            chosen[role] = cols[i % 4].selectbox(role.replace("_", " "), options,
                                                 index=options.index(guess) if guess in options else 0,
                                                 key=f"map_{role}")
        st.caption("Time may be left empty only for files without one (the rate the file's header states is then "
                   f"used, else {AWINDA_RATE_HZ:g} Hz). "
                   "Units (g or m/s², deg/s or rad/s, ns/ms/s) are detected.")
        if st.form_submit_button("Use this mapping", type="primary"):
            st.session_state[f"sensor_mapping_{source_hash}"] = {r: c for r, c in chosen.items() if c != "—"}
            st.rerun()
    st.stop()
except UserError as e:
    show_error(e)
    # a mapping or rate the coach chose made the file unreadable: forget them, so the next run asks again
    chose_columns = st.session_state.pop(f"sensor_mapping_{source_hash}", None) is not None
    chose_rate = st.session_state.pop(rate_key, None) is not None
    st.session_state.pop(recount_key, None)
    if chose_columns or chose_rate:
        st.button("Choose other columns" if chose_columns else "Choose another rate")
    st.stop()

rerate = stored is not None and st.session_state.get(rerate_key, False)
if rate_needed or rerate:  # no time stamps: durations, cadence and the count all rest on the rate
    if rerate:
        st.warning(f"This file has no time stamps and was counted at {stored.sample_rate_hz:g} Hz. Give the rate "
                   "it was recorded at: its steps are counted again and replace the stored result.")
    else:
        said = (f"its header states {rec.sample_rate_hz:g} Hz" if rec.rate_source == "header"
                else f"{rec.sample_rate_hz:g} Hz is assumed (the Xsens Awinda rate)")
        st.warning(f"This file has no time stamps, so CoachLab needs the rate it was recorded at: {said}. "
                   "Check it against the sensor's settings before the steps are counted and stored.")
    with st.form("sensor_rate"):
        rate = st.number_input("Sample rate (Hz)", min_value=validation.MIN_RATE_HZ, max_value=2000.0,
                               value=float(rec.sample_rate_hz), step=1.0, format="%g")
        if st.form_submit_button("Count steps at this rate", type="primary"):
            st.session_state[rate_key] = float(rate)
            if rerate:
                st.session_state[recount_key] = True
                del st.session_state[rerate_key]
            st.rerun()
    if rerate and st.button("Keep the stored result"):
        del st.session_state[rerate_key]
        st.rerun()
    st.stop()

if st.session_state.pop(recount_key, False) or stored is None:
    try:
        stored, how = storage.store(db, me, rec, result, source_hash, stored, athlete_id, replace=True,
                                    file_name=upload.name, mapping=mapping)
        st.success(f"Stored as a sensor session of {names[athlete_id]}." if how == "new" else
                   f"Counted again at {round(rec.sample_rate_hz, 1):g} Hz with model {stored.model_version}; the "
                   "stored result was replaced.")
    except UserError as e:
        show_error(e)
        st.stop()
else:
    owner = names.get(stored.athlete_id, "another athlete")
    st.info(f"This file was analysed on {stored.created_at:%Y-%m-%d %H:%M} for {owner}: showing the stored result.")
older = stored.model_version != result.model_version
if older:
    st.caption(f"It was counted with model {stored.model_version}; the current model is {result.model_version}.")
actions = st.container(horizontal=True)
if older and actions.button("Count again with the current model", type="primary"):
    st.session_state[recount_key] = True
    st.rerun()
if rec.rate_source != "time stamps" and actions.button("Count again at another rate"):
    st.session_state[rerate_key] = True
    st.rerun()
steps = storage.step_times(db, me, stored.id, "model")
base_steps = storage.step_times(db, me, stored.id, "baseline")

for w in rec.warnings:
    st.warning(w)

show_counts(steps, base_steps, rec.duration_s, rec.sample_rate_hz)
st.caption(f"Format: {FORMAT_LABELS.get(rec.source_format, rec.source_format)} · units: "
           + units_text(rec.units)
           + f" · model {stored.model_version} (threshold {stored.threshold:g}, min interval {stored.min_interval_s:g} s)")

show_signal(result.acc, result.rate_hz, steps, base_steps, key="sensor_signal")

show_walking(steps, rec.duration_s)
with st.container(horizontal=True):
    download_steps(steps, upload.name)
    _delete_button(stored, upload.name)

with st.expander("Researcher: peak picking"):
    st.caption("Change how the model's step probability is turned into steps; the count updates live. "
               "The stored result keeps the defaults.")
    r1, r2, r3 = st.columns(3)
    th = r1.slider("Probability threshold", 0.05, 0.95, float(result.threshold), 0.05, key="sensor_threshold")
    gap = r2.slider("Minimum step interval (s)", 0.15, 1.0, float(result.min_interval_s), 0.05, key="sensor_gap")
    run = r3.slider("Minimum steps in a row", 1, 10, DEFAULT_MIN_RUN_STEPS, 1, key="sensor_run",
                    help="Shorter runs of steps (pauses over 2 s end a run) are taken as jolts, not walking.")
    r4, r5 = st.columns([1, 2], vertical_alignment="bottom")
    sure = r4.slider(f"Bursts under {SHORT_WALK_STEPS} steps: probability needed", 0.0, 0.95,
                     SHORT_WALK_PROB, 0.05, key="sensor_sure",
                     help="The median step probability a short burst needs to count (a phone turned in the hand "
                     "or a shift of weight can look like a few steps). Longer walks are trusted for their "
                     "rhythm. 0 counts every burst.")
    rescue = r5.checkbox("Let the baseline stand in for steady walks the model missed", value=True,
                         key="sensor_rescue", help="The stored count uses this safety net (walking unlike the "
                         "model's training data, e.g. very slow), where the model gave those steps a median probability of at least "
                         f"{RESCUE_MIN_PROB:g}. Off: the model's own peaks only.")
    alt = repick(result, th, gap, run, rescue=rescue, short_walk_prob=sure)
    m = st.columns(3)
    m[0].metric("Steps with these settings", f"{len(alt):,}", delta=difference(len(alt), len(steps), "stored"),
                delta_color="off", delta_arrow="auto" if len(alt) != len(steps) else "off")
    cadence_metric(m[1], alt)
    m[2].metric("Baseline steps", f"{len(base_steps):,}")
    show_probability(result.prob, result.rate_hz, th, alt, steps, key="sensor_prob")
    st.caption("Peaks above the threshold are steps; a walk's rhythm fills a missed step from a lower peak, and "
               "the walk's first and last steps may be lower too. Crosses: stored steps these settings drop.")
