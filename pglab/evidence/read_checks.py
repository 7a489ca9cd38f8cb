"""The judge of the client's reads: every read journaled in reads.jsonl, against the acknowledged writes.

Pure: it takes the journaled records and returns counts; nothing here reads a lab. Four kinds of
violation, each expected to be 0:

- read-your-writes: a writer's read-back (a new transaction right after its commit was acknowledged)
  did not see that write - neither the row (`ryw` false) nor the history up to it (`n` < `own_n`).
  Judged only for writes the journal holds as acknowledged.
- monotonic: a session saw less history (`n`, the largest transfers.n visible) than one of its
  earlier reads did: a read went back in time (a stale node, a lost write).
- served by the async standby: the read was answered by the asynchronous standby (`node` is its
  cluster_name) while it was a standby (`standby`); pgpool gives it weight 0, so none should be.
- invariant: the total balance the read saw is not the bank's total.

A session's reads are judged in journal order (its one thread wrote them in that order), not by
their timestamps: a wall clock that steps back must not reorder them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("read_your_writes", "monotonic", "served_by_async_standby", "invariant")  # words: i18n "read_checks"
EXAMPLES = 3


@dataclass
class ReadChecks:
    reads: int = 0
    violations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    examples: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in KINDS})

    @property
    def ok(self) -> bool:
        return not any(self.violations.values())

    def add(self, kind: str, record: dict, why: str) -> None:
        self.violations[kind] += 1
        if len(self.examples[kind]) < EXAMPLES:
            self.examples[kind].append({**record, "why": why})


def acknowledged_n(journal: list[dict]) -> set[int]:
    """The history numbers (transfers.n) of the writes the journal holds as acknowledged."""
    return {r["n"] for r in journal if r.get("outcome") == "ack" and r.get("n") is not None}


def judge(reads: list[dict], journal: list[dict], expected_total: int, async_node: str) -> ReadChecks:
    """Count each kind of violation over the journaled reads (records without a field are not judged on it)."""
    acked = acknowledged_n(journal)
    seen: dict[str, int] = {}  # session -> the most history it has read
    result = ReadChecks(reads=len(reads))
    for r in reads:
        total = r.get("total")
        if (total is not None and total != expected_total) or (total is None and r.get("invariant") is False):
            result.add("invariant", r, f"total balance {total}, expected {expected_total}")
        if r.get("standby") and r.get("node") == async_node:
            result.add("served_by_async_standby", r, f"served by {async_node} as a standby")
        n, own = r.get("n"), r.get("own_n")
        if n is not None:
            before = seen.get(r["session"], 0)
            if n < before:
                result.add("monotonic", r, f"saw history up to {n} after an earlier read saw {before}")
            seen[r["session"]] = max(before, n)
        if own is not None and own in acked and (r.get("ryw") is False or (n is not None and n < own)):
            result.add("read_your_writes", r, f"own acknowledged write {own} not visible")
    return result
