"""Where the run happened: provider, hypervisor, the machine and the software, recorded at the end of `fab lab`;
with it each host's size (CPUs, memory, disk), what the guest itself says runs it, and its clock's offset from the
control machine (one SSH call per host)."""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

from pglab.cluster import sql
from pglab.context import LabContext
from pglab.errors import PglabError
from pglab.evidence.clocks import combine, measure, timed_reading


@dataclass(frozen=True)
class Environment:
    provider: str  # local | vagrant
    hypervisor: str  # '' for namespaces on this machine's kernel; libvirt/kvm, libvirt/qemu, VirtualBox
    profile: str  # the timing profile chosen from the measured speed (fast | roomy)
    cpu_slowdown: float | None  # a fixed CPU loop on pg-a against the same loop on this machine
    ssh_rtt_ms: float | None
    machine_os: str
    machine_kernel: str
    machine_cpus: int
    host_os: str  # what the lab's hosts run (the machine's own system for namespaces)
    postgres: str
    pgpool: str
    # Recorded since the VM report was first read by a teacher (None in an older recording):
    clock_offsets: dict | None = None  # host -> {offset_s, bound_s, readings}: its clock minus the control machine's
    hosts: dict | None = None  # host -> {cpus, memory_mb, disk_gb, virt}; virt: systemd-detect-virt in the host

    @classmethod
    def from_dict(cls, data: dict) -> Environment | None:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__}) if data else None


def os_name(os_release: str) -> str:
    """PRETTY_NAME of an /etc/os-release text ('' if none)."""
    for line in os_release.splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return ""


def _run(ctx: LabContext, host: str, command: str) -> str:
    try:
        return ctx.shell(host).run(command, check=False, step="environment").stdout.strip()
    except PglabError:
        return ""


# One call per host: its clock first (the offset's bound is half this call's round trip), then its size and what
# runs it as the guest sees it (`qemu`: emulated CPU, no KVM; `kvm`; `none` or a container type on namespaces).
HOST_FACTS = ("date +%s.%N; nproc; awk '/^MemTotal/ {print $2}' /proc/meminfo; df -kP / | awk 'NR==2 {print $2}'; "
              "systemd-detect-virt 2>/dev/null || true")


def host_facts(ctx: LabContext) -> tuple[dict, dict]:
    """(clock offsets, sizes) of every host that answered."""
    offsets, sizes = {}, {}
    for host in ctx.lab.host_names:
        offset, lines = timed_reading(lambda h, command: _run(ctx, h, command), host, HOST_FACTS)
        if offset is None:
            continue  # a host that did not answer: no offset (intervals on its clock stay unbounded), no size
        offsets[host] = offset.__dict__
        try:
            sizes[host] = {"cpus": int(lines[1]), "memory_mb": round(int(lines[2]) / 1024),
                           "disk_gb": round(int(lines[3]) / 2**20, 1), "virt": lines[4] if len(lines) > 4 else ""}
        except (ValueError, IndexError):
            pass  # its clock answered, its size did not: the report says the size was not recorded
    return offsets, sizes


CLOCK_READINGS = "clock_readings.json"


def read_clocks(ctx: LabContext) -> None:
    """One reading of every host's clock offset that answers, kept for the end of the run (clocks.combine)."""
    readings = ctx.state.load_json(CLOCK_READINGS, []) or []
    reading = measure(lambda host, command: _run(ctx, host, command), list(ctx.lab.host_names))
    ctx.state.save_json(CLOCK_READINGS, [*readings, reading])


def collect(ctx: LabContext) -> Environment:
    speed = ctx.speed()
    offsets, sizes = host_facts(ctx)
    offsets = combine([*(ctx.state.load_json(CLOCK_READINGS, []) or []), offsets])
    release = Path("/etc/os-release")
    try:
        postgres = sql.value(ctx.shell(ctx.lab.primary), "SHOW server_version", check=False, step="environment")
    except PglabError:
        postgres = None
    return Environment(provider=ctx.lab.provider, hypervisor=ctx.provider.hypervisor(),
                       profile=speed.get("profile", ""), cpu_slowdown=speed.get("cpu_slowdown"),
                       ssh_rtt_ms=speed.get("ssh_rtt_ms"),
                       machine_os=os_name(release.read_text()) if release.exists() else platform.system(),
                       machine_kernel=platform.release(), machine_cpus=os.cpu_count() or 0,
                       host_os=os_name(_run(ctx, ctx.lab.primary, "cat /etc/os-release")),
                       postgres=postgres or "", pgpool=_run(ctx, "pgpool", "pgpool --version 2>&1 | head -1"),
                       clock_offsets=offsets, hosts=sizes)


def save(ctx: LabContext) -> None:
    ctx.state.save_json("environment.json", asdict(collect(ctx)))
