#!/bin/bash
# CPU time (user + system, all threads) a processor bundle spends until its /metrics answers, once per round:
#   KAFKA_PORT=29092 npm run kafka start; bash bench/profile/startup-cpu.sh dist/apps/processor/main.js 4
# Each round uses a fresh topic, group and data folder (the topic is created by the processor).
BUNDLE=${1:-dist/apps/processor/main.js}
ROUNDS=${2:-3}
BROKERS=${KAFKA_BROKERS:-127.0.0.1:29092}
for _ in $(seq "$ROUNDS"); do
  DIR=$(mktemp -d)
  PORT=$((39000 + RANDOM % 1000))
  KAFKA_BROKERS=$BROKERS EVENTS_TOPIC=startup-$RANDOM DLQ_TOPIC=startup-dlq CONSUMER_GROUP=startup-$RANDOM DATA_DIR=$DIR \
    PROCESSOR_PORT=$PORT NODE_OPTIONS='--max-old-space-size=384 --max-semi-space-size=32' \
    node --heap-growing-percent=100 "$BUNDLE" >"$DIR/log" 2>&1 &
  PID=$!
  START=$(date +%s%N)
  until curl -sf "localhost:$PORT/metrics" >/dev/null; do
    kill -0 "$PID" 2>/dev/null || { cat "$DIR/log"; break; }
    sleep 0.02
  done
  END=$(date +%s%N)
  read -ra STAT <"/proc/$PID/stat"
  TICKS=$(getconf CLK_TCK)
  echo "cpu $(((STAT[13] + STAT[14]) * 1000 / TICKS)) ms  wall $(((END - START) / 1000000)) ms"
  kill "$PID"
  wait "$PID" 2>/dev/null
  rm -rf "$DIR"
done
