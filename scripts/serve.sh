#!/usr/bin/env bash
# Serves the platform with its background worker beside it; Ctrl-C stops both.
set -euo pipefail
py=$1; host=$2; port=$3
# Links in e-mails, credentials and QR codes point where this server answers (unless set).
export SITE_URL=${SITE_URL:-http://$host:$port}
"$py" manage.py db_worker --interval 1 >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "  SAVE IT is running on http://$host:$port/  (background worker log: var/worker.log)"
echo "  E-mails (invitations, password resets) are printed in var/worker.log."
echo
"$py" manage.py demo --logins
echo
"$py" manage.py runserver "$host:$port" --noreload
