#!/usr/bin/env bash
# Finds determinism hazards (README.md) in protocol/ and sim/: host clocks, std::random_device,
# rand, standard distributions, threads, environment variables, unordered containers (whose
# iteration order is unspecified), pointer-keyed maps, floating point. Test files are exempt.
# Usage: tools/scripts/lint_determinism.sh [ROOT]   Exit 1 and one line per finding if any.
set -u
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2
patterns=(
  'std::chrono::(system|steady|high_resolution)_clock|\bclock_gettime\b|\bgettimeofday\b|\btime\(nullptr\)|\btime\(NULL\)'
  'std::random_device|\bsrand\(|\brand\(\)|\bdrand48\b'
  'std::(uniform_int|uniform_real|normal|bernoulli|poisson|exponential|geometric|discrete)_distribution|std::mt19937|std::default_random_engine|std::shuffle'
  'std::thread|std::async|std::jthread|pthread_create|<thread>'
  '\bgetenv\b|\bsecure_getenv\b|environ\b'
  'std::unordered_(map|set|multimap|multiset)'
  'std::(map|set)<[^,>]*\*'
  '\bfloat\b|\bdouble\b'
  '#include <random>'
)
status=0
files=$(find protocol sim -name '*.cpp' -o -name '*.hpp' | grep -v '_test\.cpp$' | sort)
for p in "${patterns[@]}"; do
  # A line may opt out with a comment naming the reason: "determinism-ok: <why>".
  out=$(grep -nE "$p" $files /dev/null | grep -v 'determinism-ok:' || true)
  if [[ -n "$out" ]]; then
    while IFS= read -r line; do echo "determinism hazard: $line"; done <<< "$out"
    status=1
  fi
done
if [[ $status -eq 0 ]]; then echo "lint_determinism: protocol/ and sim/ are clean ($(echo "$files" | wc -l) files)"; fi
exit $status
