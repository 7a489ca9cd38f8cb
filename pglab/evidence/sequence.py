"""Where the seconds of one failover or switch-back went: its recorded lines in time order, each on the clock
of the host that wrote it (pgpool's log and failover.sh, a node's PostgreSQL log, the client program's
journal, the control machine's events and commands), and the seconds since the previous line on the same
clock only - the hosts' clocks are not synchronised, so no interval is taken across two of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pglab.cluster.facts import lsn_printed
from pglab.evidence import clocks
from pglab.evidence.availability import FaultAvailability
from pglab.evidence.i18n import duration, lang_of, number
from pglab.evidence.logs import LogHit
from pglab.evidence.records import Evidence
from pglab.evidence.verdicts import clock
from pglab.model import Lab, Timing

LATE_S = 30.0  # a fault's log lines are read up to this long after its window (pgpool's own lines come late)
CONTROL = clocks.CONTROL  # the control machine's clock (pglab's events and command log)


@dataclass(frozen=True)
class Mark:
    """One recorded moment: when, whose clock, what (an i18n key seq_*), the line or command it is from,
    and seconds since the previous mark on the same clock (None for the first on that clock)."""

    ts: float
    clock: str
    what: str
    detail: str = ""
    since: float | None = None


# (what, host: "pgpool" | "target" | "failed", log label, text the line must contain)
LOG_MARKS = (
    ("seq_shutdown", "failed", "shutdown requested", ""),
    ("seq_detach_request", "pgpool", "degenerate request", ""),
    ("seq_degeneration", "pgpool", "degeneration", ""),
    ("seq_script_start", "pgpool", "failover command", "failover.sh"),  # pgpool's `execute command` line
    ("seq_script_log", "pgpool", "failover script", "failover.sh: failed node"),  # the script's own first line
    ("seq_decision", "pgpool", "failover script", ": promoting "),
    ("seq_promote_sent", "target", "failover script", "]: promoting"),  # pglab-node's line: the target's clock
    ("seq_promote_received", "target", "promotion", ""),
    ("seq_new_timeline", "target", "new timeline", ""),
    ("seq_ready", "target", "accepting writes", ""),
    ("seq_script_done", "pgpool", "failover script", "failover.sh: promoted "),
    ("seq_primary_found", "pgpool", "primary found", ""),  # then pgpool forks its new children
    ("seq_failover_done", "pgpool", "failover done", ""),
    ("seq_children", "pgpool", "children restarted", ""),
)

# How pgpool noticed a powered-off primary, on its clock: its first read error on a connection to the node (TCP
# gave up on a query), the health check attempt under way failing in its TLS handshake, a check's connection timing
# out before pgpool retries (the first attempt) and after (the retry), the retry itself. Searched from the power-off
# to pgpool's detach request, in any order.
DETECTION_MARKS = ("seq_read_error", "seq_hc_handshake", "seq_hc_first_unreachable", "seq_hc_retry",
                   "seq_hc_unreachable")


def detection_marks(lab: Lab, hits: list[dict], start: float, failed: str) -> list[Mark]:
    """pgpool's lines about the failed node between the power-off at `start` and its detach request."""
    node_id = lab.host(failed).node_id

    def found(label: str, text: str) -> list[dict]:
        return [h for h in hits if h["label"] == label and h["host"] == "pgpool" and text in h["line"]
                and h["ts"] >= start]
    request = next(iter(found("degenerate request", f"node_id: {node_id} ")), None)
    until = request["ts"] if request else float("inf")
    retry = next((h for h in found("health check retry", f"DB node: {node_id} ") if h["ts"] <= until), None)
    timed_out = [h for h in found("backend unreachable", f"health_check{node_id} ") if h["ts"] <= until]
    picked = {"seq_read_error": next(iter(found("backend read error", f"from DB node {node_id}")), None),
              "seq_hc_handshake": next(iter(found("health check handshake failed", f"health_check{node_id} ")), None),
              "seq_hc_first_unreachable": next((h for h in timed_out if retry is None or h["ts"] <= retry["ts"]), None),
              "seq_hc_retry": retry,
              "seq_hc_unreachable": next((h for h in timed_out if retry and h["ts"] > retry["ts"]), None)}
    return [Mark(h["ts"], "pgpool", what, LogHit(**h).message) for what, h in picked.items() if h]


