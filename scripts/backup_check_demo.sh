#!/usr/bin/env bash
# CI: the demo installation on a throw-away SQLite database, checkpointed by the scheduler, then
# backed up, restored into a scratch copy and verified (manage.py backup_check, exit 0 or fail).
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-.venv/bin/python}
scratch=$(mktemp -d -t saveit-backup-ci-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export SAVEIT_VAR_DIR=$scratch
export DATABASE_URL="sqlite:///$scratch/saveit.sqlite3"
export SAVEIT_SIGNING_KEY_PATH="$scratch/keys/installation-ed25519.pem"
"$py" manage.py migrate --verbosity 0
"$py" manage.py demo >/dev/null
"$py" manage.py run_due_jobs
"$py" manage.py backup_check --output "$scratch/backups"
