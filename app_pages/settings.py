"""Settings: which database, where it lives, schema version, and a health check."""
import streamlit as st

from components.state import database, upload_limit_mb_or_stop
from core import config
from core.errors import UserError

st.title("Settings")
db = database()

st.subheader("Storage")
c1, c2 = st.columns(2)
c1.metric("Backend", "DuckDB" if db.backend == "duckdb" else "PostgreSQL",
          help="DuckDB is an embedded file on this machine; PostgreSQL is a server.")
c2.metric("Schema version", db.schema_version())
st.text_input("Database location", db.location, disabled=True)
st.caption("Set `DATABASE_URL` (e.g. `postgresql+psycopg://user:pass@host/db`) to use PostgreSQL; "
           f"unset, CoachLab keeps an embedded DuckDB file in `{config.data_dir()}` "
           "(change it with `COACHLAB_DATA_DIR`).")

if st.button("Run health check"):
    try:
        health = db.health()
        if health["ok"]:
            st.success(f"Healthy: {health['server']}, schema version {health['schema_version']}.")
        else:
            st.warning(f"Schema version {health['schema_version']} is behind "
                       f"{health['latest_schema_version']}: restart the app to apply migrations.")
        st.json(health)
    except UserError as e:
        st.error(e.message)
        if e.hint:
            st.caption(f"How to fix: {e.hint}.")

st.subheader("Limits")
st.write(f"Largest upload: **{upload_limit_mb_or_stop()} MB** (`COACHLAB_UPLOAD_LIMIT_MB`).")
