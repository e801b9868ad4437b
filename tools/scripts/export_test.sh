#!/usr/bin/env bash
# End-to-end checks of `railyard export` (README.md, "Exporting a run"): traces of TRAINS
# (broadcast and kv workloads), Raft and the ring go out in every format; each export passes the
# offline checks (check_exports.py: JSON Schemas, flow pairing, ShiViz's clock rules, Jepsen's
# history rules, mermaid's statements), the kv history round-trips through check-history, and,
# where the npm registry is reachable, the readers' own parsers accept them (export_checks.mjs:
# ajv, the DevTools trace engine, edn-data, mermaid in Debian's chromium). Bad input gives one
# line naming file, line and field and exit 2; a write error exit 5; no partial output file.
# Usage: tools/scripts/export_test.sh PATH/TO/railyard [NPM_DIR]
#   NPM_DIR keeps the npm packages between runs (default: a folder beside railyard).
set -u
ry=$(realpath "$1")
scripts=$(cd "$(dirname "$0")" && pwd)
schemas=$(cd "$scripts/../../traces/export" && pwd)
npm_dir=${2:-$(dirname "$ry")/export-npm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
# shellcheck source=check_lib.sh
source "$scripts/check_lib.sh"

# Traces of each protocol and workload, with faults.
check trace_trains 0 "$ry" run --seed 42 --time-ms 100 --trace trains.jsonl --quiet
check trace_kv 0 "$ry" run --workload kv --clients 4 --seed 5 --swarm --time-ms 100 \
  --trace kv.jsonl --history kv.history.jsonl --quiet
check trace_ring 0 "$ry" run --protocol ring --nodes 5 --seed 1 --time-ms 20 --trace ring.jsonl --quiet
check trace_raft 0 "$ry" run --protocol raft --workload kv --clients 3 --seed 3 --time-ms 300 \
  --trace raft.jsonl --quiet
check trace_short 0 "$ry" run --protocol ring --nodes 3 --seed 7 --time-ms 1 \
  --faults none --trace short.jsonl --quiet
check trace_ids_valid 0 python3 "$scripts/validate_trace.py" trains.jsonl kv.jsonl ring.jsonl raft.jsonl

receipts() { grep -c '"ev":"recv"' "$1"; }
invokes() { grep -c '"ev":"invoke"' "$1"; }
history_lines() { grep -cE '"ev":"(invoke|ok|fail|info)"' "$1"; }
faults() { grep -c '"ev":"fault"' "$1"; }

# Every format of every trace passes the offline checks.
for t in trains kv ring raft; do
  for f in chrome shiviz porcupine edn; do
    check "export_${t}_$f" 0 "$ry" export "$t.jsonl" --format "$f" -o "$t.$f"
    check "check_${t}_$f" 0 python3 "$scripts/check_exports.py" "$f" "$t.$f" "$t.jsonl"
  done
done
# ITF: the JSON Schema, and one state per step that changes a node's state, equal to the trace's.
for t in trains kv ring raft; do
  check "export_${t}_itf" 0 "$ry" export "$t.jsonl" --format itf -o "$t.itf.json"
  check "check_${t}_itf" 0 python3 "$scripts/check_itf.py" "$schemas/itf.schema.json" "$t.itf.json" "$t.jsonl"
done
sed -E '0,/"role":\{"#bigint":"0"\}/s//"role":{"#bigint":"2"}/' raft.itf.json > bad.itf.json
check itf_check_fires 1 python3 "$scripts/check_itf.py" "$schemas/itf.schema.json" bad.itf.json raft.jsonl
[[ $(grep -c '"ph":"f"' kv.chrome) -gt 100 ]] || fail "kv chrome export: too few flows"
[[ $(invokes kv.jsonl) -gt 10 ]] || fail "kv trace: too few client operations"
# Standard output is the default.
"$ry" export ring.jsonl --format chrome > ring.stdout.chrome && cmp -s ring.stdout.chrome ring.chrome \
  && passed=$((passed + 1)) || fail "export to standard output differs from -o"

# The EDN history is the run's history: check-history reads it and finds it linearizable, as
# it does the --history file of the same run.
check edn_check_history 0 "$ry" check-history kv.edn --quiet
check jsonl_check_history 0 "$ry" check-history kv.history.jsonl --quiet
check raft_edn_check_history 0 "$ry" check-history raft.edn --quiet

# Mermaid: a short run whole; a long one refused (exit 2, nothing written) unless windowed.
check mermaid_short 0 "$ry" export short.jsonl --format mermaid -o short.mmd
check check_mermaid_short 0 python3 "$scripts/check_exports.py" mermaid short.mmd short.jsonl
check mermaid_long_refused 2 "$ry" export trains.jsonl --format mermaid -o long.mmd
one_line_error mermaid_long_message "trains.jsonl:[0-9]+: mermaid: the diagram would have more than 200 arrows.*--steps"
[[ ! -e long.mmd && ! -e long.mmd.tmp ]] && passed=$((passed + 1)) || fail "mermaid_long: output left behind"
check mermaid_window 0 "$ry" export trains.jsonl --format mermaid --steps 100..160 -o window.mmd
check check_mermaid_window 0 python3 "$scripts/check_exports.py" mermaid window.mmd trains.jsonl
check mermaid_kv_window 0 "$ry" export kv.jsonl --format mermaid --steps 60..140 -o kvwindow.mmd
check check_mermaid_kv_window 0 python3 "$scripts/check_exports.py" mermaid kvwindow.mmd kv.jsonl
check mermaid_bad_steps 2 "$ry" export trains.jsonl --format mermaid --steps 9..3
one_line_error mermaid_bad_steps_message "--steps: expected FIRST..LAST"

# The offline checks fire: a broken clock, a flow without its start, an index out of order.
sed '4s/{"n\([0-9]*\)":\([0-9]*\)/{"n\1":9\2/' ring.shiviz > bad.shiviz
check shiviz_check_fires 1 python3 "$scripts/check_exports.py" shiviz bad.shiviz ring.jsonl
grep -v '"ph":"s"' ring.chrome > bad.chrome
check chrome_check_fires 1 python3 "$scripts/check_exports.py" chrome bad.chrome ring.jsonl
sed '3s/:index [0-9]*/:index 0/' kv.edn > bad.edn
check edn_check_fires 1 python3 "$scripts/check_exports.py" edn bad.edn kv.jsonl

# Bad input: one line naming file, line and field; exit 2; no output file.
sed '5s/"t":[0-9]*/"t":"soon"/' trains.jsonl > badfield.jsonl
check bad_field 2 "$ry" export badfield.jsonl --format chrome -o out.json
one_line_error bad_field_message "badfield.jsonl:5: field 't': not an integer"
[[ ! -e out.json && ! -e out.json.tmp ]] && passed=$((passed + 1)) || fail "bad_field: output left behind"
sed '20s/^{/{{/' trains.jsonl > badjson.jsonl
check bad_json 2 "$ry" export badjson.jsonl --format shiviz -o out.log
one_line_error bad_json_message "badjson.jsonl:20: column 2: "
sed -E 's/"id":[0-9]+,//' ring.jsonl > noids.jsonl
check no_ids 2 "$ry" export noids.jsonl --format shiviz -o out.log
one_line_error no_ids_message "noids.jsonl:[0-9]+: field 'id': missing"
grep -v '"ev":"invoke"' kv.jsonl > noinvoke.jsonl
check no_invoke 2 "$ry" export noinvoke.jsonl --format edn -o out.edn
one_line_error no_invoke_message "noinvoke.jsonl:[0-9]+: field 'client': client [0-9]+ completes an operation it never invoked"
head -c 3000 trains.jsonl > truncated.jsonl
check truncated 2 "$ry" export truncated.jsonl --format porcupine -o out.json
one_line_error truncated_message "truncated.jsonl:[0-9]+: truncated trace"
check missing 5 "$ry" export nothere.jsonl --format chrome -o out.json
one_line_error missing_message "nothere.jsonl: cannot open"
check bad_format 2 "$ry" export trains.jsonl --format svg
one_line_error bad_format_message "--format"
[[ ! -e out.json && ! -e out.json.tmp && ! -e out.log && ! -e out.edn ]] \
  && passed=$((passed + 1)) || fail "bad input: an output file was left behind"

# Write errors: exit 5, one line; nothing left under the final name.
if [[ -w /dev/full ]]; then
  check write_full 5 "$ry" export kv.jsonl --format chrome -o /dev/full
  one_line_error write_full_message "/dev/full: write failed"
fi
check write_no_dir 5 "$ry" export kv.jsonl --format chrome -o no/such/dir/out.json
one_line_error write_no_dir_message "no/such/dir/out.json.tmp: cannot open for writing"

# The readers' own parsers, from npm.
"$scripts/export_npm.sh" "$npm_dir"
npm_status=$?
if [[ $npm_status -eq 3 ]]; then
  echo "SKIP the npm checks (ajv, DevTools trace engine, edn-data, mermaid): npm registry unreachable"
elif [[ $npm_status -ne 0 ]]; then
  fail "export_npm.sh could not install the npm packages"
else
  cp "$scripts/export_checks.mjs" "$npm_dir/"
  node_check() {  # node_check FORMAT FILE EXPECTED
    local name="node_$1_$2"
    (cd "$npm_dir" && node export_checks.mjs "$1" "$work/$2" "$schemas" "$3") >"$work/out" 2>&1 \
      && passed=$((passed + 1)) || { fail "$name"; sed 's/^/    /' "$work/out" | head -10; }
  }
  for t in trains kv ring raft; do
    node_check chrome "$t.chrome" "$(receipts $t.jsonl)"
    node_check porcupine "$t.porcupine" "$(invokes $t.jsonl)"
    node_check edn "$t.edn" "$(($(history_lines $t.jsonl) + 2 * $(faults $t.jsonl)))"
  done
  if [[ -x ${CHROMIUM:-/usr/bin/chromium} ]]; then
    for m in short window kvwindow; do
      node_check mermaid "$m.mmd" "$(grep -cE '^    [NC][0-9]+(-\)|-x|->>|-->>)' "$m.mmd")"
    done
  else
    echo "SKIP the mermaid render check: no chromium (apt-get install chromium)"
  fi
fi

echo "export_test: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
