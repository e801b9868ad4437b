#!/usr/bin/env bash
# Side by side, in one run: SimGrid's token ring (../shared/bench/sg_ring.cpp, Debian's
# libsimgrid-dev) against railyard's `ring` on the same workload (N nodes, a 64-byte token,
# MESSAGES messages). Prints wall ns per message for each and the ratio, median of REPEATS.
# Usage: tools/scripts/bench_simgrid.sh [SIZES] [MESSAGES] [REPEATS]    e.g. "3,5,16,64" 500000 3
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sizes=${1:-3,5,16,64}
messages=${2:-500000}
repeats=${3:-3}
sg_src=${SG_RING_SRC:-$root/../shared/bench/sg_ring.cpp}
[[ -f "$sg_src" ]] || { echo "bench_simgrid: error: $sg_src not found (set SG_RING_SRC)" >&2; exit 5; }
"$root/tools/bootstrap.sh" --bench
cd "$root"
cmake --preset release > /dev/null
cmake --build --preset release --target railyard > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++20 -o "$work/sg_ring" "$sg_src" $(pkg-config --cflags --libs simgrid)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| N | SimGrid ns/msg | railyard trace off ns/msg | speedup | railyard trace on ns/msg | speedup |"
echo "|---|---|---|---|---|---|"
IFS=, read -ra ns <<< "$sizes"
for n in "${ns[@]}"; do
  laps=$((messages / n))
  sg=$(for _ in $(seq "$repeats"); do
         "$work/sg_ring" "$n" "$laps" --log=root.thres:critical | sed -n 's/.*ns_per_msg=\([0-9.]*\).*/\1/p'
       done | median)
  row=$(build/release/railyard bench --sizes "$n" --messages "$messages" --repeats "$repeats" --big-ring 0 \
        | grep "^| $n |")
  off=$(echo "$row" | awk -F'|' '{gsub(/ /,"",$4); print $4}')
  on=$(echo "$row" | awk -F'|' '{gsub(/ /,"",$6); print $6}')
  awk -v n="$n" -v sg="$sg" -v off="$off" -v on="$on" \
    'BEGIN {printf "| %d | %.0f | %.0f | %.1fx | %.0f | %.1fx |\n", n, sg, off, sg/off, on, sg/on}'
done
