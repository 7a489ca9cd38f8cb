"""What the report reads: the evidence a lab run recorded, in one dataclass."""

from __future__ import annotations

from dataclasses import dataclass, field


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
