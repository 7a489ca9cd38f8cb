"""Where `fab recover`'s time went: the commands it ran on the hosts, by pglab's name for each (its step), from the
command log - how many, how long in all, the longest - and how much of the wall time no host command was running."""

from __future__ import annotations

from dataclasses import dataclass

from pglab.evidence.records import Evidence


@dataclass(frozen=True)
class StepTime:
    step: str  # pglab's name for the command ("probe node", "rejoin pg-a", "pcp_attach_node", ...)
    count: int
    total_s: float
    longest_s: float


@dataclass(frozen=True)
class RecoverTime:
    wall_s: float  # from `recover-start` to `recovered`
    busy_s: float  # while at least one host command ran (commands run in parallel count once)
    steps: list[StepTime]  # the largest total first
    after_s: float | None = None  # from `recovered` to the end of the `fab recover` step (its final look and snapshot)

    @property
    def idle_s(self) -> float:
        """pglab's own time between host commands: the pauses between polls, starting the next command."""
        return max(self.wall_s - self.busy_s, 0.0)


def union_seconds(spans: list[tuple[float, float]]) -> float:
    """The length of the union of [start, end] intervals."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def of(ev: Evidence) -> RecoverTime | None:
    """The last recovery's breakdown (None when the run has no complete `fab recover`)."""
    start = next((e["ts"] for e in reversed(ev.events) if e["event"] == "recover-start"), None)
    end = next((e["ts"] for e in reversed(ev.events) if e["event"] == "recovered" and start and e["ts"] > start), None)
    if start is None or end is None:
        return None
    spans = [(c["ts"] - c.get("seconds", 0.0), c["ts"], c["step"]) for c in ev.commands
             if start <= c["ts"] - c.get("seconds", 0.0) and c["ts"] <= end]
    by_step: dict[str, list[float]] = {}
    for began, ended, step in spans:
        by_step.setdefault(step, []).append(ended - began)
    steps = sorted((StepTime(s, len(v), sum(v), max(v)) for s, v in by_step.items()), key=lambda s: -s.total_s)
    step = next((st for st in reversed(ev.stages) if st.get("key") == "recover" and st.get("end", 0) >= end), None)
    return RecoverTime(end - start, union_seconds([(b, e) for b, e, _ in spans]), steps,
                       step["end"] - end if step else None)
