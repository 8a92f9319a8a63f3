#!/usr/bin/env bash
# Builds the console (console/ → console/dist, served at /app) when it is missing or stale:
# its sources, the API it is typed against (src/) or the lockfile changed since the last build.
# npm start and npm test run it; `npm run build:console` builds unconditionally.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=console/dist/.build-hash
hash=$(find console/src console/index.html console/vite.config.ts console/tsconfig.json src package-lock.json \
  -type f ! -name 'openapi.d.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then exit 0; fi
echo "[console] building console/dist" >&2
npm run --silent build:console
echo "$hash" >"$stamp"
