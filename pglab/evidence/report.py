"""`fab report`: Markdown, self-contained HTML and (optionally) PDF from what the lab recorded.

The report follows the assignment's own structure (pglab/assignment.py): title page, contents,
the task, Stage 1, 2.1-2.3 and 3 with each step's command, evidence and a measured verdict, a
conclusion from the measured figures, and the configuration the lab used as an appendix.
"""

from __future__ import annotations

import base64
import re
import statistics
import sys
import textwrap
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path
from xml.etree import ElementTree

import jinja2
import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from pglab import assignment
from pglab.cluster.facts import lsn_printed, lsn_to_int
from pglab.context import LabContext
from pglab.errors import ConfigError, PglabError, StageOrderError
from pglab.evidence import (
    attaches,
    availability,
    before_stop,
    clocks,
    configuration,
    connectivity,
    consistency,
    data,
    environment,
    host_commands,
    plot,
    readings,
    reconnects,
    recover_time,
    rejoin,
    sequence,
    step_names,
    titlepage,
)
from pglab.evidence import detection as detection_of
from pglab.evidence.appendix import (
    COMMANDS_FILE,
    command_summary,
    placeholders_in,
    power_rows,
    shorten,
    step_of,
    write_commands,
)
from pglab.evidence.demo import statements as demo_statements
from pglab.evidence.environment import Environment
from pglab.evidence.i18n import TEXT, data_size, duration, lang_of, number, quantity
from pglab.evidence.logs import LogHit, attached, collapse, relayed_to_their_nodes
from pglab.evidence.records import Evidence, Snapshot
from pglab.evidence.verdicts import (
    clock,
    conclusion,
    failover_lines,
    figures,
    pauses_text,
    printed,
    reads_by_node,
    rejoin_words,
    session_rows,
    verdicts,
    wait_parts,
)
from pglab.model import Lab
from pglab.workload import client_program

TEMPLATES = Path(__file__).with_name("templates")
def load_evidence(ctx: LabContext) -> Evidence:
    """The recorded evidence; the configuration is read from the hosts if it was not recorded yet."""
    stages = ctx.state.load_json("stages.json")
    if not stages:
        raise StageOrderError("nothing recorded yet: run `fab lab` before `fab report`")
    for name, save in (("configuration.json", configuration.save), ("environment.json", environment.save)):
        if ctx.state.load_json(name) is None:
            try:
                save(ctx)
            except PglabError:
                pass  # the lab is gone: the appendix says nothing was recorded; the run's place is in lab.json
    load = ctx.state.load_json
    demo = load("demo.json", {}) or {}
    if demo.get("b_stop_logs"):
        demo = {**demo, "b_stop_logs": relayed_to_their_nodes(demo["b_stop_logs"])}
    return Evidence(stages=stages, events=ctx.state.events(), journal=load("journal.json", []),
                    reads=load("reads.json", []), errors=load("client_errors.json", []),
                    connects=load("client_connects.json", []),
                    logs=relayed_to_their_nodes(load("logs.json", [])),
                    demo=demo, verify=load("verify.json", {}) or {},
                    configuration=load("configuration.json", {}) or {}, commands=load("commands.json", []),
                    recover_logs=relayed_to_their_nodes(load("recover_logs.json", [])),
                    children=load("pool_children.json", []),
                    environment=load("environment.json", {}) or {},
                    samples=load("sample_rows.json", {}) or {})


def environment_of(ctx: LabContext, ev: Evidence) -> Environment:
    """Where the run happened: as recorded, else what lab.json says (provider, measured speed)."""
    if ev.environment:
        return Environment.from_dict(ev.environment)
    speed = ctx.speed() if hasattr(ctx, "speed") else {}  # a report rendered from evidence alone (tests)
    return Environment(ctx.lab.provider, "", speed.get("profile", ""), speed.get("cpu_slowdown"),
                       speed.get("ssh_rtt_ms"), "", "", 0, "", "", "")


def session_totals(snapshot: dict) -> tuple[float, int, int] | None:
    """(when, commits of the writers, reads of the readers) of a snapshot's session table, None without one."""
    clients = snapshot.get("clients") or {}
    sessions = clients.get("sessions") or {}
    if not sessions:
        return None
    return (clients.get("ts") or snapshot["ts"], sum(c["commits"] for c in sessions.values() if c["kind"] == "writer"),
            sum(c["reads"] for c in sessions.values() if c["kind"] == "reader"))


def rates(ev: Evidence, index: int) -> dict:
    """What the client sessions did in a step: the difference between its session table and the one before (or the
    clients' start), over the time between them - the counts the tables show, the seconds between the two clock
    times as printed (to the millisecond), and the rates from those printed figures: a reader's division matches.
    Without a session table: the journal within the step. {} before the clients started."""
    step, started = ev.stages[index], ev.first("clients-start")
    now = session_totals(step.get("snapshot") or {})
    earlier = next((t for t in (session_totals(s.get("snapshot") or {}) for s in reversed(ev.stages[:index])) if t),
                   None)
    before = earlier or ((started["ts"], 0, 0) if started else None)
    basis = "tables" if earlier else "start"  # the first session table counts from the clients' start
    if now and before and now[1] >= before[1] and now[2] >= before[2]:  # counters only grow (a new run: not)
        start, end, commits, reads = before[0], now[0], now[1] - before[1], now[2] - before[2]
    else:
        basis = "journal"
        start = max(step["start"], started["ts"]) if started else step["start"]
        end = step["end"]
        commits = sum(start <= r["ts"] <= end for r in ev.journal if r["outcome"] == "ack")
        reads = sum(start <= r["ts"] <= end for r in ev.reader_reads)
    seconds = round(printed(end) - printed(start), 3)
    if seconds <= 0 or not commits + reads or not started or end < started["ts"]:
        return {}
    return {"from": clock(start), "to": clock(end), "seconds": seconds, "basis": basis, "commits": commits,
            "reads": reads, "commits_s": round(commits / seconds, 1), "reads_s": round(reads / seconds, 1)}


def step_seconds(step: dict) -> float:
    """A step's duration from its start and end as the step line prints them (cut to the millisecond)."""
    return round(printed(step["end"]) - printed(step["start"]), 3)


def sections(ev: Evidence, lang: str, found: dict, lab: Lab | None = None) -> list[dict]:
    """The assignment's sections with the steps recorded for each and the verdict."""
    out = []
    owners = [step_of(ev.stages, c["ts"] - c.get("seconds", 0)) for c in ev.commands]
    for sec in assignment.SECTIONS:
        steps = [dict(s, title=s["title"][assignment.LANGUAGES.index(lang)], index=i)
                 for i, s in enumerate(ev.stages) if s["section"] == sec.key]
        for step in steps:
            step["snapshot"] = Snapshot.from_dict(step.get("snapshot") or {})  # the template reads typed objects
            mine = [c for c, owner in zip(ev.commands, owners, strict=True) if owner == step["index"]]
            step["commands"] = [placeholders_in(row, lang) for row in sorted(
                power_rows(ev, step["index"]) + command_summary(mine) + (
                    host_commands.rows(lab, ev, step["index"]) if lab else []), key=lambda row: row["ts"])]
            step["rates"] = rates(ev, step["index"])
        out.append({"key": sec.key, "anchor": "s" + sec.key.replace(".", "-"), "title": sec.text("title", lang),
                    "parent": sec.parent[assignment.LANGUAGES.index(lang)] if sec.parent else None,
                    "parent_anchor": "s" + sec.key.split(".")[0],
                    "asks": sec.text("asks", lang), "steps": steps, "verdict": found[sec.key]})
    return out


