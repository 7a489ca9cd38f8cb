"""What the report reads: the evidence a lab run recorded, in one dataclass."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

from pglab.cluster.facts import NodeProbe, PoolNode, ReplicationPeer


def parse_jsonl(data: bytes | str) -> list[dict]:
    """The records of a JSON-lines file, skipping what a crash left: a torn last line (written only in
    part), NUL bytes (file blocks allocated but never written before a power cut) and a line that is not
    a JSON object. A skipped line is a record lost - an under-count, never an invented record."""
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    records = []
    for line in text.replace("\0", "").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


@dataclass
class Evidence:
    """Everything the report reads, as recorded in the lab's evidence folder."""

    stages: list[dict]
    events: list[dict]
    journal: list[dict] = field(default_factory=list)
    reads: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    connects: list[dict] = field(default_factory=list)  # each connection attempt: began, ended, ok (newer runs)
    logs: list[dict] = field(default_factory=list)
    demo: dict = field(default_factory=dict)
    verify: dict = field(default_factory=dict)
    configuration: dict = field(default_factory=dict)
    commands: list[dict] = field(default_factory=list)
    recover_logs: list[dict] = field(default_factory=list)  # log messages of the rejoin and the switch-back
    children: list[dict] = field(default_factory=list)  # pgpool's lines about its child processes (newer runs)
    environment: dict = field(default_factory=dict)  # where the run happened (pglab/evidence/environment.py)
    samples: dict = field(default_factory=dict)  # a few rows of each table from the primary at the end

    def first(self, kind: str, **match: object) -> dict | None:
        return next((e for e in self.events if e["event"] == kind and all(e.get(k) == v for k, v in match.items())),
                    None)

    def snapshot(self, section: str) -> dict:
        """The last snapshot taken in a section of the assignment ({} if none)."""
        snaps = [s["snapshot"] for s in self.stages if s["section"] == section and s.get("snapshot")]
        return snaps[-1] if snaps else {}

    @cached_property
    def reader_reads(self) -> list[dict]:
        """The reader sessions' reads (reads.jsonl also holds the writers' read-backs of their own writes)."""
        return [r for r in self.reads if r.get("kind", "reader") == "reader"]


def _typed(cls: type, data: dict) -> object:
    """A recorded dict as its dataclass; keys the dataclass does not know (a newer recording) left out."""
    return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class RowCounts:
    accounts: int
    transfers: int
    total_balance: int
    probes: int
    ts: float | None = None  # when this node was counted (nodes are counted one after another)


@dataclass(frozen=True)
class ClientStats:
    running: bool = False
    ts: float | None = None  # when the client program last wrote its counters
    sessions: dict[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """The cluster and the data at one moment, as a step recorded it (pglab/evidence/snapshot.py)."""

    ts: float = 0.0
    power: dict[str, str] = field(default_factory=dict)
    pool: list[PoolNode] = field(default_factory=list)
    pool_busy: bool = False
    probes: dict[str, NodeProbe] = field(default_factory=dict)
    replication: list[ReplicationPeer] = field(default_factory=list)
    rows: dict[str, RowCounts | None] = field(default_factory=dict)
    clients: ClientStats = field(default_factory=ClientStats)

    def __bool__(self) -> bool:
        return bool(self.ts or self.probes)

    @classmethod
    def from_dict(cls, data: dict) -> Snapshot:
        if not data:
            return cls()
        return cls(ts=data.get("ts", 0.0), power=data.get("power", {}),
                   pool=[_typed(PoolNode, n) for n in data.get("pool", [])], pool_busy=data.get("pool_busy", False),
                   probes={h: _typed(NodeProbe, p) for h, p in data.get("probes", {}).items()},
                   replication=[_typed(ReplicationPeer, p) for p in data.get("replication", [])],
                   rows={h: _typed(RowCounts, r) if r else None for h, r in data.get("rows", {}).items()},
                   clients=_typed(ClientStats, data.get("clients") or {}))