def marks(lab: Lab, ev: Evidence, kind: str, window: FaultAvailability | None) -> list[Mark]:
    """The marks of the fault `kind` ("poweroff": the failover, "switchover": the switch-back), or []."""
    event = ev.first(kind)
    if not event or not window:
        return []
    start, end = event["ts"], window.until + LATE_S
    failed, hits = failed_host(lab, kind), ev.logs if kind == "poweroff" else ev.recover_logs
    hits = sorted((h for h in hits if start - 5 <= h["ts"] <= end), key=lambda h: h["ts"])
    found = [Mark(start, clocks.POWER_OFF if kind == "poweroff" else CONTROL, "seq_" + kind)]
    after = start - 5
    target = None
    for what, host, label, contains in LOG_MARKS:
        want = {"pgpool": "pgpool", "failed": failed, "target": target}[host]
        since = start - 5 if what == "seq_children" else after  # pgpool restarts its children as it detaches
        hit = next((h for h in hits if h["label"] == label and h["host"] == want and contains in h["line"]
                    and h["ts"] >= since), None)
        if hit is None:
            continue
        if what == "seq_decision":
            target = hit["line"].split(": promoting ", 1)[1].split()[0]
        found.append(Mark(hit["ts"], hit["host"], what, LogHit(**hit).message))
        after = hit["ts"] if host == "pgpool" and what != "seq_children" else after
    for c in ev.commands:
        began = c["ts"] - c.get("seconds", 0)
        if kind == "switchover" and start <= began <= end and c["step"] in ("stop pg-b for switchover",
                                                                            "pcp_detach_node"):
            what = "seq_stop" if c["step"].startswith("stop") else "seq_pcp_detach"
            found.append(Mark(began, CONTROL, what, c["command"]))
            found.append(Mark(c["ts"], CONTROL, what + "_end", str(c.get("exit", ""))))
    found += facts_marks(hits, found)
    if kind == "poweroff":
        found += detection_marks(lab, hits, start, failed)
    found += client_marks(ev, window)
    return with_intervals(found, clocks.of_run(lab, ev))


# failover.sh's line per node: how long its facts took, then (newer runs) the facts pglab-rules weighs, key=value
FACTS_LINE = re.compile(r"failover\.sh: facts of (\S+) read in (\d+) ms(?::((?: \w+=\S+)+))?")


def facts_marks(hits: list[dict], found: list[Mark]) -> list[Mark]:
    """`failover.sh`'s line per node between its start and its decision: how long that node's facts took."""
    start = next((m.ts for m in found if m.what == "seq_script_start"), None)
    decided = next((m.ts for m in found if m.what == "seq_decision"), None)
    if start is None or decided is None:
        return []
    return [Mark(h["ts"], "pgpool", "seq_facts", LogHit(**h).message) for h in hits
            if h["host"] == "pgpool" and start <= h["ts"] <= decided and FACTS_LINE.search(h["line"])]


def logged_facts(line: str) -> tuple[str, dict[str, str]]:
    """('', {}) or the node and the facts a `failover.sh` facts line gives for it (`wal_end`, `wal_timeline`,
    `running`, `standby_signal`, `unreachable`), for a run whose script logged them."""
    found = FACTS_LINE.search(line)
    if not (found and found[3]):
        return "", {}
    return found[1], dict(word.split("=", 1) for word in found[3].split())


def weighed(found: list[Mark]) -> dict[str, dict[str, str]]:
    """node -> the facts `failover.sh` logged for it before its decision."""
    return dict(pair for m in found if m.what == "seq_facts" for pair in [logged_facts(m.detail)] if pair[0])


