"""The one polling helper: the first truthy answer, or on timeout one line saying what was waited for and seen."""

from __future__ import annotations

import itertools
import time

import pytest

from pglab.errors import ClusterStateError, LabNotUpError, PglabError, RemoteCommandError
from pglab.polling import poll, wait_until


def test_the_first_truthy_answer_is_returned():
    looks = itertools.count(1)
    assert wait_until("the third look", lambda: next(looks) >= 3 and "seen", timeout=5, interval=0.01) == "seen"
    assert next(looks) == 4  # no look after the answer


def test_poll_looks_at_least_once_and_gives_none_on_timeout():
    looks = itertools.count(1)
    started = time.monotonic()
    assert poll(lambda: next(looks) and None, timeout=0.1, interval=0.02) is None
    assert 0.1 <= time.monotonic() - started < 1
    assert next(looks) >= 3
    assert poll(lambda: "at once", timeout=0) == "at once"


def test_on_timeout_the_error_says_what_was_awaited_what_was_seen_and_where_to_look():
    with pytest.raises(ClusterStateError) as raised:
        wait_until("pg-b to stream", lambda: False, timeout=0.05, interval=0.01, describe=lambda: "pg-b stopped")
    assert str(raised.value) == ("timed out after 0.05 s waiting for pg-b to stream; last seen: pg-b stopped "
                                 "(fab status, fab logs)")
    with pytest.raises(LabNotUpError, match=r"^timed out after 0.05 s waiting for sshd \(see console.log\)$"):
        wait_until("sshd", lambda: False, timeout=0.05, interval=0.01, error=LabNotUpError, hint="see console.log")


def test_a_failing_look_counts_as_not_yet_and_is_what_was_last_seen():
    def look() -> bool:
        raise RemoteCommandError("pgpool", "pcp_health_check_stats", 1, "connection refused")
    with pytest.raises(ClusterStateError, match="last seen: pgpool: `pcp_health_check_stats` exited 1: connection"):
        wait_until("pgpool", look, timeout=0.05, interval=0.01)


def test_a_host_that_stopped_answering_ends_the_wait_at_once():
    def look() -> bool:
        raise LabNotUpError("pg-a: no answer for 6 s")
    started = time.monotonic()
    with pytest.raises(LabNotUpError, match="no answer"):
        wait_until("pg-a", look, timeout=30, interval=0.01)
    assert time.monotonic() - started < 1


def test_errors_that_are_not_pglab_s_are_not_swallowed():
    with pytest.raises(ZeroDivisionError):
        wait_until("a bug", lambda: 1 / 0, timeout=30)
    assert issubclass(ClusterStateError, PglabError)
