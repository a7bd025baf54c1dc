#!/usr/bin/env bash
# Local single-node Apache Kafka 4 broker (KRaft combined mode, no ZooKeeper,
# no Docker). Jars come from Maven Central via tools/kafka/pom.xml.
#
#   tools/kafka/kafka.sh fetch|start|stop|restart|status|logs [-f]
#   tools/kafka/kafka.sh run|ready                        (containers: foreground broker / readiness probe)
#   tools/kafka/kafka.sh topics <TopicCommand args>      (bootstrap server added)
#   tools/kafka/kafka.sh tool <main class> [args...]      (any Kafka CLI class)
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
#      KAFKA_HOME_DIR (<repo>/.kafka), KAFKA_LIBS_DIR (KAFKA_HOME_DIR/libs),
#      KAFKA_HEAP (-Xms256m -Xmx1g), KAFKA_OPTS (extra broker JVM flags),
#      KAFKA_TOOL_HEAP (-Xmx512m), KAFKA_START_TIMEOUT (60), KAFKA_STOP_TIMEOUT (30),
#      KAFKA_LISTEN_HOST (127.0.0.1) / KAFKA_ADVERTISED_HOST (listen host) for the client listener,
#      KAFKA_LOG4J2_CONFIG (tools/kafka/log4j2.yaml).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
# shellcheck source=../lib/background-server.sh
source "$SCRIPT_DIR/../lib/background-server.sh"
POM="$SCRIPT_DIR/pom.xml"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
# realpath -m: env values may be relative to the caller's cwd and need not exist yet.
KAFKA_HOME_DIR="$(realpath -m "${KAFKA_HOME_DIR:-$REPO_ROOT/.kafka}")"
KAFKA_LIBS_DIR="$(realpath -m "${KAFKA_LIBS_DIR:-$KAFKA_HOME_DIR/libs}")"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx1g}"
KAFKA_OPTS="${KAFKA_OPTS:-}"
KAFKA_TOOL_HEAP="${KAFKA_TOOL_HEAP:--Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
# A container listens on every interface and advertises its service name; the controller stays on loopback.
KAFKA_LISTEN_HOST="${KAFKA_LISTEN_HOST:-127.0.0.1}"
KAFKA_ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-$KAFKA_LISTEN_HOST}"
KAFKA_LOG4J2_CONFIG="${KAFKA_LOG4J2_CONFIG:-$SCRIPT_DIR/log4j2.yaml}"

HOST=127.0.0.1
BOOTSTRAP="$HOST:$KAFKA_PORT"
DATA_DIR="$KAFKA_HOME_DIR/data-$KAFKA_PORT"
LOG_DIR="$KAFKA_HOME_DIR/logs-$KAFKA_PORT"
LOG_FILE="$LOG_DIR/server.log"
OUT_FILE="$LOG_DIR/kafka.out" # JVM stdout/stderr: only crashes and log4j config errors land here
CONF_DIR="$KAFKA_HOME_DIR/config-$KAFKA_PORT"
SERVER_PROPS="$CONF_DIR/server.properties"
CLIENT_PROPS="$CONF_DIR/client.properties"
PID_FILE="$KAFKA_HOME_DIR/kafka-$KAFKA_PORT.pid"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)"
KAFKA_JAR="$KAFKA_LIBS_DIR/kafka_2.13-$KAFKA_VERSION.jar"
STAMP="$KAFKA_LIBS_DIR/.pom.sha256"

JAVA=java
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; fi

die() { echo "kafka.sh: $*" >&2; exit 1; }

require_java() {
  command -v "$JAVA" >/dev/null 2>&1 ||
    die "java not found. Kafka $KAFKA_VERSION needs Java 17+ (Debian: apt-get install openjdk-17-jre-headless)"
  local v major
  v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${v%%.*}"
  [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$v")" # 1.8.0_x style
  [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)) ||
    die "Kafka $KAFKA_VERSION needs Java 17+, found '$v' at $(command -v "$JAVA") (Debian: apt-get install openjdk-17-jre-headless)"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 ||
    die "mvn not found; it is needed once to fetch the Kafka jars (Debian: apt-get install maven)"
}

pom_sha() { sha256sum "$POM" | cut -d' ' -f1; }

# The stamp ties the jars to the exact pom, so editing kafka.version refetches.
libs_ok() { [[ -f "$KAFKA_JAR" && -f "$STAMP" && "$(<"$STAMP")" == "$(pom_sha)" ]]; }

