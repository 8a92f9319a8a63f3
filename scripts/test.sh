#!/usr/bin/env bash
# The test command: installs dependencies when missing, starts the local services, runs the
# whole suite against them, then the console's browser tests (Playwright driving Debian's
# Chromium against the real service). Arguments go to jest and then skip the browser tests;
# `npm run test:e2e` runs those alone.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/services.sh up
npx jest --runInBand "$@"
if [ $# -eq 0 ]; then bash scripts/test-e2e.sh; fi
