"""Polls with a timeout; on timeout they say what was last seen and where to look."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from pglab.errors import ClusterStateError, LabNotUpError, PglabError

T = TypeVar("T")


def wait_until(what: str, check: Callable[[], T | None], timeout: float, interval: float = 0.2,
               describe: Callable[[], str] | None = None) -> T:
    """Call `check` until it returns something truthy; raise ClusterStateError naming `what` on timeout.

    A host that stopped answering SSH (LabNotUpError) ends the wait at once: it lost power or
    network, and waiting out the timeout would only delay saying so.
    """
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        try:
            result = check()
            if result:
                return result
        except LabNotUpError:
            raise
        except PglabError as exc:
            last_error = str(exc)
        if time.monotonic() > deadline:
            seen = describe() if describe else last_error
            raise ClusterStateError(f"timed out after {timeout:.0f} s waiting for {what}"
                                    + (f"; last seen: {seen}" if seen else "") + " (fab status, fab logs)")
        time.sleep(interval)
