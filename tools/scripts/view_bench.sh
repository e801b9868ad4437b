#!/usr/bin/env bash
# Benchmark (not a test): the open time in Debian's chromium of a `railyard view` page of a
# trace of at least 100,000 events, median of 5 runs (tools/BENCHMARKS.md, "Viewer").
# Usage: tools/scripts/view_bench.sh PATH/TO/railyard NPM_DIR [RUNS]
set -eu
ry=$(realpath "$1")
npm_dir=$(realpath "$2")
runs=${3:-5}
scripts=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$scripts/export_npm.sh" "$npm_dir"
# A TRAINS kv run with faults: about 120,000 events in 1.5 simulated seconds.
"$ry" run --workload kv --clients 8 --seed 5 --swarm --time-ms "${TIME_MS:-1500}" \
  --trace "$work/big.jsonl" --quiet || true
events=$(($(wc -l <"$work/big.jsonl") - 2))
"$ry" view "$work/big.jsonl" -o "$work/big.html"
echo "trace: $events events, $(du -k "$work/big.jsonl" | cut -f1) KB; page: $(du -k "$work/big.html" | cut -f1) KB"
cp "$scripts/view_bench.mjs" "$npm_dir/"
(cd "$npm_dir" && node view_bench.mjs "$work/big.html" "$runs")
