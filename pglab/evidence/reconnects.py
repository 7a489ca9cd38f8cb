"""Why the sessions' reconnection attempts waited during a failover or switch-back, from their own records:
attempts pgpool left unanswered until libpq's `connect_timeout` ended them, and attempts a pgpool child accepted
and then ended - while pgpool-II 4.3.5 runs a failover, a child that takes a connection exits, and the main process
replaces none before `failover done` (`src/main/pgpool_main.c`, `failover()`); and, where `fab lab` collected
them, from pgpool's own lines on its children: which took a client, which exited by their restart flag, what the
main process reaped and forked after `failover done`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pglab.evidence import availability, clocks, sequence
from pglab.evidence.appendix import shorten
from pglab.evidence.i18n import lang_of, number
from pglab.evidence.verdicts import clock
from pglab.model import Lab


def login_timeouts(t: dict, lab: Lab, stories: list, errors: list[dict], marks: list[sequence.Mark],
                   run: clocks.Clocks, secs) -> str:
    """The sessions whose pause holds a connection attempt that waited out libpq's connect_timeout: when those
    attempts began (the client's clock), why such sessions came back later than the others, and why pgpool left
    them unanswered, where its log and the sessions' errors show it."""
    # when each session's unanswered attempts began (the client's clock): they ended connect_timeout later
    began = {s.session: [ts - lab.timing.login_timeout_s for ts in s.timed_out] for s in stories if s.timed_out}
    if not began:
        return ""
    first, last = min(min(ts) for ts in began.values()), max(max(ts) for ts in began.values())
    later = t["pause_timeouts_all" if len(began) == len(stories) else "pause_timeouts_later"]
    return t["pause_timeouts"].format(sessions=", ".join(began), s=lab.timing.login_timeout_s,
                                      first=clock(first), last=clock(last), later=later,
                                      why=unanswered_why(t, lab, stories, began, errors, marks, run, secs))


def unanswered_why(t: dict, lab: Lab, stories: list, began: dict[str, list[float]], errors: list[dict],
                   marks: list[sequence.Mark], run: clocks.Clocks, secs) -> str:
    """Why pgpool answered no attempt of `began` (session -> when its unanswered attempts began, client's clock):
    each begun just after its session's connection ended (its child ended: `Restart all children`) and all surely
    before the new primary was found, pgpool had no child; or the sessions' failed attempts before them had used up
    its children (none is replaced before `failover done`)."""
    kill = next((m for m in marks if m.what == "seq_children"), None)
    found = next((m for m in marks if m.what == "seq_primary_found"), None)
    first, last = min(min(ts) for ts in began.values()), max(max(ts) for ts in began.values())
    ended = {name: [e for e in errors if e["session"] == name and e["ts"] <= min(ts)] for name, ts in began.items()}
    if kill and found and all(ended.values()):
        after, before = run.span(kill.ts, kill.clock, first, "client"), run.span(last, "client", found.ts, found.clock)
        if after.seconds + (after.bound or 0) > 0 and before.seconds - (before.bound or 0) > 0:
            gap = max(min(ts) - ended[name][-1]["ts"] for name, ts in began.items())
            error = Counter(shorten(ended[name][-1]["error"], 60) for name in began).most_common(1)[0][0]
            return t["pause_why_no_child"].format(kill=clock(kill.ts), found=clock(found.ts), gap=secs(gap),
                                                  error=error.replace("`", "'"), before=clocks.words(t, before))
    since = min((s.last_before for s in stories if s.last_before), default=first)
    failed = [e for e in errors if since <= e["ts"] < first and availability.LOGIN_TIMEOUT not in e.get("error", "")
              and availability.ABANDONED not in e.get("error", "")]  # each a connection a child had accepted
    if len(failed) >= lab.timing.pool_children:  # each ended one child: none is left
        common = Counter(shorten(e["error"], 60) for e in failed).most_common(1)[0][0]
        return t["pause_why_used_up"].format(n=len(failed), first=clock(failed[0]["ts"]), last=clock(failed[-1]["ts"]),
                                             error=common.replace("`", "'"), children=lab.timing.pool_children)
    return t["pause_why_unknown"]


# psycopg's words for a connection attempt that failed (libpq's message follows), and libpq's for a server that
# closed the connection during it: a pgpool child took the attempt and exited
ATTEMPT_FAILED = "connection failed"
CLOSED = ("EOF detected", "server closed the connection")


SETTLED_GAP_S = 2.0  # pgpool's reaping and forking after a failover: a line per child, each within this of the last
BEFORE_S = 5.0  # the sessions' children that exit as the failed node goes: reaped this long before the failover
PID = re.compile(r"(?:with pid:|child pid) (\d+)")  # the child's pid, in the main process's lines or its own


def pid_of(line: dict) -> str:
    return PID.search(line["line"])[1]


@dataclass(frozen=True)
class ChildrenSeen:
    """What pgpool's own lines say of its children around one failover (pgpool's clock): before it, the children
    reaped just before it began (the sessions' own, gone with the failed node); while it ran, the children it
    killed for using the failed node, those that took a client (`selecting backend connection`), those that exited
    by their restart flag (`restarting myself`); after `failover done`, in the burst of reaping and forking: how many
    exited children it reaped (and how many of them had run before the failover, of those how many were forked
    after the last attach), how many replacements exited at once by their flag, how many it forked, the last when."""

    start: float  # pgpool's `starting degeneration`
    done: float  # its `failover done`
    gone_before: list[float]
    killed: int
    took: list[float]
    flagged: list[float]
    reaped: int
    reaped_from: float | None
    before: int  # children that had run before the failover, reaped after it
    fresh: int  # of those: forked after the last attach, so with no restart flag
    restarted: int
    forked: int
    settled: float | None


def children_seen(children: list[dict], start: float, done: float, attached: float | None = None
                  ) -> ChildrenSeen | None:
    """pgpool's lines on its children around the failover that began at `start` and ended at `done` (`attached`:
    the last attach before it), None for a run that did not collect them."""
    if not children:
        return None
    lines = sorted(children, key=lambda c: c["ts"])
    during = [c for c in lines if start <= c["ts"] <= done]
    burst: list[dict] = []
    for c in (c for c in lines if c["ts"] > done):
        if burst and c["ts"] - burst[-1]["ts"] > SETTLED_GAP_S:
            break
        burst.append(c)
    of = lambda part, label: [c for c in part if c["label"] == label]  # noqa: E731
    forked_in_burst = {pid_of(c) for c in of(burst, "child forked")}
    old = {pid_of(c) for c in of(burst, "child exited")} - forked_in_burst
    born = {pid_of(c): c["ts"] for c in of(lines, "child forked") if c["ts"] < start}
    forks = of(burst, "child forked")
    just_before = [c for c in lines if start - BEFORE_S <= c["ts"] < start]
    by_flag = {pid_of(c) for c in of(just_before, "child restarts itself")}  # idle ones, exiting by their flag
    return ChildrenSeen(
        start=start, done=done,
        gone_before=[c["ts"] for c in of(just_before, "child exited") if pid_of(c) not in by_flag],
        killed=len(of(during, "child killed for the failed node")),
        took=[c["ts"] for c in of(during, "child took a client")],
        flagged=[c["ts"] for c in of(during, "child restarts itself")],
        reaped=len(of(burst, "child exited")), reaped_from=min((c["ts"] for c in of(burst, "child exited")),
                                                               default=None),
        before=len(old), fresh=sum(attached is not None and born.get(pid, 0) > attached for pid in old),
        restarted=len(of(burst, "child restarts itself")), forked=len(forks),
        settled=forks[-1]["ts"] if forks else None)


def children_after(t: dict, seen: ChildrenSeen, stories: list, run: clocks.Clocks, during: bool = False,
                   killed_all: int = 0) -> str:
    """After `failover done`: the reaping and forking pgpool logged, and when the first session's login through
    pgpool ended (`during`: first the children that exited by their restart flag while the failover ran;
    `killed_all`: the children `Restart all children` killed at its start, to reconcile the counts with)."""
    logins = [s.connected[1] for s in stories if s.connected]
    if seen.settled is None or seen.reaped_from is None or not logins:
        return ""
    flagged = t["seen_flagged_during"].format(n=len(seen.flagged), first=clock(seen.flagged[0]),
                                              last=clock(seen.flagged[-1])) + " " if during and seen.flagged else ""
    gap = run.span(seen.settled, "pgpool", min(logins), "client")
    out = flagged + t["seen_after"].format(
        done=clock(seen.done), reaped=seen.reaped, reaped_from=clock(seen.reaped_from), restarted=seen.restarted,
        forked=seen.forked, settled=clock(seen.settled), login=clock(min(logins)),
        gap=clocks.words(t, gap), way=t["seen_apart" if not gap.established else
                                         "seen_later" if gap.seconds >= 0 else "seen_earlier"])
    inside = seen.reaped - killed_all
    silent = inside - len(seen.flagged) - seen.restarted
    if killed_all and inside > 0 and silent >= 0:
        out += " " + t["seen_reconciled"].format(reaped=seen.reaped, killed=killed_all, inside=inside,
                                                 flagged=len(seen.flagged), restarted=seen.restarted, silent=silent,
                                                 forked=seen.forked)
    return out


def when(t: dict, moments: list[float]) -> str:
    """'at T' for one moment, 'from T1 to T2' for several."""
    return t["seen_at"].format(at=clock(moments[0])) if len(moments) == 1 else \
        t["seen_from_to"].format(first=clock(moments[0]), last=clock(moments[-1]))


def children_said(t: dict, lab: Lab, seen: ChildrenSeen, stories: list, run: clocks.Clocks, closed: int) -> str:
    """pgpool's lines on its children at the switch-back in words: what settles why the attempts that got in had
    waited (`stories`: the sessions' pauses; `closed`: the attempts a child closed, by the sessions' records)."""
    failed = sequence.failed_host(lab, "switchover")
    gone = t["seen_gone"].format(n=len(seen.gone_before), first=clock(seen.gone_before[0]),
                                 last=clock(seen.gone_before[-1]), start=clock(seen.start)) if seen.gone_before else ""
    killed = t["seen_killed_none"].format(failed=failed, gone=gone) if not seen.killed else \
        t["seen_killed"].format(n=seen.killed, failed=failed)
    took = t["seen_took"].format(n=len(seen.took), first=clock(seen.took[0]), last=clock(seen.took[-1])) \
        if seen.took else t["seen_took_none"]
    flagged = t["seen_flagged"].format(n=len(seen.flagged), when=when(t, seen.flagged)) if seen.flagged else ""
    every = seen.before >= lab.timing.pool_children
    silent = seen.before - len(seen.took) - len(seen.flagged)
    out = t["seen_during"].format(killed=killed, took=took, flagged=flagged) + " " + t["seen_reaped"].format(
        n=seen.before, done=clock(seen.done),
        every=t["seen_every" if every else "seen_not_every"].format(children=lab.timing.pool_children))
    if silent > 0:
        out += " " + t["seen_silent_fresh" if silent == seen.fresh else "seen_silent"].format(n=silent,
                                                                                            took=len(seen.took))
    if len(seen.took) + silent != closed:
        out += " " + t["seen_closed_apart"].format(n=len(seen.took) + silent, closed=closed)
    return out + " " + children_after(t, seen, stories, run)


def children_spent(t: dict, lab: Lab, stories: list, errors: list[dict], marks: list[sequence.Mark],
                   run: clocks.Clocks, secs, seen: ChildrenSeen | None = None) -> str:
    """The switch-back's reconnection attempts a pgpool child took and closed (a child that takes a connection while
    pgpool-II 4.3.5 runs a failover exits, and none is replaced before its end: `reaper()` forks no child while
    `switching`), against pgpool's children: as many or more, and none was left; fewer, and what the records say
    of the attempts that got in - begun before `failover done` and closed by no child, they waited in the queue of
    pgpool's listening socket, though the count does not say why no child took them ('' for a run that did not
    journal its attempts, with a request the client abandoned - its own closing of a socket - or none closed)."""
    if not stories or any(s.abandoned or not (s.last_before and s.first_after and s.connected) for s in stories):
        return ""
    closed = sorted((e for s in stories for e in errors
                     if e["session"] == s.session and s.last_before <= e["ts"] <= s.first_after
                     and e.get("error", "").startswith(ATTEMPT_FAILED) and any(c in e["error"] for c in CLOSED)),
                    key=lambda e: e["ts"])
    if not closed:
        return ""
    common = Counter(shorten(e["error"], 60) for e in closed).most_common(1)[0][0].replace("`", "'")
    durations = sorted(end - began for began, end in (s.connected for s in stories))
    took = secs(durations[0]) if secs(durations[0]) == secs(durations[-1]) else t["span_range"].format(
        low=number(durations[0], ".2f", lang_of(t)), high=secs(durations[-1]))
    began = min(s.connected[0] for s in stories), max(s.connected[0] for s in stories)
    said = t["spent_children"].format(n=len(closed), first=clock(closed[0]["ts"]), last=clock(closed[-1]["ts"]),
                                      error=common)
    if seen is not None:
        queue = t["seen_queue"].format(took=took, a=clock(began[0]), b=clock(began[1])) \
            if seen.before >= lab.timing.pool_children else ""
        return " ".join(filter(None, (said, children_said(t, lab, seen, stories, run, len(closed)), queue)))
    if len(closed) >= lab.timing.pool_children:
        return said + " " + t["spent_children_none"].format(children=lab.timing.pool_children, took=took,
                                                            a=clock(began[0]), b=clock(began[1]))
    done = next((m for m in marks if m.what == "seq_failover_done"), None)
    waited = run.span(began[1], "client", done.ts, done.clock) if done else None
    if waited is None or waited.seconds - (waited.bound or 0) <= 0:  # not all begun surely before it
        return said + " " + t["spent_children_left"].format(children=lab.timing.pool_children, took=took)
    quiet = run.span(closed[-1]["ts"], "client", done.ts, done.clock)
    return said + " " + t["spent_children_unexplained"].format(
        children=lab.timing.pool_children, took=took, a=clock(began[0]), b=clock(began[1]),
        last=clock(closed[-1]["ts"]), quiet=clocks.words(t, quiet))
