#!/usr/bin/env bash
# A sharded soak under GNU parallel: N shards on the local slots, merged with soak-merge, must
# equal the unsharded soak in every field that does not measure time, and its JUnit report must
# parse. Skips (exit 77) only if the Debian package parallel cannot be installed.
# Usage: tools/scripts/shard_parallel_test.sh PATH/TO/railyard [SHARDS]
set -euo pipefail
ry=$(realpath "$1")
shards=${2:-4}
scripts=$(cd "$(dirname "$0")" && pwd)
source "$scripts/cluster_packages.sh" parallel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# Planted bug B9 makes some seeds fail, so failures are merged too, not only counts.
soak=(soak --protocol trains --mode to --swarm --time-ms 300 --bug B9 --seeds 1..40)

start=$(date +%s%N)
# One shard per job; soak exits 1 when a seed fails, which is a result, not an error: the job
# log is checked for exits other than 0 and 1 instead.
parallel --will-cite --jobs "$(nproc)" --joblog jobs.log --halt never \
  "$ry" "${soak[@]}" --jobs 1 --shard {}/"$shards" --summary shard-{}.json '>' shard-{}.out '2>&1' \
  ::: $(seq 1 "$shards") || true
parallel_ms=$((($(date +%s%N) - start) / 1000000))
if awk 'NR > 1 && $7 != 0 && $7 != 1 { bad = 1 } END { exit !bad }' jobs.log; then
  echo "FAIL: a shard exited with an error"; cat jobs.log; exit 1
fi
[[ $(awk 'NR > 1' jobs.log | wc -l) -eq $shards ]] || { echo "FAIL: not $shards jobs"; cat jobs.log; exit 1; }

start=$(date +%s%N)
"$ry" "${soak[@]}" --jobs "$(nproc)" --summary whole.json > whole.out || [[ $? -eq 1 ]]
whole_ms=$((($(date +%s%N) - start) / 1000000))
"$ry" soak-merge shard-*.json -o merged.json --junit merged.xml || [[ $? -eq 1 ]]
python3 "$scripts/compare_summaries.py" whole.json merged.json
python3 "$scripts/check_junit.py" merged.xml merged.json
python3 -c "
import json
d = json.load(open('merged.json'))
assert d['seeds_run'] == 40 and d['failures_count'] > 0, d['failures_count']
print(f\"merged: {d['seeds_run']} seeds, {d['failures_count']} failed, wall {d['wall_ms']} ms \"
      f\"(longest shard), cpu {d['cpu_ms']} ms, shards {d['shards_wall_ms']}\")"
echo "GNU parallel: $shards shards in $parallel_ms ms; the unsharded soak in $whole_ms ms"
echo "PASS: GNU parallel, $shards shards merged equal the unsharded soak"
