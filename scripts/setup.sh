#!/usr/bin/env bash
# Installs what CoachLab needs on a Debian/Ubuntu machine with Python 3.11:
#   scripts/setup.sh           system libraries for OpenCV/MediaPipe, the .venv with requirements.txt
#   scripts/setup.sh --test    also PostgreSQL and Chromium for the tests (Debian packages)
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_install() {  # apt_install PKG... : installs the missing ones (root or sudo), else says what to do
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "Please install these Debian packages first: ${missing[*]}" >&2; exit 1; fi
  fi
  echo "Installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if command -v apt-get >/dev/null; then
  apt_install libgl1 libglib2.0-0
  if [ $want_test -eq 1 ]; then
    apt_install postgresql chromium fonts-dejavu-core ffmpeg  # ffmpeg: the tests re-encode and rotate clips
  fi
fi

PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "CoachLab needs Python 3.11 (found $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv || { apt_install python3.11-venv && "$PY" -m venv .venv; }
fi
stamp=".venv/.requirements.sha256"
if ! sha256sum -c --status "$stamp" 2>/dev/null; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  sha256sum requirements.txt > "$stamp"
fi
