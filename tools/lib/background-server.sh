# Process bookkeeping shared by the local servers the project starts in the background (tools/kafka/kafka.sh,
# tools/s3/s3.sh). Sourced, not run. Callers set HOST.

# Alive and not a zombie (an orphan may wait a moment for its reaper).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != Z ]]
}

# running_pid_of PID_FILE MARKER: prints the pid if the pid file points at a live process whose command line holds
# MARKER (the server's own config or data path); the check guards against a recycled pid after a crash or reboot.
running_pid_of() {
  local pid_file="$1" marker="$2" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$marker" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# terminate_within PID SECONDS WHAT: SIGTERM for a clean shutdown (a broker flushes its log and leaves a
# clean-shutdown marker, so the next start skips recovery); SIGKILL only if it is still up after SECONDS.
terminate_within() {
  local pid="$1" seconds="$2" what="$3" i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  echo "$what pid $pid still up after ${seconds}s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
}
