#!/usr/bin/env bash
# A sharded soak on a single-node Slurm cluster that this script starts and stops itself: MUNGE
# (munged) for authentication, slurmctld and slurmd on localhost, configured in a temporary
# folder; the shards run as one job array (sbatch --array, one shard per task); soak-merge joins
# them and the result must equal the unsharded soak in every field that does not measure time.
# Every daemon started here is stopped on exit, whatever happens. Skips (exit 77) only if the
# Debian packages slurm-wlm and munge cannot be installed. Runs as root (the daemons and jobs).
# Usage: tools/scripts/shard_slurm_test.sh PATH/TO/railyard [SHARDS]
set -euo pipefail
ry=$(realpath "$1")
shards=${2:-4}
scripts=$(cd "$(dirname "$0")" && pwd)
source "$scripts/cluster_packages.sh" munged mungekey slurmctld slurmd sbatch squeue scancel
if [[ $(id -u) -ne 0 ]]; then
  echo "FAIL: the Slurm test starts munged, slurmctld and slurmd as root; run it as root"
  exit 1
fi
work=$(mktemp -d /tmp/railyard-slurm.XXXXXX)
chmod 700 "$work"
pids=()
job=""
cleanup() {
  local status=$?
  if [[ -n "$job" ]]; then
    # Cancelled while slurmd still runs, so that it stops the tasks' slurmstepd and shards.
    scancel "$job" 2>/dev/null || true
    for _ in $(seq 100); do [[ -z $(squeue -h -j "$job" 2>/dev/null) ]] && break; sleep 0.2; done
  fi
  # Newest first: slurmd, slurmctld, then munged (the others need it to the end).
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Anything still running from this cluster (a slurmstepd left waiting for the slurmd that is
  # gone, a shard) carries this cluster's SLURM_CONF in its environment: only those are stopped.
  export -n SLURM_CONF  # the commands of this loop must not carry it
  for environ in /proc/[0-9]*/environ; do
    if tr '\0' '\n' 2>/dev/null < "$environ" | grep -qxF "SLURM_CONF=$work/slurm.conf"; then
      pid=${environ#/proc/}
      pid=${pid%/environ}
      [[ $pid != "$$" ]] && kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [[ $status -ne 0 && $status -ne 77 ]]; then
    for log in munged slurmctld slurmd; do
      echo "--- $log.log (last lines)"; tail -15 "$work/$log.log" 2>/dev/null || true
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$work"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "FAIL: $what not ready after $seconds s"
  return 1
}

# MUNGE: a key of our own and a socket in the temporary folder, not the system's.
mungekey --create --keyfile="$work/munge.key" --bits=1024
munged --foreground --force --key-file="$work/munge.key" --socket="$work/munge.sock" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munged.seed" >/dev/null 2>&1 &
pids+=($!)
wait_for 10 munged test -S "$work/munge.sock"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p state spool
cat > slurm.conf <<CONF
ClusterName=railyard
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$work/munge.sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=soak Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >/dev/null 2>&1 &
pids+=($!)
wait_for 20 slurmctld scontrol ping
slurmd -D -f "$SLURM_CONF" >/dev/null 2>&1 &
pids+=($!)
node_idle() { sinfo -h -N -o '%T' | grep -q '^idle'; }
wait_for 30 "slurmd (node idle)" node_idle
sinfo

# Planted bug B9 makes some seeds fail, so failures are merged too, not only counts.
soak=(soak --protocol trains --mode to --swarm --time-ms 300 --bug B9 --seeds 1..40)
cat > shard.sbatch <<JOB
#!/bin/bash
#SBATCH --job-name=railyard-soak
#SBATCH --cpus-per-task=1
#SBATCH --output=$work/shard-%a.out
# One array task, one shard; exit 1 (a seed failed) is a result, so it is not passed on.
"$ry" ${soak[*]} --jobs 1 --shard \${SLURM_ARRAY_TASK_ID}/$shards --summary $work/shard-\${SLURM_ARRAY_TASK_ID}.json
code=\$?
[[ \$code -eq 0 || \$code -eq 1 ]]
JOB
start=$(date +%s%N)
job=$(sbatch --parsable --array=1-"$shards" shard.sbatch)
echo "submitted job array $job (tasks 1-$shards)"
job_done() { [[ -z $(squeue -h -j "$job" 2>/dev/null) ]]; }
wait_for 150 "job array $job" job_done
slurm_ms=$((($(date +%s%N) - start) / 1000000))
sacct_state=$(scontrol show job "$job" 2>/dev/null | grep -o 'JobState=[A-Z]*' | sort | uniq -c || true)
echo "job array $job finished in $slurm_ms ms: ${sacct_state:-states no longer listed}"
for i in $(seq 1 "$shards"); do
  [[ -s shard-$i.json ]] || { echo "FAIL: task $i wrote no summary"; cat "shard-$i.out"; exit 1; }
done
job=""

start=$(date +%s%N)
"$ry" "${soak[@]}" --jobs "$cpus" --summary whole.json > whole.out 2>&1 || [[ $? -eq 1 ]]
whole_ms=$((($(date +%s%N) - start) / 1000000))
"$ry" soak-merge shard-*.json -o merged.json --junit merged.xml || [[ $? -eq 1 ]]
python3 "$scripts/compare_summaries.py" whole.json merged.json
python3 "$scripts/check_junit.py" merged.xml merged.json
echo "Slurm: $shards array tasks in $slurm_ms ms; the unsharded soak in $whole_ms ms"
echo "PASS: Slurm job array, $shards shards merged equal the unsharded soak"
