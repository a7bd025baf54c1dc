#!/usr/bin/env bash
# Builds the images of docker/compose.yaml, one after the other: pipeline-kafka and pipeline-{processor,reporter,
# generator}. Sequential on purpose: the three app Dockerfiles share their build stage (npm ci with the canvas
# compile, the Nx build of all three apps), so the first build fills the layer cache and the other two reuse it;
# parallel builds (as `compose build` may do) would each run it.
#   bash tools/containers/build.sh [service…]      (default: all four; logs in dist/containers/build-<service>.log)
# Run tools/containers/setup.sh first (test.sh does).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=tools/containers/engine.sh
source "$SCRIPT_DIR/engine.sh"

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(kafka processor reporter generator)
log_dir="$REPO_ROOT/dist/containers"
mkdir -p "$log_dir"
for s in "${services[@]}"; do
  [ -f "docker/$s.Dockerfile" ] || { echo "containers/build: no docker/$s.Dockerfile" >&2; exit 2; }
  started=$SECONDS
  echo "containers/build: pipeline-$s (log: dist/containers/build-$s.log)" >&2
  if ! $ENGINE build "${BUILD_FLAGS[@]}" -f "docker/$s.Dockerfile" -t "pipeline-$s" . >"$log_dir/build-$s.log" 2>&1; then
    tail -n 40 "$log_dir/build-$s.log" >&2
    echo "containers/build: building pipeline-$s failed (log: dist/containers/build-$s.log)" >&2
    exit 1
  fi
  echo "containers/build: pipeline-$s built in $((SECONDS - started))s" >&2
done