TABLE_REF = re.compile(r"⟦(next|prev|first):(\w+)⟧")  # in prose: the number of the next (previous, first) table of
# that key


class Captions:
    """Numbered captions: 'Table 3. ...' above a table, 'Listing 2. ...' above a listing, 'Figure 1. ...' below a
    figure (Russian: 'Таблица 3 — ...', 'Листинг 2 — ...', 'Рисунок 1 — ...'), as raw HTML the print style keeps
    with its table, listing or figure. A table given a `key` can be referred to by number from prose: ⟦next:key⟧
    becomes the first such table after the words, ⟦prev:key⟧ the last one before them (`numbered`, once the whole
    report is rendered); with no such table, "below" or "above"."""

    def __init__(self, t: dict) -> None:
        self.t, self.counts = t, Counter()
        self.keys: dict[int, str] = {}  # table number -> key

    def __call__(self, kind: str, text: str, key: str = "", file: bool = False) -> str:
        """`kind`: table, figure or listing; `file`: a listing of a whole file, which may run on to the next page."""
        self.counts[kind] += 1
        if key and kind == "table":
            self.keys[self.counts[kind]] = key
        words = self.t[f"{kind}_caption"].format(n=self.counts[kind], text=text)
        return f'<p class="{kind}-caption{" file" * file}" id="{kind}-{self.counts[kind]}">{inline_code(words)}</p>'

    def numbered(self, text: str) -> str:
        """Each ⟦next|prev:key⟧ replaced by its table's number (a run that lacks the table: by "below" or "above")."""
        where = {n: text.index(f'id="table-{n}"') for n in self.keys}

        def number(ref: re.Match) -> str:
            found = [n for n, at in sorted(where.items()) if self.keys[n] == ref[2]
                     and (ref[1] == "first" or (at > ref.start() if ref[1] == "next" else at < ref.start()))]
            if not found:
                return self.t["ref_" + ("prev" if ref[1] == "first" else ref[1])]
            return str(found[0] if ref[1] != "prev" else found[-1])
        return TABLE_REF.sub(number, text)


def outage(lab: Lab, ev: Evidence) -> dict | None:
    """Step 2.2's snapshot in time: seconds after the cut it was taken, and after it pgpool detached A; what
    the synchronous standby was then."""
    off, snap = ev.first("poweroff", host=lab.primary), ev.snapshot("2.2")
    detached = detection(ev, off["ts"]) if off else None
    if not (off and detached and snap):
        return None
    probe = snap.get("probes", {}).get(lab.sync_standby, {})
    t_role = "was_standby" if probe.get("in_recovery") else "was_primary" if probe.get("running") else "was_down"
    promoted = next((p for p in rejoin.promotions(ev) if p.host == lab.sync_standby and p.ts >= off["ts"]), None)
    run = clocks.of_run(lab, ev)  # the cut and the snapshot are the control machine's; the log lines, their hosts'
    gap = run.span(snap["ts"], clocks.CONTROL, promoted.ts, lab.sync_standby) if promoted else clocks.Span(0.0, 0.0)
    if promoted:  # B's own log line says when it was promoted: the sentence follows it, not the probe alone
        t_role = ("promoted_before_probe_standby" if probe.get("in_recovery") else "promoted_before") \
            if gap.seconds <= 0 else "promoted_after"
    seen = ev.first("detached", host=lab.primary)  # pglab's event: it saw the detach and began the snapshot
    seen = seen if seen and off["ts"] <= seen["ts"] <= snap["ts"] else None
    return {"after": run.span(off["ts"], clocks.POWER_OFF, snap["ts"], clocks.CONTROL), "host": lab.primary,
            "seen": run.span(off["ts"], clocks.POWER_OFF, seen["ts"], clocks.CONTROL) if seen else None,
            "reading": snap["ts"] - seen["ts"] if seen else None,
            "detached": run.span(off["ts"], clocks.POWER_OFF, detached["ts"],
                                 "pgpool" if detached["source"] == "log" else clocks.CONTROL),
            "how": detached["source"], "sync": lab.sync_standby, "sync_role": t_role,
            "promoted": clock(promoted.ts) if promoted else "", "timeline": promoted.timeline if promoted else 0,
            "gap": clocks.Span(abs(gap.seconds), gap.bound), "undelayed": undelayed(lab, ev, snap)}


def undelayed(lab: Lab, ev: Evidence, snap: dict) -> dict | None:
    """failover.sh's line making C the new primary's synchronous standby (role sync-standby-of-*, which drops
    C's replay delay), if it came before C's rows were counted in this snapshot: why C shows current rows."""
    counted = (snap.get("rows", {}).get(lab.async_standby) or {}).get("ts") or snap.get("ts", 0)
    hit = next((h for h in sorted(ev.logs, key=lambda h: h["ts"])
                if f"pglab-node[{lab.async_standby}]: role set to sync-standby-of" in h["line"]
                and h["ts"] <= counted), None)
    return {"host": lab.async_standby, "clock": clock(hit["ts"]), "role": hit["line"].split("role set to ", 1)[1]
            .strip()} if hit else None


def detection(ev: Evidence, after: float) -> dict | None:
    """When pgpool decided the primary was down: its log line "starting degeneration" after the cut (the time
    pglab's poll saw the node down is later by up to a poll interval, and is used only without the log)."""
    hit = next((h for h in sorted(ev.logs, key=lambda h: h["ts"]) if h["label"] == "degeneration"
                and h["ts"] >= after), None)
    return {"ts": hit["ts"], "source": "log"} if hit else next(
        ({"ts": e["ts"], "source": "poll"} for e in ev.events if e["event"] == "detached" and e["ts"] >= after), None)


def run_date(ev: Evidence, lang: str) -> str:
    """When the run ended (its last event), as the language writes a date: '30.11.2026, 15:11 UTC'."""
    done = last_event(ev, "lab-done") or next((e for e in reversed(ev.events) if e["event"] != "report"), None)
    ts = done["ts"] if done else datetime.now(UTC).timestamp()  # not a later `fab report`'s own event
    return datetime.fromtimestamp(ts, UTC).strftime("%d.%m.%Y, %H:%M UTC" if lang == "ru" else "%Y-%m-%d %H:%M UTC")


