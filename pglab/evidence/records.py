"""What the report reads: the evidence a lab run recorded, in one dataclass."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property


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
    logs: list[dict] = field(default_factory=list)
    demo: dict = field(default_factory=dict)
    verify: dict = field(default_factory=dict)
    configuration: dict = field(default_factory=dict)
    commands: list[dict] = field(default_factory=list)

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
