"""The report's figures and each section's one-line verdict, measured from what the lab recorded."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from pglab.cluster.facts import PoolStatus
from pglab.evidence import availability, clocks
from pglab.evidence.read_checks import judge
from pglab.evidence.records import Evidence
from pglab.model import Lab


@dataclass(frozen=True)
class Verdict:
    ok: bool
    text: str


def clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S.%f")[:-3]


def availability_windows(ev: Evidence) -> dict[str, availability.FaultAvailability]:
    """Per-session pauses in each window of the run: the failover (A off until recovery starts), the
    recovery with its switch-back, and the whole run with clients (until verify pauses the writers)."""
    acts = availability.activity(ev.journal, ev.reads)
    start, off = ev.first("clients-start"), ev.first("poweroff")
    recover, recovered = ev.first("recover-start"), ev.first("recovered")
    paused = ev.first("verify-pause") or ev.first("clients-stop")  # the run with clients ends at either
    windows = {}
    if off:
        windows["failover"] = availability.around_fault(acts, off["ts"], (recover or ev.events[-1])["ts"])
    if recover and recovered:
        windows["switchback"] = availability.around_fault(acts, recover["ts"], recovered["ts"])
    if start:
        windows["run"] = availability.around_fault(acts, start["ts"], (paused or ev.events[-1])["ts"])
    return windows


@dataclass(frozen=True)
class RejoinSpan:
    """A's rejoin as the report states it: from the start of the rejoin (the 'recover-start' event `fab recover`
    records after its checks; the plot's recovery band starts there too) to A's own log line 'started streaming
    WAL' (or, without that line, to the check that saw A streaming), both ends printed, the seconds between the
    printed times. `command` is when `fab recover` itself began (its checks come first)."""

    start: float
    end: float
    logged: bool  # the end is A's log line, not pglab's check
    command: float | None = None

    @property
    def seconds(self) -> float:
        return round(printed(self.end) - printed(self.start), 3)


def printed(ts: float) -> float:
    """A time as clock() prints it: cut to the millisecond."""
    at = datetime.fromtimestamp(ts, UTC)
    return at.replace(microsecond=at.microsecond // 1000 * 1000).timestamp()


def rejoin_span(lab: Lab, ev: Evidence) -> RejoinSpan | None:
    rejoin, recover = ev.first("rejoined", host=lab.primary), ev.first("recover-start")
    if not rejoin:
        return None
    begun = rejoin["ts"] - rejoin["seconds"]
    start = recover["ts"] if recover and recover["ts"] <= begun else begun
    streamed = sorted(h["ts"] for h in ev.recover_logs
                      if h["host"] == lab.primary and h["label"] == "streaming" and start <= h["ts"] <= rejoin["ts"])
    command = next((s["start"] for s in ev.stages if s.get("key") == "recover" and s.get("start")), None)
    end, logged = (streamed[0], True) if streamed else (rejoin["ts"], False)
    return RejoinSpan(start, end, logged, command if command is not None and command <= start else None)


def figures(lab: Lab, ev: Evidence) -> dict:
    """The figures of the conclusion, computed from the journal and the events."""
    off, done = ev.first("poweroff", host=lab.primary), ev.first("failover-done")
    rejoin, span = ev.first("rejoined", host=lab.primary), rejoin_span(lab, ev)
    windows = availability_windows(ev)
    lab_done = ev.first("lab-done")
    checks = judge(ev.reads, ev.journal, lab.accounts * lab.initial_balance, lab.host(lab.async_standby).app_name)
    run = clocks.of_run(lab, ev)
    # The power-off is the cut's window (clocks.POWER_OFF), the rejoin's start the control machine's time; failover
    # done, pgpool's log line; A's streaming, A's log line; a commit, the client host's clock.
    failover = run.span(off["ts"], clocks.POWER_OFF, done["ts"], "pgpool") if off and done else None
    rejoined = run.span(span.start, clocks.CONTROL, span.end, lab.primary if span.logged else clocks.CONTROL) \
        if span else None
    pooled = windows["failover"].pooled_s if "failover" in windows else None
    return {"windows": windows,
            "failover_s": failover.seconds if failover else None, "failover_span": failover,
            "pooled_span": None if pooled is None or not off else run.span(off["ts"], clocks.POWER_OFF,
                                                                           off["ts"] + pooled, "client"),
            "rejoin_clock_span": rejoined,
            "acknowledged": ev.verify.get("acknowledged", sum(r["outcome"] == "ack" for r in ev.journal)),
            "missing": ev.verify.get("missing"),
            "unknown": {"n": ev.verify.get("indeterminate"), "present": ev.verify.get("indeterminate_present"),
                        "absent": ev.verify.get("indeterminate_absent")},
            "reads": len(ev.reader_reads), "read_checks": checks.violations, "read_checks_ok": checks.ok,
            "rejoin_method": "pg_rewind" if rejoin and rejoin["method"] == "rewind" else (rejoin or {}).get("method"),
            "rejoin_s": span.seconds if span else None, "rejoin_span": span,
            "invariant": ev.verify.get("invariant_held") is True and checks.violations["invariant"] == 0,
            "checksums": ev.verify.get("checksums_equal"),
            "at_risk": ev.verify.get("at_risk"), "at_risk_missing": ev.verify.get("at_risk_missing", 0),
            **wall_time(ev, lab_done)}


def wall_time(ev: Evidence, lab_done: dict | None) -> dict:
    """The whole run's time as the report shows it: from the first step's printed start to the last step's printed
    end (the times stage 1 and the last step print), else the lab's own count."""
    steps = [s for s in ev.stages if s.get("start") and s.get("end")]
    if steps:
        start, end = min(s["start"] for s in steps), max(s["end"] for s in steps)
        return {"wall": round(printed(end) - printed(start), 3), "wall_span": (start, end)}
    return {"wall": lab_done["seconds"] if lab_done else None, "wall_span": None}