def weighed_words(t: dict, facts: dict[str, dict[str, str]]) -> str:
    """Each node's weighed facts in words: unread, or running or not, a standby or not, where its WAL ends."""
    def node(name: str, f: dict[str, str]) -> str:
        if f.get("unreachable") == "yes":
            return t["seq_weighed_unread"].format(node=name)
        state = t["seq_weighed_" + ("standby" if f.get("standby_signal") == "yes" else "primary")
                  if f.get("running") == "yes" else "seq_weighed_stopped"]
        return t["seq_weighed_node"].format(node=name, state=state, end=lsn_printed(f.get("wal_end", "?")),
                                            timeline=f.get("wal_timeline", "?"))
    return "; ".join(node(name, f) for name, f in facts.items())


def facts_times(found: list[Mark]) -> list[tuple[str, int]]:
    """(node, milliseconds) of each node's facts read, in the order they finished."""
    return [(m.group(1), int(m.group(2))) for m in (FACTS_LINE.search(f.detail) for f in found
                                                     if f.what == "seq_facts") if m]


def failed_host(lab: Lab, kind: str) -> str:
    """The node whose loss the fault `kind` is: A at the power-off, B at the switch-back."""
    return lab.primary if kind == "poweroff" else lab.sync_standby


UNREAD = {"no_syn_answer": "syn", "ssh_failed": "ssh"}  # failover.sh's `unread=` word -> the text's reason


def unread(kind: str, failed: str, line: str) -> str:
    """Why failover.sh's facts line `line` read nothing: 'syn' (the failed host's SSH port missed the SYN wait),
    'ssh' (`pglab-node facts` over SSH failed), 'unknown' (unreachable, the reason not logged) - or '' (read).
    A run that logged no facts: at the power-off only the failed host goes unread, its SYN unanswered."""
    node, facts = logged_facts(line)
    if not facts:
        return "syn" if kind == "poweroff" and FACTS_LINE.search(line)[1] == failed else ""
    if facts.get("unreachable") != "yes":
        return ""
    return UNREAD.get(facts.get("unread", ""), "syn" if kind == "poweroff" and node == failed else "unknown")


def rows(lab: Lab, kind: str, found: list[Mark], lang: str) -> list[tuple[Mark, str, dict[str, str | int]]]:
    """The sequence table: each mark with its text's key and fields - a facts line says whose facts were read (or
    that the powered-off host went unread) and how long that took; any other mark is its own key."""
    out = []
    for m in found:
        line = FACTS_LINE.search(m.detail) if m.what == "seq_facts" else None
        if line is None:
            out.append((m, m.what, {}))
            continue
        why = unread(kind, failed_host(lab, kind), m.detail)
        key = f"seq_facts_unread_{why}" if why else "seq_facts"
        out.append((m, key, {"node": line.group(1), "took": duration(int(line.group(2)), lang)}))
    return out


def client_marks(ev: Evidence, window: FaultAvailability) -> list[Mark]:
    """On the client's clock: the first error after the sessions' last success, the last error before they
    resumed, the first and the last session to succeed again."""
    paused = [p for p in window.sessions if p.since is not None and p.resumed is not None]
    if not paused:
        return []
    since, resumed = min(p.since for p in paused), [p.resumed for p in paused]
    errors = sorted((e for e in ev.errors if since <= e["ts"] <= max(resumed)), key=lambda e: e["ts"])
    out = [Mark(max(p.since for p in paused), "client", "seq_last_success")]
    if errors:
        out.append(Mark(errors[0]["ts"], "client", "seq_first_error", errors[0].get("error", "")))
        out.append(Mark(errors[-1]["ts"], "client", "seq_last_error", errors[-1].get("error", "")))
    out += [Mark(min(resumed), "client", "seq_first_back"), Mark(max(resumed), "client", "seq_all_back")]
    return out


def with_intervals(found: list[Mark], run: clocks.Clocks) -> list[Mark]:
    """The marks in time order across clocks (Clocks.order_key), each with the seconds since the previous one on its
    own clock."""
    last: dict[str, float] = {}
    out = []
    for m in sorted(found, key=lambda m: run.order_key(m.ts, m.clock)):
        out.append(Mark(m.ts, m.clock, m.what, m.detail, round(m.ts - last[m.clock], 3) if m.clock in last else None))
        last[m.clock] = m.ts
    return out