def unknown_rows(lab: Lab, ev: Evidence) -> list[dict]:
    """Each commit of unknown outcome: session, when its error came (the client's clock), the part of the run it
    fell in, the interval from the power cut (pglab's clock to the client's, corrected by the measured offsets),
    the n its INSERT returned, and whether the final primary holds it (None: an older recording without the ids)."""
    off = ev.first("poweroff")
    present = ev.verify.get("indeterminate_present_ids")
    run = clocks.of_run(lab, ev)
    parts = data.phases(ev)

    def error_ts(r: dict) -> float:
        """The COMMIT's error as the session's error list has it (the journal line is written just before it)."""
        return next((e["ts"] for e in ev.errors if e.get("session") == r["session"] and e.get("phase") == "commit"
                     and 0 <= e["ts"] - r["ts"] < 0.1), r["ts"])
    rows = [(r, error_ts(r)) for r in sorted(ev.journal, key=lambda r: r["ts"]) if r["outcome"] == "unknown"]
    return [{"session": r["session"], "ts": ts, "n": r.get("n", ""), "id": r["id"],
             "phase": next((p.key for p in parts if p.start <= ts < p.end), "w_other"),
             "after_cut": run.span(off["ts"], clocks.POWER_OFF, ts, "client") if off and ts >= off["ts"] else None,
             "present": None if present is None else r["id"] in present}
            for r, ts in rows]


def pause_parts(t: dict, kind: str, found: list, run: clocks.Clocks, stories: list, secs) -> str:
    """'The longest pause, w1's 16.96 s, ran from its last success, 0.84 s before the power-off, to its first success,
    2.25 s after pgpool's failover done, which came 13.87 s after the power-off' (the switch-back: from its start);
    each part across two clocks; '' without the marks."""
    begin = next((m for m in found if m.what == "seq_" + kind), None)
    done = next((m for m in found if m.what == "seq_failover_done"), None)
    timed = [s for s in stories if s.last_before and s.first_after]
    if not (begin and done and timed):
        return ""
    worst = max(timed, key=lambda s: s.first_after - s.last_before)
    parts = (run.span(worst.last_before, "client", begin.ts, begin.clock),
             run.span(begin.ts, begin.clock, done.ts, done.clock),
             run.span(done.ts, done.clock, worst.first_after, "client"))
    login = ""
    if worst.connected is not None:
        began, ended = (run.span(done.ts, done.clock, at, "client") for at in worst.connected)
        login = t["pause_sum_login"].format(
            began=relative(t, began), ended=relative(t, ended),
            took=secs(worst.connected[1] - worst.connected[0]), tx=secs(worst.first_after - worst.connected[1]))
    return t["pause_sum_" + kind].format(
        session=worst.session, pause=secs(worst.first_after - worst.last_before),
        rel=relative(t, parts[0], ahead="pause_rel_before"),
        failover=clocks.words(t, parts[1], ordered=False), after=clocks.words(t, parts[2], ordered=False),
        clocks="" if run.single else t["pause_sum_clocks"]) + login


def relative(t: dict, span: clocks.Span, ahead: str = "pause_rel_after") -> str:
    """'2.00 s after' / 'за 2,00 с до': a span from a moment, worded by its sign - `ahead` for a span that is not
    negative ('after' when the span runs from that moment; 'before' when it runs to it)."""
    behind = "pause_rel_before" if ahead == "pause_rel_after" else "pause_rel_after"
    return t[ahead if span.seconds >= 0 else behind].format(s=clocks.words(t, span))


def writer_rate(ev: Evidence, start: float, end: float) -> float | None:
    """Commits per second of a writer once it runs: per session of the commit journal (writers only: readers
    commit nothing), its commits in [start, end] after its first one, over the time since that first one; the
    median over the writers (None without two commits of one)."""
    rates = []
    for session in {r["session"] for r in ev.journal}:
        acks = sorted(r["ts"] for r in ev.journal if r["session"] == session and r["outcome"] == "ack"
                      and start <= r["ts"] <= end)
        if len(acks) >= 2 and acks[-1] > acks[0]:
            rates.append((len(acks) - 1) / (acks[-1] - acks[0]))
    return statistics.median(rates) if rates else None


SAME_MOMENT_S = 0.5  # two causes this close in time: the run does not tell which one acted


def b_released(t: dict, lab: Lab, ev: Evidence, secs) -> str:
    """The demonstration's commit made with B stopped: when `failover.sh` made C synchronous after the commit began
    (the primary's own log line against the commit's own start: one clock), against C's replay delay - which of the
    two released it ('' for a run that did not record the commit's start)."""
    demo = ev.demo or {}
    began = demo.get("commit_with_b_stopped_began")
    role = next((h for h in demo.get("b_stop_logs", []) if h["host"] == lab.primary
                 and "role set to primary-sync-" in h["line"]), None)
    if began is None or role is None:
        return ""
    switched, delay = role["ts"] - began, lab.timing.replay_delay_s
    which = "demo_b_by_either" if abs(switched - delay) <= SAME_MOMENT_S else \
        "demo_b_by_delay" if switched < delay else "demo_b_by_switch"
    return t["demo_b_release"].format(switched=secs(switched), primary=lab.primary, lagging=lab.async_standby,
                                      delay=delay, which=t[which].format(lagging=lab.async_standby))


def stale_apply(t: dict, lab: Lab, ev: Evidence, snap: Snapshot, secs) -> str:
    """Why a standby's apply delay in a snapshot is far above its replay delay: its last applied transaction was
    older than the clients' first commit (beyond the clocks' error), so it had applied none of theirs yet - it applies
    a commit no sooner than its delay after it, later while its replay lags ('' when no row needs it, or the run
    did not record when each node answered)."""
    first = min((r["ts"] for r in ev.journal if r["outcome"] == "ack"), default=None)
    delay, run, out = lab.timing.replay_delay_s, clocks.of_run(lab, ev), []
    for host, p in snap.probes.items():
        if first is None or p.ts is None or p.replay_age_s is None or p.replay_age_s < 2 * delay:
            continue
        since = run.span(first, "client", p.ts, clocks.CONTROL)
        bound = since.bound or 0
        # none of the clients' commits applied, and the first of them young enough that a delay explains it
        if 0 < since.seconds - bound < 2 * delay and p.replay_age_s > since.seconds + bound:
            out.append(t["stale_apply"].format(host=host, age=secs(p.replay_age_s), at=clock(p.ts),
                                               since=clocks.words(t, since), delay=delay))
    return " ".join(out)


def skew_words(t: dict, run: clocks.Clocks, host: str, other: str) -> str:
    """'; the measured offsets put C's clock 0.90 s ± 1.12 s ahead of A's' - or '' when not measured or one clock."""
    span = run.ahead(host, other)
    if span is None or run.single:
        return ""
    return t["skew_measured"].format(other=other, host=host, s=clocks.words(t, span, ordered=False),
                                     way=t["skew_ahead" if span.seconds >= 0 else "skew_behind"])


def last_event(ev: Evidence, kind: str) -> dict | None:
    return next((e for e in reversed(ev.events) if e["event"] == kind), None)


def pgpool_setting(ev: Evidence, name: str) -> str | None:
    """A setting's value in the pgpool.conf read back from the pgpool host (None if not recorded)."""
    for f in ev.configuration.get("files", []):
        if f["path"].endswith("pgpool.conf"):
            found = re.search(rf"^\s*{re.escape(name)}\s*=\s*'?([^'\s#]*)", f["text"], re.M)
            return found.group(1) if found else None
    return None


