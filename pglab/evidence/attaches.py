"""What each attach of a node (`pcp_attach_node`, pgpool's failback) cost the client sessions.

While pgpool-II 4.3.5 handles a failback, each of its children that is given a query exits, so a session that
sends one meanwhile loses its connection and reconnects. For every attach pglab ran while clients worked: the
sessions that got an error from the attach until shortly after it (or until pglab's next step that breaks sessions
itself: the switch-back, another attach), and each such session's longest pause there
(from its own records, on the client's clock). The attach itself is timed by pglab's command log (the control
machine's clock); on VMs the window is widened by the measured clock offsets.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from pglab.evidence import availability, clocks
from pglab.evidence.records import Evidence
from pglab.model import Lab

AFTER_S = 3.0  # an error this long after the attach returned still counts as the attach's
# pglab's steps that break sessions themselves: an attach's window ends where one of them (or the next attach) begins
BREAKING_EVENTS = ("poweroff", "switchover")
UNBOUNDED_S = 2.0  # the widening when the two clocks' offset was not measured (a VM run recorded before)


@dataclass(frozen=True)
class AttachBreak:
    """One attach: the node, when pglab's pcp_attach_node began and how long it took (control clock), the
    sessions it broke (an error in its window) of all sessions, their errors, and their longest pauses."""

    host: str
    started: float
    seconds: float
    broken: int
    sessions: int
    errors: int
    worst: float | None
    median: float | None


def attach_breaks(lab: Lab, ev: Evidence) -> list[AttachBreak]:
    """Every attach while the clients ran, in time order."""
    start, stop = ev.first("clients-start"), ev.first("verify-pause") or ev.first("clients-stop")
    if not start:
        return []
    by_id = {str(h.node_id): h.name for h in lab.pg_hosts}
    acts = availability.activity(ev.journal, ev.reads)
    run = clocks.of_run(lab, ev)
    out = []
    attaches = sorted((c for c in ev.commands if c.get("step") == "pcp_attach_node"), key=lambda c: c["ts"])
    breaking = [e["ts"] for e in ev.events if e["event"] in BREAKING_EVENTS]
    breaking += [c["ts"] - c.get("seconds", 0) for c in attaches]
    for c in attaches:
        began = c["ts"] - c.get("seconds", 0)
        if began < start["ts"] or (stop and began > stop["ts"]):
            continue
        node = c["command"].split("-n ", 1)[1].split()[0] if "-n " in c["command"] else ""
        following = min((ts for ts in breaking if ts > began), default=stop["ts"] if stop else float("inf"))
        low, high = client_window(run, began, min(c["ts"] + AFTER_S, following))
        hit = sorted({e["session"] for e in ev.errors if low <= e["ts"] <= high} & acts.keys())
        # a broken session's pause and errors run until it succeeds again (its reconnections' errors too), at most
        # until pglab's next step that breaks sessions
        until = client_window(run, following, following)[0] if following != float("inf") else float("inf")
        pauses, errors = [], 0
        for s in hit:
            first = min(e["ts"] for e in ev.errors if e["session"] == s and low <= e["ts"] <= high)
            before = max((t for t in acts[s].times if t <= first), default=None)
            back = min((t for t in acts[s].times if first < t <= until), default=None)
            errors += sum(1 for e in ev.errors if e["session"] == s and first <= e["ts"] <= (back or until))
            if before is not None and back is not None:
                pauses.append(back - before)
        out.append(AttachBreak(by_id.get(node, node), began, c.get("seconds", 0.0), len(hit), len(acts), errors,
                               max(pauses) if pauses else None,
                               statistics.median(pauses) if pauses else None))
    return out


def client_window(run: clocks.Clocks, start: float, end: float) -> tuple[float, float]:
    """[start, end] on the control machine's clock as the client host's clock reads it, widened by the error."""
    (low, bound), (high, _) = run.from_control(start, "client"), run.from_control(end, "client")
    widen = UNBOUNDED_S if bound is None else bound
    return low - widen, high + widen
