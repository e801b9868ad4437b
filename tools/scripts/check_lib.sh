# Shared by the end-to-end test scripts: source it after setting `work` (a scratch folder).
# check NAME EXPECTED_EXIT COMMAND... runs the command with stdout in $work/out and stderr in
# $work/err and counts a failure if its exit code differs; one_line_error NAME PATTERN checks
# that stderr is one line matching PATTERN; has NAME PATTERN checks that stdout matches.
# finish prints the tally and exits 1 on any failure.
failures=0
passed=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
check() {
  local name=$1 want=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$name: exit $got, expected $want"; sed 's/^/    /' "$work/out" "$work/err" | head -20
  else
    passed=$((passed + 1))
  fi
}
one_line_error() {
  if [[ $(wc -l <"$work/err") -ne 1 ]] || ! grep -qE -- "$2" "$work/err"; then
    fail "$1: stderr should be one line matching /$2/, got:"; sed 's/^/    /' "$work/err"
  else
    passed=$((passed + 1))
  fi
}
has() {
  if grep -qE -- "$2" "$work/out"; then
    passed=$((passed + 1))
  else
    fail "$1: stdout should match /$2/, got:"; sed 's/^/    /' "$work/out" | head -30
  fi
}
finish() {
  echo "$passed checks passed, $failures failed"
  [[ $failures -eq 0 ]]
}
