"""Where the run happened: provider, hypervisor, the machine and the software, recorded at the end of `fab lab`."""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

from pglab.cluster import sql
from pglab.context import LabContext
from pglab.errors import PglabError


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


def collect(ctx: LabContext) -> Environment:
    speed = ctx.speed()
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
                       postgres=postgres or "", pgpool=_run(ctx, "pgpool", "pgpool --version 2>&1 | head -1"))


def save(ctx: LabContext) -> None:
    ctx.state.save_json("environment.json", asdict(collect(ctx)))
