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
# A decoy token for DELETE /tokens/{token_id}: the fuzzer must not revoke the token it runs with.
"$PY" manage.py issue_api_token --email responsable@helios.demo --org "$slug" --name decoy >/dev/null
decoy_id=$("$PY" manage.py shell -v 0 -c \
  'from saveit.accounts.models import ApiToken; print(ApiToken.objects.get(name="decoy").pk)')
config="$SAVEIT_VAR_DIR/schemathesis.toml"
cat >"$config" <<TOML
[[operations]]
include-method = "DELETE"
include-path-regex = '/tokens/[{]token_id[}]\$'
parameters = { token_id = $decoy_id }
TOML
saveit_start_server

mkdir -p "$REPORT_DIR"
saveit_log "schemathesis: $MAX_EXAMPLES examples per operation, time budget ${MAX_TIME:-none} (org $slug)"
set +e
# The generation database is off so a run never depends on a previous one; the token is masked
# in the output (output sanitisation is on by default).
# One worker: with threads, hypothesis's ast.parse trips CPython 3.11's "AST constructor recursion
# depth mismatch" SystemError (seen here as a schemathesis Runtime Error).
"$ST" --config-file "$config" run "$BASE_URL/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  ${MAX_TIME:+--max-time "$MAX_TIME"} \
  --workers 1 \
  --request-timeout 20 \
  --generation-database none \
  --suppress-health-check too_slow,filter_too_much \
  --report junit --report-dir "$REPORT_DIR" \
  --no-color
rc=$?
set -e
saveit_log "schemathesis exit code $rc (junit report in $REPORT_DIR)"
exit "$rc"
