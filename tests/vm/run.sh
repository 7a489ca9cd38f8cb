#!/bin/bash
# The lab on real VMs (vagrant-libvirt under QEMU), end to end: sudo tests/vm/run.sh [pytest args]
# Or any command beside the same libvirtd, e.g. the failover benchmark on VMs:
#   sudo tests/vm/run.sh --run bash -c 'vagrant up && fab setup && python bench/failover.py --cycles 3'
# libvirtd, its networks, the VMs and the controlling process live in a network namespace of
# their own, so no lab traffic leaves this machine; everything is torn down afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
ns=pglabvm
box_file=${PGLAB_BOX_FILE:-/var/tmp/pglab-box/pglab-debian12.box}
kvm_mode=$(stat -c %a /dev/kvm 2>/dev/null || echo "")
kvm_group=$(stat -c %G /dev/kvm 2>/dev/null || echo "")
log() { echo "$(date '+%F %T') vm-test: $*" >&2; }
in_ns() { nsenter --net="/run/netns/$ns" "$@"; }

cpu_share=${PGLAB_VM_CPU_SHARE:-}
cap_root=/sys/fs/cgroup/cpu/pglab-vm-cap
cap_pid=

# Every second: each QEMU process libvirt started (its pid files) goes into a CPU-capped cgroup of its own.
cap_vms() {
  local quota period=100000 pidfile pid group
  quota=$(awk -v s="$cpu_share" 'BEGIN { printf "%d", s * 100000 }')
  mkdir -p "$cap_root"
  while sleep 1; do
    for pidfile in /run/libvirt/qemu/*.pid; do
      [ -f "${pidfile%.pid}.xml" ] || continue  # a running domain's (driver.pid is libvirt's own)
      pid=$(< "$pidfile")  # no newline at its end
      group="$cap_root/$(basename "$pidfile" .pid)"
      if [ ! -d "$group" ]; then
        mkdir "$group"
        echo "$period" > "$group/cpu.cfs_period_us"
        echo "$quota" > "$group/cpu.cfs_quota_us"
        log "capping $(basename "$pidfile" .pid) at $cpu_share of a core"
      fi
      grep -qx "$pid" "$group/cgroup.procs" || echo "$pid" > "$group/cgroup.procs" 2>/dev/null || true
    done
  done
}

# shellcheck disable=SC2317  # it runs from the EXIT trap
teardown() {
  log "tearing down: VMs, libvirtd, virtlogd, namespace $ns"
  if [ -n "$cap_pid" ]; then kill "$cap_pid" 2>/dev/null || true; fi
  in_ns vagrant destroy -f >/dev/null 2>&1 || true
  # A VM vagrant lost track of (one run left pg-a running after `fab lab` had power-cycled it): this checkout's
  # domains are named after its folder; destroyed and undefined with their disks.
  local dom
  for dom in $(in_ns virsh -c qemu:///system list --all --name 2>/dev/null | grep "^$(basename "$PWD")_" || true); do
    log "removing VM $dom, which vagrant destroy left"
    in_ns virsh -c qemu:///system destroy "$dom" >/dev/null 2>&1 || true
    in_ns virsh -c qemu:///system undefine "$dom" --remove-all-storage >/dev/null 2>&1 || true
  done
  if [ -d "$cap_root" ]; then rmdir "$cap_root"/*/ "$cap_root" 2>/dev/null || true; fi
  for pidfile in /run/libvirtd.pid /run/virtlogd.pid; do
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  ip netns del "$ns" 2>/dev/null || true
  if [ -n "$kvm_mode" ]; then chmod "$kvm_mode" /dev/kvm; chgrp "$kvm_group" /dev/kvm || true; fi
}
trap teardown EXIT

for tool in vagrant libvirtd virtlogd qemu-system-x86_64; do
  command -v "$tool" >/dev/null || { log "missing $tool: apt-get install vagrant vagrant-libvirt libvirt-daemon-system qemu-system-x86"; exit 1; }
done
if [ ! -f "$box_file" ]; then
  log "building the offline box (provision/build-box.sh)"
  provision/build-box.sh "$(dirname "$box_file")"
fi
if ! vagrant box list | grep -q '^pglab/debian12 '; then
  log "adding box pglab/debian12"
  vagrant box add --name pglab/debian12 "$box_file" >/dev/null
fi
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
if [ -n "$kvm_mode" ] && getent group kvm >/dev/null; then  # else libvirt re-probes QEMU on every define
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi
log "starting virtlogd and libvirtd in namespace $ns"
in_ns virtlogd -d
in_ns libvirtd -d
for _ in $(seq 50); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.2; done
if [ -n "$cpu_share" ]; then
  [ -d /sys/fs/cgroup/cpu ] || { log "PGLAB_VM_CPU_SHARE needs the cgroup v1 cpu controller at /sys/fs/cgroup/cpu"; exit 1; }
  cap_vms & cap_pid=$!
fi
export PGLAB_VM_TEST=1 PGLAB_BOX=pglab/debian12 PGLAB_LIBVIRT_DRIVER=qemu VAGRANT_DEFAULT_PROVIDER=libvirt
python=$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )
if [ "${1:-}" = --run ]; then
  shift
  export PGLAB_HOME=${PGLAB_HOME:-$(mktemp -d /tmp/pglab-vm-XXXXXX)}  # this lab's state, apart from .pglab/
  log "running $* (lab state in $PGLAB_HOME; VMs torn down afterwards)"
  in_ns env -u PGLAB_PROVIDER -u PGLAB_VM_TEST PATH="$PWD/.venv/bin:$PATH" "$@"
  exit
fi
log "running tests/vm with $python"
rm -f .vm-steps.txt
status=0
in_ns env -u PGLAB_PROVIDER PATH="$PWD/.venv/bin:$PATH" "$python" -m pytest tests/vm -q -p no:cacheprovider "$@" || status=$?
if [ -f .vm-steps.txt ]; then cat .vm-steps.txt; fi  # the step table and the VMs' CPU factor, in every VM run
exit "$status"