def session_rows(windows: dict[str, availability.FaultAvailability]) -> dict[str, dict]:
    """Session -> its kind and its longest pause in each window ('never': it did not come back)."""
    rows: dict[str, dict] = {}
    for name, window in windows.items():
        for p in window.sessions:
            rows.setdefault(p.session, {"kind": p.kind})[name] = "never" if p.seconds is None else p.seconds
    return {s: {"failover": None, "switchback": None, "run": None, **row} for s, row in sorted(rows.items())}


FEW_SESSIONS = 5  # below this the report lists each session's value instead of median and p95


def pauses_text(t: dict, window: availability.FaultAvailability | None, kind: str) -> str:
    """'worst 1.62 s (w3), median 1.60 s, p95 1.62 s over 8 sessions'; with fewer than FEW_SESSIONS sessions
    each one's value ('1.61 s (w1), 1.79 s (w2), 1.60 s (w3)'); or who never came back."""
    if window is None or not window.of(kind):
        return "-"
    spread, worst = window.spread(kind), window.worst(kind)
    if spread.failed:
        gone = ", ".join(p.session for p in window.never_back if p.kind == kind)
        return t["never_back"].format(sessions=gone, count=spread.failed, total=spread.count)
    if spread.count == 1:
        return t["pause_one"].format(worst=spread.worst, session=worst.session)
    if spread.count < FEW_SESSIONS:  # a median or p95 of 2-4 values says nothing the values do not
        return ", ".join(t["pause_one"].format(worst=p.seconds, session=p.session)
                         for p in sorted(window.of(kind), key=lambda p: p.session))
    return t["pauses"].format(worst=spread.worst, session=worst.session, median=spread.median, p95=spread.p95,
                              count=spread.count)


def _peers(snapshot: dict) -> dict[str, str]:
    return {p["app_name"]: p["sync_state"] for p in snapshot.get("replication", []) if p["state"] == "streaming"}


def _pool_primary(snapshot: dict) -> str | None:
    """pgpool's primary; if pgpool did not answer at that moment, the node that ran as the primary."""
    pool = snapshot.get("pool", [])
    if not pool:
        return next((h for h, p in snapshot.get("probes", {}).items() if p["running"] and not p["in_recovery"]),
                    None)
    return next((n["host"] for n in pool if n["role"] == "primary" and PoolStatus(n["status"]).attached),
                None)


