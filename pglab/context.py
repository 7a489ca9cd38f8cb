"""The objects one pglab command works with: lab model, state folder, provider, host shells."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from pglab.errors import ConfigError
from pglab.model import Lab, lab_from_env
from pglab.providers import Provider, make_provider
from pglab.remote import HostShell
from pglab.state import LabState


@dataclass
class LabContext:
    lab: Lab
    state: LabState
    provider: Provider
    _shells: dict[str, HostShell] = field(default_factory=dict)

    @classmethod
    def load(cls, provider: str | None = None) -> LabContext:
        """The lab as recorded at `up` time; else the model from PGLAB_* variables."""
        state = LabState()
        recorded = state.root / "lab.json"
        if recorded.exists():
            saved = json.loads(recorded.read_text())
            wanted = provider or os.environ.get("PGLAB_PROVIDER")
            if wanted and wanted != saved["provider"]:
                raise ConfigError(f"the lab in {state.root} runs on the {saved['provider']} provider, not "
                                  f"{wanted}: `fab destroy` it first or unset PGLAB_PROVIDER")
            os.environ.setdefault("PGLAB_SUBNET", saved["subnet"])
            lab = lab_from_env(saved["provider"])
        else:
            lab = lab_from_env(provider)
        return cls(lab, state, make_provider(lab, state))

    def remember(self) -> None:
        """Record which provider and subnet this lab uses (written by `up`)."""
        self.state.ensure()
        (self.state.root / "lab.json").write_text(json.dumps({"provider": self.lab.provider,
                                                              "subnet": self.lab.subnet}))

    def shell(self, host: str) -> HostShell:
        self.lab.host(host)
        if host not in self._shells:
            self._shells[host] = HostShell(self.provider.ssh_target(host), self.state,
                                             self.lab.timing.ssh_dead_after_s)
        return self._shells[host]

    def forget_shell(self, host: str) -> None:
        """Drop a cached connection (after a power cycle the old one is dead)."""
        shell = self._shells.pop(host, None)
        if shell:
            shell.close()

    def close(self) -> None:
        for host in list(self._shells):
            self.forget_shell(host)
