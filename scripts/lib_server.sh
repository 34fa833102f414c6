#!/usr/bin/env bash
# Shared by scripts/e2e.sh and scripts/schemathesis.sh (source it, do not run it).
# Prepares a throw-away installation (SQLite + collected static + demo data) under a temp var dir
# and serves it with runserver on a free local port, with config.settings.e2e.
#
#   saveit_prepare        -> exports SAVEIT_VAR_DIR, EMAIL_FILE_PATH, DJANGO_SETTINGS_MODULE, ...
#   saveit_start_server   -> exports SAVEIT_PORT, BASE_URL; SAVEIT_SERVER_PID; waits for /sante/
#   saveit_cleanup        -> stops the server, removes the var dir (registered as EXIT trap)

SAVEIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PY:-$SAVEIT_ROOT/.venv/bin/python}
SAVEIT_SERVER_PID=""

saveit_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

saveit_free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

saveit_cleanup() {
  local rc=$?
  if [ -n "$SAVEIT_SERVER_PID" ] && kill -0 "$SAVEIT_SERVER_PID" 2>/dev/null; then
    kill "$SAVEIT_SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SAVEIT_SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SAVEIT_SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -f "${SAVEIT_VAR_DIR:-/nonexistent}/server.log" ]; then
    echo "---- last lines of the server log ($SAVEIT_VAR_DIR/server.log) ----" >&2
    tail -n 60 "$SAVEIT_VAR_DIR/server.log" >&2 || true
    echo "---- end of the server log ----" >&2
  fi
  if [ -n "${SAVEIT_VAR_DIR:-}" ] && [ -z "${KEEP_VAR_DIR:-}" ]; then
    rm -rf "$SAVEIT_VAR_DIR"
  elif [ -n "${SAVEIT_VAR_DIR:-}" ]; then
    saveit_log "kept $SAVEIT_VAR_DIR (KEEP_VAR_DIR is set)"
  fi
  return "$rc"
}

saveit_prepare() {
  cd "$SAVEIT_ROOT"
  [ -x "$PY" ] || { echo "No virtual environment at $PY: run 'make test' (or make e2e) first." >&2; return 1; }
  SAVEIT_VAR_DIR=$(mktemp -d "${TMPDIR:-/tmp}/saveit-srv.XXXXXX")
  export SAVEIT_VAR_DIR
  export DJANGO_SETTINGS_MODULE=config.settings.e2e
  export EMAIL_FILE_PATH="$SAVEIT_VAR_DIR/mail"
  mkdir -p "$EMAIL_FILE_PATH"
  trap saveit_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$PY" scripts/compile_messages.py >/dev/null
  saveit_log "preparing a fresh installation in $SAVEIT_VAR_DIR"
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py collectstatic --noinput -v 0
  "$PY" manage.py demo >"$SAVEIT_VAR_DIR/demo.log"
}

saveit_start_server() {
  SAVEIT_PORT=$(saveit_free_port)
  BASE_URL="http://127.0.0.1:$SAVEIT_PORT"
  export SAVEIT_PORT BASE_URL
  export SITE_URL="$BASE_URL"
  "$PY" manage.py runserver "127.0.0.1:$SAVEIT_PORT" --noreload >"$SAVEIT_VAR_DIR/server.log" 2>&1 &
  SAVEIT_SERVER_PID=$!
  saveit_log "server pid $SAVEIT_SERVER_PID on $BASE_URL (log: $SAVEIT_VAR_DIR/server.log)"
  local deadline=$((SECONDS + 60))
  until "$PY" - "$BASE_URL/sante/" <<'PYEOF' 2>/dev/null
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    sys.exit(0 if response.status == 200 and json.load(response).get("status") == "ok" else 1)
PYEOF
  do
    if ! kill -0 "$SAVEIT_SERVER_PID" 2>/dev/null; then
      echo "The server stopped before answering." >&2; return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "The server did not answer $BASE_URL/sante/ within 60 s." >&2; return 1
    fi
    sleep 0.3
  done
  saveit_log "server is up: $BASE_URL/sante/ answers 200"
}
