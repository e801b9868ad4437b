#!/usr/bin/env bash
# The same seeds give identical traces with different compilers and build types
# (README.md, "Determinism"). Usage: tools/scripts/cross_build_determinism.sh RAILYARD_A RAILYARD_B...
set -u
seeds=${SEEDS:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
binaries=("$@")
failures=0
checked=0
# Swarm seeds bring every fault kind (partitions, clogs, disk faults, overlapping faults).
for config in "ring" "trains" "ring --swarm" "trains --swarm"; do
  for seed in $(seq 1 "$seeds"); do
    i=0
    for b in "${binaries[@]}"; do
      # shellcheck disable=SC2086
      "$b" run --protocol $config --seed "$seed" --trace "$work/$i.jsonl" --quiet > /dev/null
      i=$((i + 1))
    done
    for j in $(seq 1 $((i - 1))); do
      checked=$((checked + 1))
      if ! cmp -s "$work/0.jsonl" "$work/$j.jsonl"; then
        echo "FAIL: $config seed $seed: ${binaries[0]} and ${binaries[$j]} wrote different traces"
        cmp "$work/0.jsonl" "$work/$j.jsonl" | head -1
        failures=$((failures + 1))
      fi
    done
  done
done
echo "$((checked - failures)) passed, $failures failed"
[[ $failures -eq 0 && $checked -gt 0 ]]
