#!/usr/bin/env bash
# Replays the seed corpus (seeds/corpus.txt): every line must keep its expected exit code.
# Usage: tools/scripts/seeds_test.sh PATH/TO/railyard
set -u
ry=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
while read -r expected args; do
  [[ -z "$expected" || "$expected" == \#* ]] && continue
  # shellcheck disable=SC2086
  "$ry" run $args --quiet > /tmp/railyard-seed.$$ 2>&1
  got=$?
  if [[ $got -eq $expected ]]; then
    passed=$((passed + 1))
  else
    echo "FAIL: railyard run $args: exit $got, expected $expected"
    sed 's/^/    /' /tmp/railyard-seed.$$
    failed=$((failed + 1))
  fi
done < "$root/seeds/corpus.txt"
rm -f /tmp/railyard-seed.$$
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
