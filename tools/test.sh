#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing; builds with warnings as errors;
# runs every CTest label (unit, cli, determinism, lint); runs the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer; and checks that g++ Debug, g++ Release and
# clang++ Release builds write byte-identical traces for the same seeds.
# Usage: tools/test.sh [--quick]   (--quick: the Debug build and its tests only)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/bootstrap.sh
jobs=$(nproc)
step() { printf '\n== %s\n' "$*"; }

step "debug build (g++, -Werror)"
cmake --preset debug > /dev/null
cmake --build --preset debug -j "$jobs"
step "tests: unit, cli, determinism, lint"
ctest --preset debug -j "$jobs"
[[ "${1:-}" == "--quick" ]] && exit 0

step "ASan + UBSan build, unit tests"
cmake --preset asan > /dev/null
cmake --build --preset asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan -L unit -j "$jobs" --output-on-failure

step "cross-build determinism: g++ Debug, g++ Release, clang++ Release"
cmake --preset release > /dev/null
cmake --build --preset release -j "$jobs" --target railyard
cmake --preset clang-release > /dev/null
cmake --build --preset clang-release -j "$jobs" --target railyard
tools/scripts/cross_build_determinism.sh build/debug/railyard build/release/railyard build/clang-release/railyard