def promotion_choice(t: dict, ev: Evidence) -> str:
    """failover.sh's own log line naming the node it promotes (the script decides; the report quotes it)."""
    off = ev.first("poweroff")
    hit = next((h for h in sorted(ev.logs, key=lambda h: h["ts"]) if h["label"] == "failover script"
                and "promot" in h["line"] and (not off or h["ts"] >= off["ts"])), None)
    if not hit:
        return t["choice_unknown"]
    return "`" + shorten(LogHit(**hit).message, 150).replace("`", "'") + "`"


def follow_without_rewind(t: dict, lab: Lab, ev: Evidence) -> str:
    """Why C could follow the new primary without pg_rewind: it switched onto timeline 2 by itself (its own log
    line), which PostgreSQL does only when its replay has not passed the fork point."""
    fork = next((r.diverged_lsn for r in rejoin.rewinds(ev) if r.diverged_timeline == 1 and r.diverged_lsn), None)
    if not fork or not any(sw.timeline == 2 for sw in rejoin.timeline_switches(ev, lab.async_standby)):
        return ""
    return t["c_follow"].format(fork=fork)


def c_at_fork(t: dict, lab: Lab, ev: Evidence) -> str:
    """The async standby's position at the fork: as `failover.sh` read it for its decision (newer runs log it), else
    what step 2.2's snapshot says - its position if still on timeline 1, else that it had already switched (then
    only its log tells)."""
    off = ev.first("poweroff")
    read = [(h, facts) for h in ev.logs if off and h["host"] == "pgpool" and h["ts"] >= off["ts"]
            for node, facts in [sequence.logged_facts(h["line"])] if node == lab.async_standby]
    if read and read[0][1].get("wal_end"):
        hit, facts = read[0]
        return t["c_snap_facts"].format(host=lab.async_standby, lsn=lsn_printed(facts["wal_end"]),
                                        clock=clock(hit["ts"]), timeline=facts.get("wal_timeline", "?"))
    probe = ev.snapshot("2.2").get("probes", {}).get(lab.async_standby, {})
    if probe.get("timeline") == 1 and probe.get("lsn"):
        return t["c_snap_before"].format(host=lab.async_standby, lsn=probe["lsn"])
    if probe.get("timeline"):
        return t["c_snap_after"].format(host=lab.async_standby, timeline=probe["timeline"])
    return t["c_snap_none"].format(host=lab.async_standby)


def checkpoint_when(t: dict, ev: Evidence, rewind: rejoin.Rewind, lang_index: int) -> str:
    """The sentence on when the rewind's starting checkpoint was written: by the rewound node's own control file
    (its crash recovery's `last known up at`), else by the first snapshot past it ('' if neither tells)."""
    found = rejoin.checkpoint_date(ev, rewind)
    up = rejoin.last_known_up(rewind)
    if up and rewind.checkpoint_lsn and rewind.diverged_lsn:
        size = data_size(lsn_to_int(rewind.diverged_lsn) - lsn_to_int(rewind.checkpoint_lsn), lang_of(t))
        return t["checkpoint_known_up"].format(size=size, clock=up, host=rewind.host)
    if found is None:
        return ""
    started = ev.first("clients-start")
    return t["checkpoint_dated"].format(size=data_size(found.wal_mb * 2**20, lang_of(t)), clock=clock(found.ts)[:8],
                                        step=ev.stages[found.step]["title"][lang_index],
                                        setup=t["checkpoint_setup"] if started and found.ts < started["ts"] else "")


def connections(ev: Evidence) -> dict | None:
    """The recorded connectivity check and what the recorded hba files admit (None for a run without it)."""
    found = last_event(ev, "connectivity")
    if not found:
        return None
    files = {f["path"].rsplit("/", 1)[-1]: f["text"] for f in ev.configuration.get("files", [])}
    logins = {name: connectivity.network_logins(files[name]) for name in ("pool_hba.conf", "pg_hba.conf")
              if name in files}
    return {**found, "tls_only": bool(logins) and all(tls for tls, _ in logins.values()),
            "scram_only": bool(logins) and all(scram for _, scram in logins.values())}


LOSS_LABELS = ("WAL stream lost", "primary unreachable")


def silent_standby(lab: Lab, ev: Evidence) -> dict | None:
    """Why the synchronous standby logged no loss of its primary before it was promoted: the power-off sends no
    FIN or RST, and the promotion came before its timeouts (keepalives, TCP_USER_TIMEOUT, wal_receiver_timeout)
    could end the connection. None when it did log one, or was promoted later."""
    off, promoted = ev.first("poweroff", host=lab.primary), next(
        (p for p in rejoin.promotions(ev) if p.host == lab.sync_standby and p.timeline == 2), None)
    settings = dict(next((n["settings"] for n in ev.configuration.get("nodes", []) if n["host"] == lab.sync_standby),
                         []))
    recorded = seconds_of(settings["wal_receiver_timeout"]) if "wal_receiver_timeout" in settings else None
    timeout = recorded if recorded is not None else lab.timing.wal_receiver_timeout_s  # older runs: the model's
    found = detection_of.of(settings.get("primary_conninfo", ""), timeout)
    notice = found.notice_s if found else timeout
    if not (off and promoted):
        return None
    after = clocks.of_run(lab, ev).span(off["ts"], clocks.POWER_OFF, promoted.ts, lab.sync_standby)
    if after.seconds >= notice:
        return None
    if any(h["host"] == lab.sync_standby and h["label"] in LOSS_LABELS and off["ts"] <= h["ts"] <= promoted.ts
           for h in ev.logs):
        return None
    return {"host": lab.sync_standby, "after": after, "timeout": timeout, "detection": found}


STREAM_LOST_WITHIN_S = 120.0  # a standby's loss of its stream this long after the power cut is the cut's


def lost_streams(lab: Lab, ev: Evidence) -> dict | None:
    """The standbys whose log says they lost their WAL stream after the power cut, each with how long after it
    (across two clocks), and the connection settings that decide when: a powered-off primary sends no FIN, so
    only the standby's own timeouts end the connection (None when none logged it, or no TCP_USER_TIMEOUT is set)."""
    off = ev.first("poweroff", host=lab.primary)
    settings = dict(next((n["settings"] for n in ev.configuration.get("nodes", []) if n["host"] == lab.sync_standby),
                         []))
    found = detection_of.of(settings.get("primary_conninfo", ""), lab.timing.wal_receiver_timeout_s)
    if not (off and found and found.user_ms):
        return None
    run, lost = clocks.of_run(lab, ev), {}
    for h in sorted(ev.logs, key=lambda h: h["ts"]):
        if h["label"] == "WAL stream lost" and h["host"] != lab.primary and h["host"] not in lost \
                and off["ts"] <= h["ts"] <= off["ts"] + STREAM_LOST_WITHIN_S:
            lost[h["host"]] = run.span(off["ts"], clocks.POWER_OFF, h["ts"], h["host"])
    early = any(span.seconds < found.user_ms / 1000 for span in lost.values())  # only within the cut's ±
    return {"lost": lost, "detection": found, "early": early} if lost else None


