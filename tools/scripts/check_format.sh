#!/usr/bin/env bash
# clang-format check (100 columns, .clang-format): lists files that are not formatted.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
files=$(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find protocol sim invariants traces tools -name '*.[ch]pp')
bad=0
for f in $files; do
  if ! clang-format --dry-run --Werror "$f" > /dev/null 2>&1; then
    echo "not formatted: $f (run: clang-format -i $f)"
    bad=1
  fi
done
[[ $bad -eq 0 ]] && echo "check_format: $(echo "$files" | wc -w) files formatted"
exit $bad
