#!/usr/bin/env bash
# Makes sure a Redis server binary is available for the scale check (redis-server on the PATH, or
# $REDIS_SERVER). Installs Debian's redis-server with apt-get when missing (as root, or with
# password-less sudo). The scale check starts its own instance on a free port.
set -euo pipefail
REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server || true)}
if [ -n "$REDIS_SERVER" ] && [ -x "$REDIS_SERVER" ]; then
  echo "Redis present: $REDIS_SERVER ($("$REDIS_SERVER" --version | head -n 1))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing and apt-get is not available: install Redis and set REDIS_SERVER." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "redis-server is missing; run as root: apt-get install -y redis-server" >&2
  exit 1
fi
echo "Redis is missing: installing Debian's redis-server package…"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
echo "Redis installed: $(command -v redis-server)"
