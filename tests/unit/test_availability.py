"""Availability per session: one session that commits must not hide another that cannot."""

from __future__ import annotations

import pytest

from pglab.evidence import availability as av


def commits(session: str, *times: float) -> list[dict]:
    return [{"id": f"{session}-{t}", "session": session, "ts": t, "outcome": "ack"} for t in times]


def every(start: float, end: float, step: float = 0.1) -> list[float]:
    return [round(start + i * step, 3) for i in range(int((end - start) / step) + 1)]


def test_a_stalled_session_is_the_worst_though_the_pooled_figure_looks_fine():
    """The case seen from outside: w2 back after 1.6 s, w1 and w3 silent for ~35 s."""
    journal = (commits("w1", *every(0, 10), *every(45.0, 50)) + commits("w2", *every(0, 10), *every(11.6, 50))
               + commits("w3", *every(0, 10), *every(44.5, 50)))
    window = av.around_fault(av.activity(journal, []), fault_ts=10.05, until=50.0)
    assert window.pooled_s == pytest.approx(1.55)
    spread = window.spread(av.WRITER)
    assert spread.worst == pytest.approx(35.0) and window.worst(av.WRITER).session == "w1"
    assert spread.median == pytest.approx(34.5) and spread.failed == 0


def test_a_session_that_never_comes_back_is_a_failure_not_a_missing_number():
    journal = commits("w1", *every(0, 10)) + commits("w2", *every(0, 10), *every(12, 20))
    window = av.around_fault(av.activity(journal, []), fault_ts=10.05, until=20.0)
    assert [p.session for p in window.never_back] == ["w1"]
    spread = window.spread(av.WRITER)
    assert spread.failed == 1 and not spread.ok and window.worst(av.WRITER).session == "w1"


def test_a_later_stall_inside_the_window_counts_too():
    """Back at once after the fault, then 8 s silent when a standby is attached again: the 8 s count."""
    journal = commits("w1", *every(0, 10), *every(11, 20), *every(28, 30))
    pause = av.longest_pause(av.activity(journal, [])["w1"], fault_ts=10.05, until=30.0)
    assert pause.seconds == pytest.approx(8.0) and pause.since == pytest.approx(20.0)


def test_a_session_silent_at_the_end_of_the_window_is_reported_open():
    journal = commits("w1", *every(0, 10), 11.0)
    pause = av.longest_pause(av.activity(journal, [])["w1"], fault_ts=10.05, until=25.0)
    assert pause.seconds == pytest.approx(14.0) and pause.resumed is None and pause.came_back


def test_readers_count_reads_and_writers_read_backs_do_not_count_as_availability():
    reads = [{"ts": t, "session": "r1", "invariant": True} for t in every(0, 20)]
    reads += [{"ts": t, "session": "w1", "invariant": True} for t in every(10, 20)]  # w1's own read-backs
    acts = av.activity(commits("w1", *every(0, 10)), reads, sessions=["r2"])
    assert acts["r1"].kind == av.READER and acts["w1"].kind == av.WRITER and len(acts["w1"].times) == 101
    window = av.around_fault(acts, fault_ts=10.05, until=20.0)
    assert {p.session for p in window.never_back} == {"w1", "r2"}


def test_p95_is_the_worst_of_few_sessions_and_a_high_rank_of_many():
    assert av.p95([1.0, 2.0, 3.0]) == 3.0
    assert av.p95([float(i) for i in range(1, 101)]) == 95.0


def test_the_steady_state_baseline_is_one_sessions_longest_gap():
    journal = commits("w1", 0.0, 0.1, 0.2, 0.5) + commits("w2", 0.0, 0.05, 0.3)
    assert av.steady_pause(av.activity(journal, []), 0.0, 1.0) == pytest.approx(0.3)


def test_watch_tracks_each_sessions_longest_pause_between_refreshes():
    from pglab.ui.watch import Pauses
    pauses = Pauses()
    for now, w1, w2 in ((0.0, 1, 1), (1.0, 2, 2), (2.0, 2, 3), (3.0, 2, 4), (4.0, 3, 5)):
        pauses.update({"sessions": {"w1": {"commits": w1, "reads": 0}, "w2": {"commits": w2, "reads": 0}}}, now)
    assert pauses.longest == {"w1": 2.0, "w2": 0.0}
    assert pauses.silent(4.5) == {"w1": 0.5, "w2": 0.5}
    assert "worst 2.0 s (w1)" in pauses.summary()


def test_a_client_session_abandons_a_request_that_gets_no_answer(tmp_path, monkeypatch):
    """The client's deadline: a session blocked reading a connection nobody answers is freed at once."""
    import argparse
    import importlib.util
    import socket
    import threading
    import time
    from pathlib import Path
    from types import SimpleNamespace

    monkeypatch.setenv("PGLAB_CLIENT_DIR", str(tmp_path))
    path = Path(__file__).resolve().parents[2] / "pglab" / "workload" / "client_program.py"
    spec = importlib.util.spec_from_file_location("pglab_client_program_deadline", path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    ours, silent_peer = socket.socketpair()
    errors = program.Journal(str(tmp_path / "errors.jsonl"))
    args = argparse.Namespace(stuck_request_ms=300)
    session = program.Session("w1", "writer", args, threading.Event(), {program.ERRORS: errors})
    session.conn = SimpleNamespace(pgconn=SimpleNamespace(socket=ours.fileno()))
    got: list[bytes] = []
    blocked = threading.Thread(target=lambda: got.append(ours.recv(1)))  # a request that gets no answer
    session.busy_since = time.monotonic()
    blocked.start()
    session.abandon_if_stuck(time.monotonic())  # within the deadline: left alone
    assert blocked.is_alive() and session.counters["abandoned"] == 0
    time.sleep(0.35)
    session.abandon_if_stuck(time.monotonic())
    blocked.join(timeout=2)
    assert not blocked.is_alive() and got == [b""] and session.counters["abandoned"] == 1
    assert "no answer within 300 ms" in (tmp_path / "errors.jsonl").read_text()
    silent_peer.close()
    ours.close()
