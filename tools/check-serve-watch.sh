#!/usr/bin/env bash
# Checks that watch mode watches (README "Other ways to run things"): starts `nx serve generator`, changes one of
# its source files, and waits for the app to come up again under a new pid. Needs no broker (the generator
# serves HTTP while Kafka is unreachable). Not part of `npm test`: it edits a source file for a moment (restored
# on exit), which must not happen while other tasks build the same project. Takes 1-4 minutes on 2 cores.
#
#   bash tools/check-serve-watch.sh            (CHECK_PORT=35020 for the generator's HTTP port)
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
port="${CHECK_PORT:-35020}"
source_file=apps/generator/src/main.ts
log="$(mktemp)"
backup="$(mktemp)"
cp "$source_file" "$backup"

serve_pid=
cleanup() {
  cp "$backup" "$source_file"
  # serve runs in its own process group (setsid): stop all of it, nx, webpack --watch and node --watch.
  if [ -n "$serve_pid" ]; then kill -INT -- "-$serve_pid" 2>/dev/null || true; fi
  for _ in $(seq 1 40); do
    [ -n "$serve_pid" ] && kill -0 -- "-$serve_pid" 2>/dev/null || break
    sleep 0.5
  done
  rm -f "$log" "$backup"
}
trap cleanup EXIT

# A port nothing listens on: the app starts anyway and keeps retrying Kafka.
GENERATOR_PORT="$port" KAFKA_BROKERS=127.0.0.1:1 setsid npx nx serve generator --outputStyle=stream >"$log" 2>&1 &
serve_pid=$!

# The pid of the generator that last logged "Generator listening on" (Nest prints its pid on every line).
listening_pid() { sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n 's/.*\[Nest\] \([0-9]*\) .*Generator listening on.*/\1/p' | tail -n1; }

wait_for_new_pid() {
  local previous=$1 deadline=$((SECONDS + $2)) pid
  while [ $SECONDS -lt $deadline ]; do
    pid="$(listening_pid)"
    if [ -n "$pid" ] && [ "$pid" != "$previous" ] && curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/health/live"; then
      echo "$pid"
      return 0
    fi
    kill -0 "$serve_pid" 2>/dev/null || { echo "nx serve exited early" >&2; return 1; }
    sleep 1
  done
  return 1
}

started=$SECONDS
if ! first="$(wait_for_new_pid none 400)"; then
  cat "$log" >&2
  echo "FAIL: the generator did not start under nx serve" >&2
  exit 1
fi
echo "nx serve generator: up as pid $first after $((SECONDS - started)) s; changing $source_file"
# A real change (a comment reaches the bundle): webpack does not rewrite an unchanged bundle, so a bare touch
# would rightly not restart anything.
changed=$SECONDS
echo "// check-serve-watch $(date +%s%N)" >>"$source_file"
if ! second="$(wait_for_new_pid "$first" 240)"; then
  cat "$log" >&2
  echo "FAIL: no restart within 240 s of the change" >&2
  exit 1
fi
echo "OK: rebuilt and restarted as pid $second $((SECONDS - changed)) s after the change"
grep -q "SIGTERM received, shutting down" "$log" && echo "OK: the old process was stopped with SIGTERM and shut down cleanly"
