#!/usr/bin/env bash
# The start command: installs dependencies when missing, builds the console when missing or
# stale, starts the local services, then the API (which serves the console at /app) with the
# sync worker in the same process (set WITH_WORKER=false and run `npm run start:worker`
# separately to split them, as in production). API_PROCESSES=N and/or WORKER_PROCESSES=M start
# N API processes sharing PORT and M workers under one supervisor (src/main-cluster.ts), which
# stops them all on SIGTERM or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/build-console.sh
bash scripts/services.sh up
if [ "${API_PROCESSES:-1}" != 1 ] || [ "${WORKER_PROCESSES:-0}" != 0 ]; then
  # node itself, not npx: the supervisor must receive the signals to pass them on.
  exec node -r ts-node/register/transpile-only src/main-cluster.ts
fi
WITH_WORKER=${WITH_WORKER:-true} exec npx ts-node --transpile-only src/main-api.ts
