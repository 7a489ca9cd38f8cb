"""Integration tests run the real lab on the local provider; they clean up even when they fail."""

from __future__ import annotations

import os

import pytest

from tests.conftest import fab, needs_root_linux

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def fresh_lab():
    """A lab brought up from nothing (whatever an earlier run left is removed first)."""
    reason = needs_root_linux()
    if reason:
        pytest.skip(reason)
    os.environ["PGLAB_PROVIDER"] = "local"
    fab("destroy", check=False)
    try:
        yield
    finally:
        fab("destroy", check=False)
