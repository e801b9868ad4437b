#!/usr/bin/env bash
# The main job: installs what is missing, builds railyard (release, assertions on), and runs one
# seeded simulation with faults, printing its outcome and writing a JSON Lines trace.
# Usage: tools/main_job.sh [extra `railyard run` flags]   (default seed 42, trace out.jsonl)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/bootstrap.sh
cmake --preset release > /dev/null
cmake --build --preset release --target railyard
exec build/release/railyard run --seed 42 --trace out.jsonl "$@"
