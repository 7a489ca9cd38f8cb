"""The objects one pglab command works with: lab model, state folder, provider, host shells."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from pglab import subnets
from pglab.errors import ConfigError
from pglab.model import Lab, lab_from_env
from pglab.providers import Provider, make_provider
from pglab.remote import HostShell
from pglab.state import LabState

HostAction = Literal["poweroff", "poweron", "isolate", "heal", "freeze", "thaw", "degrade", "clear"]  # provider methods


@dataclass
class LabContext:
    lab: Lab
    state: LabState
    provider: Provider
    _shells: dict[str, HostShell] = field(default_factory=dict)
    _shells_lock: threading.Lock = field(default_factory=threading.Lock)  # hosts are driven side by side

    @classmethod
    def load(cls, provider: str | None = None, adopt: bool = True) -> LabContext:
        """The lab as recorded at `up` time; else VMs that `vagrant up` made from this checkout
        (adopted: pglab's key installed, host keys collected, the lab recorded); else the model
        from PGLAB_* variables (the local provider by default)."""
        from pglab.providers.vagrant import machines_of_this_checkout
        state = LabState()
        state.check()  # a folder that is not pglab's is refused before any command reads or writes it
        recorded = state.root / "lab.json"
        wanted = provider or os.environ.get("PGLAB_PROVIDER")
        if recorded.exists():
            saved = json.loads(recorded.read_text())
            if wanted and wanted != saved["provider"]:
                raise ConfigError(f"the lab in {state.root} runs on the {saved['provider']} provider, not "
                                  f"{wanted}: `fab destroy` it first or unset PGLAB_PROVIDER")
            wanted_subnet = os.environ.setdefault("PGLAB_SUBNET", saved["subnet"])
            if not subnets.same(wanted_subnet, saved["subnet"]):
                raise ConfigError(f"PGLAB_SUBNET is {wanted_subnet}, but the lab in {state.root} uses "
                                  f"{saved['subnet']}: unset PGLAB_SUBNET (to move the lab, `fab destroy` it first)")
            lab = lab_from_env(saved["provider"], saved.get("speed", {}).get("profile"))
            ambiguous = adopt and lab.provider == "local" and not wanted  # PGLAB_PROVIDER=local: the user chose
            vms = machines_of_this_checkout(lab.host_names) if ambiguous else []
            if vms:
                raise ConfigError(f"this checkout has a local lab ({state.root}) and Vagrant machines "
                                  f"({', '.join(vms)}): `fab destroy` the local lab to use the VMs, or "
                                  "`vagrant destroy -f` to keep the local one")
            return cls(lab, state, make_provider(lab, state))
        lab = lab_from_env(provider or ("vagrant" if wanted is None and machines_of_this_checkout(
            lab_from_env("vagrant").host_names) else None))
        ctx = cls(lab, state, make_provider(lab, state))
        if adopt and lab.provider == "vagrant" and wanted is None:
            ctx.adopt()  # VMs that a plain `vagrant up` made from this checkout
        return ctx

    def adopt(self) -> None:
        """Take over VMs that `vagrant up` made: trust them, measure their speed, record the lab."""
        from pglab.speed import measure
        from pglab.ui import say
        say("no lab recorded, but Vagrant machines of this checkout exist: adopting them (vagrant provider)")
        trusted = self.provider.adopt()
        probe = measure(self.shell(self.lab.primary)) if self.lab.primary in trusted else None
        self.remember(probe.as_dict() if probe else None)
        say(f"adopted {len(trusted)} running VM(s)" + (f"; timing profile: {probe.describe()}" if probe else
                                                      ": power them on with `fab up` (vagrant up)"))

    def remember(self, speed: dict | None = None) -> None:
        """Record which provider, subnet and timing profile this lab uses (written by `up`)."""
        self.state.ensure()
        record = {"provider": self.lab.provider, "subnet": self.lab.subnet}
        if speed:
            record["speed"] = speed
            self.lab = replace(self.lab, timing=lab_from_env(self.lab.provider, speed["profile"]).timing)
            self.provider.lab = self.lab
        (self.state.root / "lab.json").write_text(json.dumps(record))

    def recorded(self) -> bool:
        return (self.state.root / "lab.json").exists()

    def forget(self) -> None:
        """Drop the lab's record (after an `up` that brought nothing up)."""
        (self.state.root / "lab.json").unlink(missing_ok=True)

    def speed(self) -> dict:
        """The speed probe recorded at `up` ({} if none)."""
        recorded = self.state.root / "lab.json"
        return json.loads(recorded.read_text()).get("speed", {}) if recorded.exists() else {}

    def shell(self, host: str) -> HostShell:
        self.lab.host(host)
        with self._shells_lock:
            if host not in self._shells:
                self._shells[host] = HostShell(self.provider.ssh_target(host), self.state,
                                                 self.lab.timing.ssh_dead_after_s, self.lab.timing.command_s)
            return self._shells[host]

    def power(self, host: str, action: HostAction, *args: object) -> None:
        """A provider's power or link action on one host; every power action goes through here, since the
        cached SSH connection to the host is dead afterwards (dropped even if the action failed half-way)."""
        if action not in get_args(HostAction):
            raise ValueError(f"unknown host action {action!r}")
        try:
            getattr(self.provider, action)(host, *args)
        finally:
            self.forget_shell(host)

    def forget_shell(self, host: str) -> None:
        """Drop a cached connection (after a power cycle the old one is dead)."""
        shell = self._shells.pop(host, None)
        if shell:
            shell.close()

    def close(self) -> None:
        for host in list(self._shells):
            self.forget_shell(host)

    def __enter__(self) -> LabContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
