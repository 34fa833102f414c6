#!/usr/bin/env bash
# Fuzzes the JSON API (schemathesis 4.x) against a fresh demo installation. Fails on any 5xx, any
# response that does not match the OpenAPI schema, and any status code the schema does not list.
#
# It reaches the real paths: scripts/schemathesis_seed.py gives every path parameter the id of a
# demo object of Laboratoires Hélios. Two identities:
#   1. the Hélios owner: examples, coverage, fuzzing and the stateful phase (links inferred from
#      the response schemas and Location headers: create, then read/change what was created);
#   2. the owner of Transports Ardent (an outsider) on the same ids, on every operation with a path
#      parameter, with valid requests (positive fuzzing): any 2xx there is a cross-tenant leak and
#      fails the run (check no_cross_tenant_success in scripts/schemathesis_hooks.py).
# Bounded (about 5 minutes on 2 cores): ST_MAX_EXAMPLES fuzzed cases per operation (owner run),
# ST_OUTSIDER_EXAMPLES (outsider run), ST_STATEFUL_SCENARIOS scenarios of ST_STATEFUL_STEPS steps.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib_server.sh
source scripts/lib_server.sh

ST=${ST:-$SAVEIT_ROOT/.venv/bin/st}
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-5}
OUTSIDER_EXAMPLES=${ST_OUTSIDER_EXAMPLES:-3}
STATEFUL_STEPS=${ST_STATEFUL_STEPS:-8}
STATEFUL_SCENARIOS=${ST_STATEFUL_SCENARIOS:-30}
REPORT_DIR=${ST_REPORT_DIR:-$SAVEIT_ROOT/var/schemathesis}

saveit_prepare
SEED_OUT="$SAVEIT_VAR_DIR" "$PY" manage.py shell -v 0 -c \
  "exec(open('scripts/schemathesis_seed.py', encoding='utf-8').read())"
config="$SAVEIT_VAR_DIR/schemathesis.toml"
# The coverage phase's probes of undeclared methods (405 on every path) are most of its time:
# ninja answers them all the same way, so they are left out to keep the step short.
cat >>"$config" <<TOML

[phases.coverage]
unexpected-methods = []

[phases.stateful]
max-steps = $STATEFUL_STEPS

[phases.stateful.generation]
max-examples = $STATEFUL_SCENARIOS
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
  --phases fuzzing --mode positive --include-path-regex '[{]' \
  --max-examples "$OUTSIDER_EXAMPLES"
rc_outsider=$?
set -e
saveit_log "schemathesis exit codes: owner $rc_owner, outsider $rc_outsider (junit in $REPORT_DIR)"
[ "$rc_owner" -eq 0 ] && [ "$rc_outsider" -eq 0 ]
