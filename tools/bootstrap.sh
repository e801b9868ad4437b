#!/usr/bin/env bash
# Installs the Debian packages railyard needs, only those missing. Idempotent; needs root or sudo.
# Usage: tools/bootstrap.sh [--bench] [--cluster]   (--bench adds SimGrid for the side-by-side
# benchmark; --cluster adds GNU parallel, Slurm and MUNGE for the sharded-soak integration tests)
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config g++ clang clang-format clang-tidy
      libboost-context-dev libcli11-dev nlohmann-json3-dev libfmt-dev libgtest-dev
      libbenchmark-dev python3 python3-jsonschema chromium)
for arg in "$@"; do
  case "$arg" in
    --bench) pkgs+=(libsimgrid-dev) ;;
    --cluster) pkgs+=(parallel slurm-wlm munge) ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm for the export checks (tools/scripts/export_test.sh), from Debian unless the
# machine already has them from elsewhere (a nodesource nodejs carries its own npm).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]} == 0)); then exit 0; fi
echo "bootstrap: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq -o DPkg::Lock::Timeout=120 --no-install-recommends "${missing[@]}" >&2
