"""Write availability from the client journal: gaps between acknowledged commits."""

from __future__ import annotations


def ack_times(journal: list[dict]) -> list[float]:
    return sorted(r["ts"] for r in journal if r["outcome"] == "ack")


def longest_gap(times: list[float], start: float, end: float) -> tuple[float, float]:
    """The longest interval without an acknowledged commit that overlaps [start, end]: (from, to)."""
    inside = [t for t in times if start - 5 <= t <= end + 5]
    best = (start, start)
    for before, after in zip(inside, inside[1:], strict=False):
        if after >= start and before <= end and after - before > best[1] - best[0]:
            best = (before, after)
    return best


def recovery_time(times: list[float], failure: float, horizon: float = 30.0) -> float | None:
    """Seconds from a failure to the first commit acknowledged after the outage it caused."""
    _, resumed = longest_gap(times, failure, failure + horizon)
    return resumed - failure if resumed > failure else None


def steady_gap(times: list[float], start: float, end: float) -> float:
    """The longest gap in a quiet period: the baseline an outage is compared with."""
    window = [t for t in times if start <= t <= end]
    return max((b - a for a, b in zip(window, window[1:], strict=False)), default=0.0)


def outage_after(times: list[float], fault: float, until: float) -> float | None:
    """Seconds from a fault to the first acknowledged write that ends the longest write gap beginning
    before `until` (the gap may last past it: a lab that stays down until recovery)."""
    best: tuple[float, float] | None = None
    for before, after in zip(times, times[1:], strict=False):
        if after >= fault and before <= until and (best is None or after - before > best[1] - best[0]):
            best = (before, after)
    return best[1] - fault if best and best[1] > fault else None
