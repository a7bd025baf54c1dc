#!/usr/bin/env bash
# Local S3-compatible server (versitygw, posix backend: each object is a plain file under the data dir),
# for running the pipeline and its tests on object storage without AWS. Built once from source with Go.
#
#   tools/s3/s3.sh fetch|start|stop|restart|status|env|logs [-f]
#
#   env   prints `export` lines (STORAGE_URL, S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION)
#         for this server: eval "$(bash tools/s3/s3.sh env)"
#
# Env: S3_PORT (9000), S3_HOME_DIR (<repo>/.s3), S3_BIN_DIR (S3_HOME_DIR/bin), S3_DATA_DIR (S3_HOME_DIR/data-PORT),
#      S3_BUCKET (lake, created at start), S3_PREFIX (empty), S3_ACCESS_KEY / S3_SECRET_KEY (local-only keys),
#      S3_START_TIMEOUT (30), S3_STOP_TIMEOUT (15).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
# shellcheck source=../lib/background-server.sh
source "$SCRIPT_DIR/../lib/background-server.sh"

# Pinned: the stamp below makes a change here rebuild. versitygw v1.8.0 needs Go >= 1.25 to build.
VERSITYGW_MODULE="github.com/versity/versitygw/cmd/versitygw@v1.8.0"
GO_TOOLCHAIN_VERSION="1.25.9"

S3_PORT="${S3_PORT:-9000}"
# realpath -m: env values may be relative to the caller's cwd and need not exist yet.
S3_HOME_DIR="$(realpath -m "${S3_HOME_DIR:-$REPO_ROOT/.s3}")"
S3_BIN_DIR="$(realpath -m "${S3_BIN_DIR:-$S3_HOME_DIR/bin}")"
S3_DATA_DIR="$(realpath -m "${S3_DATA_DIR:-$S3_HOME_DIR/data-$S3_PORT}")"
S3_BUCKET="${S3_BUCKET:-lake}"
S3_PREFIX="${S3_PREFIX:-}"
# Fixed development keys: the server listens on loopback only and holds local test data.
S3_ACCESS_KEY="${S3_ACCESS_KEY:-pipeline-local}"
S3_SECRET_KEY="${S3_SECRET_KEY:-pipeline-local-secret}"
S3_REGION=us-east-1
S3_START_TIMEOUT="${S3_START_TIMEOUT:-30}"
S3_STOP_TIMEOUT="${S3_STOP_TIMEOUT:-15}"

HOST=127.0.0.1
ENDPOINT="http://$HOST:$S3_PORT"
BINARY="$S3_BIN_DIR/versitygw"
STAMP="$S3_BIN_DIR/.versitygw.module"
LOG_DIR="$S3_HOME_DIR/logs-$S3_PORT"
LOG_FILE="$LOG_DIR/versitygw.log"
PID_FILE="$S3_HOME_DIR/versitygw-$S3_PORT.pid"

die() { echo "s3.sh: $*" >&2; exit 1; }

binary_ok() { [[ -x "$BINARY" && -f "$STAMP" && "$(<"$STAMP")" == "$VERSITYGW_MODULE" ]]; }

# "go1.19.8" -> 0 if at least major.minor given as $2 $3.
go_at_least() {
  local v="${1#go}" major minor
  major="${v%%.*}"
  minor="${v#*.}"
  minor="${minor%%[!0-9]*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > $2 || (major == $2 && minor >= $3)))
}

