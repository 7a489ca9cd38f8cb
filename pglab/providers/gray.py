"""Gray failures on the local provider: a host frozen whole, a slow or lossy lab link.

A frozen host is every process of its pid namespace stopped (SIGSTOP) - the local hosts are not in
cgroups of their own, so there is no freezer to flip - and resumed with SIGCONT: a paused VM, a
stalled hypervisor, a long GC pause. Its kernel still completes TCP handshakes (as a paused VM's
does not); nothing above the kernel answers.

A degraded link is `tc netem` (delay and loss) on the host's side of its veth and on its eth0, so
both directions suffer; on a kernel without netem (CONFIG_NET_SCH_NETEM), loss alone is applied with
iptables' statistic match in the host's namespace, and a delay is refused in one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pglab.errors import BadValueError, MissingToolError, PglabError

CHAIN = "PGLAB_DEGRADE"


@dataclass(frozen=True)
class Degradation:
    """What `fab degrade` put on a host's lab link: added one-way delay and packet loss, each direction."""

    delay_ms: float = 0.0
    loss_pct: float = 0.0

    def __post_init__(self) -> None:
        if self.delay_ms < 0 or self.loss_pct < 0:
            raise BadValueError("--delay and --loss must not be negative")
        if self.loss_pct > 100:
            raise BadValueError(f"--loss {self.loss_pct:g} is out of range: a percentage from 0 to 100")
        if not self.delay_ms and not self.loss_pct:
            raise BadValueError("nothing to degrade: give --delay MS and/or --loss PCT (or --clear)")

    def __str__(self) -> str:
        parts = ([f"+{self.delay_ms:g} ms"] if self.delay_ms else []) + ([f"{self.loss_pct:g}% loss"]
                                                                         if self.loss_pct else [])
        return ", ".join(parts)

    def netem_args(self) -> list[str]:
        return ["netem", *(["delay", f"{self.delay_ms:g}ms"] if self.delay_ms else []),
                *(["loss", f"{self.loss_pct:g}%"] if self.loss_pct else [])]


def process_state(pid: int) -> str:
    """The one-letter state in /proc/PID/stat ('T' stopped), '' for a process gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def stop_all(pids_of: Callable[[str], list[int]], host: str, rounds: int = 20) -> None:
    """SIGSTOP every process of the host until none is left running (a fork may race the first round)."""
    for _ in range(rounds):
        running = [p for p in pids_of(host) if process_state(p) not in ("T", "t", "")]
        if not running:
            return
        for pid in running:
            _signal(pid, signal.SIGSTOP)
        time.sleep(0.01)
    raise PglabError(f"{host}: processes kept running after {rounds} rounds of SIGSTOP")


def continue_all(pids: list[int]) -> None:
    for pid in pids:
        _signal(pid, signal.SIGCONT)


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, check=check)


def has_netem(netns: str) -> bool:
    """Whether this kernel has the netem qdisc (tried on the namespace's loopback, then removed)."""
    added = _run("ip", "netns", "exec", netns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", check=False)
    if added.returncode == 0:
        _run("ip", "netns", "exec", netns, "tc", "qdisc", "del", "dev", "lo", "root", check=False)
    return added.returncode == 0


def apply(netns: str, outer_link: str, degradation: Degradation) -> None:
    """Delay and loss on both directions of the host's lab link (netem), or loss only (iptables)."""
    clear(netns, outer_link)
    if has_netem(netns):
        _run("ip", "netns", "exec", netns, "tc", "qdisc", "replace", "dev", "eth0", "root", *degradation.netem_args())
        _run("tc", "qdisc", "replace", "dev", outer_link, "root", *degradation.netem_args())
        return
    if degradation.delay_ms:
        raise MissingToolError("this machine's kernel has no netem (CONFIG_NET_SCH_NETEM is not set): --delay "
                               "cannot be applied on the local provider here; --loss can (iptables)")
    probability = f"{degradation.loss_pct / 100:.4f}"
    ipt = ("ip", "netns", "exec", netns, "iptables")
    _run(*ipt, "-N", CHAIN)
    _run(*ipt, "-A", CHAIN, "-m", "statistic", "--mode", "random", "--probability", probability, "-j", "DROP")
    _run(*ipt, "-I", "INPUT", "-i", "eth0", "-j", CHAIN)
    _run(*ipt, "-I", "OUTPUT", "-o", "eth0", "-j", CHAIN)


def clear(netns: str, outer_link: str) -> None:
    """Remove whatever `apply` put on the link; nothing there is fine."""
    _run("ip", "netns", "exec", netns, "tc", "qdisc", "del", "dev", "eth0", "root", check=False)
    _run("tc", "qdisc", "del", "dev", outer_link, "root", check=False)
    ipt = ("ip", "netns", "exec", netns, "iptables")
    _run(*ipt, "-D", "INPUT", "-i", "eth0", "-j", CHAIN, check=False)
    _run(*ipt, "-D", "OUTPUT", "-o", "eth0", "-j", CHAIN, check=False)
    _run(*ipt, "-F", CHAIN, check=False)
    _run(*ipt, "-X", CHAIN, check=False)


def parse_netem(text: str) -> Degradation | None:
    """`tc qdisc show` output -> the netem delay and loss, None without netem."""
    for line in text.splitlines():
        words = line.split()
        if "netem" not in words:
            continue
        delay = next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "delay"), "0ms")
        loss = next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "loss"), "0%")
        return Degradation(_ms(delay), float(loss.rstrip("%")))
    return None


def _ms(value: str) -> float:
    if value.endswith("us"):
        return float(value[:-2]) / 1000
    if value.endswith("ms"):
        return float(value[:-2])
    return float(value.rstrip("s")) * 1000


def parse_iptables(text: str) -> Degradation | None:
    """`iptables -S PGLAB_DEGRADE` -> the loss it drops, None without the chain's rule."""
    for line in text.splitlines():
        if "--probability" in line:
            words = line.split()
            return Degradation(0, round(float(words[words.index("--probability") + 1]) * 100, 2))
    return None


def current(netns: str) -> Degradation | None:
    """What is on the host's link now (netem inside the namespace, else the iptables chain)."""
    shown = _run("ip", "netns", "exec", netns, "tc", "qdisc", "show", "dev", "eth0", check=False).stdout
    found = parse_netem(shown)
    if found is not None:
        return found
    return parse_iptables(_run("ip", "netns", "exec", netns, "iptables", "-S", CHAIN, check=False).stdout)