cmd_fetch() {
  libs_ok && return 0
  require_mvn
  local parent lock tmp
  parent="$(dirname "$KAFKA_LIBS_DIR")"
  mkdir -p "$parent"
  # Brokers on other ports may be starting at the same moment and share the jars.
  exec {lock}>"$parent/.fetch.lock"
  flock -w 900 "$lock" || die "timed out waiting for another fetch (lock $parent/.fetch.lock)"
  if ! libs_ok; then
    echo "Fetching Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS_DIR ..."
    tmp="$(mktemp -d "$parent/.libs.tmp.XXXXXX")"
    # Output goes to a file: Debian's mvn 3.8 prints colour codes even with -B -q.
    if ! mvn -B -q -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
      cat "$tmp.log" >&2
      rm -rf "$tmp" "$tmp.log"
      die "mvn could not fetch the Kafka jars (see output above)"
    fi
    rm -f "$tmp.log"
    [[ -f "$tmp/$(basename "$KAFKA_JAR")" ]] || { rm -rf "$tmp"; die "mvn did not produce $(basename "$KAFKA_JAR")"; }
    pom_sha >"$tmp/.pom.sha256"
    # Swap in whole so a reader never sees a half-copied libs dir.
    rm -rf "$KAFKA_LIBS_DIR"
    mv "$tmp" "$KAFKA_LIBS_DIR"
  fi
  exec {lock}>&-
}

running_pid() { running_pid_of "$PID_FILE" "$SERVER_PROPS"; }

# Short-lived CLI JVM: tools logging config, modest heap.
run_tool() {
  local opts=()
  read -ra opts <<<"$KAFKA_TOOL_HEAP"
  "$JAVA" "${opts[@]}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$SCRIPT_DIR/tools-log4j2.yaml" \
    -cp "$KAFKA_LIBS_DIR/*" "$@"
}

write_config() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR"
  cat >"$SERVER_PROPS" <<EOF
# Generated by tools/kafka/kafka.sh on every start; edit the script, not this file.
# Single node acting as broker and KRaft controller (combined mode).
process.roles=broker,controller
node.id=1
# Kafka 4 dynamic quorum: the voter set lives in the metadata log (format --standalone).
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listeners=PLAINTEXT://$KAFKA_LISTEN_HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_ADVERTISED_HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=3
auto.create.topics.enable=true
# One node: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Dev/test: consumers join immediately instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
EOF
  # Fail fast in the readiness probe instead of the admin client's 60 s default.
  cat >"$CLIENT_PROPS" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

# Kafka cluster ids are 16 random bytes, base64url without padding. Kafka's own
# generator avoids a leading '-' (breaks CLI parsing); so do we. Saves a JVM start.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

format_storage() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0 # formatted before: keep topics
  local cid
  cid="$(new_cluster_id)"
  echo "Formatting KRaft storage in $DATA_DIR (cluster id $cid)"
  run_tool kafka.tools.StorageTool format --standalone -t "$cid" -c "$SERVER_PROPS" >"$LOG_DIR/format.log" 2>&1 ||
    { cat "$LOG_DIR/format.log" >&2; die "storage format failed"; }
}

show_log_tail() {
  echo "---- last lines of $LOG_FILE ----" >&2
  tail -n "${1:-40}" "$LOG_FILE" >&2 2>/dev/null || echo "(no log yet)" >&2
  if [[ -s "$OUT_FILE" ]]; then
    echo "---- last lines of $OUT_FILE ----" >&2
    tail -n 20 "$OUT_FILE" >&2
  fi
}

terminate() { terminate_within "$1" "$KAFKA_STOP_TIMEOUT" "kafka.sh: broker"; }

# Sets jvm=(…): the broker's JVM flags (caller declares `local jvm`).
broker_jvm_flags() {
  local heap=() extra=()
  read -ra heap <<<"$KAFKA_HEAP"
  read -ra extra <<<"$KAFKA_OPTS"
  jvm=("${heap[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
    -XX:+ExitOnOutOfMemoryError -XX:ErrorFile="$LOG_DIR/hs_err_pid%p.log"
    -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$KAFKA_LOG4J2_CONFIG" -Dkafka.logs.dir="$LOG_DIR"
    "${extra[@]}")
}

