#!/usr/bin/env bash
# The testbed catches each planted bug that lives in the simulated protocol (docs/trains.md 8):
# a soak with the bug on must fail, the same soak with it off must pass. Prints how many seeds
# and how much wall time detection took. (B4 and B5 are caught by the differential test, B2 by
# the checker tests: see protocol/trains/differential_test.cpp and invariants/.)
# Usage: tools/planted_bugs_test.sh PATH/TO/railyard
set -u
ry=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
failed=0
passed=0
detect() {  # detect NAME SEEDS ARGS...
  local name=$1 seeds=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  "$ry" soak --seeds "$seeds" --jobs 2 --stop-on-failure --summary on.json "$@" > on.out 2>&1
  local on=$?
  end=$(date +%s.%N)
  local first
  first=$(grep -m1 '^FAIL seed' on.out | sed 's/^FAIL seed \([0-9]*\).*/\1/')
  if [[ $on -ne 1 || -z "$first" ]]; then
    echo "FAIL $name: not caught within seeds $seeds"; cat on.out; failed=$((failed + 1)); return
  fi
  printf '%s caught at seed %s (seeds from %s), %.2f s wall\n' "$name" "$first" "${seeds%%..*}" \
    "$(awk -v s="$start" -v e="$end" 'BEGIN {print e - s}')"
  grep -m1 -A1 '^FAIL seed' on.out | sed 's/^/    /'
  passed=$((passed + 1))
}
detect B3 1..200 --protocol trains --issuer-stagger-us 3000 --bug B3
detect B3-fifo 1..200 --protocol trains --issuer-stagger-us 3000 --fifo --bug B3
# Control: the same world without the bug passes every seed.
if "$ry" soak --seeds 1..60 --jobs 2 --summary off.json --protocol trains --issuer-stagger-us 3000 > off.out 2>&1; then
  passed=$((passed + 1))
else
  echo "FAIL control: seeds fail without any planted bug"; cat off.out; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
