#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` in a build folder (where railyard is built) makes a .deb
# whose railyard is /usr/bin/railyard, versioned with the build id, and that runs once unpacked.
# Usage: tools/scripts/deb_package_test.sh BUILD_DIR   (e.g. build/release)
set -euo pipefail
build=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1) ||
  { echo "FAIL: cpack -G DEB"; cat "$work/cpack.log"; exit 1; }
debs=("$work"/railyard_*.deb)
[[ -f ${debs[0]} ]] || { echo "FAIL: no railyard_*.deb in $work"; ls "$work"; exit 1; }
deb=${debs[0]}
dpkg-deb -c "$deb" | tee "$work/contents" | grep -qE ' \./usr/bin/railyard$' ||
  { echo "FAIL: $deb has no ./usr/bin/railyard:"; cat "$work/contents"; exit 1; }
[[ $(dpkg-deb -f "$deb" Package) == railyard ]] || { echo "FAIL: package name"; exit 1; }
version=$(dpkg-deb -f "$deb" Version)
build_id=$("$build/railyard" run --seed 1 --time-ms 5 --liveness-ms 5 --trace "$work/t.jsonl" \
  --quiet >/dev/null; head -1 "$work/t.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["build"])')
[[ "railyard-$version" == "$build_id" ]] ||
  { echo "FAIL: package version $version, but the binary's build is $build_id"; exit 1; }
dpkg-deb -x "$deb" "$work/root"
"$work/root/usr/bin/railyard" protocols >/dev/null || { echo "FAIL: the packaged railyard does not run"; exit 1; }
echo "PASS: $(basename "$deb") ($(du -h "$deb" | cut -f1)), $(dpkg-deb -f "$deb" Depends | cut -c1-100)"
echo "$(grep -E ' \./usr/bin/railyard$' "$work/contents")"