# One real metadata request (the listener accepts connections before the broker finishes starting).
broker_ready() {
  port_open "$KAFKA_PORT" &&
    run_tool -XX:TieredStopAtLevel=1 org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$BOOTSTRAP" --command-config "$CLIENT_PROPS" --list >/dev/null 2>&1
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    echo "Kafka already running on $BOOTSTRAP (pid $pid)"
    return 0
  fi
  require_java
  cmd_fetch
  mkdir -p "$KAFKA_HOME_DIR"
  # Two concurrent starts on one port would race on format and the pid file.
  local lock
  exec {lock}>"$KAFKA_HOME_DIR/kafka-$KAFKA_PORT.lock"
  flock -w 120 "$lock" || die "another start on port $KAFKA_PORT is in progress"
  if pid="$(running_pid)"; then
    echo "Kafka already running on $BOOTSTRAP (pid $pid)"
    return 0
  fi
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    ! port_open "$p" || die "port $p on $HOST is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
  done

  write_config
  format_storage

  local jvm
  broker_jvm_flags

  rm -f "$PID_FILE"
  : >"$OUT_FILE"
  # setsid: own session, so the broker outlives this shell and a Ctrl-C / SIGHUP
  # sent to the caller's process group. The inner bash records its own pid and
  # execs java, so the pid file holds java's pid even if setsid had to fork.
  # The lock fd is closed so the broker does not hold the start lock forever.
  (
    cd "$LOG_DIR"
    exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
      "$JAVA" "${jvm[@]}" -cp "$KAFKA_LIBS_DIR/*" kafka.Kafka "$SERVER_PROPS"
  ) </dev/null >>"$OUT_FILE" 2>&1 {lock}>&- &

  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || { show_log_tail; die "broker process did not start"; }

  # Cheap TCP probe until the listener is up, then one real metadata request
  # (the listener accepts connections before the broker finishes starting).
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! alive "$pid"; then
      show_log_tail
      rm -f "$PID_FILE"
      die "Kafka broker (pid $pid) exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      terminate "$pid"
      rm -f "$PID_FILE"
      die "Kafka did not answer on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s; stopped it"
    fi
    if broker_ready; then break; fi
    sleep 0.5
  done
  exec {lock}>&-
  echo "Kafka $KAFKA_VERSION listening on $BOOTSTRAP (KRaft, log: $LOG_FILE)"
}

# Containers: the broker in the foreground as this process (PID 1 gets SIGTERM and shuts down cleanly).
cmd_run() {
  require_java
  cmd_fetch
  write_config
  format_storage
  local jvm
  broker_jvm_flags
  echo "Kafka $KAFKA_VERSION starting on $KAFKA_LISTEN_HOST:$KAFKA_PORT (advertised $KAFKA_ADVERTISED_HOST:$KAFKA_PORT, data $DATA_DIR)"
  cd "$LOG_DIR"
  exec "$JAVA" "${jvm[@]}" -cp "$KAFKA_LIBS_DIR/*" kafka.Kafka "$SERVER_PROPS"
}

# Container health check: exit 0 once the broker answers a metadata request.
cmd_ready() {
  [[ -f "$CLIENT_PROPS" ]] || exit 1
  broker_ready
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "Kafka on $BOOTSTRAP is not running"
    return 0
  fi
  echo "Stopping Kafka on $BOOTSTRAP (pid $pid) ..."
  terminate "$pid"
  if alive "$pid"; then die "could not stop pid $pid"; fi
  rm -f "$PID_FILE"
  echo "Kafka on $BOOTSTRAP stopped"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "Kafka $KAFKA_VERSION running on $BOOTSTRAP (pid $pid, controller $HOST:$KAFKA_CONTROLLER_PORT, log: $LOG_FILE)"
    return 0
  fi
  echo "Kafka on $BOOTSTRAP is not running"
  return 3
}

cmd_logs() {
  [[ -f "$LOG_FILE" ]] || die "no log yet at $LOG_FILE"
  if [[ "${1:-}" == -f ]]; then exec tail -n 100 -F "$LOG_FILE"; fi
  tail -n "${1:-100}" "$LOG_FILE"
}

cmd_tool() {
  (($# >= 1)) || die "usage: kafka.sh tool <main class> [args...]  e.g. org.apache.kafka.tools.ProducerPerformance --help"
  require_java
  cmd_fetch >&2 # keep stdout for the tool's own output
  run_tool "$@"
}

cmd_topics() {
  local a
  for a in "$@"; do
    [[ "$a" == --bootstrap-server ]] && { cmd_tool org.apache.kafka.tools.TopicCommand "$@"; return; }
  done
  cmd_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@"
}

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop && cmd_start ;;
  status) cmd_status ;;
  run) cmd_run ;;
  ready) cmd_ready ;;
  logs) shift; cmd_logs "$@" ;;
  tool) shift; cmd_tool "$@" ;;
  topics) shift; cmd_topics "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
