#!/usr/bin/env bash
# The test command: installs dependencies when missing, starts the local services, runs the
# whole suite against them, then the console's browser tests (Playwright driving Debian's
# Chromium against the real service). Arguments go to jest and then skip the browser tests;
# `npm run test:e2e` runs those alone. The whole suite then also runs the short fault subset,
# which starts and stops services of its own on other ports, and a bounded fuzzing run of the
# API document; each exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/services.sh up
npx jest --runInBand "$@"
if [ $# -eq 0 ]; then
  bash scripts/test-e2e.sh
  npm run --silent faults -- --quick
  npm run --silent fuzz
fi
