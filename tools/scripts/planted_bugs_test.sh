#!/usr/bin/env bash
# The testbed catches each planted bug that lives in the simulated protocol (protocol/trains/README.md section 8).
# A safety bug must end a run in a violation of the expected property (a liveness failure does not
# count), and the same world without the bug must show no violation on the same seeds. Prints, per
# bug, the seeds tried until detection and the wall time that took. (B4 and B5 are caught by the
# differential test, B2 by the checker tests: see protocol/trains/differential_test.cpp and
# invariants/. Every membership bug also has a World test in
# tools/protocols/trains/view_change_world_test.cpp; B7, a liveness bug, only there: in a run every
# stall it causes ends at the heal, when the excluded issuer is re-admitted and the plan of that
# view change delivers what was parked.)
# Usage: tools/scripts/planted_bugs_test.sh PATH/TO/railyard
set -u
ry=$(realpath "$1")
scenarios=$(cd "$(dirname "$0")/../../scenarios" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
failed=0
passed=0
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN {printf "%.2f", e - s}'; }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# detect NAME PROPERTIES LAST ARGS...: runs seeds 1, 2, ... LAST one at a time (`railyard run
# ARGS --seed S`) until one ends in a violation; its property must be one of PROPERTIES (a
# |-separated list).
detect() {
  local name=$1 properties=$2 last=$3
  shift 3
  local start seed out property
  start=$(now)
  for ((seed = 1; seed <= last; seed++)); do
    # A scenario that sees its expected violation exits 0, a plain run exits 1: read the outcome.
    out=$("$ry" run "$@" --seed "$seed" 2>&1)
    property=$(sed -n 's/^  outcome *VIOLATION of \([a-z_]*\).*/\1/p' <<< "$out" | head -1)
    [[ -n "$property" ]] || continue
    if [[ "|$properties|" != *"|$property|"* ]]; then
      fail "$name: seed $seed violated '$property', expected one of $properties"
      grep -m1 'outcome' <<< "$out"
      return
    fi
    printf '%s caught at seed %s (seeds 1..%s tried), %s s wall: %s\n' "$name" "$seed" "$seed" \
      "$(elapsed "$start")" "$property"
    passed=$((passed + 1))
    return
  done
  fail "$name: no violation within seeds 1..$last"
}

# clean NAME SEEDS ARGS...: the same world without the bug; no seed may end in a violation.
clean() {
  local name=$1 seeds=$2
  shift 2
  "$ry" soak --seeds "$seeds" --jobs 2 --summary clean.json "$@" > clean.out 2>&1
  if grep -q '^FAIL seed [0-9]*: violation' clean.out; then
    fail "$name control: a violation without the bug"
    grep -m1 -A1 '^FAIL seed [0-9]*: violation' clean.out
    return
  fi
  passed=$((passed + 1))
}

# clean_scenario NAME SCENARIO SEEDS: the scenario with its planted bugs taken out must show no
# violation on seeds 1..SEEDS.
clean_scenario() {
  local name=$1 file=$2 seeds=$3 seed
  sed 's/"bugs": *\[[^]]*\]/"bugs": []/; s/"outcome": *"violation"[^}]*/"outcome": "pass"/' \
    "$file" > clean.json
  for ((seed = 1; seed <= seeds; seed++)); do
    if "$ry" run --scenario clean.json --seed "$seed" 2>&1 | grep -q '^  outcome *VIOLATION'; then
      fail "$name control: seed $seed of $(basename "$file") without the bug has a violation"
      return
    fi
  done
  passed=$((passed + 1))
}

# B3 (G3 skips unheard issuers) with issuers starting up to 3 ms apart, links reordering or not.
detect B3 'clock_bound|uniform_total_order' 200 --protocol trains --issuer-stagger-us 3000 --bug B3
detect B3-fifo 'clock_bound|uniform_total_order' 200 --protocol trains --issuer-stagger-us 3000 \
  --fifo --bug B3
clean B3 1..60 --protocol trains --issuer-stagger-us 3000

# Membership bugs (protocol/trains/README.md section 5, 8) under swarm faults: the seed picks the fault mix.
swarm=(--protocol trains --swarm --time-ms 500)
detect B9-swarm 'key_uniqueness|clock_bound|uniform_total_order' 60 "${swarm[@]}" --bug B9
detect B10-swarm 'virtual_synchrony|uniform_total_order' 60 "${swarm[@]}" --bug B10
detect B12-swarm 'key_uniqueness|clock_bound|uniform_total_order' 60 "${swarm[@]}" --bug B12
clean membership-swarm 1..60 "${swarm[@]}"

# Membership bugs in scripted scenarios (scenarios/README.md), from seed 1 on, and the same
# schedules without the bug.
scripted() {  # scripted NAME PROPERTIES FILE
  detect "$1" "$2" 20 --scenario "$scenarios/$3"
  clean_scenario "$1" "$scenarios/$3" 3
}
scripted Q1 'primary_component|view_agreement' trains/trains-to-Q1-split-brain.json
scripted U1 'uniform_total_order' trains/trains-to-U1-crash-issuer-delivered.json
scripted B9 'key_uniqueness' trains/trains-to-B9-zombie-trains.json
scripted B10 'virtual_synchrony|uniform_total_order' trains/trains-to-B10-two-crashes.json
scripted B12 'key_uniqueness|uniform_total_order' trains/trains-to-B12-cut-link.json
# B8 is a liveness bug in protocol/trains/README.md section 8 (a hole below the issuer's next clock blocks G2), but the
# clock the boundary leaves out is also a train above the floor: key uniqueness sees it first.
scripted B8 'key_uniqueness' trains/trains-to-B8-crash-successor.json

# Raft's planted bugs in scripted scenarios (protocol/raft/README.md section 12); R1-R3 are
# swarm seeds, run by their own scenario files.
scripted R4 'commit_current_term' raft/raft-R4-figure8.json
scripted R5 'vote_integrity|election_safety' raft/raft-R5-vote-forgotten.json
scripted R6 'config_safety|match_monotonic' raft/raft-R6-config-in-memory.json
scripted R7 'config_safety' raft/raft-R7-config-before-first-commit.json
scripted R10 'linearizability' raft/raft-R10-stale-read.json
scripted R11 'linearizability|acknowledged_writes' raft/raft-R11-early-ack.json

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
