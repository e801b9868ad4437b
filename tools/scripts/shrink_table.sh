#!/usr/bin/env bash
# The README's shrink table: shrinks one failing run per planted bug (the first failing seed of
# the planted-bug soak setting, or the bug's scenario file) and prints a markdown row per bug:
# its size before and after (nodes, faults, network decisions, client operations, steps, trace
# events), whether the result was checked 1-minimal, candidates and wall time; beside it, the
# steps of the shortest counterexample known (the hand-made Q1 and U1 scenarios).
# Usage: tools/scripts/shrink_table.sh PATH/TO/railyard [BUDGET_S]   (a Release build)
set -u
ry=$(realpath "$1")
budget=${2:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swarm=(--protocol trains --swarm --time-ms 500)

# The violation step of a scenario (its shortest known counterexample).
steps_of() { "$ry" run --scenario "$1" | sed -n 's/.*VIOLATION of [a-z_]* at step \([0-9]*\).*/\1/p'; }
# The first seed in 1..60 on which `run ARGS --seed S` ends in a violation.
first_seed() {
  local seed
  for ((seed = 1; seed <= 60; seed++)); do
    "$ry" run "$@" --seed "$seed" --quiet >/dev/null 2>&1
    [[ $? -eq 1 ]] && { echo "$seed"; return; }
  done
}

echo "| bug | input | property | before: nodes, faults, decisions, ops, steps, events | after | 1-minimal | candidates | wall s | shortest known |"
echo "|---|---|---|---|---|---|---|---|---|"
row() {  # row BUG INPUT_LABEL SHORTEST SHRINK_ARGS...
  local bug=$1 label=$2 shortest=$3
  shift 3
  local out="$work/$bug"
  "$ry" shrink "$@" -o "$out" --budget-s "$budget" --quiet >"$out.txt" 2>&1
  local property before after minimal candidates wall
  property=$(sed -n 's/^railyard shrink: \([a-z_ ]*\), .*/\1/p' "$out.txt")
  size() { sed -n "s/^  $1 *\([0-9]*\) nodes, \([0-9]*\) faults, \([0-9]*\) network decisions, [0-9]* clients, \([0-9]*\) operations, [0-9]* ms, \([0-9]*\) steps, \([0-9]*\) trace events/\1, \2, \3, \4, \5, \6/p" "$out.txt"; }
  before=$(size before)
  after=$(size after)
  minimal=$(grep -q '1-minimal yes' "$out.txt" && echo yes || echo "no (budget)")
  candidates=$(sed -n 's/^  search *\([0-9]*\) candidates in \([0-9.]*\) s/\1/p' "$out.txt")
  wall=$(sed -n 's/^  search *\([0-9]*\) candidates in \([0-9.]*\) s/\2/p' "$out.txt")
  if [[ -z $after ]]; then
    echo "| $bug | $label | shrink failed: $(head -c 200 "$out.txt" | tr '\n' ' ') | | | | | | |"
    return
  fi
  echo "| $bug | $label | $property | $before | $after | $minimal | $candidates | $wall | $shortest |"
}

q1_short=$(steps_of "$root/scenarios/trains/trains-to-Q1-shortest.json")
u1_short=$(steps_of "$root/scenarios/trains/trains-to-U1-shortest.json")
s=$(first_seed --protocol trains --issuer-stagger-us 3000 --bug B3)
row B3 "seed $s, --issuer-stagger-us 3000" "7 steps (TLC)" --protocol trains --issuer-stagger-us 3000 --bug B3 --seed "$s"
for bug in B9 B10 B12; do
  s=$(first_seed "${swarm[@]}" --bug "$bug")
  row "$bug" "swarm seed $s, 500 ms" "" "${swarm[@]}" --bug "$bug" --seed "$s"
done
row Q1 "trains-to-Q1-split-brain.json" "step $q1_short" --schedule "$root/scenarios/trains/trains-to-Q1-split-brain.json"
row U1 "trains-to-U1-crash-issuer-delivered.json" "step $u1_short" --schedule "$root/scenarios/trains/trains-to-U1-crash-issuer-delivered.json"
row B8 "trains-to-B8-crash-successor.json" "" --schedule "$root/scenarios/trains/trains-to-B8-crash-successor.json"
for f in raft-R1-swarm-32 raft-R2-swarm-2 raft-R3-swarm-21 raft-R4-figure8 raft-R5-vote-forgotten \
  raft-R6-config-in-memory raft-R7-config-before-first-commit raft-R9-swarm-9 raft-R10-stale-read \
  raft-R11-early-ack; do
  bug=$(echo "$f" | sed 's/raft-\(R[0-9]*\)-.*/\1/')
  row "$bug" "$f.json" "" --schedule "$root/scenarios/raft/$f.json"
done
