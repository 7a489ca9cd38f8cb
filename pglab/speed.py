"""How fast the lab's hosts are, measured at `fab up` (or the adoption of VMs): it picks the timing profile.

A provider's name says little (KVM and QEMU's software emulation are both "vagrant"), so pglab
measures two cheap things on one host: the SSH round trip, and a fixed CPU loop timed on the
host against the same loop on this machine. Health checks and timeouts then fit the hardware:
fast ones where the hosts are as quick as this machine, roomy ones under emulation.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from dataclasses import asdict, dataclass

from pglab.remote import HostShell

CPU_LOOP = "i=0; while [ $i -lt 60000 ]; do i=$((i+1)); done"  # ~0.1 s here, ~1.5 s under emulation
SLOWDOWN_LIMIT = 3.0  # hosts more than this much slower than this machine: emulation
RTT_LIMIT_MS = 500.0  # an SSH command round trip through Fabric: ~0.1 s locally, seconds under emulation


@dataclass(frozen=True)
class SpeedProbe:
    host: str
    ssh_rtt_ms: float
    cpu_slowdown: float  # the loop's time on the host / on this machine

    @property
    def profile(self) -> str:
        return "fast" if self.cpu_slowdown < SLOWDOWN_LIMIT and self.ssh_rtt_ms < RTT_LIMIT_MS else "roomy"

    def describe(self) -> str:
        return f"{self.profile} (CPU {self.cpu_slowdown:.1f}x this machine, SSH {self.ssh_rtt_ms:.0f} ms)"

    def as_dict(self) -> dict:
        return {**asdict(self), "profile": self.profile}


def loop_seconds_here() -> float:
    started = time.perf_counter()
    subprocess.run(["bash", "-c", CPU_LOOP], check=True)
    return time.perf_counter() - started


def loop_seconds_on(shell: HostShell) -> float:
    """The loop timed by the host's own clock (SSH latency excluded)."""
    out = shell.run(f"s=$(date +%s%N); {CPU_LOOP}; e=$(date +%s%N); echo $(( (e - s) / 1000 ))",
                    step="speed probe").stdout
    return int(out.strip()) / 1e6


def ssh_rtt_ms(shell: HostShell, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        shell.run("true", step="ssh round trip")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(shell: HostShell) -> SpeedProbe:
    """Measure one host (medians of a few rounds, so one scheduling hiccup does not decide)."""
    rtt = ssh_rtt_ms(shell)
    here = statistics.median(loop_seconds_here() for _ in range(3))
    there = statistics.median(loop_seconds_on(shell) for _ in range(3))
    return SpeedProbe(shell.name, round(rtt, 1), round(there / here, 2))
