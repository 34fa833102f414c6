#!/usr/bin/env bash
# make scale-check: the scale-out configuration on one machine, with real services.
#
# Starts Redis (task queue and cache) and an S3-compatible server (moto in server mode) on free
# ports, creates a throw-away PostgreSQL database, loads the demo, then runs two gunicorn app
# instances on two ports and one RQ worker, all configured by environment variables only
# (DATABASE_URL, REDIS_URL, S3_*). scripts/scale_journey.py crosses the instances (upload on one,
# download on the other; a background job started on one and followed on the other; sign on one,
# verify on the other); the evidence pack it downloads is verified offline and the audit chains
# are verified. Everything started is stopped, the database dropped. Exit code: the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}

log() { printf '[scale-check %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg() { "$PY" - "$1" <<PYEOF
import sys, psycopg
with psycopg.connect(host="$PG_HOST", port=$PG_PORT, user="$PG_USER", dbname="postgres", autocommit=True, connect_timeout=5) as c:
    c.execute(sys.argv[1])
PYEOF
}

scripts/ensure_redis.sh >/dev/null
REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server)}
pg "SELECT 1" || { echo "PostgreSQL does not answer on $PG_HOST:$PG_PORT: the scale check needs it." >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/saveit-scale.XXXXXX")
db="saveit_scale_$(date +%s)_$$"
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || echo "could not drop $db" >&2
  if [ "$rc" -ne 0 ]; then
    for f in "$work"/*.log; do echo "---- last lines of $f ----" >&2; tail -n 25 "$f" >&2 || true; done
  fi
  rm -rf "$work"
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

redis_port=$(free_port); s3_port=$(free_port); port_a=$(free_port); port_b=$(free_port)
"$REDIS_SERVER" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
.venv/bin/moto_server -H 127.0.0.1 -p "$s3_port" >"$work/s3.log" 2>&1 &
pids+=($!)
pg "CREATE DATABASE \"$db\""

export DJANGO_SETTINGS_MODULE=config.settings.base
export SAVEIT_VAR_DIR="$work/var"  # local only: static files, and the signing key every instance mounts
export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$db"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export S3_BUCKET=saveit-scale S3_ENDPOINT_URL="http://127.0.0.1:$s3_port" S3_REGION=eu-west-3
export S3_ACCESS_KEY_ID=scale-check S3_SECRET_ACCESS_KEY=scale-check-secret
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
mkdir -p "$SAVEIT_VAR_DIR"

for _ in $(seq 1 50); do "$PY" - <<'PYEOF' 2>/dev/null && break || sleep 0.2
import os, boto3, redis
redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="eu-west-3",
             aws_access_key_id="scale-check", aws_secret_access_key="scale-check-secret").list_buckets()
PYEOF
done
"$PY" - <<'PYEOF'
import os, boto3
boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="eu-west-3",
             aws_access_key_id="scale-check", aws_secret_access_key="scale-check-secret").create_bucket(
    Bucket=os.environ["S3_BUCKET"], CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
PYEOF
log "Redis :$redis_port, S3 (moto) :$s3_port, PostgreSQL database $db"

"$PY" scripts/compile_messages.py >/dev/null
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
log "loading the demo (files go to the object storage)"
"$PY" manage.py demo >"$work/demo.log"

log "starting the RQ worker and two app instances (:$port_a and :$port_b)"
"$PY" manage.py rqworker default --job-class django_tasks_rq.Job >"$work/worker.log" 2>&1 &
pids+=($!)
for port in "$port_a" "$port_b"; do
  .venv/bin/gunicorn config.wsgi -b "127.0.0.1:$port" -w 2 --timeout 60 >"$work/app-$port.log" 2>&1 &
  pids+=($!)
done
for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 100); do
    "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/sante/', timeout=2)" 2>/dev/null && break
    sleep 0.3
  done
done

log "readying the demo for the journey (tokens, an engagement ready to seal)"
SCALE_SEED_OUT="$work/seed.json" "$PY" manage.py shell -v 0 -c \
  "exec(open('scripts/scale_seed.py', encoding='utf-8').read())"
"$PY" scripts/scale_journey.py "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b" \
  "$work/seed.json" "$work/pack.zip"

log "the pack downloaded through B verifies offline; the audit chains verify"
"$PY" manage.py evidence_verify "$work/pack.zip" --installation-key
"$PY" manage.py audit_verify
log "scale check passed"
