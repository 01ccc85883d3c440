#!/usr/bin/env bash
# Installs everything and starts CoachLab on an embedded DuckDB file, with the demo team loaded.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
. .venv/bin/activate
python -m core db init
python -m core demo load
exec streamlit run app.py "$@"