def seconds_of(setting: str) -> float | None:
    """A PostgreSQL time setting as shown ('5s', '5000 ms', '1min') in seconds (None if not one)."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*", str(setting))
    return float(found[1]) * {"ms": 0.001, "s": 1, "min": 60}[found[2] or "ms"] if found else None


def reasoning_figures(lang: str, lab: Lab, ev: Evidence, figs: dict) -> dict:
    """What the reasoning paragraphs quote: the lab's settings and the checker's counts."""
    t, v, unknown = TEXT[lang], ev.verify, figs["unknown"]
    present = unknown["present"] or 0
    spans = [t["at_risk_window"].format(host=w["host"], start=clock(w["start"])[:8], end=clock(w["end"])[:8])
             for w in v.get("at_risk_windows", [])]
    n = unknown["n"] or 0
    kind = "none" if not n else "present" if present == n else "absent" if not present else "mixed"
    kind += "_one" if n == 1 and kind in ("present", "absent") else ""
    return {"unknown": t[f"unknown_{kind}"].format(n=n, present=present, absent=unknown["absent"] or 0),
            "choice": promotion_choice(t, ev), "c_follow": follow_without_rewind(t, lab, ev),
            "single_pgpool": t["single_pgpool"] if pgpool_setting(ev, "use_watchdog") == "off" else "",
            "sum": f": {number(figs['acknowledged'] or 0, '', lang)} + {present}" if present else "",
            "windows": f" ({'; '.join(spans)})" if spans else "",
            "delay": lab.timing.replay_delay_s, "port": lab.pgpool_port, "period": lab.timing.health_check_period,
            "connect_ms": lab.timing.connect_timeout_ms, "hc_timeout": lab.timing.health_check_timeout,
            "at_risk": v.get("at_risk", 0), "at_risk_missing": v.get("at_risk_missing", 0),
            "acknowledged": figs["acknowledged"] or 0,
            "present": present, "absent": unknown["absent"] or 0, "expected": (figs["acknowledged"] or 0) + present}


def switch_order(t: dict, lab: Lab, ev: Evidence, gap: data.SwitchGap | None) -> str:
    """Between B's shutdown line and pgpool's detach line (two clocks): the interval with its bound, or, when the
    offsets were not measured and the least skew the run shows is larger, that their order is not established."""
    if gap is None:
        return ""
    span = clocks.of_run(lab, ev).span(gap.stopping, lab.sync_standby, gap.detached, "pgpool")
    skew = clocks.skew_ms(lab, ev)
    if span.bound is None and skew >= abs(span.seconds) * 1000:
        return t["order_skew"].format(gap=clocks.words(t, clocks.Span(span.seconds, 0.0)), skew=skew)
    return t["order_span"].format(gap=clocks.words(t, span, ordered=False))  # B's stop caused the detach


def switch_errors(ev: Evidence) -> list[str]:
    """The messages the clients saw at the switch-back, each once (as the errors table words them)."""
    kinds = data.error_kinds(ev.errors, data.phases(ev))
    return list(dict.fromkeys("`" + shorten(k.message, 90).replace("`", "'") + "`" for k in kinds
                              if k.phase == "w_switchback"))


def attached_before(ev: Evidence, marks: list[sequence.Mark]) -> float | None:
    """When pgpool last attached a node before this failover began (its `failback done` line), if logged."""
    start = next((m.ts for m in marks if m.what == "seq_degeneration"), None)
    return max((h["ts"] for h in ev.logs + ev.recover_logs if h["label"] == "failback done"
                and start is not None and h["ts"] < start), default=None)


def children_of(ev: Evidence, marks: list[sequence.Mark]) -> reconnects.ChildrenSeen | None:
    """pgpool's lines on its children around one failover (None: not collected, or the failover not logged)."""
    start = next((m.ts for m in marks if m.what == "seq_degeneration"), None)
    done = next((m.ts for m in marks if m.what == "seq_failover_done"), None)
    if start is None or done is None:
        return None
    return reconnects.children_seen(ev.children, start, done, attached_before(ev, marks))


def failover_script(ev: Evidence) -> str:
    """The run's failover.sh as read back from the pgpool host ('' for a run that did not read it)."""
    return next((f.get("text", "") for f in (ev.configuration or {}).get("files", [])
                 if str(f.get("path", "")).endswith("/failover.sh")), "")


def slots_read(ev: Evidence, host: str) -> readings.Reading | None:
    """The read of `host`'s replication slots that its last rejoin recorded (the last one before the event)."""
    event = next((e for e in reversed(ev.events) if e["event"] == "rejoined" and e.get("host") == host), None)
    return readings.output(ev, "replication slots", host, until=event["ts"]) if event else None


def log_message(message: str) -> str:
    """A log line's message for a log table: cut at 140 characters, but a `failover.sh` facts line whole (the
    facts its decision weighs end with the WAL position it turns on)."""
    return shorten(message, 220 if sequence.FACTS_LINE.search(message) else 140)


def failover_window(ev: Evidence) -> list[LogHit]:
    """Step 2.3's log lines (verdicts.failover_lines), as the log table shows them."""
    return [LogHit(**h) for h in failover_lines(ev)]


SAME_PAUSE_S = 1.0  # sessions whose pauses differ by no more than this paused together: the cluster's pause


def where_time_went(t: dict, lab: Lab, ev: Evidence, figs: dict, secs) -> dict[str, dict]:
    """Per fault ("failover", "switchback"): its recorded lines on their own clocks, the paragraphs read from them,
    and each session's longest pause told from its own records (for the switch-back: from its start to pglab's
    `switched-back` event)."""
    windows = dict(figs["windows"])
    switch, back = ev.first("switchover"), ev.first("switched-back")
    if switch and back:  # the switch-back itself, not the whole recovery around it: from B's stop until the next
        # step of recovery (B's rejoin) - pglab's `switched-back` event can come before a session's first success
        after = [e["ts"] for e in ev.events if e["event"] in ("rejoined", "recovered") and e["ts"] > back["ts"]]
        windows["switchback"] = availability.around_fault(availability.activity(ev.journal, ev.reads), switch["ts"],
                                                          min(after, default=back["ts"] + 30))
    found = {w: sequence.marks(lab, ev, kind, windows.get(w)) for w, kind in (("failover", "poweroff"),
                                                                              ("switchback", "switchover"))}
    run = clocks.of_run(lab, ev)
    # from the fault to what it caused: cause and effect fix the order the clocks alone may not
    between = lambda a, b: clocks.words(t, run.span(a.ts, a.clock, b.ts, b.clock), ordered=False)  # noqa: E731
    out = {}
    for w, kind in (("failover", "poweroff"), ("switchback", "switchover")):
        if not found[w]:
            continue
        detect = sequence.detection(t, lab, found[w], between, secs, run) if kind == "poweroff" else None
        stories = availability.pause_stories(windows[w], ev.errors, ev.connects)
        pauses = [s.first_after - s.last_before for s in stories if s.first_after and s.last_before]
        resumed = [s.first_after for s in stories if s.first_after]
        seen = children_of(ev, found[w])
        killed_all = lab.timing.pool_children if any(m.what == "seq_children" for m in found[w]) else 0
        after = reconnects.children_after(t, seen, stories, run, during=True, killed_all=killed_all) if seen else ""
        out[w] = {"rows": sequence.rows(lab, kind, found[w], lang_of(t)),
                  "text": [detect] * bool(detect) + sequence.explain(t, lab, kind, found[w], found["failover"], secs,
                                                                     failover_script(ev), after),
                  "phase": t["seq_" + w], "stories": stories, "readers": bool(windows[w].of("reader")),
                  "timeouts": reconnects.login_timeouts(t, lab, stories, sorted(ev.errors, key=lambda e: e["ts"]),
                                                        found[w],
                                             run, secs),
                  "sum": pause_parts(t, kind, found[w], run, stories, secs),
                  "spent": reconnects.children_spent(t, lab, stories, ev.errors, found[w], run, secs, seen)
                  if kind == "switchover" else "",
                  "spread": secs(round(max(pauses) - min(pauses), 3)) if pauses else None,
                  "apart": bool(pauses) and max(pauses) - min(pauses) > SAME_PAUSE_S,
                  "resumed": secs(round(max(resumed) - min(resumed), 3)) if resumed else None}
    return out


