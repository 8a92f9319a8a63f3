#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work
# here). Installs it when missing; idempotent, like services.sh does for Redis.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "[e2e] installing chromium from Debian" >&2
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
