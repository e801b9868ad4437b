#!/usr/bin/env bash
# Benchmark (not a test): the open time in Debian's chromium of a `railyard view` page of a
# trace of at least 100,000 events, median of 5 runs (tools/BENCHMARKS.md, "Viewer").
# Usage: [TRACE=FILE] tools/scripts/view_bench.sh PATH/TO/railyard NPM_DIR [RUNS]
set -eu
ry=$(realpath "$1")
npm_dir=$(realpath "$2")
runs=${3:-5}
scripts=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$scripts/export_npm.sh" "$npm_dir"
# A TRAINS `to` run through a partition, its heal and the rejoin: 103,800 events, a partition
# band, view changes and 5 clients (any trace can be given as TRACE instead).
root=$(cd "$scripts/../.." && pwd)
if [[ -n ${TRACE:-} ]]; then
  cp "$TRACE" "$work/big.jsonl"
else
  "$ry" run --scenario "$root/scenarios/trains/trains-to-partition-heal-rejoin.json" \
    --trace "$work/big.jsonl" --quiet >/dev/null
fi
events=$(($(wc -l <"$work/big.jsonl") - 2))
"$ry" view "$work/big.jsonl" -o "$work/big.html"
echo "trace: $events events, $(du -k "$work/big.jsonl" | cut -f1) KB; page: $(du -k "$work/big.html" | cut -f1) KB"
cp "$scripts/view_bench.mjs" "$npm_dir/"
(cd "$npm_dir" && node view_bench.mjs "$work/big.html" "$runs")
