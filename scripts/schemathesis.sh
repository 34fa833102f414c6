#!/usr/bin/env bash
# Fuzzes the JSON API (schemathesis 4.x) against a fresh demo installation. Fails on any 5xx, any
# response that does not match the OpenAPI schema, and any status code the schema does not list.
#
# It reaches the real paths: scripts/schemathesis_seed.py gives every path parameter the id of a
# demo object of Laboratoires Hélios. Two identities:
#   1. the Hélios owner: examples, coverage, fuzzing and the stateful phase (links inferred from
#      the response schemas and Location headers: create, then read/change what was created);
#   2. the owner of Transports Ardent (an outsider) on the same ids: examples and coverage; any
#      2xx on an operation that names a Hélios object is a cross-tenant leak and fails the run.
# Bounded: ST_MAX_EXAMPLES cases per operation (main run), ST_STATEFUL_STEPS steps per scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib_server.sh
source scripts/lib_server.sh

ST=${ST:-$SAVEIT_ROOT/.venv/bin/st}
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-5}
OUTSIDER_EXAMPLES=${ST_OUTSIDER_EXAMPLES:-2}
STATEFUL_STEPS=${ST_STATEFUL_STEPS:-5}
REPORT_DIR=${ST_REPORT_DIR:-$SAVEIT_ROOT/var/schemathesis}

saveit_prepare
SEED_OUT="$SAVEIT_VAR_DIR" "$PY" manage.py shell -v 0 -c \
  "exec(open('scripts/schemathesis_seed.py', encoding='utf-8').read())"
config="$SAVEIT_VAR_DIR/schemathesis.toml"
cat >>"$config" <<TOML

[phases.stateful]
max-steps = $STATEFUL_STEPS
TOML
saveit_start_server
mkdir -p "$REPORT_DIR"

# One worker: with threads, hypothesis's ast.parse trips CPython 3.11's "AST constructor recursion
# depth mismatch" SystemError. The generation database is off so a run never depends on the last.
# Tokens are masked in the output (output sanitisation is on by default).
run_st() {  # run_st TOKEN_FILE REPORT_SUBDIR ARGS...
  local token_file=$1 report=$2; shift 2
  "$ST" --config-file "$config" run "$BASE_URL/api/v1/openapi.json" \
    --header "Authorization: Bearer $(cat "$token_file")" \
    --workers 1 --request-timeout 20 --generation-database none \
    --suppress-health-check too_slow,filter_too_much,large_base_example \
    --report junit --report-dir "$REPORT_DIR/$report" --no-color "$@"
}

set +e
saveit_log "schemathesis 1/2 as the Hélios owner: $MAX_EXAMPLES examples per operation, stateful"
run_st "$SAVEIT_VAR_DIR/token" owner \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$MAX_EXAMPLES"
rc_owner=$?
saveit_log "schemathesis 2/2 as an outsider (Transports Ardent) on Hélios's ids"
PYTHONPATH="$SAVEIT_ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
run_st "$SAVEIT_VAR_DIR/outsider_token" outsider \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,no_cross_tenant_success \
  --phases examples,coverage \
  --max-examples "$OUTSIDER_EXAMPLES"
rc_outsider=$?
set -e
saveit_log "schemathesis exit codes: owner $rc_owner, outsider $rc_outsider (junit in $REPORT_DIR)"
[ "$rc_owner" -eq 0 ] && [ "$rc_outsider" -eq 0 ]
