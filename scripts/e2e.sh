#!/usr/bin/env bash
# Browser journeys: a fresh installation served by runserver (config.settings.e2e), driven by
# Playwright + Debian's Chromium (e2e/). Screenshots land in var/e2e/. Exit code = pytest's.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib_server.sh
source scripts/lib_server.sh

export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM_PATH" ] || { echo "Chromium not found at $CHROMIUM_PATH: run scripts/ensure_chromium.sh." >&2; exit 1; }

# The SCORM 1.2 run-time of e2e/test_scorm_again.py (npm); without it only that test fails.
scripts/ensure_scorm_runtime.sh || saveit_log "scorm-again could not be installed"
saveit_prepare
saveit_start_server

export E2E_SCREENSHOT_DIR="$SAVEIT_ROOT/var/e2e"
export E2E_MAIL_DIR="$EMAIL_FILE_PATH"
mkdir -p "$E2E_SCREENSHOT_DIR"
rm -f "$E2E_SCREENSHOT_DIR"/*.png

set +e
"$PY" -m pytest e2e -q -p no:cacheprovider "$@"
rc=$?
set -e
saveit_log "screenshots: $E2E_SCREENSHOT_DIR"
exit "$rc"
