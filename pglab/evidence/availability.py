"""Availability per client session: how long each session went without a success around a fault.

A writer's success is a commit it saw acknowledged (journal), a reader's a read that returned
(reads journal). For a fault at `fault_ts` and a window that ends at `until`, each session's
figure is its **longest pause**: the longest interval between two of its successes (or from its
last success to `until`) that overlaps the window. It covers the outage at the fault itself (last
success before it -> first after it) and any later stall inside the window (a re-attach that
breaks sessions again). A session with no success after the fault is a failure, not a missing
number. The pooled figure - the first success of *any* writer - is kept only beside the
per-session ones, named as such: one session that commits can hide others that cannot.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

WRITER, READER = "writer", "reader"


@dataclass(frozen=True)
class Activity:
    """The successes of one session, in time order."""

    session: str
    kind: str  # writer | reader
    times: tuple[float, ...]


def activity(journal: Iterable[dict], reads: Iterable[dict], sessions: Iterable[str] = ()) -> dict[str, Activity]:
    """Each session's successes: acknowledged commits for writers, reads for readers.

    A session that appears in the commit journal is a writer (its own read-backs do not count as
    availability); `sessions` names sessions that may have no success at all (they still count).
    """
    acks: dict[str, list[float]] = {}
    for r in journal:
        if r.get("outcome") == "ack":
            acks.setdefault(r["session"], []).append(r["ts"])
    seen: dict[str, list[float]] = {}
    for r in reads:
        if r["session"] not in acks:
            seen.setdefault(r["session"], []).append(r["ts"])
    out = {s: Activity(s, WRITER, tuple(sorted(t))) for s, t in acks.items()}
    out.update({s: Activity(s, READER, tuple(sorted(t))) for s, t in seen.items()})
    for s in sessions:
        if s not in out:
            out[s] = Activity(s, READER if s.startswith("r") else WRITER, ())
    return out


@dataclass(frozen=True)
class SessionPause:
    """One session's longest pause in a window: from its success `since` to its next one `until`."""

    session: str
    kind: str
    since: float | None  # its last success before the pause (None: none at all before)
    resumed: float | None  # its first success after the pause (None: not within the window)
    seconds: float | None  # None: the session never succeeded again after the fault

    @property
    def came_back(self) -> bool:
        return self.seconds is not None


def longest_pause(act: Activity, fault_ts: float, until: float) -> SessionPause:
    """The session's longest interval without a success that overlaps [fault_ts, until]."""
    before = [t for t in act.times if t <= fault_ts]
    after = [t for t in act.times if fault_ts < t <= until]
    if not after:
        return SessionPause(act.session, act.kind, before[-1] if before else None, None, None)
    points = ([before[-1]] if before else [fault_ts]) + after
    best = (points[0], points[1])
    for a, b in zip(points[1:], points[2:], strict=False):
        if b - a > best[1] - best[0]:
            best = (a, b)
    if until - points[-1] > best[1] - best[0]:  # stalled at the end of the window, still within it
        return SessionPause(act.session, act.kind, points[-1], None, until - points[-1])
    return SessionPause(act.session, act.kind, best[0], best[1], best[1] - best[0])


@dataclass(frozen=True)
class Spread:
    """A figure over sessions (and cycles): worst, median and 95th percentile; `failed` never came back."""

    count: int
    failed: int
    worst: float | None
    median: float | None
    p95: float | None

    @property
    def ok(self) -> bool:
        return self.count > 0 and self.failed == 0


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank (with few sessions it is the worst one, as it should be)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def spread(pauses: Iterable[SessionPause]) -> Spread:
    pauses = list(pauses)
    return spread_of([p.seconds for p in pauses if p.seconds is not None], failed=sum(not p.came_back for p in pauses))


def spread_of(values: list[float], failed: int = 0) -> Spread:
    """Worst, median and p95 of pauses that ended; `failed` more never did."""
    if not values:
        return Spread(failed, failed, None, None, None)
    return Spread(len(values) + failed, failed, max(values), statistics.median(values), p95(values))


