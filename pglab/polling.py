"""Waiting for something to happen: every wait of pglab polls through here, with a deadline.

`poll` gives the first truthy answer or None; `wait_until` raises instead, saying what it waited
for, what it last saw and where to look.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from pglab.errors import ClusterStateError, LabNotUpError, PglabError

T = TypeVar("T")


def poll(check: Callable[[], T | None], timeout: float, interval: float = 0.2) -> T | None:
    """Call `check` (at least once) until it returns something truthy, for at most `timeout` seconds; that
    value, or None. Errors of `check` end the wait."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def wait_until(what: str, check: Callable[[], T | None], timeout: float, interval: float = 0.2,
               describe: Callable[[], str] | None = None, *, error: type[PglabError] = ClusterStateError,
               hint: str = "fab status, fab logs") -> T:
    """Call `check` until it returns something truthy; that value. On timeout raise `error` naming `what`,
    what was last seen (`describe`, else the last error of `check`) and `hint`.

    A pglab error of `check` counts as "not yet", except a host that stopped answering
    (LabNotUpError): it lost power or network, and waiting out the timeout would only delay
    saying so.
    """
    last_error = ""

    def attempt() -> T | None:
        nonlocal last_error
        try:
            return check()
        except LabNotUpError:
            raise
        except PglabError as exc:
            last_error = str(exc)
            return None

    result = poll(attempt, timeout, interval)
    if result:
        return result
    seen = describe() if describe else last_error
    raise error(f"timed out after {timeout:g} s waiting for {what}" + (f"; last seen: {seen}" if seen else "")
                + (f" ({hint})" if hint else ""))
