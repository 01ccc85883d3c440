"""Process-wide resources for pages: the database (cached once per process) and the acting user."""
import streamlit as st

from core import config
from core.actor import LOCAL_COACH, Actor
from core.errors import UserError
from core.storage import Database, open_database


@st.cache_resource(show_spinner="Opening the database…")
def _database(url: str) -> Database:
    db = open_database(url)
    # Printed once per server process, so whoever started the app sees where the data lives.
    print(f"CoachLab database: {db.backend} at {db.location}", flush=True)
    return db


def database() -> Database:
    """The app's database; on failure shows what is wrong and how to fix it, then stops the page."""
    url = config.database_url()
    try:
        return _database(url)
    except UserError as e:
        st.error(f"**CoachLab cannot open its database.** {e.message}")
        if e.hint:
            st.info(f"How to fix: {e.hint}.")
        st.caption("Nothing stored has been changed. Fix the problem, then reload this page.")
        st.stop()


def actor() -> Actor:
    """The acting user. Local single-user mode: the local coach (logins come later)."""
    return st.session_state.get("actor", LOCAL_COACH)


def show_error(e: UserError) -> None:
    """A user-facing error with its fix, never a traceback."""
    st.error(e.message)
    if e.hint:
        st.caption(f"How to fix: {e.hint}.")


def upload_limit_mb_or_stop() -> int:
    """The upload limit (COACHLAB_UPLOAD_LIMIT_MB); when it is set wrong, says so and stops
    the page instead of showing a traceback."""
    try:
        return config.upload_limit_mb()
    except UserError as e:
        show_error(e)
        st.stop()


def team_names_or_stop(then: str) -> dict[int, str]:
    """The team's active athletes as {id: name}; with none, says how to add one (and what to do
    `then`, e.g. "then come back to analyse a clip") and stops the page."""
    from core import athletes
    team = athletes.list_all(database(), actor())
    if not team:
        st.info(f"No athletes yet. Add one on the Athletes page (or load the demo team from Home), {then}.")
        st.stop()
    return {a.id: a.name for a in team}
