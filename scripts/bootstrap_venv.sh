#!/usr/bin/env bash
# Creates the virtual environment and installs the locked dependencies (hash-checked).
# Works where python3 -m venv lacks ensurepip (Debian without python3-venv): the venv is made
# without pip and the system pip installs into it.
set -euo pipefail
python=$1; venv=$2; lock=$3
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "Python >= 3.11 is required ($python is $("$python" --version 2>&1))." >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    "$python" -m venv --without-pip "$venv"
  fi
fi
if "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
else
  "$python" -m pip --python "$venv/bin/python" install --quiet --require-hashes -r "$lock"
fi
