#!/usr/bin/env bash
# Serves the platform with its background worker and its scheduler beside it; Ctrl-C stops all.
set -euo pipefail
py=$1; host=$2; port=$3
# Links in e-mails, credentials and QR codes point where this server answers (unless set).
export SITE_URL=${SITE_URL:-http://$host:$port}
"$py" manage.py db_worker --interval 1 >var/worker.log 2>&1 &
worker=$!
# The periodic jobs (chain checkpoints…) at the start of every minute: see docs/operations.md.
"$py" manage.py run_due_jobs --loop >var/scheduler.log 2>&1 &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM
echo
echo "  SAVE IT is running on http://$host:$port/  (background worker log: var/worker.log,"
echo "  scheduled jobs: var/scheduler.log)"
echo "  E-mails (invitations, password resets) are printed in var/worker.log."
echo
"$py" manage.py demo --logins
echo
"$py" manage.py runserver "$host:$port" --noreload
