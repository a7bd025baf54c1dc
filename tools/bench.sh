#!/usr/bin/env bash
# npm run bench [-- options]: set-up (as npm start/test), build the two bundles the benchmark runs, then run it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
mkdir -p dist
if ! npx nx run-many -t build -p generator processor --outputStyle=static >dist/bench-build.log 2>&1; then
  cat dist/bench-build.log >&2
  exit 1
fi
exec node bench/run.mjs "$@"
