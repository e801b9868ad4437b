#!/usr/bin/env bash
# Sharded soaks on one machine: `soak --shard I/N` runs disjoint slices, `soak-merge` joins them
# into the summary the unsharded soak writes (every field but times), refuses shards that do not
# belong together, and both write JUnit XML that Python's XML parser reads.
# Usage: tools/scripts/soak_shard_test.sh PATH/TO/railyard
set -u
ry=$(realpath "$1")
scripts=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
# shellcheck source=check_lib.sh
source "$scripts/check_lib.sh"
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

# A soak with failing seeds (planted bug B9), small enough for seconds.
soak=(soak --protocol trains --mode to --swarm --time-ms 300 --bug B9 --seeds 1..30)

# Bad shard specifications: one line naming --shard, exit 2, before any seed runs.
for spec in 0/4 5/4 1/0 4 abc 1/ /4 -1/4 +1/4 1/4x " 1/4" 99999999999999999999/1 1/2000000; do
  check "shard_spec '$spec'" 2 timeout 10 "$ry" "${soak[@]}" --shard "$spec" --summary x.json
  one_line_error "shard_spec '$spec'" "^railyard: error: --shard: "
done
[[ ! -e x.json ]] || bad "shard_spec: a summary was written"
check shard_before_outputs 2 "$ry" "${soak[@]}" --shard 0/4 --trace-dir made-too-early
[[ ! -e made-too-early ]] && ok || bad "shard_before_outputs: --trace-dir made before --shard was checked"
"$ry" soak --help | grep -qF "seed s goes to shard ((s - FIRST) mod N) + 1" && ok ||
  bad "soak --help does not say how seeds are dealt to shards"
check junit_unwritable 2 timeout 10 "$ry" "${soak[@]}" --junit /nonexistent-dir/r.xml
one_line_error junit_unwritable "^railyard: error: --junit: cannot write"

# The whole soak, then its four shards.
check unsharded 1 "$ry" "${soak[@]}" --jobs 2 --summary whole.json --junit whole.xml
for i in 1 2 3 4; do
  check "shard $i/4" 1 "$ry" "${soak[@]}" --jobs 1 --shard "$i/4" --summary "shard-$i.json" \
    --junit "shard-$i.xml"
done
# Each shard ran its own seeds: seed s in shard ((s - 1) mod 4) + 1, about 30/4 each.
python3 - <<'PY' || bad "shard slices"
import json, sys
for i in range(1, 5):
    d = json.load(open(f"shard-{i}.json"))
    want = len([s for s in range(1, 31) if (s - 1) % 4 + 1 == i])
    assert d["shard"] == f"{i}/4" and d["seeds_first"] == 1 and d["seeds_last"] == 30, d
    assert d["seeds_run"] == want, (i, d["seeds_run"], want)
    assert all((f["seed"] - 1) % 4 + 1 == i for f in d["failures"]), (i, d["failures"])
    assert d["build"].startswith("railyard-") and d["run_options"]["protocol"] == "trains"
PY
[[ $? -eq 0 ]] && ok
python3 -c "import json,sys; sys.exit(0 if json.load(open('whole.json'))['failures_count'] > 0 else 1)" \
  && ok || bad "the soak should have failing seeds (B9), or the test proves little"

check merge 1 "$ry" soak-merge shard-3.json shard-1.json shard-4.json shard-2.json -o merged.json \
  --junit merged.xml
check merged_equals_unsharded 0 python3 "$scripts/compare_summaries.py" whole.json merged.json
for r in whole shard-1 merged; do
  check "junit_$r" 0 python3 "$scripts/check_junit.py" "$r.xml" "$r.json"
done
# The comparison itself can fail.
sed 's/"halted":[0-9]*/"halted":12345/' merged.json > wrong.json
check compare_fires 1 python3 "$scripts/compare_summaries.py" whole.json wrong.json

# Shards that do not belong together are refused with one line naming the file and the field.
check merge_missing 2 "$ry" soak-merge shard-1.json shard-2.json -o m.json
one_line_error merge_missing "2 of 4 shards missing: 3/4, 4/4"
check merge_partial 1 "$ry" soak-merge shard-1.json shard-3.json -o partial.json --partial
python3 -c "
import json, sys
d = json.load(open('partial.json'))
sys.exit(0 if d['partial'] and d['shards_missing'] == [2, 4] else 1)" && ok || bad "merge_partial: not marked"
check merge_duplicate 2 "$ry" soak-merge shard-1.json shard-2.json shard-2.json -o m.json
one_line_error merge_duplicate "shard-2.json: field 'shard': shard 2/4 given twice"
check merge_unsharded 2 "$ry" soak-merge whole.json shard-1.json -o m.json
one_line_error merge_unsharded "whole.json: field 'shard': missing"
sed 's/"build":"[^"]*"/"build":"railyard-0.0.0+other"/' shard-2.json > other-build.json
check merge_build 2 "$ry" soak-merge shard-1.json other-build.json -o m.json
one_line_error merge_build "other-build.json: field 'build': railyard-0.0.0\+other here"
"$ry" soak --protocol trains --mode to --swarm --time-ms 200 --bug B9 --seeds 1..30 --shard 2/4 \
  --summary other-options.json >/dev/null 2>&1
check merge_options 2 "$ry" soak-merge shard-1.json other-options.json -o m.json
one_line_error merge_options "other-options.json: field 'run_options.time_ms': 200 here, 300 in"
"$ry" soak --seeds 1..31 --time-ms 300 --protocol trains --mode to --swarm --bug B9 --shard 2/4 \
  --summary other-range.json >/dev/null 2>&1
check merge_range 2 "$ry" soak-merge shard-1.json other-range.json -o m.json
one_line_error merge_range "other-range.json: field 'seeds_last': 31 here, 30 in"
"$ry" "${soak[@]}" --shard 2/5 --summary other-count.json >/dev/null 2>&1
check merge_count 2 "$ry" soak-merge shard-1.json other-count.json -o m.json
one_line_error merge_count "other-count.json: field 'shard': 2/5 here, 1/4 in"
sed 's/"seeds_run":[0-9]*/"seeds_run":1/' shard-2.json > short.json
check merge_short 2 "$ry" soak-merge shard-1.json short.json shard-3.json shard-4.json -o m.json
one_line_error merge_short "short.json: field 'seeds_run': 1 of 8 seeds"
sed 's/"halted"/"halted_typo"/' shard-2.json > typo.json
check merge_unknown_field 2 "$ry" soak-merge shard-1.json typo.json -o m.json
one_line_error merge_unknown_field "typo.json: field '(halted|halted_typo)': "
echo '{"interrupted":' > broken.json
check merge_not_json 2 "$ry" soak-merge broken.json -o m.json
one_line_error merge_not_json "broken.json: not a soak summary"
check merge_no_file 2 "$ry" soak-merge nowhere.json -o m.json
one_line_error merge_no_file "nowhere.json: cannot read"
[[ ! -e m.json ]] || bad "a refused merge wrote m.json"

# More shards than seeds: the empty ones merge too.
for i in 1 2 3; do
  "$ry" soak --seeds 7..8 --time-ms 100 --shard "$i/3" --summary "tiny-$i.json" >/dev/null 2>&1
done
"$ry" soak --seeds 7..8 --time-ms 100 --summary tiny.json >/dev/null 2>&1
check tiny_merge 0 "$ry" soak-merge tiny-1.json tiny-2.json tiny-3.json -o tiny-merged.json
check tiny_equal 0 python3 "$scripts/compare_summaries.py" tiny.json tiny-merged.json

echo "$passed passed, $failures failed"
[[ $failures -eq 0 ]]