def span(found: list[Mark], first: str, second: str) -> float | None:
    """Seconds from mark `first` to mark `second` (both on one clock), None if either is missing."""
    a = next((m for m in found if m.what == first), None)
    b = next((m for m in found if m.what == second), None)
    return round(b.ts - a.ts, 3) if a and b and a.clock == b.clock else None


def detection(t: dict, lab: Lab, found: list[Mark], between, secs, run: clocks.Clocks | None = None) -> str | None:
    """The failover's first paragraph: from the power-off to pgpool's detach request, the timeouts that bound that
    wait, and this run's pgpool lines between. `between(mark, mark)` words an interval across two clocks."""
    cut = next((m for m in found if m.what == "seq_poweroff"), None)
    request = next((m for m in found if m.what == "seq_detach_request"), None)
    if cut is None or request is None:
        return None
    steps = [t[m.what + "_at"].format(after=between(cut, m)) for m in found if m.what in DETECTION_MARKS]
    tm = lab.timing
    retry = next((m for m in found if m.what == "seq_hc_retry"), None)
    handshake = next((m for m in found if m.what == "seq_hc_handshake"), None)  # how the first attempt ended
    bound = tm.health_check_timeout + tm.connect_timeout_ms / 1000  # the alarm, or a SYN unanswered after the cut
    # late only if surely so: the cut's own window and the clocks' offsets (`run`) count against it
    gap = run.span(cut.ts, cut.clock, retry.ts, retry.clock) if run is not None and retry is not None else None
    late = retry is not None and (retry.ts - cut.ts if gap is None else gap.seconds - (gap.bound or 0)) > bound
    lang = lang_of(t)
    waits = " + ".join(number(w, ".1f", lang) for w in tm.tcp_waits_s)
    ended = ""  # what ended the first attempt: its handshake's line says; else, when the retry was late, the hedge
    if handshake and retry:
        ended = handshake_words(t, tm, handshake, retry, secs)
    elif late:
        ended = t["seq_detect_unlogged"] + t["seq_detect_late"].format(hc_timeout=tm.health_check_timeout,
                                                                        connect_ms=tm.connect_timeout_ms)
    return t["seq_detect"].format(failed=lab.primary, detect=between(cut, request), retries=tm.tcp_retries2,
                                  waits=f"{waits} = {number(tm.tcp_give_up_s, '.1f', lang)}",
                                  give_up=secs(tm.tcp_give_up_s, ".1f"), period=tm.health_check_period,
                                  connect_ms=tm.connect_timeout_ms, hc_timeout=tm.health_check_timeout,
                                  steps="; ".join(steps) or t["nothing"], unlogged=ended)


def handshake_words(t: dict, tm: Timing, handshake: Mark, retry: Mark, secs: Callable[..., str]) -> str:
    """What ended the attempt caught in its TLS handshake, from the time between its failure line and the retry (one
    clock: pgpool's): about TCP's give-up - the alarm cut the handshake and TCP ended the unencrypted startup packet's
    wait - or much less: TCP had given up on the handshake itself."""
    gap = retry.ts - handshake.ts
    key = "seq_detect_handshake_alarm" if gap >= 0.8 * tm.tcp_give_up_s else "seq_detect_handshake_tcp"
    return t[key].format(gap=secs(gap, ".2f"), give_up=secs(tm.tcp_give_up_s, ".1f"))


# failover.sh's SYN probe before it started no program (a `bash` under `timeout`, whose start-up counted in the wait)
PROBE_STARTED_BASH = 'bash -c "</dev/tcp/'


def switchover_nodes(t: dict, failed: str, why: str | None, before: str, syn: str, script: str = "",
                     took: str = "") -> str:
    """Whose facts failover.sh read at the switch-back, whose not and why (`why`: unread()'s word for the failed
    node, None if its line is missing), against the failover's same step (`before`); `script`: the run's
    failover.sh, which says how its SYN probe waited."""
    if why is None:
        return t["seq_nodes_switchover"].format(failed=failed, before=before, own="")
    if why == "syn" and PROBE_STARTED_BASH not in script:
        why = "syn_builtin"
    own = t["seq_switchover_own_read"] if not why else t["seq_switchover_own_" + why]
    return t["seq_nodes_switchover"].format(failed=failed, before=before,
                                            own=own.format(failed=failed, syn=syn, took=took))