# Prints the path of a Go >= 1.25. An older Go (Debian bookworm ships 1.19) downloads the pinned toolchain as
# the module golang.org/toolchain from the Go module proxy into its module cache: the same thing Go >= 1.21 does
# for GOTOOLCHAIN, done by hand because 1.19 cannot. Nothing is installed outside the module cache.
go_for_build() {
  command -v go >/dev/null 2>&1 ||
    die "go not found; it is needed once to build versitygw (Debian: apt-get install golang-go; tools/setup.sh does it)"
  local version
  version="$(GOTOOLCHAIN=local go env GOVERSION)"
  if go_at_least "$version" 1 25; then
    command -v go
    return
  fi
  local module dir
  module="golang.org/toolchain@v0.0.1-go$GO_TOOLCHAIN_VERSION.$(go env GOHOSTOS)-$(go env GOHOSTARCH)"
  echo "Go $version is too old to build versitygw; fetching Go $GO_TOOLCHAIN_VERSION ($module) from the Go module proxy ..." >&2
  dir="$(cd /tmp && GOTOOLCHAIN=local GOFLAGS= go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$dir" && -f "$dir/bin/go" ]] || die "could not download $module"
  # Module zips carry no file modes; Go's own toolchain switch sets the execute bits the same way.
  chmod +x "$dir/bin/"* "$dir/pkg/tool/"*/* 2>/dev/null || true
  echo "$dir/bin/go"
}

cmd_fetch() {
  binary_ok && return 0
  mkdir -p "$S3_HOME_DIR"
  # Servers on other ports may be starting at the same moment and share the binary.
  local lock
  exec {lock}>"$S3_HOME_DIR/.fetch.lock"
  flock -w 1200 "$lock" || die "timed out waiting for another build (lock $S3_HOME_DIR/.fetch.lock)"
  if ! binary_ok; then
    local go tmp started=$SECONDS
    go="$(go_for_build)"
    echo "Building $VERSITYGW_MODULE with $("$go" version | cut -d' ' -f3) into $S3_BIN_DIR (once; a few minutes) ..." >&2
    mkdir -p "$S3_BIN_DIR"
    tmp="$(mktemp -d "$S3_BIN_DIR/.build.XXXXXX")"
    # Run outside the repo so no go.mod/go.work of ours is picked up; GOTOOLCHAIN=local: go_for_build chose it;
    # no GOROOT: a downloaded toolchain finds its own root, and an inherited one would point at the old Go.
    if ! (cd "$tmp" && unset GOROOT && GOTOOLCHAIN=local GOBIN="$tmp" "$go" install "$VERSITYGW_MODULE") >"$tmp.log" 2>&1; then
      cat "$tmp.log" >&2
      rm -rf "$tmp" "$tmp.log"
      die "could not build versitygw (see output above)"
    fi
    rm -f "$tmp.log"
    mv -f "$tmp/versitygw" "$BINARY"
    rm -rf "$tmp"
    echo "$VERSITYGW_MODULE" >"$STAMP"
    echo "Built versitygw in $((SECONDS - started)) s" >&2
  fi
  exec {lock}>&-
}

running_pid() { running_pid_of "$PID_FILE" "$S3_DATA_DIR"; }

# Any HTTP answer (an unsigned request gets 403) means the server is serving requests.
http_answers() {
  local reply
  reply="$( (
    exec 3<>"/dev/tcp/$HOST/$S3_PORT" || exit 1
    printf 'GET /%s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$S3_BUCKET" "$HOST" "$S3_PORT" >&3
    timeout 2 head -c 12 <&3
  ) 2>/dev/null || true)"
  [[ "$reply" == HTTP/1.* ]]
}

show_log_tail() {
  echo "---- last lines of $LOG_FILE ----" >&2
  tail -n "${1:-30}" "$LOG_FILE" >&2 2>/dev/null || echo "(no log yet)" >&2
}

terminate() { terminate_within "$1" "$S3_STOP_TIMEOUT" "s3.sh: versitygw"; }

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    echo "S3 (versitygw) already running on $ENDPOINT (pid $pid)"
    return 0
  fi
  cmd_fetch
  mkdir -p "$S3_HOME_DIR"
  local lock
  exec {lock}>"$S3_HOME_DIR/versitygw-$S3_PORT.lock"
  flock -w 60 "$lock" || die "another start on port $S3_PORT is in progress"
  if pid="$(running_pid)"; then
    echo "S3 (versitygw) already running on $ENDPOINT (pid $pid)"
    return 0
  fi
  ! port_open "$S3_PORT" || die "port $S3_PORT on $HOST is already in use by another process (set S3_PORT)"

  # With the posix backend a bucket is a top-level folder of the data dir.
  mkdir -p "$S3_DATA_DIR/$S3_BUCKET" "$LOG_DIR"
  rm -f "$PID_FILE"
  # setsid: own session, so the server outlives this shell and a Ctrl-C sent to the caller's process group.
  # The keys go through the environment (ROOT_ACCESS_KEY_ID / ROOT_SECRET_ACCESS_KEY), not the command line.
  (
    cd "$S3_HOME_DIR"
    export ROOT_ACCESS_KEY_ID="$S3_ACCESS_KEY" ROOT_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
    exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
      "$BINARY" --port "$HOST:$S3_PORT" --region "$S3_REGION" --quiet --keep-alive posix "$S3_DATA_DIR"
  ) </dev/null >>"$LOG_FILE" 2>&1 {lock}>&- &

  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || { show_log_tail; die "versitygw did not start"; }

  local deadline=$((SECONDS + S3_START_TIMEOUT))
  until http_answers; do
    if ! alive "$pid"; then
      show_log_tail
      rm -f "$PID_FILE"
      die "versitygw (pid $pid) exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      terminate "$pid"
      rm -f "$PID_FILE"
      die "versitygw did not answer on $ENDPOINT within ${S3_START_TIMEOUT}s; stopped it"
    fi
    sleep 0.1
  done
  exec {lock}>&-
  echo "S3 (versitygw) listening on $ENDPOINT, bucket $S3_BUCKET, data in $S3_DATA_DIR (log: $LOG_FILE)"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "S3 on $ENDPOINT is not running"
    return 0
  fi
  echo "Stopping S3 (versitygw) on $ENDPOINT (pid $pid) ..."
  terminate "$pid"
  if alive "$pid"; then die "could not stop pid $pid"; fi
  rm -f "$PID_FILE"
  echo "S3 on $ENDPOINT stopped"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "S3 (versitygw) running on $ENDPOINT (pid $pid, bucket $S3_BUCKET, data $S3_DATA_DIR, log $LOG_FILE)"
    return 0
  fi
  echo "S3 on $ENDPOINT is not running"
  return 3
}

cmd_env() {
  local url="s3://$S3_BUCKET"
  [[ -n "$S3_PREFIX" ]] && url="$url/${S3_PREFIX#/}"
  printf 'export %s=%q\n' \
    STORAGE_URL "$url" \
    S3_ENDPOINT "$ENDPOINT" \
    AWS_ACCESS_KEY_ID "$S3_ACCESS_KEY" \
    AWS_SECRET_ACCESS_KEY "$S3_SECRET_KEY" \
    AWS_REGION "$S3_REGION"
}

cmd_logs() {
  [[ -f "$LOG_FILE" ]] || die "no log yet at $LOG_FILE"
  if [[ "${1:-}" == -f ]]; then exec tail -n 100 -F "$LOG_FILE"; fi
  tail -n "${1:-100}" "$LOG_FILE"
}

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop && cmd_start ;;
  status) cmd_status ;;
  env) cmd_env ;;
  logs) shift; cmd_logs "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
