#!/usr/bin/env bash
# Container test (`npm run test:containers`): builds the Kafka image and the three app images from docker/, runs
# them with docker/compose.yaml (Docker where a daemon answers, else podman + podman-compose), and checks what a user
# relies on:
#   1. every container's image HEALTHCHECK passes and each app's GET /health answers 200 on its published port;
#   2. events reach the lake: Parquet files appear in the processor's data volume, the reporter counts them;
#      the metrics the Grafana dashboard and the alert rules query exist (tools/containers/check-metric-names.mjs);
#   3. `down` + `up` keeps topics and offsets (Kafka's volume) next to the lake: the processor comes back healthy
#      without restarts and keeps writing.
# Everything it started is removed at the end (containers, network, volumes); images stay as the build cache.
#
# Env: CONTAINER_ENGINE (docker|podman), CONTAINERS_TEST_PORT_BASE (34000: generator, +1 processor, +2 reporter),
#      CONTAINERS_TEST_TIMEOUT (240 s per wait), CONTAINERS_TEST_KEEP=1 (leave the stack running for a look).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
cd "$REPO_ROOT"

bash "$SCRIPT_DIR/setup.sh"
# shellcheck source=tools/containers/engine.sh
source "$SCRIPT_DIR/engine.sh"

PORT_BASE="${CONTAINERS_TEST_PORT_BASE:-34000}"
TIMEOUT="${CONTAINERS_TEST_TIMEOUT:-240}"
PROJECT=pipeline-containers-test
export COMPOSE_PROJECT_NAME="$PROJECT" PUBLISH_ADDRESS=127.0.0.1
export GENERATOR_HOST_PORT=$PORT_BASE PROCESSOR_HOST_PORT=$((PORT_BASE + 1)) REPORTER_HOST_PORT=$((PORT_BASE + 2))
APPS=(processor reporter generator)
declare -A APP_PORT=([generator]=$GENERATOR_HOST_PORT [processor]=$PROCESSOR_HOST_PORT [reporter]=$REPORTER_HOST_PORT)
# Prometheus and Grafana come from Docker Hub, which is not reachable here: the test runs the project's images.
SERVICES=(kafka "${APPS[@]}")

mkdir -p dist/containers
COMPOSE_LOG="$REPO_ROOT/dist/containers/compose.log"
: >"$COMPOSE_LOG"
# Output to a log: podman without systemd prints "unable to get systemd connection to add healthchecks" on every
# start (harmless: the test runs each HEALTHCHECK itself), and `down` names the services it did not start.
compose() { $COMPOSE -p "$PROJECT" -f docker/compose.yaml "$@" >>"$COMPOSE_LOG" 2>&1; }

started=$SECONDS
phase_start=$SECONDS
timings=()
phase_done() { timings+=("$(printf '%-34s %4ss' "$1" $((SECONDS - phase_start)))"); phase_start=$SECONDS; }
log() { echo "containers/test: $*" >&2; }

failed=false
fail() {
  log "FAIL: $*"
  failed=true
  exit 1
}

container_of() { $ENGINE ps -a --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n1; }

