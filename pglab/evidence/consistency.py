"""Do the report's counts agree? The conclusion, the client sessions' counters, each node's rows and the
checker count the same run from different sources; once the clients have stopped they must agree exactly.
Each disagreement is named, and the report prints it rather than let a reader find it."""

from __future__ import annotations

from dataclasses import dataclass

from pglab.evidence.records import Evidence, Snapshot


@dataclass(frozen=True)
class Disagreement:
    what: str  # which count: acknowledged | unknown | transfers | reader_reads (report words "dis_" + what)
    expected: int  # from the journal / the checker
    found: int  # in the table that should repeat it
    where: str  # that table: checker | present_absent | verification | sessions | rows ("dis_in_" + where)
    host: str = ""


def final_snapshot(ev: Evidence) -> Snapshot:
    """The last step's snapshot (the verification's, taken after the clients stopped)."""
    return Snapshot.from_dict(ev.stages[-1].get("snapshot") or {}) if ev.stages else Snapshot()


def disagreements(ev: Evidence) -> list[Disagreement]:
    """Every count that differs between the journal, the checker, the sessions' final counters and the
    nodes' final row counts (nothing is compared while the clients were still running)."""
    v, out = ev.verify, []
    if not v:
        return out
    acks = sum(r["outcome"] == "ack" for r in ev.journal)
    present, absent = v.get("indeterminate_present", 0), v.get("indeterminate_absent", 0)

    def compare(what: str, expected: int, found: int, where: str, host: str = "") -> None:
        if expected != found:
            out.append(Disagreement(what, expected, found, where, host))

    compare("acknowledged", acks, v.get("acknowledged", acks), "checker")
    compare("unknown", v.get("indeterminate", 0), present + absent, "present_absent")
    expected_rows = acks + present
    for node in v.get("nodes", []):
        if node.get("checked"):
            compare("transfers", expected_rows, node["transfers"], "verification", node["host"])
    snap = final_snapshot(ev)
    if snap.clients.sessions and not snap.clients.running:
        writers = [s for s in snap.clients.sessions.values() if s["kind"] == "writer"]
        readers = [s for s in snap.clients.sessions.values() if s["kind"] == "reader"]
        compare("acknowledged", acks, sum(s["commits"] for s in writers), "sessions")
        compare("reader_reads", len(ev.reader_reads), sum(s["reads"] for s in readers), "sessions")
        for host, rows in snap.rows.items():
            if rows is not None:
                compare("transfers", expected_rows, rows.transfers, "rows", host)
    return out
