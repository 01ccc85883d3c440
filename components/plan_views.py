"""Reusable UI for plans: catalogue sync, clip store, schema errors by path, playlists."""
import pandas as pd
import streamlit as st

from core.errors import UserError
from core.plans import catalogue, playlist, table
from core.plans.clip_store import ClipStore, open_store
from core.plans.schema import PlanError
from core.storage import Database


@st.cache_resource(show_spinner="Loading the exercise catalogue…")
def _synced(location: str, _db: Database) -> catalogue.Catalogue:
    catalogue.sync(_db)
    return catalogue.load(_db)


def exercise_catalogue(db: Database) -> catalogue.Catalogue:
    """The catalogue as stored in the database, synced from data/exercises.json once per process."""
    return _synced(db.location, db)


@st.cache_resource
def clip_store() -> ClipStore:
    """The demo-clip store named by COACHLAB_CLIPS (default: the shipped data/clips folder)."""
    return open_store()


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _clip(store_name: str, key: str, _store: ClipStore) -> bytes | None:
    """Clip bytes, cached per store and key (None when it cannot be read now)."""
    try:
        return _store.read(key)
    except UserError:
        return None


def clear_clip_cache() -> None:
    """Forget cached clip bytes (after a clip was added or replaced)."""
    _clip.clear()


def show_plan_errors(errors: list[PlanError], where: dict | None = None) -> None:
    """Every schema violation, by JSON path (and table row when the plan came from the table)."""
    st.error(f"The plan has {len(errors)} problem{'s' if len(errors) != 1 else ''}; fix them and validate again.")
    rows = [{"Path": e.path, **({"Table row": table.row_of(e.path, where)} if where is not None else {}),
             "Problem": e.message} for e in errors]
    frame = pd.DataFrame(rows)
    if "Table row" in frame:
        frame["Table row"] = frame["Table row"].astype("Int64")
    st.dataframe(frame, hide_index=True, width="stretch")


def show_playlist(items: list[playlist.PlaylistItem], store: ClipStore, key: str) -> dict[int, dict]:
    """Each exercise with its demo clip (or a placeholder) and inputs for what was done.

    Returns {position: {"done_sets": n, "done_reps": r or None}}."""
    done = {}
    for item in items:
        with st.container(border=True):
            left, right = st.columns([2, 3])
            with left:
                data = _clip(store.describe(), item.clip_key, store) if item.available else None
                if data:
                    st.video(data, loop=True, autoplay=False, muted=True)
                else:
                    st.info(item.placeholder or f"No demo clip for {item.name}.", icon=":material/videocam_off:")
            with right:
                st.markdown(f"**{item.position + 1}. {item.name}**")
                st.caption(item.prescription + (f" · {item.notes}" if item.notes else "")
                           + (f" · video analysis can count it ({item.video_exercise})" if item.video_exercise else ""))
                c1, c2 = st.columns(2)
                sets = c1.number_input("Sets done", min_value=0, max_value=20, value=0, step=1,
                                       key=f"{key}_sets_{item.position}")
                reps = None
                if item.reps is not None:
                    reps = c2.number_input("Reps per set (count)", min_value=0, max_value=200, value=item.reps,
                                           step=1, key=f"{key}_reps_{item.position}")
                done[item.position] = {"done_sets": int(sets),
                                       "done_reps": int(reps) if reps is not None and reps != item.reps else None}
    return done
