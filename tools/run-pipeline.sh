#!/usr/bin/env bash
# The whole pipeline on one machine (README: `npm start`): set-up, a local Kafka broker unless KAFKA_BROKERS
# points at one, a production build of the three apps, then generator -> Kafka -> processor -> storage -> reporter.
# Ctrl-C stops the apps (each drains, commits and exits 0), then the broker, only if this script started it.
#
# Settings (environment): GENERATOR_RATE (50 here, events/s or "max"), KAFKA_BROKERS (an existing cluster: no
# local broker), KAFKA_PORT (the local broker's port, 9092), DATA_DIR (data), HOST (127.0.0.1), the apps' ports
# GENERATOR_PORT / PROCESSOR_PORT / REPORTER_PORT (3000 / 3001 / 3002), and every other app setting (README).
# STORAGE=s3 puts the lake on the project's local S3 server (tools/s3/s3.sh, port S3_PORT, 9000): started here unless
# it already runs, its STORAGE_URL / S3_ENDPOINT / keys exported to every app, stopped on exit if started here.
# PIPELINE_SKIP_BUILD=1 runs the bundles already in dist/ (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
# 50 events/s: the first orders and revenue within seconds and a funnel within the first minute (at 1 event/s
# the first purchase took ~6 minutes). The app's own default stays 1; GENERATOR_RATE=1 or =max here too.
export GENERATOR_RATE="${GENERATOR_RATE:-50}"
# A fresh seed per run (two runs never send the same event ids); GENERATOR_SEED=N repeats a run.
export GENERATOR_SEED="${GENERATOR_SEED:-$((RANDOM * 32768 + RANDOM))}"
export DATA_DIR="${DATA_DIR:-data}"
export HOST="${HOST:-127.0.0.1}"
export GENERATOR_PORT="${GENERATOR_PORT:-3000}" PROCESSOR_PORT="${PROCESSOR_PORT:-3001}" REPORTER_PORT="${REPORTER_PORT:-3002}"

case "${STORAGE:-file}" in
  file | s3) ;;
  *)
    echo "STORAGE=$STORAGE: expected file (the default) or s3 (the project's local S3 server)" >&2
    exit 2
    ;;
esac
started_s3=false
# The live dashboard samples the processor's dead letters and lag from its /metrics, wherever it listens.
export PROCESSOR_METRICS_URL="${PROCESSOR_METRICS_URL:-http://127.0.0.1:$PROCESSOR_PORT/metrics}"

started_kafka=false
if [ -n "${KAFKA_BROKERS:-}" ]; then
  [ -z "${KAFKA_PORT:-}" ] || echo "KAFKA_BROKERS is set, so KAFKA_PORT=$KAFKA_PORT is ignored: no local broker is started."
  kafka_note="the cluster in KAFKA_BROKERS (npm start neither starts nor stops it)"
  first_broker="${KAFKA_BROKERS%%,*}"
  if ! timeout 3 bash -c "exec 3<>/dev/tcp/${first_broker%:*}/${first_broker##*:}" 2>/dev/null; then
    echo "Warning: nothing answers at $first_broker (KAFKA_BROKERS); the apps keep retrying and /health answers 503 until it does." >&2
  fi
else
  export KAFKA_PORT="${KAFKA_PORT:-9092}"
  if bash tools/kafka/kafka.sh status >/dev/null 2>&1; then
    kafka_note="a local broker on port $KAFKA_PORT that was already running (left running on exit)"
  else
    bash tools/kafka/kafka.sh start
    started_kafka=true
    kafka_note="a local broker on port $KAFKA_PORT started by npm start (stopped on exit; data in .kafka/data-$KAFKA_PORT)"
  fi
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
fi

mkdir -p dist
if [ "${PIPELINE_SKIP_BUILD:-}" != 1 ]; then
  if ! npx nx run-many -t build -p generator processor reporter --outputStyle=static >dist/run-pipeline-build.log 2>&1; then
    cat dist/run-pipeline-build.log >&2
    exit 1
  fi
  echo "Built generator, processor and reporter (dist/apps/)."
fi