def stage_1(t: dict, lab: Lab, ev: Evidence) -> Verdict:
    sync, lagging = lab.host(lab.sync_standby).app_name, lab.host(lab.async_standby).app_name
    peers, demo = _peers(ev.snapshot("1")), ev.demo
    if not demo or demo.get("visible_on_c_after_s") is None:
        return Verdict(False, t["no_evidence"])
    wait = demo.get("sync_wait") or {}
    ok = (peers.get(sync) == "sync" and peers.get(lagging) == "async" and not demo["visible_on_c_immediately"]
          and demo["visible_on_b_after_s"] < demo["visible_on_c_after_s"] and (not wait or wait.get("waiting")))
    # Host names in prose; the application names pg_stat_replication shows, in code beside them.
    named = {"sync": f"{lab.sync_standby} (`{sync}`)", "lagging": f"{lab.async_standby} (`{lagging}`)"}
    text = t["v1"].format(**named, b_s=demo["visible_on_b_after_s"],
                          c_s=demo["visible_on_c_after_s"])
    if wait.get("waiting"):  # the proof of synchrony: a commit held until B replays
        text += t["v1_wait"].format(**wait_parts(wait))
    return Verdict(ok, text)


def wait_parts(wait: dict) -> dict:
    """The held commit's times in seconds to the millisecond, from the same two recorded spans (sent to resume,
    resume to acknowledgement), so that the parts the report states add up to the total it states."""
    held = round(wait.get("held_s", 0) * 1000)
    released = round((wait.get("released_after_s") or 0) * 1000)
    return {"waited": round(wait.get("waited_s", 0) * 1000) / 1000, "held": held / 1000, "released": released / 1000,
            "total": (held + released) / 1000}


def stage_2_1(t: dict, ev: Evidence) -> Verdict:
    sessions = ev.snapshot("2.1").get("clients", {}).get("sessions", {})
    if not sessions:
        return Verdict(False, t["no_evidence"])
    kinds = [s["kind"] for s in sessions.values()]
    commits = sum(s["commits"] for s in sessions.values())
    reads = sum(s["reads"] for s in sessions.values() if s["kind"] == "reader")  # one basis: the readers' reads
    backs = sum(s["reads"] for s in sessions.values() if s["kind"] == "writer")  # the writers' read-backs
    violations = sum(s.get("invariant_violations", 0) + s.get("read_violations", 0) for s in sessions.values())
    ok = commits > 0 and reads + backs > 0 and violations == 0 and kinds.count("writer") >= 2
    return Verdict(ok, t["v2_1"].format(sessions=len(sessions), writers=kinds.count("writer"),
                                        readers=kinds.count("reader"), commits=commits, reads=reads, backs=backs))


def stage_2_2(t: dict, lab: Lab, ev: Evidence) -> Verdict:
    off = ev.first("poweroff", host=lab.primary)
    if off is None:
        return Verdict(False, t["no_evidence"])
    power = ev.snapshot("2.2").get("power", {}).get(lab.primary)
    provider = off.get("provider", "?")
    how = t.get(f"power_{provider}", f"`{provider}`")
    if off.get("cut_s") is not None:  # runs recorded before it was timed have no such figure
        middle, _ = clocks.of_run(lab, ev).to_control(off["ts"], clocks.POWER_OFF)  # what intervals count from
        how += t["power_cut_s"].format(s=off["cut_s"], middle=clock(middle))
    return Verdict(power == "off", t["v2_2"].format(host=lab.primary, clock=clock(off["ts"]), provider=how))


def stage_2_3(t: dict, lab: Lab, ev: Evidence, figs: dict) -> Verdict:
    snap, window = ev.snapshot("2.3"), figs["windows"].get("failover")
    primary = _pool_primary(snap)
    if primary is None or figs["failover_s"] is None or window is None:
        return Verdict(False, t["no_evidence"])
    follower = next((h for h, p in snap["probes"].items() if h != primary and p["running"]), "")
    probe = snap["probes"].get(follower, {})
    follows = probe.get("upstream") == primary and probe.get("timeline") == snap["probes"][primary]["timeline"]
    ok = primary != lab.primary and follows and bool(ev.logs) and not window.never_back
    failover = clocks.words(t, figs["failover_span"], ".1f", ordered=False)  # the cut to what it caused
    return Verdict(ok, t["v2_3"].format(primary=primary, failover=failover, follower=follower,
                                        timeline=probe.get("timeline"), writers=pauses_text(t, window, "writer"),
                                        readers=pauses_text(t, window, "reader"), hits=len(failover_lines(ev))))


def failover_lines(ev: Evidence) -> list[dict]:
    """Step 2.3's log lines: those logged before A was powered on again. `fab logs` run later (by hand, after the
    lab) reads the logs since the last power-off, stage 3's lines included; they belong to stage 3's table."""
    on = ev.first("poweron")
    return [h for h in ev.logs if on is None or h["ts"] < on["ts"]]


