#!/usr/bin/env bash
# The test command: installs dependencies when missing, starts the local services, runs the
# whole suite against them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/services.sh up
npx jest --runInBand "$@"
