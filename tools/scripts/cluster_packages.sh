#!/usr/bin/env bash
# Sourced by the cluster tests: installs GNU parallel, Slurm and MUNGE with tools/bootstrap.sh
# (Debian packages, one install at a time: CTest may start both tests at once), and skips the
# test (exit 77, which CTest reports as skipped) only if what it needs cannot be installed.
# Usage: source cluster_packages.sh COMMAND...   (the commands the test needs on the PATH)
cluster_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
flock /tmp/railyard-bootstrap.lock "$cluster_root/tools/bootstrap.sh" --cluster >/dev/null 2>&1
for cluster_command in "$@"; do
  if ! command -v "$cluster_command" >/dev/null 2>&1 &&
    ! [[ -x "/usr/sbin/$cluster_command" ]]; then
    echo "SKIP: '$cluster_command' is missing and tools/bootstrap.sh --cluster could not install" \
      "the Debian packages parallel, slurm-wlm and munge"
    exit 77
  fi
done
export PATH="$PATH:/usr/sbin:/sbin"
