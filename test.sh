#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need first (PostgreSQL, Chromium and ffmpeg from
# Debian, the Python requirements); the tests start PostgreSQL on 127.0.0.1 and stop it at the end.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
. .venv/bin/activate
exec python -m pytest "$@"