@dataclass(frozen=True)
class FaultAvailability:
    """Every session's longest pause around one fault, and the pooled "some writer" figure beside them."""

    fault_ts: float
    until: float
    sessions: tuple[SessionPause, ...]
    pooled_s: float | None  # fault -> the commit of any writer that ended the writers' longest common gap

    def of(self, kind: str) -> tuple[SessionPause, ...]:
        return tuple(p for p in self.sessions if p.kind == kind)

    def spread(self, kind: str) -> Spread:
        return spread(self.of(kind))

    def worst(self, kind: str) -> SessionPause | None:
        """The session that paused longest (one that never came back first)."""
        return max(self.of(kind), key=lambda p: math.inf if p.seconds is None else p.seconds, default=None)

    @property
    def never_back(self) -> tuple[SessionPause, ...]:
        return tuple(p for p in self.sessions if not p.came_back)


def around_fault(acts: dict[str, Activity], fault_ts: float, until: float) -> FaultAvailability:
    """Per-session availability for one fault, from the fault to `until` (the end of its window)."""
    pauses = tuple(longest_pause(a, fault_ts, until) for a in sorted(acts.values(), key=lambda a: a.session))
    pooled = longest_pause(Activity("any writer", WRITER, tuple(sorted(
        t for a in acts.values() if a.kind == WRITER for t in a.times))), fault_ts, until)
    return FaultAvailability(fault_ts, until, pauses,
                             pooled.resumed - fault_ts if pooled.resumed and pooled.resumed > fault_ts else None)


def steady_pause(acts: dict[str, Activity], start: float, end: float, kind: str = WRITER) -> float:
    """The longest gap of any one session between successes in a quiet period: the baseline."""
    gaps = []
    for act in acts.values():
        inside = [t for t in act.times if start <= t <= end] if act.kind == kind else []
        gaps += [b - a for a, b in zip(inside, inside[1:], strict=False)]
    return max(gaps, default=0.0)


@dataclass(frozen=True)
class AtTheCut:
    """What one writer session did around a fault, from the journals: its last commit before, its first error
    after that (time, the step of its transaction, the message), how many errors until its first commit after."""

    session: str
    last_before: float | None
    first_error: dict | None
    errors: int  # errors the server or the connection returned, as the session tables count them
    first_after: float | None
    abandoned: int = 0  # requests the client abandoned unanswered (its own journal entry, not counted as errors)
    timed_out: tuple[float, ...] = ()  # when connection attempts ended unanswered (libpq's connect_timeout)
    connected: tuple[float, float] | None = None  # the connection attempt that got in: began, ended (newer runs)


# The client program's journal entry for a request it abandoned (pglab/workload/client_program.py): its counters
# keep these apart from the errors, so the session tables do not count them as errors.
ABANDONED = "request abandoned"
LOGIN_TIMEOUT = "timeout expired"  # libpq: a connection attempt unanswered within connect_timeout


def pause_stories(window: FaultAvailability, errors: Iterable[dict], connects: Iterable[dict] = ()) -> list[AtTheCut]:
    """Each session's (readers' too) longest pause in a window, told from its own records: its last success
    before the pause, its first error in it, how many errors and abandoned requests, the connection attempt that
    got in (a run that journaled its attempts), its first success after."""
    errors = sorted(errors, key=lambda e: e["ts"])
    connects = [c for c in connects if c.get("ok")]
    out = []
    for p in window.sessions:
        start, end = p.since if p.since is not None else window.fault_ts, p.resumed
        mine = [e for e in errors if e["session"] == p.session and start <= e["ts"] and (end is None or e["ts"] <= end)]
        dropped = sum(1 for e in mine if ABANDONED in e.get("error", ""))
        timed_out = tuple(e["ts"] for e in mine if LOGIN_TIMEOUT in e.get("error", ""))
        got_in = max((c for c in connects if c["session"] == p.session and start <= c["ts"]
                       and (end is None or c["ts"] <= end)), key=lambda c: c["ts"], default=None)
        out.append(AtTheCut(p.session, p.since, mine[0] if mine else None, len(mine) - dropped, p.resumed, dropped,
                            timed_out, (got_in["began"], got_in["ts"]) if got_in else None))
    return out
