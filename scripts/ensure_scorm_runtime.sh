#!/usr/bin/env bash
# Installs the SCORM 1.2 run-time the browser test plays packages in (scorm-again, from the npm
# registry, pinned by e2e/scorm_runtime/package-lock.json) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../e2e/scorm_runtime"
if [ -f node_modules/scorm-again/dist/scorm12.js ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js to run the SCORM test." >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
