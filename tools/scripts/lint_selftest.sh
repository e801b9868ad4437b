#!/usr/bin/env bash
# Proves the determinism lint fires: plants each hazard in a scratch tree and expects a finding.
set -u
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
hazards=(
  'auto t = std::chrono::steady_clock::now();'
  'std::random_device rd;'
  'int x = rand();'
  'std::uniform_int_distribution<int> d(0, 9);'
  'std::thread worker;'
  'const char* home = getenv("HOME");'
  'std::unordered_map<int, int> m;'
  'std::map<Node*, int> by_address;'
  'double ratio = 0.5;'
)
failures=0
for h in "${hazards[@]}"; do
  rm -rf "$scratch/protocol" "$scratch/sim"
  mkdir -p "$scratch/protocol" "$scratch/sim"
  printf 'void f() { %s }\n' "$h" > "$scratch/sim/planted.cpp"
  if "$here/lint_determinism.sh" "$scratch" > /dev/null; then
    echo "FAIL: the lint missed: $h"
    failures=$((failures + 1))
  fi
done
printf 'void f() { int ok = 1; }\n' > "$scratch/sim/planted.cpp"
"$here/lint_determinism.sh" "$scratch" > /dev/null || { echo "FAIL: the lint fired on clean code"; failures=$((failures + 1)); }
echo "$(( ${#hazards[@]} + 1 - failures )) passed, $failures failed"
[[ $failures -eq 0 ]]
