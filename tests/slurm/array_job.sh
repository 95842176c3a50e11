#!/usr/bin/env bash
# A single-node Slurm (munged + slurmctld + slurmd on localhost, ports 16817/16818, state in a temp folder) runs
# the Slurm array job that `frontline record --job slurm` writes; its frames must equal a single run's, byte for
# byte. Needs root (munged runs as the munge user) and Debian's slurmctld, slurmd, slurm-client and munge, which
# scripts/setup.sh does not install (daemons on a CI runner): CTest registers this only where they are present.
# Usage: array_job.sh FRONTLINE_EXE
set -euo pipefail
exe=$1
work=$(mktemp -d /tmp/frontline-slurm-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # The daemons write their state as they stop: wait for them before removing it.
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$work" || true
}
trap cleanup EXIT
host=$(hostname -s)
mkdir -p "$work"/{state,spool,log}
cat >"$work/slurm.conf" <<CONF
ClusterName=frontline
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmdSpoolDir=$work/spool
StateSaveLocation=$work/state
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
# Both daemonise: their pid files appear a moment later.
started() {
  for _ in $(seq 100); do [ -s "$1" ] && { pids+=("$(cat "$1")"); return 0; }; sleep 0.1; done
  echo "no $1"; exit 1
}
# A munged that answers is used as it is; otherwise ours (--force: over a socket a killed one left behind).
if ! munge -n </dev/null >/dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge
  rm -f /run/munge/munged.pid
  su -s /bin/sh munge -c "/usr/sbin/munged --force"
  started /run/munge/munged.pid
fi
/usr/sbin/slurmctld && started "$work/slurmctld.pid"
/usr/sbin/slurmd && started "$work/slurmd.pid"
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %T | grep -q idle || { echo "slurm did not come up"; cat "$work"/log/*; exit 1; }

cd "$work"
"$exe" record --size 160x90 --frames 200-209 --out farm --job slurm --chunk 5
sbatch --wait farm/frontline-record.slurm.sh
"$exe" record --size 160x90 --frames 200-209 --out single 2>/dev/null
n=0
for f in single/frame.*.png; do
  cmp "$f" "farm/$(basename "$f")"
  n=$((n + 1))
done
[ "$n" -eq 10 ] || { echo "expected 10 frames, compared $n"; exit 1; }
echo "slurm array job: $n frames identical to a single run"