def lost_words(t: dict, missing: int) -> str:
    """'none is missing' / '3 missing': how many acknowledged writes are gone, as running text says it."""
    return t["lost_some"].format(n=missing) if missing else t["lost_none"]


def stage_3(t: dict, lab: Lab, ev: Evidence, figs: dict) -> Verdict:
    snap = ev.snapshot("3")
    if not snap or not ev.verify:
        return Verdict(False, t["no_evidence"])
    sync, lagging = lab.host(lab.sync_standby).app_name, lab.host(lab.async_standby).app_name
    peers = _peers(snap)
    ok = (_pool_primary(snap) == lab.primary and peers.get(sync) == "sync" and peers.get(lagging) == "async"
          and figs["missing"] == 0 and figs["invariant"] and figs["read_checks_ok"] and bool(figs["checksums"]))
    return Verdict(ok, t["v3"].format(primary=_pool_primary(snap), sync=lab.sync_standby, lagging=lab.async_standby,
                                      method=figs["rejoin_method"] or "-", rejoin=rejoin_words(t, figs),
                                      acknowledged=figs["acknowledged"], missing=figs["missing"],
                                      lost=lost_words(t, figs["missing"]),
                                      invariant=t["held"] if figs["invariant"] else t["broken"],
                                      checksums=t["equal"] if figs["checksums"] else t["differ"]))


def rejoin_words(t: dict, figs: dict, spec: str = ".1f") -> str:
    """The rejoin's seconds as the text states them (across two clocks when A's log line ends it)."""
    span = figs["rejoin_clock_span"]
    if span and span.bound:  # corrected by the measured offsets
        return clocks.words(t, span, spec)
    return clocks.words(t, clocks.Span(figs["rejoin_s"] or 0.0, span.bound if span else 0.0), spec)


def verdicts(t: dict, lab: Lab, ev: Evidence, figs: dict) -> dict[str, Verdict]:
    """Section key -> its verdict."""
    return {"1": stage_1(t, lab, ev), "2.1": stage_2_1(t, ev), "2.2": stage_2_2(t, lab, ev),
            "2.3": stage_2_3(t, lab, ev, figs), "3": stage_3(t, lab, ev, figs)}


def conclusion(t: dict, figs: dict) -> str:
    """The conclusion, written from the measured facts (empty if the lab did not run to the end)."""
    windows = figs["windows"]
    if any(figs[k] is None for k in ("failover_s", "rejoin_s", "missing")) or not {"failover", "switchback"} <= set(
            windows):
        return ""
    return t["concluded"].format(failover=clocks.words(t, figs["failover_span"], ".1f", ordered=False),
                                 writers=pauses_text(t, windows["failover"], "writer"),
                                 readers=pauses_text(t, windows["failover"], "reader"),
                                 method=figs["rejoin_method"], rejoin=rejoin_words(t, figs),
                                 switch=pauses_text(t, windows["switchback"], "writer"),
                                 switch_readers=pauses_text(t, windows["switchback"], "reader"),
                                 acknowledged=figs["acknowledged"], missing=figs["missing"],
                                 lost=lost_words(t, figs["missing"]),
                                 invariant=t["held"] if figs["invariant"] else t["broken"], reads=figs["reads"]) + (
        t["concluded_at_risk"].format(at_risk=figs["at_risk"], acknowledged=figs["acknowledged"],
                                      missing=figs["at_risk_missing"]) if figs.get("at_risk") is not None else "")


def reads_by_node(t: dict, ev: Evidence) -> str:
    """'reader sessions: pg_a 120, pg_b 331 (on a standby: 200); writers' read-backs: ...' (the node each read
    named itself, its cluster_name; on a standby: the reads it answered while in recovery)."""
    def count(kind: str) -> str:
        mine = [r for r in ev.reads if r.get("kind", "reader") == kind]
        nodes = Counter(r.get("node", "?") for r in mine)
        standby = Counter(r.get("node", "?") for r in mine if r.get("standby"))
        return ", ".join(f"{node} {n}" + (t["reads_on_standby"].format(n=standby[node]) if standby[node] else "")
                         for node, n in sorted(nodes.items())) or t["nothing"]
    return t["reads_by_node_value"].format(readers=count("reader"), backs=count("writer"))
