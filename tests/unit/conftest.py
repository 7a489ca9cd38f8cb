"""Unit tests read no lab: the provider is fixed, so Vagrant machines of this checkout are not adopted."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def local_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGLAB_PROVIDER", "local")