def as_recorded(lab: Lab, ev: Evidence) -> Lab:
    """The lab as the run had it where the code's model may have changed since: pgpool's children from the
    pgpool.conf read back, the clients' login timeout from their start (a later revision reports an older run)."""
    children = pgpool_setting(ev, "num_init_children")
    login = (ev.first("clients-start") or {}).get("login_timeout_s")
    return replace(lab, timing=replace(lab.timing, pool_children=int(children) if children and children.isdigit()
                                       else lab.timing.pool_children,
                                       login_timeout_s=login or lab.timing.login_timeout_s))


def render_markdown(ctx: LabContext, ev: Evidence, lang: str, png: Path, title_fields: dict) -> str:
    lab = as_recorded(ctx.lab, ev)  # the run's own settings where the model may have changed since
    t = TEXT[lang]
    figs = figures(lab, ev)
    why = reasoning_figures(lang, lab, ev, figs)
    found = outage(lab, ev)
    if found:
        # each from the power cut to what it caused: cause and effect fix the order
        found["detached"] = clocks.words(t, found["detached"], ordered=False)
        found["after"] = clocks.words(t, found["after"], ordered=False)
        found["seen"] = clocks.words(t, found["seen"], ordered=False) if found["seen"] else None
        found["sync_role"] = t[found["sync_role"]].format(host=found["sync"], clock=found["promoted"],
                                                           timeline=found["timeline"],
                                                           gap=clocks.words(t, found["gap"]))
        if found["undelayed"]:
            found["sync_role"] += ". " + t["c_undelayed"].format(**found["undelayed"])
        found["how"] = t["how_" + found["how"]]
    i = assignment.LANGUAGES.index(lang)
    title = {k: html_escape(v, quote=False) for k, v in title_fields.items()}  # the user's text is data, not HTML
    secs = lambda value, spec=".2f": quantity(value, t["seconds"], lang, spec)  # noqa: E731
    captions = Captions(t)
    stop_read, run_clocks = before_stop.of(lab, ev), clocks.of_run(lab, ev)
    context = {"t": t, "timing": where_time_went(t, lab, ev, figs, secs), "lab": lab, "figs": figs,
               "sections": sections(ev, lang, verdicts(t, lab, ev, figs), lab),
               "conclusion": conclusion(t, figs), "ev": ev, "session_rows": session_rows,
               "pauses": lambda window, kind: pauses_text(t, window, kind), "title": title, "clock": clock,
               "hms": lambda ts: clock(ts)[:8], "step_seconds": step_seconds,
               "clip": shorten, "log_message": log_message, "caption": captions, "commands_file": COMMANDS_FILE,
               "num": lambda value, spec="": t["nothing"] if value is None else number(value, spec, lang),
               "secs": secs,
               "msecs": lambda value: t["nothing"] if value is None else duration(value * 1000, lang),
               "assignment": {"title": assignment.TITLE[i], "goal": assignment.GOAL[i],
                              "requirements": [r[i] for r in assignment.REQUIREMENTS]},
               "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "run_date": run_date(ev, lang),
               "png_name": png.name,
               "placeholders": {k: t.get("ph_" + k) for k in titlepage.FIELDS},
               "why": why, "outage": found, "slots": last_event(ev, "slots"), "unknown_rows": unknown_rows(lab, ev),
               "reads_by_node": reads_by_node(t, ev),
               "event_names": plot.event_names(ev, lang),
               "plot_bin": plot.binned_span(ev)[2],
               "fenced": last_event(ev, "fenced"), "connections": connections(ev),
               "probe_again": last_event(ev, "probe-again"),
               # notes said once, at their first table
               "flags": {"lag_said": False, "waiting_said": False, "roles_said": False, "detached_said": False,
                         "rows_said": False, "log_said": False, "seq_said": False,
                         "probe_said": False},
               "rewinds": rejoin.rewinds(ev), "promotions": rejoin.promotions(ev),
               "fail_logs": failover_window(ev), "collapse": collapse,
               "silent_standby": silent_standby(lab, ev),
               "lost_streams": lost_streams(lab, ev),
               "demo_sql": demo_statements(lab, (ev.demo or {}).get("probe_id") or 1),
               "c_attached": attached([LogHit(**h) for h in ev.logs], lab.async_standby),
               "recover_logs": [LogHit(**h) for h in ev.recover_logs],
               "env": environment_of(ctx, ev), "schema": data.schema(lab, comments=lang == "en"),
               "tx_sql": data.transaction_sql(t), "sample_columns": data.COLUMNS,
               "samples": data.Samples(**ev.samples) if ev.samples else data.Samples(),
               "error_kinds": data.error_kinds(ev.errors, data.phases(ev)),
               "switch_gap": data.switch_gap(lab, ev),
               "client": client_program,
               "attach_breaks": attaches.attach_breaks(lab, ev), "attach_after": attaches.AFTER_S,
               "switch_order": switch_order(t, lab, ev, data.switch_gap(lab, ev)),
               "switch_errors": switch_errors(ev),
               "kind_mismatch": any("kind mismatch among backends" in e.get("error", "") for e in ev.errors),
               "abandoned_count": data.abandoned, "disagreements": consistency.disagreements(ev),
               "skew_ms": clocks.skew_ms(lab, ev), "skew": clocks.skew_source(lab, ev),
               "step_title": lambda key: next((s["title"][i] for s in ev.stages if s.get("key") == key), key),
               "allowed_skew_ms": clocks.allowed_skew_ms((ev.environment or {}).get("clock_offsets")),
               "across": lambda span, spec=".2f": clocks.words(t, span, spec),
               "rejoin_words": rejoin_words, "shortfall": clocks.delay_shortfall_ms,
               "recover_time": recover_time.of(ev), "writer_rate": lambda a, b: writer_rate(ev, a, b),
               "skew_words": lambda host, other: skew_words(t, run_clocks, host, other),
               "stale_apply": lambda snap: stale_apply(t, lab, ev, snap, secs),
               "b_released": b_released(t, lab, ev, secs),
               "step_ru": lambda step: step_names.russian(step) if lang == "ru" else None,
               "wait_parts": wait_parts, "checkpoint_when": lambda r: checkpoint_when(t, ev, r, i),
               "wal_ends": rejoin.wal_ends(ev), "c_switches": rejoin.timeline_switches(ev, lab.async_standby),
               "c_at_fork": c_at_fork(t, lab, ev), "before_stop": stop_read, "slots_left": rejoin.slots_left,
               "control_order": lambda hits: sorted(hits, key=lambda h: run_clocks.order_key(h.ts, h.host)),
               "bs_verdict": before_stop.verdict(t, lab, stop_read) if stop_read else "",
               "probe_reads": lambda probe_id, sync_after: readings.since_commit(
                   readings.probe_reads(ev, probe_id), lab.sync_standby, sync_after),
               "outputs": lambda step, host: readings.outputs(ev, step, host),
               "slots_read": lambda host: slots_read(ev, host)}
    return captions.numbered(_environment().get_template("report.md.j2").render(**context))


