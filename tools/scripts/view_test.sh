#!/usr/bin/env bash
# End-to-end checks of `railyard view` (traces/view/README.md): pages for a TRAINS run, a Raft kv
# run and a failing TRAINS run are opened in Debian's chromium through playwright-core
# (view_checks.mjs), which checks the nodes, messages, operations, state panel, filters, search
# and violation against the trace, and saves a screenshot of each page under ARTIFACTS. Bad input
# gives one line naming file, line and field and exit 2; no partial page is left.
# Usage: tools/scripts/view_test.sh PATH/TO/railyard NPM_DIR ARTIFACTS
set -u
ry=$(realpath "$1")
scripts=$(cd "$(dirname "$0")" && pwd)
npm_dir=$2
artifacts=$3
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
# shellcheck source=check_lib.sh
source "$scripts/check_lib.sh"

root=$(cd "$scripts/../.." && pwd)
check trace_trains 0 "$ry" run --seed 42 --time-ms 100 --trace trains.jsonl --quiet
# TRAINS `to` with a crash and a restart: views change, so the state panel has something to show.
check trace_restart 0 "$ry" run --scenario "$root/scenarios/trains/trains-to-crash-restart.json" \
  --trace restart.jsonl --quiet
check trace_raft 0 "$ry" run --protocol raft --workload kv --clients 3 --seed 3 --time-ms 300 \
  --trace raft.jsonl --quiet
# The Q1 split-brain counterexample (a partition, then a violation; the scenario expects it).
check trace_failing 0 "$ry" run --scenario "$root/scenarios/trains/trains-to-Q1-split-brain.json" \
  --trace failing.jsonl --quiet
for t in trains restart raft failing; do
  check "view_$t" 0 "$ry" view "$t.jsonl" -o "$t.html"
done
grep -q '"violation"' failing.jsonl || fail "failing.jsonl: no violation in the footer"
# The page is self-contained: no script, style or link is fetched from anywhere.
if grep -qiE '<(script|link|img)[^>]+(src|href)=' trains.html; then
  fail "trains.html: refers to an outside file"
else
  passed=$((passed + 1))
fi
# A window: --steps keeps only those steps, and the page says so.
check view_window 0 "$ry" view trains.jsonl --steps 100..400 -o window.html
grep -q '"window":"steps"' window.html && passed=$((passed + 1)) || fail "window.html: not windowed"
check view_capped 0 "$ry" view trains.jsonl --max-events 1000 -o capped.html
grep -q '"capped":true' capped.html && passed=$((passed + 1)) || fail "capped.html: not capped"

# Bad input: one line naming file, line and field; exit 2; no page left behind.
sed '5s/"t":[0-9]*/"t":"soon"/' trains.jsonl > badfield.jsonl
check bad_field 2 "$ry" view badfield.jsonl -o bad.html
one_line_error bad_field_message "badfield.jsonl:5: field 't': not an integer"
head -c 3000 trains.jsonl > truncated.jsonl
check truncated 2 "$ry" view truncated.jsonl -o bad.html
one_line_error truncated_message "truncated.jsonl:[0-9]+: truncated trace"
sed -E '7s/"id":[0-9]+,//' trains.jsonl > noid.jsonl
if [[ $(sed -n 7p trains.jsonl) =~ \"ev\":\"(send|recv|drop)\" ]]; then
  check no_id 2 "$ry" view noid.jsonl -o bad.html
  one_line_error no_id_message "noid.jsonl:7: field 'id': missing"
fi
check missing 5 "$ry" view nothere.jsonl -o bad.html
one_line_error missing_message "nothere.jsonl: cannot open"
check bad_steps 2 "$ry" view trains.jsonl --steps 9..3 -o bad.html
one_line_error bad_steps_message "--steps: expected FIRST..LAST"
[[ ! -e bad.html && ! -e bad.html.tmp ]] && passed=$((passed + 1)) || fail "bad input: a page was left behind"
check write_no_dir 5 "$ry" view trains.jsonl -o no/such/dir/run.html
one_line_error write_no_dir_message "no/such/dir/run.html.tmp: cannot open for writing"

# In the browser.
"$scripts/export_npm.sh" "$npm_dir"
npm_status=$?
if [[ $npm_status -eq 3 ]]; then
  echo "SKIP the browser checks: npm registry unreachable (playwright-core)"
elif [[ $npm_status -ne 0 ]]; then
  fail "export_npm.sh could not install playwright-core"
elif [[ ! -x ${CHROMIUM:-/usr/bin/chromium} ]]; then
  echo "SKIP the browser checks: no chromium (apt-get install chromium)"
else
  cp "$scripts/view_checks.mjs" "$npm_dir/"
  for t in restart raft failing; do
    if (cd "$npm_dir" && node view_checks.mjs "$work/$t.html" "$work/$t.jsonl" \
      "$artifacts/view-$t.png") >"$work/out" 2>&1; then
      passed=$((passed + 1))
    else
      fail "browser checks of $t.html:"; sed 's/^/    /' "$work/out" | head -30
    fi
    tail -1 "$work/out"
  done
  cp restart.html raft.html failing.html "$artifacts/"
fi

echo "view_test: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