names=()
pids=()
stopping=false
cleanup() {
  $stopping && return
  stopping=true
  echo "Stopping the apps: the processor stores and commits the chunk in hand; events it has not stored stay in Kafka"
  echo "(uncommitted) and are read on the next start, so nothing is lost or counted twice..."
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null || true
  local i code
  for i in "${!pids[@]}"; do
    code=0
    wait "${pids[$i]}" 2>/dev/null || code=$?
    echo "${names[$i]} exited with code $code"
  done
  # The prefixers end when their app closes its output; give them a moment to print the last lines.
  sleep 0.2
  if $started_kafka; then bash tools/kafka/kafka.sh stop; fi
  if $started_s3; then bash tools/s3/s3.sh stop; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A V8 heap cap: without it V8 lets garbage grow the processor past 600 MB at full speed; a 32 MB young generation
# lets a flushed batch die young instead of being copied to the old one (~17 % less processor CPU; README Performance).
export NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=32 ${NODE_OPTIONS:-}"
# The processor's old generation may grow to twice its live size between full collections (V8 picks 1.1-4x by its
# own speed estimates): a fetch and a chunk outlive the young generation, and each full collection marks them again.
# ~14 % less processor CPU for ~45 MB more peak RSS (README Performance). A command-line flag: NODE_OPTIONS refuses it.
PROCESSOR_NODE_ARGS=(--heap-growing-percent=100)

start_app() {
  local name=$1
  local node_args=()
  if [ "$name" = processor ]; then node_args=("${PROCESSOR_NODE_ARGS[@]}"); fi
  # $! is the app's own pid (process substitution), so this script signals node, not the prefixer. The prefixer
  # ignores SIGINT/SIGTERM (an ignored signal stays ignored across exec): a Ctrl-C to the terminal's process group
  # must not kill it before the app has written its shutdown lines (the app would die of EPIPE, exit 1).
  node ${node_args[@]+"${node_args[@]}"} "dist/apps/$name/main.js" > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
  names+=("$name")
}
if [ "${STORAGE:-file}" = s3 ]; then
  # After the exit trap is set, so a failure from here on stops a server started here.
  export S3_PORT="${S3_PORT:-9000}"
  if bash tools/s3/s3.sh status >/dev/null 2>&1; then
    s3_note="the local S3 server on port $S3_PORT that was already running (left running on exit)"
  else
    started_s3=true
    bash tools/s3/s3.sh start
    s3_note="the local S3 server on port $S3_PORT started by npm start (stopped on exit; objects in .s3/data-$S3_PORT)"
  fi
  # STORAGE_URL=s3://lake, S3_ENDPOINT and the server's keys, for every app.
  eval "$(bash tools/s3/s3.sh env)"
fi
# Where the lake is, for the banner: STORAGE_URL wins over DATA_DIR in every app.
if [ -n "${STORAGE_URL:-}" ]; then data_text="$STORAGE_URL (STORAGE_URL${S3_ENDPOINT:+, S3 at $S3_ENDPOINT})"; else data_text="$DATA_DIR/ (DATA_DIR)"; fi
if [ "${STORAGE:-file}" = s3 ]; then data_text="$data_text: $s3_note"; fi

start_app processor
start_app reporter
start_app generator

# Where to point a browser: a wildcard bind address is reached through loopback.
case "$HOST" in 0.0.0.0 | :: | '[::]') url_host=127.0.0.1 ;; *) url_host=$HOST ;; esac
base() { echo "http://$url_host:$1"; }

# The banner comes after the apps' start-up lines, once each HTTP server listens (Kafka may still be joining).
for port in "$GENERATOR_PORT" "$PROCESSOR_PORT" "$REPORTER_PORT"; do
  for _ in $(seq 1 120); do
    timeout 1 bash -c "exec 3<>/dev/tcp/$url_host/$port" 2>/dev/null && break
    sleep 0.5
  done
done
if [ "$GENERATOR_RATE" = max ]; then rate_text="as fast as Kafka takes them"; else rate_text="$GENERATOR_RATE events/s"; fi
cat <<INFO

Pipeline running. Ctrl-C stops it.
  dashboard        $(base "$REPORTER_PORT")/
  reporter API     $(base "$REPORTER_PORT")/docs   (e.g. $(base "$REPORTER_PORT")/api/summary)
  generator API    $(base "$GENERATOR_PORT")/docs   (status: $(base "$GENERATOR_PORT")/generator/status)
  metrics          $(base "$GENERATOR_PORT")/metrics  $(base "$PROCESSOR_PORT")/metrics  $(base "$REPORTER_PORT")/metrics
  health           $(base "$GENERATOR_PORT")/health  $(base "$PROCESSOR_PORT")/health  $(base "$REPORTER_PORT")/health
Settings
  Kafka            $KAFKA_BROKERS: $kafka_note
  rate             $rate_text (GENERATOR_RATE=1 npm start for a trickle, =max for full speed)
  seed             $GENERATOR_SEED (GENERATOR_SEED)
  data             $data_text
  listening on     $HOST (HOST)$([ -n "${GENERATOR_API_TOKEN:-}" ] && echo "; generator start/stop/rate need the GENERATOR_API_TOKEN bearer token")
The dashboard shows orders, revenue and the funnel within a minute.

INFO
# Any app exiting (a crash, a finished one-shot run) brings the whole pipeline down cleanly.
wait -n "${pids[@]}"