def explain(t: dict, lab: Lab, kind: str, found: list[Mark], before: list[Mark], secs, script: str = "",
            children: str = "") -> list[str]:
    """The paragraphs saying where the time went, each figure from `found` (`before`: the failover's marks, which
    the switch-back compares with; `script`: the run's failover.sh; `children`: what pgpool's lines on its children
    show after `failover done`, where collected). `secs` writes seconds the language's way."""
    failed, lang = failed_host(lab, kind), lang_of(t)
    target = next((m.detail.split(": promoting ", 1)[1].split()[0] for m in found if m.what == "seq_decision"), "?")
    out = []
    decide = span(found, "seq_script_start", "seq_decision")
    if decide is not None:
        prior = span(before, "seq_script_start", "seq_decision")
        lines = [m for m in found if m.what == "seq_facts"]
        why = {FACTS_LINE.search(m.detail)[1]: unread(kind, failed, m.detail) for m in lines}
        syn = number(lab.timing.syn_timeout_ms / 1000, ".1f", lang)
        nodes = t["seq_nodes_poweroff"].format(failed=failed, syn=syn) if kind == "poweroff" else \
            switchover_nodes(t, failed, why.get(failed), secs(prior), syn, script,
                             next((duration(ms, lang) for n, ms in facts_times(found) if n == failed), "")) \
            if prior is not None else ""
        last = max(lines, key=lambda m: m.ts, default=None)
        decision = next(m for m in found if m.what == "seq_decision")
        each = t["seq_facts_each"].format(
            nodes=", ".join(t[f"seq_facts_node_{why[n]}" if why[n] else "seq_facts_node"].format(
                node=n, took=duration(ms, lang)) for n, ms in facts_times(found)),
            last=FACTS_LINE.search(last.detail).group(1), rules=duration((decision.ts - last.ts) * 1000, lang)) \
            if lines else t["seq_facts_unlogged"]
        first = span(found, "seq_script_start", "seq_script_log")
        startup = t["seq_startup"].format(startup=duration(first * 1000, lang)) if first is not None else ""
        facts = weighed(found)
        if facts:
            each += " " + t["seq_weighed"].format(facts=weighed_words(t, facts), target=target)
        elif lines and kind == "poweroff":
            each += " " + t["seq_weighed_unlogged"].format(target=target)
        out.append(t["seq_decide"].format(decide=secs(decide), startup=startup, nodes=nodes,
                                          each=each).replace("  ", " "))
    promote, node = span(found, "seq_decision", "seq_script_done"), span(found, "seq_promote_received", "seq_ready")
    if promote is not None and node is not None:
        out.append(t["seq_promote"].format(promote=secs(promote), node=secs(node), target=target))
    after = span(found, "seq_script_done", "seq_failover_done")
    if after is not None:
        out.append(t["seq_after"].format(after=secs(after)))
    stamp = {m.what: m.ts for m in found if m.clock == "client"}
    if {"seq_first_error", "seq_last_error", "seq_first_back", "seq_all_back"} <= stamp.keys():
        out.append(t["seq_clients"].format(first=clock(stamp["seq_first_error"]), last=clock(stamp["seq_last_error"]),
                                           back=clock(stamp["seq_first_back"]), all=clock(stamp["seq_all_back"]),
                                           children=t["seq_children_" + kind].format(
                                               failed=failed, children=lab.timing.pool_children) + (
                                               (" " + children if kind == "poweroff" else "") if children else
                                               "" if lab.provider == "local" else t["seq_children_two_clocks"])))
    request = next((m for m in found if m.what == "seq_detach_request"), None)
    pcp = next((m for m in found if m.what == "seq_pcp_detach_end"), None)
    if request and pcp and ("health_check" in request.detail or "pcp_child" in request.detail):
        pid = request.detail.split("pid ", 1)[1].split(":")[0]
        key = "seq_detached_by" if "health_check" in request.detail else "seq_detached_by_pcp"
        out.append(t[key].format(failed=failed, pid=pid, rc=pcp.detail))
    return out
