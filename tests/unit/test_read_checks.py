"""The read checks, the commits of unknown outcome and the journals' robustness, with no lab."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from pglab.evidence import titlepage
from pglab.evidence.read_checks import KINDS, judge
from pglab.evidence.records import Evidence, parse_jsonl
from pglab.evidence.report import render_markdown
from pglab.evidence.verdicts import figures
from pglab.evidence.verify import NodeCheck, VerifyResult
from pglab.faults.chaos import FaultRecord, write_report
from pglab.model import Lab
from pglab.workload import PROGRAM

TOTAL, ASYNC = 100_000, "pg_c"


def ack(n: int, session: str = "w1") -> dict:
    return {"id": f"id-{n}", "session": session, "ts": float(n), "outcome": "ack", "n": n}


def read(ts: float, session: str, n: int, node: str = "pg_a", standby: bool = False, total: int = TOTAL,
         **extra: object) -> dict:
    kind = "writer" if session.startswith("w") else "reader"
    return {"ts": ts, "session": session, "kind": kind, "node": node, "standby": standby, "n": n, "total": total,
            "invariant": total == TOTAL, **extra}


def clean_run() -> tuple[list[dict], list[dict]]:
    """Two writers each reading back every write (on A or on B), a reader following along on B."""
    journal = [ack(1, "w1"), ack(2, "w2"), ack(3, "w1"), ack(4, "w2")]
    reads = [read(1.1, "w1", 1, own_n=1, ryw=True), read(2.1, "w2", 2, "pg_b", True, own_n=2, ryw=True),
             read(2.5, "r1", 2, "pg_b", True), read(3.1, "w1", 4, own_n=3, ryw=True),
             read(4.1, "w2", 4, "pg_b", True, own_n=4, ryw=True), read(4.5, "r1", 4, "pg_b", True),
             read(5.0, "r1", 4, "pg_c", False)]  # C after a double failure: a primary, not the async standby
    return journal, reads


def test_a_clean_journal_has_no_violation():
    journal, reads = clean_run()
    checks = judge(reads, journal, TOTAL, ASYNC)
    assert checks.reads == len(reads) and checks.ok
    assert checks.violations == dict.fromkeys(KINDS, 0) and not any(checks.examples.values())


@pytest.mark.parametrize(("kind", "planted"), [
    # w1 reads back its acknowledged write 3 on B and the row is not there (4, committed first, is)
    ("read_your_writes", read(5.1, "w1", 4, "pg_b", True, own_n=3, ryw=False)),
    # r1 saw history up to 4, then a node that has only up to 2
    ("monotonic", read(4.9, "r1", 2, "pg_b", True)),
    # pgpool sent a read to C while C was the delayed standby
    ("served_by_async_standby", read(4.9, "r2", 4, "pg_c", True)),
    # a read saw money appear
    ("invariant", read(4.9, "r2", 4, total=TOTAL + 7)),
])
def test_each_checker_catches_its_planted_violation(kind, planted):
    journal, reads = clean_run()
    checks = judge([*reads, planted], journal, TOTAL, ASYNC)
    assert checks.violations == {k: int(k == kind) for k in KINDS}
    assert not checks.ok
    (example,) = checks.examples[kind]
    assert example["ts"] == planted["ts"] and example["why"]


def test_read_your_writes_judges_only_writes_the_journal_holds_as_acknowledged():
    journal, reads = clean_run()
    history_short = read(3.1, "w1", 2, own_n=3, ryw=True)  # the row was seen, yet max(n) is below it
    assert judge([history_short], journal, TOTAL, ASYNC).violations["read_your_writes"] == 1
    lost_ack = read(9.1, "w1", 4, own_n=9, ryw=False)  # write 9's ack line was lost from the journal: not judged
    assert judge([*reads, lost_ack], journal, TOTAL, ASYNC).ok


def test_monotonic_is_per_session_in_journal_order_and_old_records_are_not_judged():
    journal, _ = clean_run()
    # r2 never saw 4: its 2 is no violation; r1's reads are judged in the order written, whatever the clock says
    reads = [read(10.0, "r1", 4), read(11.0, "r2", 2), read(9.0, "r1", 4)]
    assert judge(reads, journal, TOTAL, ASYNC).ok
    old = [{"ts": 1.0, "session": "r1", "invariant": True}, {"ts": 2.0, "session": "r1", "invariant": False}]
    assert judge(old, journal, TOTAL, ASYNC).violations == {k: int(k == "invariant") for k in KINDS}


def test_jsonl_readers_skip_a_torn_last_line_and_nul_bytes():
    good = b'{"ts": 1.0, "outcome": "ack"}\n{"ts": 2.0, "outcome": "ack"}\n'
    assert parse_jsonl(good + b'{"ts": 3.0, "outc') == parse_jsonl(good)  # a torn last line
    assert len(parse_jsonl(good + b"\0" * 64)) == 2  # blocks allocated, never written: a line of NULs
    # after a power cut the client went on appending behind the NULs and the torn line
    resumed = good + b'{"ts": 3.0, "outc' + b"\0" * 16 + b'\n\0\0{"ts": 4.0, "outcome": "ack"}\n[1]\n'
    assert [r["ts"] for r in parse_jsonl(resumed)] == [1.0, 2.0, 4.0]
    assert parse_jsonl("") == [] and parse_jsonl(b"\n\n") == []


def test_client_journal_lines_from_many_threads_stay_whole_and_are_synced(tmp_path, monkeypatch):
    monkeypatch.setenv("PGLAB_CLIENT_DIR", str(tmp_path))
    spec = importlib.util.spec_from_file_location("pglab_client_program", PROGRAM)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    journal, stop = program.Journal(str(tmp_path / "journal.jsonl")), threading.Event()
    flusher = threading.Thread(target=program.flush_journals, args=([journal], stop))
    flusher.start()
    writers = [threading.Thread(target=lambda s=s: [journal.append({"session": s, "i": i, "pad": "x" * 300})
                                                     for i in range(500)]) for s in range(8)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    stop.set()
    flusher.join()
    assert not journal.dirty  # the flusher's last round synced everything written
    records = parse_jsonl((tmp_path / "journal.jsonl").read_bytes())
    assert len(records) == 8 * 500
    for s in range(8):
        assert [r["i"] for r in records if r["session"] == s] == list(range(500))  # each thread's order kept


def result(unknown: int, present: int, absent: int, reads: list[dict]) -> VerifyResult:
    journal, _ = clean_run()
    node = NodeCheck("pg-a", True, 4, 0, TOTAL, {"accounts": "x", "transfers": "y"})
    return VerifyResult(4, unknown, present, TOTAL, [node], indeterminate_absent=absent,
                        reads=judge(reads, journal, TOTAL, ASYNC))


def test_verify_words_unknown_outcomes_exactly_and_fails_on_a_read_violation():
    _, reads = clean_run()
    clean = result(3, 2, 1, reads)
    assert clean.ok
    assert clean.summary() == ("unknown outcome: 3, of them present 2, absent 1; violations: of read-your-writes 0, "
                               "of monotonic reads 0, reads served by C 0, of the invariant 0 (0 expected of each)")
    assert clean.as_dict()["reads"]["violations"]["monotonic"] == 0
    stale = result(0, 0, 0, [*reads, read(9.0, "r1", 1, "pg_b", True)])
    assert not stale.ok and "of monotonic reads 1," in stale.summary()
    assert "исход неизвестен: 3, из них есть 2, нет 1" in clean.summary("ru")


def test_report_figures_and_chaos_report_carry_the_counts(tmp_path):
    journal, reads = clean_run()
    ev = Evidence(stages=[], events=[], journal=journal, reads=[*reads, read(9.0, "r2", 4, "pg_c", True)],
                  verify={"indeterminate": 2, "indeterminate_present": 1, "indeterminate_absent": 1,
                          "invariant_held": True}, configuration={"nodes": [], "files": []})
    figs = figures(Lab(), ev)
    report = render_markdown(SimpleNamespace(lab=Lab()), ev, "en", Path("timeline.png"), titlepage.load(None))
    assert "| unknown outcome: 2, of them present 1, absent 1 |" in report
    assert ("| violations: of read-your-writes 0, of monotonic reads 0, reads served by C 1, of the invariant 0 "
            "(0 expected of each) |" in report)
    assert figs["read_checks"] == {k: int(k == "served_by_async_standby") for k in KINDS}
    assert figs["unknown"] == {"n": 2, "present": 1, "absent": 1} and figs["reads"] == 4  # readers' reads only
    assert figs["invariant"] and not figs["read_checks_ok"]
    record = FaultRecord(1, "poweroff", "power-off of pg-a", worst_s=1.2, recover_s=30.0, indeterminate=2,
                         indeterminate_present=1, indeterminate_absent=1,
                         read_violations={**dict.fromkeys(KINDS, 0), "monotonic": 2})
    text = write_report([record], 1, tmp_path / "chaos.md").read_text()
    assert ("violations: of read-your-writes 0, of monotonic reads 2, reads served by C 0, of the invariant 0 "
            "(0 expected of each)") in text
    assert "| 2 (1/1) |" in text


def test_chaos_counts_writes_at_risk_per_fault_and_apart_for_double_faults(tmp_path):
    from pglab.faults.chaos import at_risk_after
    records = [FaultRecord(1, "poweroff", "x", recover_s=9, at_risk_new=0),
               FaultRecord(2, "double-fault", "y", recover_s=9, at_risk_new=7),
               FaultRecord(3, "freeze", "z", recover_s=9, at_risk_new=0)]
    assert at_risk_after(records, False) == 0 and at_risk_after(records, True) == 7
    text = write_report(records, 3, tmp_path / "chaos.md").read_text()
    assert "after a single fault: **0**, after a double fault: 7" in text
