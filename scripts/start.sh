#!/usr/bin/env bash
# The start command: installs dependencies when missing, builds the console when missing or
# stale, starts the local services, then the API (which serves the console at /app) with the
# sync worker in the same process (set WITH_WORKER=false and run `npm run start:worker`
# separately to split them, as in production).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/build-console.sh
bash scripts/services.sh up
WITH_WORKER=${WITH_WORKER:-true} exec npx ts-node --transpile-only src/main-api.ts
