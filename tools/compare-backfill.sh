#!/usr/bin/env bash
# Backfills one NDJSON input with the processor built from a base commit (default: main) and with this checkout,
# then compares what both wrote byte for byte: the event Parquet files and the metric tables (CSV + Parquet).
# Partial aggregates, quality reports and dead letters are listed but not compared (their format may change).
#
#   bash tools/compare-backfill.sh                       # BASE=main COUNT=20000
#   BASE=<commit> COUNT=200000 KEEP=1 bash tools/compare-backfill.sh
#
# The base is built in a temporary clone that borrows this checkout's node_modules (symlink). Exit 0 = identical.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${BASE:-main}
COUNT=${COUNT:-20000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/compare-backfill.XXXXXX")
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$WORK"' EXIT; else echo "keeping $WORK"; fi
export NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true

cd "$ROOT"
echo "== input: $COUNT events, seed 7, 2% faults (at --rate max, which is quicker; both builds read the same file)"
npm run -s generate -- --count "$COUNT" --seed 7 --dry-run --bad-ratio 0.02 --rate max 2>/dev/null > "$WORK/input.ndjson"

echo "== building the base ($BASE) in a temporary clone"
git clone -q --shared --no-checkout "$ROOT" "$WORK/base"
git -C "$WORK/base" checkout -q --detach "$(git rev-parse "$BASE")"
ln -s "$ROOT/node_modules" "$WORK/base/node_modules"
(cd "$WORK/base" && npx nx build processor --skip-nx-cache --outputStyle=static > "$WORK/base-build.log" 2>&1) || { tail -30 "$WORK/base-build.log"; exit 1; }

echo "== building this checkout"
npx nx build processor --outputStyle=static > "$WORK/new-build.log" 2>&1 || { tail -30 "$WORK/new-build.log"; exit 1; }

backfill() { # <bundle> <data dir>
  local started=$SECONDS
  node "$1" --input "$WORK/input.ndjson" --data-dir "$2" --source compare 2> "$2.log" || { cat "$2.log"; exit 1; }
  echo "   $(tail -1 "$2.log") [$((SECONDS - started)) s wall]"
}
echo "== backfill with the base build";  backfill "$WORK/base/dist/apps/processor/backfill.js" "$WORK/old"
echo "== backfill with this build";      backfill "$ROOT/dist/apps/processor/backfill.js" "$WORK/new"

status=0
for dataset in events metrics; do
  old_files=$(cd "$WORK/old" && find "$dataset" -type f | sort)
  new_files=$(cd "$WORK/new" && find "$dataset" -type f | sort)
  if [[ "$old_files" != "$new_files" ]]; then
    echo "DIFFERENT file lists under $dataset/:"; diff <(echo "$old_files") <(echo "$new_files") | head -20; status=1; continue
  fi
  differing=0
  while IFS= read -r file; do
    cmp -s "$WORK/old/$file" "$WORK/new/$file" || { echo "DIFFERENT: $file"; differing=$((differing + 1)); }
  done <<< "$old_files"
  echo "$dataset/: $(wc -l <<< "$old_files") files, $differing differ"
  [[ $differing -eq 0 ]] || status=1
done
for dataset in partials quality dead-letters; do
  echo "$dataset/ (not compared): base $(cd "$WORK/old" && find "$dataset" -type f 2>/dev/null | wc -l) files, new $(cd "$WORK/new" && find "$dataset" -type f 2>/dev/null | wc -l) files"
done
[[ $status -eq 0 ]] && echo "IDENTICAL: event Parquet files and metric tables" || echo "MISMATCH"
exit $status
