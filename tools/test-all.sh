#!/usr/bin/env bash
# The whole test suite (README: `npm test`): set-up, a fresh Kafka broker of its own on a test port,
# lint and every project's tests (unit and pipeline tests against that broker), then the broker is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/lint-workflows.sh
# The benchmark's parsers of Kafka's perf tools' output (bench/ is no Nx project; under a second).
node --test --test-reporter=dot bench/lib/kafka.test.mjs

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
export KAFKA_PORT="${TEST_KAFKA_PORT:-19092}"
export KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx768m}"
# A fresh broker per run: tests must not depend on topics or offsets left by an earlier run.
bash tools/kafka/kafka.sh stop >/dev/null
rm -rf ".kafka/data-$KAFKA_PORT"
# Likewise a fresh local S3 server (tools/s3/s3.sh) for the tests that claim S3.
export S3_PORT="${TEST_S3_PORT:-19300}"
bash tools/s3/s3.sh stop >/dev/null
rm -rf ".s3/data-$S3_PORT"
trap 'bash tools/kafka/kafka.sh stop >/dev/null || true; bash tools/s3/s3.sh stop >/dev/null || true' EXIT
bash tools/kafka/kafka.sh start
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
bash tools/s3/s3.sh start
# S3_ENDPOINT and the server's keys for every test; its bucket as TEST_S3_URL, so nothing switches to S3 unasked.
eval "$(bash tools/s3/s3.sh env)"
export TEST_S3_URL="$STORAGE_URL"
unset STORAGE_URL

if [ "${1:-}" = "--affected" ]; then
  # Pull requests: only projects the change reaches (NX_BASE/NX_HEAD come from CI, e.g. nrwl/nx-set-shas).
  shift
  npx nx affected -t lint test --parallel=2 --outputStyle=static "$@"
else
  npx nx run-many -t lint test --parallel=2 --outputStyle=static "$@"
fi
