"""The provider interface: bring hosts up, cut and restore their power, say how to reach them.

Execution on hosts is not a provider's job: every provider hands out SSH targets and the
same Fabric code drives the hosts.
"""

from __future__ import annotations

import enum
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypeVar

from pglab.errors import LabNotUpError, PowerStateError
from pglab.model import Lab
from pglab.providers.gray import Degradation
from pglab.state import LabState

T = TypeVar("T")


class PowerState(enum.StrEnum):
    RUNNING = "running"
    OFF = "off"
    ABSENT = "absent"  # never created, or destroyed


@dataclass(frozen=True)
class SshTarget:
    """How to reach one host over SSH as root with the lab key."""

    host: str
    address: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path | None  # None: accept the key the host presents (first contact)


def sshd_answers(address: str, port: int = 22) -> bool:
    """Whether an SSH server greets us at address:port right now (half a second at most)."""
    try:
        with socket.create_connection((address, port), timeout=0.5) as sock:
            return sock.recv(4).startswith(b"SSH")
    except OSError:
        return False


class Provider(ABC):
    """Brings the lab's hosts into being and controls their power."""

    name: ClassVar[str]

    def __init__(self, lab: Lab, state: LabState) -> None:
        self.lab, self.state = lab, state

    def hypervisor(self) -> str:
        """What runs the hosts, for the report: '' when they share this machine's kernel (namespaces)."""
        return ""

    @abstractmethod
    def check_requirements(self) -> None:
        """Raise MissingToolError naming what to install or start."""

    @abstractmethod
    def up(self) -> list[str]:
        """Create and boot every host that is not running; return the names booted."""

    @abstractmethod
    def destroy(self) -> None:
        """Remove every host and network of the lab; safe after a crashed run. (The state folder is
        not the provider's: `commands.destroy` removes what pglab made in it.)"""

    @abstractmethod
    def power_state(self, host: str) -> PowerState:
        """The host's power state as the hypervisor sees it."""

    @abstractmethod
    def ssh_target(self, host: str) -> SshTarget:
        """Where and as whom to SSH into the host."""

    @abstractmethod
    def _cut_power(self, host: str) -> None:
        """Stop the host at once: no shutdown, no flush, no packets."""

    @abstractmethod
    def _boot(self, host: str) -> None:
        """Power the host on with its disks as they were, and wait for its SSH."""

    @abstractmethod
    def _set_link(self, host: str, up: bool) -> None:
        """Connect or disconnect the host's NIC on the lab network (the host keeps running)."""

    @abstractmethod
    def is_isolated(self, host: str) -> bool:
        """Whether the host's NIC on the lab network is disconnected."""

    @abstractmethod
    def _set_frozen(self, host: str, frozen: bool) -> None:
        """Stop every process of the host at once, or let them run on (a paused VM, resumed)."""

    @abstractmethod
    def is_frozen(self, host: str) -> bool:
        """Whether the host is frozen."""

    @abstractmethod
    def _set_degradation(self, host: str, degradation: Degradation | None) -> None:
        """Put delay and loss on the host's lab link (None: take them off)."""

    @abstractmethod
    def degradation(self, host: str) -> Degradation | None:
        """The delay and loss on the host's lab link now, None if it is clean."""

    def freeze(self, host: str) -> None:
        """A gray failure: the host stops answering - every process stopped at once - but is not off."""
        self._require_running(host, "freeze")
        if self.is_frozen(host):
            raise PowerStateError(f"{host} is already frozen: `fab thaw {host}` resumes it")
        self.state.record_event("freeze", host=host, provider=self.name)
        self._set_frozen(host, True)

    def thaw(self, host: str) -> None:
        """Resume a frozen host where it stopped."""
        self.lab.host(host)
        if self.power_state(host) is not PowerState.RUNNING or not self.is_frozen(host):
            raise PowerStateError(f"{host} is not frozen: nothing to thaw")
        self._set_frozen(host, False)
        self.state.record_event("thaw", host=host, provider=self.name)

    def degrade(self, host: str, degradation: Degradation) -> None:
        """A slow, lossy lab link: the host answers, late or not every time."""
        self._require_running(host, "degrade")
        self._set_degradation(host, degradation)
        self.state.record_event("degrade", host=host, provider=self.name, delay_ms=degradation.delay_ms,
                                loss_pct=degradation.loss_pct)

    def clear(self, host: str) -> None:
        """Take delay and loss off the host's lab link."""
        self._require_running(host, "clear")
        if self.degradation(host) is None:
            raise PowerStateError(f"{host}'s link is not degraded: nothing to clear")
        self._set_degradation(host, None)
        self.state.record_event("clear", host=host, provider=self.name)

    def each_running(self, check: Callable[[str], T]) -> dict[str, T]:
        """`check(host)` for every running host, side by side: on VMs an answer may be an SSH session or a virsh
        call each, and read one after the other they took ~15 s of every look at the cluster."""
        running = [h for h, s in self.states().items() if s is PowerState.RUNNING]
        with ThreadPoolExecutor(max_workers=max(1, len(running))) as pool:
            return dict(zip(running, pool.map(check, running), strict=True))

    def frozen(self) -> set[str]:
        """The running hosts that are frozen."""
        return {h for h, yes in self.each_running(self.is_frozen).items() if yes}

    def degraded(self) -> dict[str, Degradation]:
        """The running hosts whose lab link is degraded, and how."""
        return {h: d for h, d in self.each_running(self.degradation).items() if d is not None}

    def adopt(self) -> list[str]:
        """Make hosts brought up outside pglab drivable (keys); the names adopted. Nothing by default."""
        return []

    def isolate(self, host: str) -> None:
        """Cut a running host off the lab network: it keeps running, but nothing reaches it."""
        self._require_running(host, "isolate")
        if self.is_isolated(host):
            raise PowerStateError(f"{host} is already isolated: `fab heal {host}` reconnects it")
        self._set_link(host, up=False)
        self.state.record_event("isolate", host=host, provider=self.name)  # after: no write starts on it later

    def heal(self, host: str) -> None:
        """Reconnect an isolated host to the lab network."""
        self._require_running(host, "heal")
        if not self.is_isolated(host):
            raise PowerStateError(f"{host} is not isolated: nothing to heal")
        self._set_link(host, up=True)
        self.state.record_event("heal", host=host, provider=self.name)

    def isolated(self) -> set[str]:
        """The running hosts that are cut off the lab network."""
        return {h for h, yes in self.each_running(self.is_isolated).items() if yes}

    def _require_running(self, host: str, action: str) -> None:
        self.lab.host(host)
        state = self.power_state(host)
        if state is not PowerState.RUNNING:
            raise PowerStateError(f"{host} is {state.value}, not running: nothing to {action} "
                                  f"(fab poweron {host})")

    def poweroff(self, host: str) -> None:
        """Hard power-off of one running host."""
        self.lab.host(host)
        state = self.power_state(host)
        if state is not PowerState.RUNNING:
            raise PowerStateError(f"{host} is {state.value}, not running: nothing to power off")
        started = time.time()
        self._cut_power(host)  # the host stops somewhere between `started` and the return: cut_s bounds it
        self.state.record_event("poweroff", ts=started, host=host, provider=self.name,
                                cut_s=round(time.time() - started, 3))

    def poweron(self, host: str) -> None:
        """Power on one host that is off."""
        self.lab.host(host)
        state = self.power_state(host)
        if state is PowerState.RUNNING:
            raise PowerStateError(f"{host} is already running: power it off first (fab poweroff {host})")
        if state is PowerState.ABSENT:
            raise LabNotUpError(f"{host} does not exist: bring the lab up first (fab up)")
        started = time.time()
        self._boot(host)  # until its sshd answers: the whole boot
        self.state.record_event("poweron", host=host, provider=self.name, boot_s=round(time.time() - started, 2))

    def states(self) -> dict[str, PowerState]:
        return {h: self.power_state(h) for h in self.lab.host_names}

    def require_up(self, hosts: tuple[str, ...] | None = None) -> None:
        """Raise LabNotUpError unless the given hosts (default: all) are running."""
        states = self.states()
        if all(s is PowerState.ABSENT for s in states.values()):
            raise LabNotUpError(f"no lab is up on the {self.name} provider: run `fab up` first")
        down = [h for h in (self.lab.host_names if hosts is None else hosts) if states[h] is not PowerState.RUNNING]
        if down:
            raise LabNotUpError(f"{', '.join(down)} not running: `fab poweron HOST` or `fab up`")
