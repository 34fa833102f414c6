#!/usr/bin/env bash
# Makes sure Debian's Chromium is at $CHROMIUM_PATH (default /usr/bin/chromium) for the browser
# journeys. Installs it with apt-get when missing (as root, or with password-less sudo).
# Playwright's own browser download is never used (no network access to its CDN is assumed).
set -euo pipefail
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}

report() { "$CHROMIUM_PATH" --version 2>/dev/null | head -n 1 || true; }

if [ -x "$CHROMIUM_PATH" ]; then
  echo "Chromium present: $CHROMIUM_PATH ($(report))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing at $CHROMIUM_PATH and apt-get is not available: install Chromium" \
    "and set CHROMIUM_PATH." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "Chromium is missing at $CHROMIUM_PATH; run as root: apt-get install -y chromium" >&2
  exit 1
fi
echo "Chromium is missing: installing Debian's chromium package…"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "apt-get installed chromium but $CHROMIUM_PATH is still missing (on Ubuntu the package" \
    "is a snap wrapper that does not run in containers): set CHROMIUM_PATH." >&2
  exit 1
fi
echo "Chromium installed: $CHROMIUM_PATH ($(report))"
