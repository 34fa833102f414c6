#!/usr/bin/env bash
# Fuzzes the JSON API (schemathesis 4.x) against a fresh demo installation, authenticated with a
# personal token of the Laboratoires Hélios owner. Fails on any 5xx or any response that does not
# match the OpenAPI schema. Bounded: ST_MAX_EXAMPLES cases per operation, ST_MAX_TIME seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib_server.sh
source scripts/lib_server.sh

ST=${ST:-$SAVEIT_ROOT/.venv/bin/st}
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-25}
MAX_TIME=${ST_MAX_TIME:-}
REPORT_DIR=${ST_REPORT_DIR:-$SAVEIT_ROOT/var/schemathesis}

saveit_prepare
slug=$("$PY" manage.py shell -v 0 -c \
  'from saveit.accounts.models import Organization; print(Organization.objects.get(name="Laboratoires Hélios").slug)')
token=$("$PY" manage.py issue_api_token --email responsable@helios.demo --org "$slug" --name schemathesis)
saveit_start_server

mkdir -p "$REPORT_DIR"
saveit_log "schemathesis: $MAX_EXAMPLES examples per operation, at most $MAX_TIME s (org $slug)"
set +e
# SCHEMATHESIS_HOOKS etc. are not used; the generation database is off so runs do not depend on
# a previous one. The token is passed by header and masked in the output (output sanitisation).
"$ST" run "$BASE_URL/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  ${MAX_TIME:+--max-time "$MAX_TIME"} \
  --workers 2 \
  --request-timeout 20 \
  --generation-database none \
  --suppress-health-check too_slow,filter_too_much \
  --report junit --report-dir "$REPORT_DIR" \
  --no-color
rc=$?
set -e
saveit_log "schemathesis exit code $rc (junit report in $REPORT_DIR)"
exit "$rc"
