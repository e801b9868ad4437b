#!/usr/bin/env bash
# Same seed, same trace, byte for byte: runs every seed twice (several protocols and fault
# profiles) and compares the traces; also checks that replay verifies each one.
# Usage: tools/scripts/determinism_test.sh PATH/TO/railyard [SEEDS]
set -u
ry=$(realpath "$1")
seeds=${2:-25}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
runs=0
configs=(
  "--protocol ring --nodes 5 --faults mild"
  "--protocol ring --nodes 3 --faults mild --fifo"
  "--protocol ring --nodes 8 --faults none --latency-min-us 10 --latency-max-us 500"
  "--protocol trains --nodes 5 --faults mild --time-ms 300"
  "--protocol trains --nodes 4 --faults none --time-ms 300 --trains 3"
  "--protocol trains --nodes 5 --swarm --time-ms 300"
  "--protocol ring --nodes 5 --swarm --time-ms 300"
  "--protocol raft --nodes 5 --swarm --workload kv --time-ms 300"
  "--protocol trains --nodes 5 --faults safety --time-ms 200"
)
for config in "${configs[@]}"; do
  for seed in $(seq 1 "$seeds"); do
    # shellcheck disable=SC2086
    "$ry" run $config --seed "$seed" --trace "$work/a.jsonl" --quiet > /dev/null
    "$ry" run $config --seed "$seed" --trace "$work/b.jsonl" --quiet > /dev/null
    runs=$((runs + 1))
    if ! cmp -s "$work/a.jsonl" "$work/b.jsonl"; then
      echo "FAIL: $config --seed $seed gave two different traces:"
      cmp "$work/a.jsonl" "$work/b.jsonl" | head -1
      failures=$((failures + 1))
    elif [[ $seed -le 3 ]] && ! "$ry" replay "$work/a.jsonl" --quiet > /dev/null; then
      echo "FAIL: replay of $config --seed $seed diverged"
      failures=$((failures + 1))
    fi
  done
done
echo "$((runs - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
