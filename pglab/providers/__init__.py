"""Providers bring the lab's hosts up and control their power; see base.Provider."""

from __future__ import annotations

from pglab.errors import ConfigError
from pglab.model import Lab
from pglab.providers.base import PowerState, Provider, SshTarget
from pglab.state import LabState

__all__ = ["PowerState", "Provider", "SshTarget", "make_provider"]


def make_provider(lab: Lab, state: LabState) -> Provider:
    """The provider named in the lab model."""
    if lab.provider == "local":
        from pglab.providers.local import LocalProvider
        return LocalProvider(lab, state)
    if lab.provider == "vagrant":
        from pglab.providers.vagrant import VagrantProvider
        return VagrantProvider(lab, state)
    raise ConfigError(f"unknown provider {lab.provider!r}: use 'local' or 'vagrant'")
