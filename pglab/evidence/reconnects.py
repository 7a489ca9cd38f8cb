"""Why the sessions' reconnection attempts waited during a failover or switch-back, from their own records:
attempts pgpool left unanswered until libpq's `connect_timeout` ended them, and attempts a pgpool child accepted
and then ended - while pgpool-II 4.3.5 runs a failover, a child that takes a connection exits, and the main process
replaces none before `failover done` (`src/main/pgpool_main.c`, `failover()`)."""

from __future__ import annotations

from collections import Counter

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


def children_spent(t: dict, lab: Lab, stories: list, errors: list[dict], marks: list[sequence.Mark],
                   run: clocks.Clocks, secs) -> str:
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
