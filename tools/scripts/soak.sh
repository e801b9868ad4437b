#!/usr/bin/env bash
# The TRAINS membership soak (issue 5), CI-suitable: installs what is missing, builds railyard
# (release, assertions on), then runs swarm soaks of TRAINS `to` (every fault kind in the swarm's
# draw: crashes with restarts, pauses, cuts, partitions of every shape, clogs, clock jumps and
# drift, torn, corrupted, misdirected and slow disk writes) for each node count. Exits 0 only
# when no seed ends in a violation or a liveness failure (a halt the protocol must make, such as
# no majority of the view up with its state, is not a failure). Each failing seed's trace is
# written into soak-traces/, and each summary into soak-trains-<N>.json.
# Usage: tools/scripts/soak.sh [SEEDS] [NODE COUNT...]   default: 100000 seeds of 5 and of 7 nodes
# (about 15 minutes per 100,000 five-node seeds on 2 cores). `.ci/run` runs a smaller one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seeds=${1:-100000}
shift || true
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(5 7)
tools/bootstrap.sh
cmake --preset release > /dev/null
cmake --build --preset release --target railyard
status=0
for n in "${sizes[@]}"; do
  build/release/railyard soak --protocol trains --mode to --swarm --nodes "$n" --time-ms 500 \
    --seeds "1..$seeds" --jobs "$(nproc)" --summary "soak-trains-$n.json" \
    --trace-dir soak-traces || status=1
done
exit $status
