#!/usr/bin/env bash
# The test command: installs dependencies when missing, starts the local services, then runs
# the console's browser tests (Playwright driving Debian's Chromium against the real service),
# the short fault subset (services of its own on other ports), a bounded fuzzing run of the API
# document, and last the whole jest suite against the local services, so that a run ends with
# its test summary. Arguments go to jest and skip the other three; `npm run test:e2e`,
# `npm run faults` and `npm run fuzz` run those alone. Each step exits non-zero on failure.
# The run closes with one line counting the jest and browser tests ("Tests: N passed, M failed"),
# the form CI reads to know that tests ran.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/services.sh up
REPORTS=.local/test-results
rm -f "$REPORTS/jest.json" "$REPORTS/e2e.json"
mkdir -p "$REPORTS"
if [ $# -eq 0 ]; then
  bash scripts/test-e2e.sh
  npm run --silent faults -- --quick
  npm run --silent fuzz
fi
status=0
npx jest --runInBand --json --outputFile="$REPORTS/jest.json" "$@" || status=$?
npx ts-node --transpile-only scripts/test-summary.ts "$REPORTS/jest.json" "$REPORTS/e2e.json"
exit "$status"
