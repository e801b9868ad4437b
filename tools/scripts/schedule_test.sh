#!/usr/bin/env bash
# End-to-end checks of schedule files and shrinking (README.md, "Shrink a failure";
# scenarios/README.md, "Recorded schedules"): a recorded run replays event for event; a replay
# after a change of behaviour says where it left its schedule; `railyard shrink` turns a failure
# into a small schedule that fails the same way and replays; bad input gets one line and exit 2.
# Usage: tools/scripts/schedule_test.sh PATH/TO/railyard
set -u
ry=$(realpath "$1")
scripts=$(cd "$(dirname "$0")" && pwd)
scenarios=$(cd "$scripts/../../scenarios" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
# shellcheck source=check_lib.sh
source "$scripts/check_lib.sh"

# The events of a trace without the step numbers (a replay has no nemesis wake-ups, so its steps
# are numbered differently) and without header and footer.
events() { sed '1d;$d' "$1" | sed 's/"step":[0-9]*,//'; }

# 1. Record a swarm run (seed 5 loses and duplicates) and replay it from the file alone.
check record 0 "$ry" run --swarm --seed 5 --time-ms 400 --save-schedule s5.json --trace a.jsonl
has record_says 'schedule +s5.json \([0-9]+ faults, [1-9][0-9]* network decisions'
check replay 0 "$ry" run --schedule s5.json --trace b.jsonl
has replay_followed 'schedule +followed to the end'
has replay_outcome 'replay +the recorded outcome: pass'
if cmp -s <(events a.jsonl) <(events b.jsonl); then passed=$((passed + 1)); else
  fail "replay_events: the replay's events differ from the recorded run's"
fi
# A schedule file is a scenario: --scenario runs it against its expectation.
check as_scenario 0 "$ry" run --scenario s5.json --quiet

# Checking options that can fail a run travel with its schedule (and its trace header).
check record_reference 0 "$ry" run --seed 2 --time-ms 100 --reference --no-progress-check \
  --save-schedule ref.json --quiet
grep -q '"reference":true,"progress_check":false' ref.json && passed=$((passed + 1)) ||
  fail "record_reference: --reference and --no-progress-check are not in the schedule's options"

# 2. A change of behaviour (one train instead of two): the replay goes on, says where it left.
sed 's/"trains":2/"trains":1/' s5.json > changed.json
check changed 0 "$ry" run --schedule changed.json
has changed_left 'schedule +left it at [0-9.]+ ms: send [0-9]+ on [0-9]->[0-9] is a'

# 3. Shrink a failure given as a scenario (planted bug Q1 splits the brain under a partition).
check shrink_q1 0 "$ry" shrink --schedule "$scenarios/trains/trains-to-Q1-split-brain.json" \
  -o q1 --budget-s 300
has shrink_q1_report 'railyard shrink: violation of primary_component'
has shrink_q1_minimal '1-minimal yes'
[[ -f q1/schedule.json && -f q1/trace.jsonl ]] || fail "shrink_q1_files: schedule or trace missing"
check shrink_q1_replay 1 "$ry" run --schedule q1/schedule.json
has shrink_q1_replay_same 'replay +the recorded outcome: violation of primary_component'
check shrink_q1_scenario 0 "$ry" run --scenario q1/schedule.json --quiet

# 4. Shrink a failing seed from its flags, and from its trace.
# (A short budget: the report then says the result is the best so far, not that it is 1-minimal.)
check shrink_seed 0 "$ry" shrink --swarm --time-ms 500 --bug B9 --seed 3 -o b9 --budget-s 30
has shrink_seed_report 'railyard shrink: violation of key_uniqueness'
has shrink_seed_after '^  after +[0-9]+ nodes, [0-9]+ faults'
check shrink_seed_replay 1 "$ry" run --schedule b9/schedule.json --quiet
"$ry" run --scenario "$scenarios/trains/trains-to-Q1-shortest.json" --trace q1short.jsonl >/dev/null 2>&1
check shrink_trace 0 "$ry" shrink --trace q1short.jsonl -o q1t --budget-s 300
has shrink_trace_minimal '1-minimal yes'

# 5. Bad input: one line, exit 2; nothing to shrink is an input error too.
check schedule_not_recorded 2 "$ry" run --schedule "$scenarios/trains/trains-to-crash.json"
one_line_error schedule_not_recorded_line 'not a recorded schedule'
check schedule_with_seed 2 "$ry" run --schedule s5.json --seed 3
one_line_error schedule_with_seed_line '^railyard: error: --seed: '
check schedule_and_scenario 2 "$ry" run --schedule s5.json --scenario s5.json
python3 - s5.json bad-network.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["network"][0]["fate"] = "vanished"
json.dump(doc, open(sys.argv[2], "w"), indent=1)
PY
check bad_network 2 "$ry" run --schedule bad-network.json
one_line_error bad_network_line "bad-network.json:[0-9]+: field 'network\[0\].fate': unknown fate 'vanished'"
sed 's/"scripted":true,//' s5.json > unscripted.json
check network_needs_scripted 2 "$ry" run --scenario unscripted.json
one_line_error network_needs_scripted_line "field 'network': network decisions need options.scripted: true"
check shrink_passing 2 "$ry" shrink --seed 1 --faults none --time-ms 50 -o pass
one_line_error shrink_passing_line 'nothing to shrink'
: > not-a-dir
check shrink_bad_output 2 "$ry" shrink --seed 1 -o not-a-dir/x
one_line_error shrink_bad_output_line '^railyard: error: --output: cannot write into'
check shrink_two_inputs 2 "$ry" shrink --trace a.jsonl --schedule s5.json
check save_unwritable 5 "$ry" run --seed 1 --save-schedule /nonexistent-dir/s.json
one_line_error save_unwritable_line 'nonexistent-dir/s.json'

finish
