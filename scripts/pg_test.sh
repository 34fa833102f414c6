#!/usr/bin/env bash
# The pytest suite on PostgreSQL, in a throw-away database. When no server answers on
# PG_HOST:PG_PORT (default 127.0.0.1:5432, user postgres) the step FAILS (exit 2): a skipped run
# would hide the PostgreSQL-only tests (audit chain under concurrent writers). On a workstation
# without PostgreSQL, SAVEIT_PG_OPTIONAL=1 turns the failure into a loud skip (never in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
WORKERS=${PYTEST_WORKERS:-2}

# psql / pg_isready may be missing on a fresh machine: psycopg (in the venv) does the talking.
pg() {  # pg "SQL" -> runs it in the maintenance database (autocommit)
  "$PY" - "$1" <<PYEOF
import sys
import psycopg
with psycopg.connect(host="$PG_HOST", port=$PG_PORT, user="$PG_USER", dbname="postgres",
                     autocommit=True, connect_timeout=5) as conn:
    conn.execute(sys.argv[1])
PYEOF
}

if ! pg "SELECT 1" 2>/dev/null; then
  echo
  echo "*****************************************************************************"
  echo "*** PostgreSQL not reachable: nothing answers as $PG_USER on $PG_HOST:$PG_PORT"
  echo "*****************************************************************************"
  echo
  if [ -n "${SAVEIT_PG_OPTIONAL:-}" ] && [ -z "${CI:-}" ]; then
    echo "SAVEIT_PG_OPTIONAL is set (and this is not CI): the PostgreSQL run is SKIPPED." >&2
    exit 0
  fi
  echo "The PostgreSQL step fails: start PostgreSQL (or set PG_HOST/PG_PORT/PG_USER)." >&2
  exit 2
fi

db="saveit_ci_$(date +%s)_$$"
cleanup() {
  local rc=$?
  # pytest-django creates test_<db> (and test_<db>_gw0, _gw1… with xdist) and normally drops them.
  for name in "$db" "test_$db" $(seq -f "test_${db}_gw%g" 0 $((WORKERS - 1))); do
    pg "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" || echo "could not drop $name" >&2
  done
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pg "CREATE DATABASE \"$db\""
echo "PostgreSQL $PG_HOST:$PG_PORT: running the suite in the database $db ($WORKERS workers)"
"$PY" scripts/compile_messages.py >/dev/null

set +e
# Arguments (paths, -k …) replace the default target, the whole suite.
[ "$#" -gt 0 ] || set -- saveit
DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$db" "$PY" -m pytest -n "$WORKERS" "$@"
rc=$?
set -e
exit "$rc"
