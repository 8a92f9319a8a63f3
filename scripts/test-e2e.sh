#!/usr/bin/env bash
# The console's browser tests: Chromium from Debian, the console built when stale, the local
# services up; then Playwright (console/playwright.config.ts starts the service in-process on
# its own port, database and index).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/ensure-chromium.sh
bash scripts/build-console.sh
bash scripts/services.sh up
npx playwright test -c console/playwright.config.ts "$@"
