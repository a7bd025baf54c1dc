#!/bin/bash
# The generator CLI alone into Kafka, two bundles alternating (the order flips every round): CPU s (user + sys),
# peak RSS and wall time of producing N events at --rate max, each round into a fresh topic.
#   KAFKA_BROKERS=127.0.0.1:29092 bash bench/profile/generator-ab.sh <base cli.js> <new cli.js> [rounds] [events]
set -euo pipefail
base=${1:?base cli.js}; new=${2:?new cli.js}; rounds=${3:-4}; events=${4:-300000}
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for variant in $order; do
    if [ "$variant" = base ]; then bundle=$base; else bundle=$new; fi
    figures=$(EVENTS_TOPIC="generator-ab-$variant-$round-$RANDOM" /usr/bin/time -f "%U %S %M %e" \
      node "$bundle" --count "$events" --rate max --seed 7 2>&1 >/dev/null | tail -1)
    echo "$variant $round $figures $events" | awk '{printf "%s round %s: %.2f CPU s (user %s, sys %s), peak RSS %d MB, wall %s s (%d events/s with start-up)\n", $1, $2, $3 + $4, $3, $4, $5 / 1024, $6, $7 / $6}'
  done
done
