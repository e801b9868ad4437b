#!/usr/bin/env bash
# End-to-end checks of the `railyard` command line: outcomes and exit codes, traces, replay,
# soak, and bad input (one line on stderr naming the field, exit 2, no output file left).
# Usage: tools/scripts/cli_test.sh PATH/TO/railyard
set -u
ry=$(realpath "$1")
scripts=$(cd "$(dirname "$0")" && pwd)
schema_tool=$scripts/validate_trace.py
scenarios=$(cd "$(dirname "$0")/../../scenarios" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
# shellcheck source=check_lib.sh
source "$scripts/check_lib.sh"

# A run passes, prints its summary and writes a complete trace.
check run_passes 0 "$ry" run --seed 42 --trace a.jsonl
grep -q "outcome          passed" "$work/out" || { echo "FAIL run_passes: no outcome line"; failures=$((failures + 1)); }
[[ -f a.jsonl && ! -f a.jsonl.tmp ]] || { echo "FAIL run_trace: trace missing or left as .tmp"; failures=$((failures + 1)); }
tail -1 a.jsonl | grep -q '"type":"footer"' || { echo "FAIL run_trace: no footer"; failures=$((failures + 1)); }

# Every line matches the documented JSON Schema, and the schema check itself can fail.
check schema_valid 0 python3 "$schema_tool" a.jsonl
sed '3s/"ev":"[a-z]*"/"ev":"teleport"/' a.jsonl > badschema.jsonl
check schema_fires 1 python3 "$schema_tool" badschema.jsonl
# The script checks the file's shape too, and reports bad input by line, never with a traceback.
"$ry" run --seed 42 --time-ms 5 --liveness-ms 5 --trace small.jsonl --quiet >/dev/null
check schema_small_valid 0 python3 "$schema_tool" small.jsonl
: > empty-trace.jsonl
check schema_empty 1 python3 "$schema_tool" empty-trace.jsonl
grep -q "empty-trace.jsonl:1: empty file" "$work/out" || { echo "FAIL schema_empty: no line"; failures=$((failures + 1)); }
sed '1d' small.jsonl > noheader.jsonl
check schema_no_header 1 python3 "$schema_tool" noheader.jsonl
grep -q "noheader.jsonl:1: the first line must be the header" "$work/out" || { echo "FAIL schema_no_header"; failures=$((failures + 1)); }
sed '$d' small.jsonl > nofooter.jsonl
check schema_no_footer 1 python3 "$schema_tool" nofooter.jsonl
grep -q "nofooter.jsonl:[0-9]*: the last line must be the footer" "$work/out" || { echo "FAIL schema_no_footer"; failures=$((failures + 1)); }
sed '3s/^{/{"type":"bogus",/' small.jsonl > wrongtype.jsonl
check schema_wrong_type 1 python3 "$schema_tool" wrongtype.jsonl
grep -q "wrongtype.jsonl:3: " "$work/out" || { echo "FAIL schema_wrong_type"; failures=$((failures + 1)); }
{ head -2 small.jsonl; printf '\xff\xfe\x00binary\n'; tail -1 small.jsonl; } > binary.jsonl
check schema_binary 1 python3 "$schema_tool" binary.jsonl "$ry"
grep -q "binary.jsonl:3: not UTF-8" "$work/out" && ! grep -q Traceback "$work/out" "$work/err" \
  || { echo "FAIL schema_binary"; cat "$work/out" "$work/err" | head -5; failures=$((failures + 1)); }

# Same seed, same trace, byte for byte; another seed differs.
check run_again 0 "$ry" run --seed 42 --trace b.jsonl --quiet
cmp -s a.jsonl b.jsonl || { echo "FAIL determinism: seed 42 gave two different traces"; failures=$((failures + 1)); }
check run_other 0 "$ry" run --seed 43 --trace c.jsonl --quiet
cmp -s a.jsonl c.jsonl && { echo "FAIL determinism: seeds 42 and 43 gave the same trace"; failures=$((failures + 1)); }

# Replay verifies; a tampered trace diverges with exit 4 and shows both sides.
check replay_identical 0 "$ry" replay a.jsonl
sed '50s/"t":\([0-9]*\)/"t":\11/' a.jsonl > tampered.jsonl
check replay_diverges 4 "$ry" replay tampered.jsonl
grep -q "DIVERGED at line 50" "$work/out" && grep -q "recorded" "$work/out" && grep -q "replayed" "$work/out" \
  || { echo "FAIL replay_diverges: expected line 50 with both sides"; cat "$work/out"; failures=$((failures + 1)); }

# Truncated, empty and malformed traces are input errors.
head -c 2000 a.jsonl > truncated.jsonl
check replay_truncated 2 "$ry" replay truncated.jsonl
one_line_error replay_truncated "truncated.jsonl.*truncated"
: > empty.jsonl
check replay_empty 2 "$ry" replay empty.jsonl
one_line_error replay_empty "empty.jsonl"
{ echo '{"type":"header","schema":2,"config":{"nodes":"five"}}'; tail -1 a.jsonl; } > badfield.jsonl
check replay_bad_field 2 "$ry" replay badfield.jsonl
one_line_error replay_bad_field "badfield.jsonl:1: field 'config.nodes': expected an integer"
{ echo '{"type":"header","schema":2,"config":{"nodez":5}}'; tail -1 a.jsonl; } > unknown.jsonl
check replay_unknown_field 2 "$ry" replay unknown.jsonl
one_line_error replay_unknown_field "field 'config.nodez': unknown option of protocol trains"
check replay_missing 5 "$ry" replay does-not-exist.jsonl
one_line_error replay_missing "does-not-exist.jsonl: cannot open"

# Bad flags and impossible configurations: one line, exit 2, no trace left behind.
check unknown_flag 2 "$ry" run --bogus --trace x.jsonl
one_line_error unknown_flag "bogus"
check bad_nodes 2 "$ry" run --nodes 1 --trace x.jsonl
one_line_error bad_nodes "nodes"
check bad_bug 2 "$ry" run --bug B99 --trace x.jsonl
one_line_error bad_bug "B99"
check impossible 2 "$ry" run --protocol ring --ring-retransmit-us 0 --loss-ppm 10 --trace x.jsonl
one_line_error impossible "ring_retransmit_us"
check bad_latency 2 "$ry" run --latency-min-us 500 --latency-max-us 100 --trace x.jsonl
one_line_error bad_latency "latency"
[[ ! -e x.jsonl && ! -e x.jsonl.tmp ]] || { echo "FAIL bad input left a trace behind"; failures=$((failures + 1)); }
# Write errors are I/O errors (exit 5), never a success; a device is written in place, never
# replaced by a renamed regular file.
check trace_disk_full 5 "$ry" run --seed 42 --trace /dev/full
one_line_error trace_disk_full "/dev/full: write failed: No space left on device"
[[ -c /dev/full && ! -e /dev/full.tmp ]] || { echo "FAIL trace_disk_full: /dev/full is no longer a device"; failures=$((failures + 1)); }
check trace_dev_null 0 "$ry" run --seed 42 --trace /dev/null --quiet
[[ -c /dev/null && ! -e /dev/null.tmp ]] || { echo "FAIL trace_dev_null: /dev/null is no longer a device"; failures=$((failures + 1)); }
check trace_size_limit 5 bash -c "ulimit -f 10; exec \"$ry\" run --seed 42 --trace limited.jsonl"
one_line_error trace_size_limit "limited.jsonl.tmp: write failed: File too large"
[[ ! -e limited.jsonl && ! -e limited.jsonl.tmp ]] || { echo "FAIL trace_size_limit: a trace was left behind"; failures=$((failures + 1)); }
check unwritable 5 "$ry" run --trace /nonexistent-dir/t.jsonl
one_line_error unwritable "nonexistent-dir"
check bug_not_planted 2 "$ry" run --protocol ring --bug B3
one_line_error bug_not_planted "B3 is not a bug of protocol ring"
check bad_trains 2 "$ry" run --nodes 3 --trains 4
one_line_error bad_trains "trains"
check ring_runs 0 "$ry" run --protocol ring --seed 7
check no_subcommand 2 "$ry"
check help 0 "$ry" run --help
grep -q -- "--seed" "$work/out" || { echo "FAIL help: no --seed in run --help"; failures=$((failures + 1)); }
check bugs 0 "$ry" bugs
grep -q "B3" "$work/out" || { echo "FAIL bugs: B3 not listed"; failures=$((failures + 1)); }

# Scenarios: the expected outcome decides the exit code; the schedule travels in the trace
# header, so replay needs no scenario file; bad files get one line with file, line and field.
check scenario_passes 0 "$ry" run --scenario "$scenarios/trains/trains-uto-partition-split.json" --trace sc.jsonl
grep -q "scenario         ok: pass, as expected" "$work/out" || { echo "FAIL scenario_passes: no ok line"; failures=$((failures + 1)); }
grep -q '"ev":"fault","fault":"partition",.*"detail":"{0,1}|{2,3,4}"' sc.jsonl || { echo "FAIL scenario trace: no partition fault line"; failures=$((failures + 1)); }
check scenario_replays 0 "$ry" replay sc.jsonl
# A halted run's trace is valid too (outcome "halted" with its reason).
check scenario_halts 0 "$ry" run --scenario "$scenarios/trains/trains-uto-crash-issuer-delivered.json" --trace halted.jsonl --quiet
check schema_halted 0 python3 "$schema_tool" halted.jsonl
sed 's/"outcome": "violation", "property": "clock_bound"/"outcome": "pass"/' \
  "$scenarios/trains/trains-b3-staggered-issuers.json" > wrong-expect.json
check scenario_expectation_fails 1 "$ry" run --scenario wrong-expect.json
grep -q "scenario         FAILED: expected pass, observed violation of clock_bound" "$work/out" || { echo "FAIL scenario_expectation_fails: no FAILED line"; failures=$((failures + 1)); }
sed 's/"bugs": \["B3"\]/"bugs": []/' "$scenarios/trains/trains-b3-staggered-issuers.json" > missed-bug.json
check scenario_missed_violation 1 "$ry" run --scenario missed-bug.json
printf '{"name": "x",\n "options": {"nodes": 5},\n "schedule": [{"at_ms": 10, "do": "partition", "shape": "split",\n   "side": [0, 0]}],\n "expect": {"outcome": "pass"}}\n' > badscenario.json
check scenario_bad_field 2 "$ry" run --scenario badscenario.json --trace y.jsonl
one_line_error scenario_bad_field "badscenario.json:4: field 'schedule\[0\].side': a node is listed twice"
printf '{"name": "x",\n "expect": {"outcome": "pass"}\n "options": {}}\n' > malformed.json
check scenario_malformed 2 "$ry" run --scenario malformed.json
one_line_error scenario_malformed "malformed.json:3: malformed JSON"
check scenario_with_flag 2 "$ry" run --scenario badscenario.json --nodes 3
one_line_error scenario_with_flag "nodes: set it in the scenario"
check scenario_missing 5 "$ry" run --scenario nothing.json
one_line_error scenario_missing "nothing.json: cannot read"
[[ ! -e y.jsonl && ! -e y.jsonl.tmp ]] || { echo "FAIL bad scenario left a trace behind"; failures=$((failures + 1)); }

# Not a scenario, not a trace: deep nesting is refused at once (no hang, no memory growth), and
# said to be what it is.
head -c 100000 /dev/zero | tr '\0' '[' > deep.json
check scenario_deep 2 timeout 20 "$ry" run --scenario deep.json --trace y.jsonl
one_line_error scenario_deep "deep.json:1: nesting deeper than 64 levels: not a scenario file"
check replay_deep 2 timeout 20 "$ry" replay deep.json
one_line_error replay_deep "deep.json:1: not a trace"
printf 'hello\nworld\n' > text.txt
check replay_not_a_trace 2 "$ry" replay text.txt
one_line_error replay_not_a_trace "text.txt:1: not a trace: the first line is not a header"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > huge.json
check scenario_huge 2 "$ry" run --scenario huge.json
one_line_error scenario_huge "huge.json: larger than 16 MiB: not a scenario file"
# Unknown names, duplicate keys: input errors, never a silent pass.
sed 's/"moment": "issuer_delivered"/"moment": "issuer_delivred"/' \
  "$scenarios/trains/trains-uto-crash-issuer-delivered.json" > badmoment.json
check scenario_bad_moment 2 "$ry" run --scenario badmoment.json
one_line_error scenario_bad_moment "badmoment.json:7: field 'schedule\[0\].moment': unknown moment 'issuer_delivred'"
sed 's/"property": "clock_bound"/"property": "clock_bonud"/' \
  "$scenarios/trains/trains-b3-staggered-issuers.json" > badproperty.json
check scenario_bad_property 2 "$ry" run --scenario badproperty.json
one_line_error scenario_bad_property "badproperty.json:[0-9]+: field 'expect.property': no checker of protocol trains reports 'clock_bonud'"
printf '{"name": "x",\n "options": {"nodes": 3,\n  "nodes": 4},\n "expect": {"outcome": "pass"}}\n' > dupkey.json
check scenario_duplicate_key 2 "$ry" run --scenario dupkey.json
one_line_error scenario_duplicate_key "dupkey.json:3: field 'options.nodes': key given twice"
[[ ! -e y.jsonl && ! -e y.jsonl.tmp ]] || { echo "FAIL bad scenario left a trace behind"; failures=$((failures + 1)); }

# Swarm: the mix is printed first and written into the header; the same seed gives the same trace.
check swarm_runs 0 "$ry" run --swarm --seed 11 --trace sw1.jsonl
grep -q "swarm mix" "$work/out" || { echo "FAIL swarm_runs: mix not printed"; failures=$((failures + 1)); }
head -1 sw1.jsonl | grep -q '"swarm_mix":{' || { echo "FAIL swarm header: no swarm_mix"; failures=$((failures + 1)); }
check swarm_again 0 "$ry" run --swarm --seed 11 --trace sw2.jsonl --quiet
cmp -s sw1.jsonl sw2.jsonl || { echo "FAIL swarm determinism: seed 11 gave two traces"; failures=$((failures + 1)); }
check swarm_replays 0 "$ry" replay sw1.jsonl

# Soak: passes, writes a summary; bad ranges are usage errors.
check soak_passes 0 "$ry" soak --seeds 1..20 --jobs 2 --summary soak.json
python3 -c "import json,sys; d=json.load(open('soak.json')); sys.exit(0 if d['seeds_run']==20 and d['failures_count']==0 else 1)" \
  || { echo "FAIL soak summary"; cat soak.json; failures=$((failures + 1)); }
check soak_bad_range 2 "$ry" soak --seeds 9..1
one_line_error soak_bad_range "seeds"
check soak_seed_overflow 2 "$ry" soak --seeds 1..18446744073709551616
one_line_error soak_seed_overflow "seeds"
check soak_max_seed 0 "$ry" soak --seeds 18446744073709551615 --time-ms 20 --jobs 1
# A soak given --seed (of run) would silently ignore it: refused, naming --seeds.
check soak_single_seed_flag 2 "$ry" soak --seed 5
one_line_error soak_single_seed_flag "a soak runs --seeds"
# An unsigned option written negative or too large is refused, never wrapped or saturated.
check seed_negative 2 "$ry" run --seed -1
one_line_error seed_negative "seed"
check seed_too_large 2 "$ry" run --seed 18446744073709551616
one_line_error seed_too_large "out of range"
check nodes_negative 2 "$ry" run --nodes -3
one_line_error nodes_negative "nodes"
check seed_max 0 "$ry" run --seed 18446744073709551615 --time-ms 20 --quiet
# A failing seed's trace lands in --trace-dir, made if missing (planted bug B9 fails seed 3).
check soak_trace_dir 1 "$ry" soak --protocol trains --mode to --swarm --time-ms 500 --seeds 3 \
  --jobs 1 --bug B9 --trace-dir new/traces
[[ -s new/traces/seed-3.jsonl ]] || { echo "FAIL soak_trace_dir: no trace"; failures=$((failures + 1)); }

# The protocol registry: options belong to their protocol; bugs and protocols are listed from it.
check option_of_other_protocol 2 "$ry" run --protocol trains --laps 3
one_line_error option_of_other_protocol "laps: not an option of protocol trains"
check option_of_ring 0 "$ry" run --protocol ring --laps 3 --seed 2 --quiet
check protocols_listed 0 "$ry" protocols
grep -q "^trains:" "$work/out" && grep -q "^ring:" "$work/out" && grep -q "workload kv" "$work/out" \
  || { echo "FAIL protocols_listed"; cat "$work/out"; failures=$((failures + 1)); }
check bugs_of_ring 0 "$ry" bugs --protocol ring
grep -q "ring: none" "$work/out" || { echo "FAIL bugs_of_ring"; failures=$((failures + 1)); }
check bugs_unknown_protocol 2 "$ry" bugs --protocol nope
one_line_error bugs_unknown_protocol "unknown protocol 'nope'"
check too_many_broadcast_clients 2 "$ry" run --nodes 5 --clients 9
one_line_error too_many_broadcast_clients "clients: the broadcast workload has at most one"
check mode_of_ring 2 "$ry" run --protocol ring --mode uto
one_line_error mode_of_ring "mode: protocol ring has no modes"
# The header names only the chosen protocol's options.
check ring_header 0 "$ry" run --protocol ring --seed 3 --quiet --trace ring.jsonl
head -1 ring.jsonl | grep -q '"laps":' && ! head -1 ring.jsonl | grep -q '"trains":' \
  || { echo "FAIL ring_header: $(head -1 ring.jsonl)"; failures=$((failures + 1)); }

# TRAINS as a key-value store: a swarm run writes a history with invoke and completions, its
# trace replays, and the history file has one JSON object per line.
check kv_swarm 0 "$ry" run --workload kv --clients 8 --swarm --seed 5 --time-ms 400 \
  --trace kv.jsonl --history kv-history.jsonl
grep -q "client operations" "$work/out" || { echo "FAIL kv_swarm: no client line"; failures=$((failures + 1)); }
python3 - kv-history.jsonl <<'PY' || { echo "FAIL kv_history"; failures=$((failures + 1)); }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
types = {l["type"] for l in lines}
assert {"invoke", "ok"} <= types, types
opened = {}
for l in lines:
    p = l["process"]
    if l["type"] == "invoke":
        assert p not in opened, l
        opened[p] = l
    else:
        assert opened.pop(p)["f"] == l["f"], l
PY
check kv_replays 0 "$ry" replay kv.jsonl --quiet
python3 "$schema_tool" kv.jsonl > /dev/null || { echo "FAIL kv_schema"; failures=$((failures + 1)); }
# Interrupted: no temporary trace left behind, exit 128 + signal; an interrupted soak writes its
# summary, marked so, with the seeds that finished.
interrupt_run() {  # interrupt_run SIGNAL EXPECTED_EXIT
  "$ry" run --time-ms 600000 --trace int.jsonl --quiet >/dev/null 2>&1 &
  local pid=$! i
  for i in $(seq 50); do [[ -e int.jsonl.tmp ]] && break; sleep 0.1; done
  kill "-$1" "$pid"; wait "$pid"
  local got=$?
  if [[ $got -ne $2 || -e int.jsonl || -e int.jsonl.tmp ]]; then
    echo "FAIL interrupt_run $1: exit $got (expected $2), files: $(ls int.jsonl* 2>/dev/null)"
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}
interrupt_run INT 130
interrupt_run TERM 143
"$ry" soak --seeds 1..100000 --jobs 2 --time-ms 50 --liveness-ms 200 --summary int-soak.json >/dev/null 2>&1 &
soak_pid=$!
sleep 3
kill -INT "$soak_pid"; wait "$soak_pid"; got=$?
if [[ $got -ne 130 ]] || ! python3 -c "
import json, sys
d = json.load(open('int-soak.json'))
done = sum(b - a + 1 for a, b in d['seeds_done'])
sys.exit(0 if d['interrupted'] and done == d['seeds_run'] and d['seeds_run'] < 100000 else 1)"; then
  echo "FAIL soak_interrupted: exit $got"; cat int-soak.json 2>/dev/null | head -c 400; failures=$((failures + 1))
else
  passed=$((passed + 1))
fi
[[ ! -e int-soak.json.tmp ]] || { echo "FAIL soak_interrupted: summary .tmp left"; failures=$((failures + 1)); }
# Soak outputs are checked before any seed runs.
mkdir -p summary-dir
check soak_summary_dir 2 timeout 10 "$ry" soak --seeds 1..1000 --summary summary-dir
one_line_error soak_summary_dir "error: --summary: 'summary-dir' is a directory"
[[ ! -e summary-dir.tmp ]] || { echo "FAIL soak_summary_dir: summary-dir.tmp left"; failures=$((failures + 1)); }
check soak_summary_unwritable 2 timeout 10 "$ry" soak --seeds 1..1000 --summary /nonexistent-dir/s.json
one_line_error soak_summary_unwritable "error: --summary: cannot write '/nonexistent-dir/s.json.tmp'"
: > plain-file
check soak_trace_dir_file 2 timeout 10 "$ry" soak --seeds 1..1000 --trace-dir plain-file
one_line_error soak_trace_dir_file "error: --trace-dir: cannot create 'plain-file'"

echo "$passed passed, $failures failed"
[[ $failures -eq 0 ]]
