#!/usr/bin/env bash
# Builds the libFuzzer targets of tools/fuzz/ (clang++, -fsanitize=fuzzer,address,undefined) into
# build/fuzz, replays tools/fuzz/regressions/TARGET/*, then fuzzes each target for SECONDS
# (default 30), its corpus seeded from scenarios/*.json and a few small traces. Fails if any
# input crashes (the input is kept in build/fuzz/artifacts/: add it to tools/fuzz/regressions/).
# Prints, per target, libFuzzer's final coverage (cov:, ft:) and executions per second.
# Usage: tools/scripts/fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-30}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz
jobs=${JOBS:-2}
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
flags="-O1 -g $sanitize"
targets=(scenario trace json_source history)

# The libraries, instrumented for coverage (fuzzer-no-link), in their own CMake configuration.
cmake -S "$root" -B "$build/lib" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None \
  -DRY_TESTS=OFF -DRY_BENCH=OFF -DCMAKE_CXX_FLAGS="$flags -fsanitize=fuzzer-no-link" >/dev/null
cmake --build "$build/lib" -j "$jobs" --target ry_tools railyard >/dev/null
libs=("$build/lib/libry_tools.a" "$build/lib/libry_traces.a" "$build/lib/libry_invariants.a"
      "$build/lib/libry_sim.a" "$build/lib/libry_protocol.a" -lboost_context -lfmt)
for t in "${targets[@]}"; do
  clang++ -std=c++20 $flags -fsanitize=fuzzer -I"$root" "$root/tools/fuzz/${t}_fuzz.cpp" \
    "${libs[@]}" -o "$build/${t}_fuzz"
done

# Seed corpora: the scenario files, and short traces of both protocols (one halted, one with a
# scripted schedule in its header).
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/scenario" "$seeds/trace" "$seeds/json_source" "$seeds/history" "$build/artifacts"
cp "$root"/scenarios/*/*.json "$seeds/scenario/"
cp "$root"/scenarios/*/*.json "$seeds/json_source/"
ry=$build/lib/railyard
"$ry" run --protocol ring --nodes 3 --time-ms 2 --liveness-ms 2 --trace "$seeds/trace/ring.jsonl" >/dev/null || true
"$ry" run --nodes 3 --time-ms 3 --liveness-ms 3 --trace "$seeds/trace/trains.jsonl" >/dev/null || true
"$ry" run --scenario "$root/scenarios/trains/trains-uto-crash-issuer-delivered.json" --trace "$seeds/trace/halted.jsonl" >/dev/null || true
head -3 "$seeds/trace/trains.jsonl" > "$seeds/trace/truncated.jsonl"
# Histories: a short kv run's own (JSON Lines), and a hand-written Jepsen EDN one.
"$ry" run --workload kv --clients 3 --nodes 3 --time-ms 20 --liveness-ms 20 --history "$seeds/history/kv.jsonl" >/dev/null || true
printf '%s\n' '{:process 0, :type :invoke, :f :write, :value 1}' '{:process 0, :type :ok, :f :write, :value 1}' \
  '{:process 1, :type :invoke, :f :read, :value nil}' '{:process 1, :type :info, :f :read, :value nil}' \
  '{:process 2, :type :invoke, :f :cas, :value [1 2]}' '{:process 2, :type :fail, :f :cas, :value [1 2]}' \
  > "$seeds/history/register.edn"

failed=0
for t in "${targets[@]}"; do
  bin=$build/${t}_fuzz
  regressions=()
  [[ -d $root/tools/fuzz/regressions/$t ]] && regressions=("$root/tools/fuzz/regressions/$t"/*)
  if ((${#regressions[@]} > 0)) && [[ -e ${regressions[0]} ]]; then
    if ! "$bin" "${regressions[@]}" >"$build/$t-regressions.log" 2>&1; then
      echo "fuzz $t: a regression input fails again (see $build/$t-regressions.log)"
      failed=1
    fi
  fi
  corpus=$build/corpus/$t
  mkdir -p "$corpus"
  log=$build/$t.log
  if ! "$bin" "$corpus" "$seeds/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" >"$log" 2>&1; then
    echo "fuzz $t: FOUND A CRASH (see $log; input in $build/artifacts/)"
    grep -m3 -E "ERROR|SUMMARY|runtime error" "$log" || true
    failed=1
  fi
  # "#123456 DONE cov: 1234 ft: 5678 corp: 90/12Kb lim: 4096 exec/s: 4115 rss: 60Mb"
  stats=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1 || true)
  [[ -n $stats ]] || stats=$(grep -E "^#[0-9]+[[:space:]]" "$log" | tail -1 || true)
  echo "fuzz $t: ${stats:-no statistics}"
done
exit $failed