teardown() {
  local rc=$?
  if $failed || [ "$rc" -ne 0 ]; then
    local s c
    for s in "${SERVICES[@]}"; do
      c="$(container_of "$s" 2>/dev/null || true)"
      [ -n "$c" ] || continue
      echo "---- last log lines of $s ($c) ----" >&2
      $ENGINE logs --tail 40 "$c" 2>&1 | tail -n 40 >&2 || true
    done
  fi
  if [ "${CONTAINERS_TEST_KEEP:-0}" = 1 ]; then
    log "CONTAINERS_TEST_KEEP=1: stack left running; remove it with: $COMPOSE -p $PROJECT -f docker/compose.yaml down -v"
  else
    compose down -v -t 30 || true
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# A leftover stack of an interrupted run would hold the ports and old volumes.
compose down -v -t 10 || true
phase_done "set-up (engine, base images)"

bash "$SCRIPT_DIR/build.sh" "${SERVICES[@]}" || fail "building the images failed"
phase_done "build the 4 images"

# Runs the image's own HEALTHCHECK: podman without systemd has no timer that would run it, Docker runs it itself.
healthy() {
  local c
  c="$(container_of "$1")"
  [ -n "$c" ] || return 1
  if [ "$ENGINE" = podman ]; then
    $ENGINE healthcheck run "$c" >/dev/null 2>&1
  else
    [ "$($ENGINE inspect -f '{{.State.Health.Status}}' "$c" 2>/dev/null)" = healthy ]
  fi
}

wait_for() {
  local what="$1" since=$SECONDS deadline=$((SECONDS + TIMEOUT))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what: not within ${TIMEOUT}s"
    sleep 3
  done
  log "ok: $what (after ${SECONDS}s of the test, waited $((SECONDS - since))s)"
}

http_status() { curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$1$2" || true; }
app_health_200() { [ "$(http_status "${APP_PORT[$1]}" /health)" = 200 ]; }

parquet_count() {
  $ENGINE exec "$(container_of processor)" find /data/events -name '*.parquet' 2>/dev/null | wc -l
}
parquet_files_more_than() { (($(parquet_count) > $1)); }

reporter_events() {
  curl -s -m 10 "http://127.0.0.1:$REPORTER_HOST_PORT/api/summary" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);const n=j.totalEvents??j.events??j.summary?.totalEvents??j.summary?.events;console.log(Number.isFinite(n)?n:-1)}catch{console.log(-1)}})'
}
reporter_counts_events() { (($(reporter_events) > 0)); }

restarts() { $ENGINE inspect -f '{{.RestartCount}}' "$(container_of "$1")" 2>/dev/null || echo '?'; }

start_stack() {
  # Kafka first, then the apps once it is healthy: podman-compose before podman 4.6 ignores `service_healthy`.
  compose up -d --no-build kafka || fail "compose up kafka (log: dist/containers/compose.log)"
  wait_for "kafka healthy (kafka.sh ready)" healthy kafka
  compose up -d --no-build "${APPS[@]}" || fail "compose up ${APPS[*]} (log: dist/containers/compose.log)"
  local a
  for a in "${APPS[@]}"; do
    wait_for "$a GET /health 200 on :${APP_PORT[$a]}" app_health_200 "$a"
  done
  for a in "${APPS[@]}"; do
    wait_for "$a image HEALTHCHECK passes" healthy "$a"
  done
}

log "starting kafka + ${APPS[*]} (project $PROJECT, ports $PORT_BASE-$((PORT_BASE + 2)))"
start_stack
phase_done "start, all healthy"
no_restarts() {
  local a r
  for a in "${APPS[@]}" kafka; do
    r="$(restarts "$a")"
    [ "$r" = 0 ] || fail "$a restarted $r times ($1)"
  done
}

wait_for "Parquet files in the processor's data volume" parquet_files_more_than 0
wait_for "reporter counts events (/api/summary)" reporter_counts_events
no_restarts "while events flowed"
files_before=$(parquet_count)
events_before=$(reporter_events)
log "lake: $files_before Parquet files, reporter: $events_before events"
phase_done "events reach the lake"

# The dashboard and the alert rules query metrics the running apps really expose.
node tools/containers/check-metric-names.mjs "http://127.0.0.1:$GENERATOR_HOST_PORT/metrics" \
  "http://127.0.0.1:$PROCESSOR_HOST_PORT/metrics" "http://127.0.0.1:$REPORTER_HOST_PORT/metrics" ||
  fail "the Grafana dashboard or the alert rules query metrics no app exposes"

log "down + up: topics (kafka-data) and the lake (pipeline-data) are both kept"
compose down -t 30 || fail "compose down (log: dist/containers/compose.log)"
start_stack
wait_for "processor writes again after the restart" parquet_files_more_than "$files_before"
no_restarts "after down/up: a crash loop?"
phase_done "down/up keeps topics and lake"

log "PASS ($((SECONDS - started))s, engine $ENGINE)"
printf '  %s\n' "${timings[@]}" >&2
$ENGINE images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'pipeline-(kafka|processor|reporter|generator)' | sed 's/^/  image /' >&2