def printed_title(title_fields: dict, lang: str) -> str:
    """The title on the title page (and so in the PDF's metadata): the user's, else the assignment's."""
    return title_fields.get("lab_title") or assignment.TITLE[assignment.LANGUAGES.index(lang)]


def inline_code(text: str) -> str:
    """Text for the template's raw HTML (Markdown leaves that alone): escaped, its `code` as <code> tags."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", html_escape(text, quote=False))


UNBROKEN_MAX = 40  # a longer word may still break (rather than run into the next column)
LONG_PAIR = 28  # a key=value longer than this may break after its '=' (passfile=/var/lib/...)


def unbroken(value: object) -> str:
    """Code for a table cell that wraps only between words, never inside one (no break at a '-' or '/'): each
    word kept on one line, a long key=value allowed to break after its '='. Raw HTML the template allows."""
    def esc(text: str) -> str:
        return html_escape(text, quote=False).replace("|", "&#124;")

    words = []
    for word in str(value).split():
        pieces = [p for p in (re.split(r"(?<==)", word) if len(word) > LONG_PAIR else [word]) if p]
        words.append("\u200b".join(f'<span class="nw">{esc(p)}</span>' if len(p) <= UNBROKEN_MAX else esc(p)
                                   for p in pieces))
    return "<code>" + " ".join(words) + "</code>"


def nowrap(value: object) -> str:
    """A name kept on one line (a host name never broken at its '-')."""
    return f'<span class="nw">{html_escape(str(value), quote=False)}</span>'


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html.j2"]), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["inline_code"] = inline_code
    env.filters["unbroken"] = unbroken
    env.filters["nowrap"] = nowrap
    env.filters["log_hit"] = lambda h: LogHit(**h)
    env.filters["code_of"] = lambda value: f"`{value}`"  # an identifier (an app or slot name) inside prose
    env.filters["lsn"] = lsn_printed
    env.filters["host_size"] = lambda item, t: t["env_size"].format(
        host=item[0], cpus=item[1]["cpus"], memory=item[1]["memory_mb"], disk=item[1]["disk_gb"])
    env.filters["host_virt"] = lambda item: f"{item[0]} `{item[1].get('virt') or '?'}`"
    env.filters["host_offset"] = lambda item, t: t["env_offset"].format(
        host=item[0], offset=f"{item[1]['offset_s'] * 1000:+.0f}\u00a0{t['ms']}".replace("-", "\u2212"),
        bound=quantity(item[1]["bound_s"] * 1000, t["ms"], getattr(t["ms"], "lang", "en"), ".0f"))
    env.filters["c_switch"] = lambda sw, t: t["c_switch"].format(timeline=sw.timeline, clock=clock(sw.ts))
    env.filters["number_cell"] = lambda value: str(value).replace("-", "\u2212")  # a number's minus, not a hyphen
    env.tests["match_number"] = lambda value: re.fullmatch(r"-?\d+(?:\.\d+)?", value) is not None
    env.filters["lost_at"] = lambda item, t, across: t["stream_lost_at"].format(host=item[0], after=across(item[1]))
    env.filters["fork_item"] = lambda item, t: t["tl_fork_item"].format(next=item[0], timeline=item[0] - 1,
                                                                         lsn=item[1])
    return env


# The only raw HTML the Markdown may carry is the template's own (the title page's blocks and placeholders,
# its line break, the section anchors, the captions) and the code blocks Markdown makes of fenced text. Any
# other tag (from recorded evidence, say) is shown as text.
TEMPLATE_TAG = re.compile(r'</?(?:div|p|span|h1|br|a|pre|code)(?:\s+(?:class|id)="[\w -]*")*\s*/?>')
EMBEDDED = "data:image/"  # the report's own assets: the plot, embedded as a data URI


class _TemplateHtmlOnly(Postprocessor):
    """Escape every raw HTML tag that is not one of the template's (runs before raw HTML is put back)."""

    def run(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        for i, block in enumerate(stash):
            if isinstance(block, str):
                stash[i] = "".join(part if TEMPLATE_TAG.fullmatch(part) else part.replace("<", "&lt;")
                                   .replace(">", "&gt;") for part in re.split(r"(<[^<>]*>)", block))
        return text


class _OwnLinksOnly(Treeprocessor):
    """Links only within the report, images only embedded: no javascript:, file: or web address survives."""

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            for attribute, allowed in (("href", "#"), ("src", EMBEDDED)):
                if attribute in element.attrib and not element.get(attribute, "").startswith(allowed):
                    del element.attrib[attribute]


class ReportMarkup(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's name
        md.postprocessors.register(_TemplateHtmlOnly(md), "template_html_only", 35)  # raw_html is 30
        md.treeprocessors.register(_OwnLinksOnly(md), "own_links_only", 0)


def to_html(text: str, png: Path, lang: str, title: str | None = None, hosts: tuple[str, ...] = ()) -> str:
    """Self-contained HTML: the plot embedded as a data URI; no raw HTML but the template's. `title`: the
    printed title, which the PDF's metadata carries too; `hosts`: names never broken at their hyphen."""
    data = base64.b64encode(png.read_bytes()).decode()
    inline = text.replace(f"]({png.name})", f"]({EMBEDDED}png;base64,{data})")
    html = code_lines(markdown.markdown(inline, extensions=["tables", "md_in_html", "fenced_code", ReportMarkup()]))
    html = INLINE_CODE.sub(lambda m: f"<code>{whole_words(m[1])}</code>", html)  # it too breaks between words only
    html = NUMBERED.sub("\\1\u00a0\\2", html)  # "таблицей" never at a line's end with "27" on the next
    body = continued(hosts_whole(html, hosts), TEXT[lang])
    return _environment().get_template("report.html.j2").render(body=body, title=title or TEXT[lang]["title"],
                                                                lang=lang)


def hosts_whole(html: str, names: tuple[str, ...]) -> str:
    """Each hyphenated name (a host: pg-a) in the text kept on one line: a line may break after a hyphen, and
    "pg-" at a line's end with "a" on the next reads as two words. Tags and their attributes are left alone."""
    hyphenated = [re.escape(n) for n in names if "-" in n]
    if not hyphenated:
        return html
    name = re.compile(rf"(?<![\w-])({'|'.join(hyphenated)})(?![\w-])")
    return "".join(part if part.startswith("<") else name.sub(r'<span class="nw">\1</span>', part)
                   for part in re.split(r"(<[^<>]*>)", html))


NUMBERED = re.compile(r"\b((?:[Тт]аблиц|[Лл]истинг|[Рр]исун|[Tt]able|[Ll]isting|[Ff]igure)\w*) (\d+)\b")
CODE_BLOCK = re.compile(r"(<pre><code[^>]*>)(.*?)(</code></pre>)", re.S)
LONG_BLOCK = 25  # lines: a code block this long may run on to the next page (a shorter one moves whole)
CONT_END = '<span class="cont-end"></span>'  # after a table or listing: ends its "continued" running header


def whole_words(line: str) -> str:
    """A code line whose words break only at its spaces: a word with a '/', '-' or '=' (where a line may otherwise
    break: '2>/dev/' and 'null') kept on one line, unless longer than UNBROKEN_MAX (it may break rather than run
    off the page). The line is escaped text: no tag in it."""
    return " ".join(f'<span class="nw">{w}</span>' if len(w) <= UNBROKEN_MAX and re.search(r"[/=-]", w) else w
                    for w in line.split(" "))


INLINE_CODE = re.compile(r"<code>([^<]*)</code>")  # code in the text (a block's code holds a span per line)


def code_lines(html: str) -> str:
    """Each line of a code block in its own block span: the print style gives it a hanging indent, so a line
    too long for the page visibly continues indented instead of starting again at the left edge, broken only
    between words. A long block is marked so it may run on to the next page; each table's end is marked for the
    'continued' running header."""
    def one(part: str) -> str:
        return f'<span class="ln">{whole_words(part) or chr(0x200b)}</span>'

    def kept(parts: list[str]) -> str:  # a wrapped line's parts stay on one page
        return "".join(map(one, parts)) if len(parts) == 1 else '<span class="lg">' + "".join(map(one, parts)) \
            + "</span>"

    def lines(block: re.Match) -> str:
        groups = [wrapped(line) for line in block[2].rstrip("\n").split("\n")]
        start = block[1].replace("<pre>", '<pre class="long">') if sum(map(len, groups)) > LONG_BLOCK else block[1]
        return start + "".join(map(kept, groups)) + block[3] + CONT_END
    return CODE_BLOCK.sub(lines, html).replace("</table>", "</table>\n" + CONT_END)


WRAP_AT = 128  # characters of a code line that fit the printed page: DejaVu Sans Mono at 0.8 em prints 3.889 pt a
# character, and the listing box holds 508 pt inside its padding (both measured in the PDF): 130 characters
WRAPPED = "\u21aa "  # marks a code line's continuation: a teacher read a wrapped line as a line of its own


def wrapped(line: str) -> list[str]:
    """A code line (HTML-escaped) too long for the page, cut between words, each continuation marked: what is
    printed is then still the code that runs."""
    text = html_unescape(line)  # counted as printed: '&quot;' is one character on the page
    if len(text) <= WRAP_AT:
        return [line]
    parts = [html_escape(part, quote=False) for part in textwrap.wrap(
        text, WRAP_AT - len(WRAPPED), break_long_words=False, break_on_hyphens=False, replace_whitespace=False)]
    return parts[:1] + [WRAPPED + part for part in parts[1:]] if parts else [line]


CAPTION = re.compile(r'(<p class="(table|listing)-caption[^"]*" id="\2-(\d+)">)(.*?)</p>', re.S)


def continued(html: str, t: dict) -> str:
    """Each table or listing caption also names its table or listing for the pages it runs on to: a hidden span the
    print style turns into the running header «Продолжение таблицы N» (HTML only: the Markdown keeps plain
    captions)."""
    return CAPTION.sub(lambda m: f'{m[1]}{m[4]}<span class="cont">{t[m[2] + "_continued"].format(n=int(m[3]))}'
                                 "</span></p>", html)


def to_pdf(html: str, path: Path) -> Path:
    """A4 with page numbers, from the same HTML (WeasyPrint: CSS paged media, no browser needed). WeasyPrint
    fetches only the report's embedded assets: no file, no web address, no attachment from elsewhere."""
    try:
        import weasyprint
    except ImportError:
        raise ConfigError("WeasyPrint is not installed: ./quickstart installs it (pip install weasyprint)") from None
    weasyprint.HTML(string=html, url_fetcher=embedded_only_fetcher()).write_pdf(path)
    return path


def embedded_only_fetcher():
    """A WeasyPrint URL fetcher that serves data:image/ URIs and refuses everything else (file:, http(s):,
    data of other types): a refused resource is left out of the PDF."""
    def refuse_foreign(url: str) -> None:
        if not url.startswith(EMBEDDED):
            raise ValueError(f"the report fetches only its own embedded images, not {url[:60]}")

    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before the URLFetcher class: a function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            refuse_foreign(url)
            return default_url_fetcher(url, *args, **kwargs)
        return fetch

    class EmbeddedOnly(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None):
            refuse_foreign(url)
            return super().fetch(url, headers)

    return EmbeddedOnly(allowed_protocols=("data",))


def build(ctx: LabContext, out_dir: Path, lang: str = "en", pdf: bool = False,
          title_file: Path | None = None) -> dict[str, Path]:
    """Write report.md, report.html (PNG embedded), timeline.png and, if asked, report.pdf; return their paths."""
    if lang not in TEXT:
        raise ConfigError(f"unknown report language {lang!r}: use one of {', '.join(TEXT)}")
    title_fields = titlepage.load(title_file)
    ev = load_evidence(ctx)
    out_dir.mkdir(parents=True, exist_ok=True)
    warning = titlepage.warning(title_fields, title_file)
    if warning:
        print(f"pglab: warning: {warning}", file=sys.stderr)
    png = plot.timeline(ev, out_dir / "timeline.png", lang=lang)
    text = render_markdown(ctx, ev, lang, png, title_fields)
    paths = {"markdown": out_dir / "report.md", "html": out_dir / "report.html", "plot": png,
             "commands": write_commands(ev, out_dir / COMMANDS_FILE)}
    paths["markdown"].write_text(text)
    html = to_html(text, png, lang, printed_title(title_fields, lang), ctx.lab.host_names)
    paths["html"].write_text(html)
    if pdf:
        paths["pdf"] = to_pdf(html, out_dir / "report.pdf")
    ctx.state.record_event("report", lang=lang, pdf=pdf)
    return paths
