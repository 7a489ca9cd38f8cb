"""The report states only what its evidence shows: an interval between two clocks carries its bound (or says it
has none), where each node's WAL ended is read from its own log lines, how soon a standby can notice a dead
primary comes from its own conninfo, and why the async standby needed no rewind from its own log."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from pglab.evidence import clocks, detection, rejoin, report, titlepage, verdicts
from pglab.evidence.i18n import TEXT
from pglab.evidence.records import Evidence
from pglab.model import Lab
from tests.unit import lab_evidence

NO_TITLE = dict.fromkeys(titlepage.FIELDS, "")

VM_CONNINFO = ("host=pg-a port=5432 user=replicator application_name=pg_b connect_timeout=2 keepalives_idle=2 "
               "keepalives_interval=1 keepalives_count=2 tcp_user_timeout=15000")


def markdown_of(ev: Evidence, lang: str) -> str:
    return report.render_markdown(SimpleNamespace(lab=Lab()), ev, lang, Path("timeline.png"), NO_TITLE)


def vm(ev: Evidence, offsets: dict | None = None) -> Evidence:
    ev.environment = {**ev.environment, "provider": "vagrant", "hypervisor": "libvirt/qemu", "clock_offsets": offsets}
    return ev


# Intervals across clocks

def test_an_offset_is_read_between_two_readings_of_the_control_clock():
    found = clocks.read_offset(100.0, 103.0, 100.2)
    assert (found.offset_s, found.bound_s) == (2.9, 0.1)


def test_an_interval_has_no_bound_without_measured_offsets_and_none_on_one_clock():
    local, vms = clocks.Clocks.of("local", None), clocks.Clocks.of("vagrant", None)
    assert local.span(10.0, clocks.CONTROL, 12.0, "pgpool") == clocks.Span(2.0, 0.0)
    assert vms.span(10.0, clocks.CONTROL, 12.0, "pgpool").bound is None
    assert vms.span(10.0, "pg-b", 12.0, "pg-b") == clocks.Span(2.0, 0.0), "one host's own clock"
    measured = clocks.Clocks.of("vagrant", {"pgpool": {"offset_s": 0.5, "bound_s": 0.05},
                                            "pg-b": {"offset_s": -0.2, "bound_s": 0.07}})
    span = measured.span(10.0, clocks.CONTROL, 12.0, "pgpool")
    assert (round(span.seconds, 3), span.bound) == (1.5, 0.05) and span.established
    across = measured.span(10.0, "pg-b", 10.3, "pgpool")  # 0.3 s apart by the two logs: -0.4 s corrected
    assert round(across.seconds, 3) == -0.4 and round(across.bound, 3) == 0.12


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_interval_within_its_bound_states_no_order_and_one_without_a_bound_says_so(lang):
    t = TEXT[lang]
    assert clocks.words(t, clocks.Span(0.22, 0.0)) in ("0.22 s", "0,22\u00a0с")
    within = clocks.words(t, clocks.Span(0.22, 0.66))
    assert within == t["span_within"].format(s=clocks.words(t, clocks.Span(0.22, 0)),
                                             bound=clocks.words(t, clocks.Span(0.66, 0)))
    assert clocks.words(t, clocks.Span(2.07, None)) == t["span_unknown"].format(
        s=clocks.words(t, clocks.Span(2.07, 0)))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_vm_run_without_offsets_marks_every_interval_between_pglabs_clock_and_a_log(lang):
    t = TEXT[lang]
    unknown = t["span_unknown"].split("{s}")[1]
    text = markdown_of(vm(lab_evidence.evidence()), lang)
    outage = text.split('id="s2-2"')[1].split('id="s2-3"')[0]
    failover = text.split('id="s2-3"')[1].split('id="s3"')[0]
    conclusion = text.split('id="conclusion"')[1]
    assert outage.count(unknown) >= 2, "pgpool's detach and B's promotion against the power-off and the snapshot"
    assert unknown in failover.split("\n\n")[0] or unknown in failover, "the failover's seconds"
    assert unknown in conclusion
    assert t["env_no_offsets"] in text and t["log_clocks_note"] in text
    assert unknown not in markdown_of(lab_evidence.evidence(), lang), "the local provider: one clock"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_measured_offsets_correct_the_intervals_and_give_their_bound(lang):
    t = TEXT[lang]
    offsets = {h: {"offset_s": 0.5, "bound_s": 0.04} for h in ("pgpool", "pg-a", "pg-b", "pg-c", "client")}
    ev = vm(lab_evidence.evidence(), offsets)
    text = markdown_of(ev, lang)
    assert t["span_unknown"].split("{s}")[1] not in text
    found = report.outage(Lab(), ev)
    assert round(found["detached"].seconds, 2) == 1.74 and found["detached"].bound == 0.046  # 2.25 s - 0.5 s, from
    # the 12 ms power cut's middle, its half in the bound
    assert "±" in text.split('id="s2-2"')[1].split('id="s2-3"')[0]
    assert t["env_offsets"].split("{when}")[0] in text and t["env_offsets_when_end"] in text
    assert t["env_offsets_short"].split("{ms}")[0] not in text  # the run implies no skew beyond the offsets


def test_readings_at_several_moments_give_the_middle_and_an_error_covering_them_all():
    start = {"pg-a": {"offset_s": 0.10, "bound_s": 0.02}, "pg-b": {"offset_s": -0.30, "bound_s": 0.01}}
    after_poweron = {"pg-b": {"offset_s": -0.40, "bound_s": 0.01}}  # pg-a did not answer
    end = {"pg-a": {"offset_s": 0.90, "bound_s": 0.02}, "pg-b": {"offset_s": -0.50, "bound_s": 0.01}}
    found = clocks.combine([start, after_poweron, end])
    assert found["pg-a"] == {"offset_s": 0.5, "bound_s": 0.42, "readings": 2}  # 0.08 .. 0.92
    assert found["pg-b"] == {"offset_s": -0.4, "bound_s": 0.11, "readings": 3}  # -0.51 .. -0.29
    assert clocks.combine([end]) == {h: {**o, "readings": 1} for h, o in end.items()}
    assert clocks.allowed_skew_ms(found) == 1430  # |0.5 + 0.4| + 0.42 + 0.11
    assert clocks.allowed_skew_ms({"pg-a": found["pg-a"]}) is None


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_skew_the_run_implies_beyond_the_measured_offsets_is_said(lang):
    t = TEXT[lang]
    offsets = {h: {"offset_s": 0.0, "bound_s": 0.1, "readings": 3} for h in ("pgpool", "pg-a", "pg-b", "pg-c")}
    ev = vm(lab_evidence.evidence(), offsets)
    ev.demo = {**ev.demo, "visible_on_c_after_s": Lab().timing.replay_delay_s - 0.663}  # skew >= 663 ms
    text = markdown_of(ev, lang)
    assert t["env_offsets_when_three"] in text
    assert t["env_offsets_short"].format(ms=663, allow=200) in text
    ev.environment["clock_offsets"] = {**offsets, "pg-c": {"offset_s": 0.6, "bound_s": 0.1, "readings": 3}}
    assert t["env_offsets_short"].split("{ms}")[0] not in markdown_of(ev, lang)  # 0.6 + 0.2 s allow 800 ms


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_switch_backs_shutdown_and_detach_are_not_ordered_within_the_clock_skew(lang):
    t = TEXT[lang]
    ev = vm(lab_evidence.evidence())
    ev.demo = {**ev.demo, "visible_on_c_after_s": Lab().timing.replay_delay_s - 0.663}  # skew >= 663 ms
    gap = report.data.switch_gap(Lab(), ev)
    assert gap is not None
    said = report.switch_order(t, Lab(), ev, gap)
    assert said == t["order_skew"].format(gap=clocks.words(t, clocks.Span(gap.detached - gap.stopping, 0)), skew=663)


# Where the WAL ended (item 2) and why C needed no rewind (item 8)

def with_wal_ends(b_last: str) -> Evidence:
    ev = lab_evidence.evidence()
    for e in ev.events:
        if e["event"] == "rewind-output":
            e["lines"] = [*e["lines"][:5], "2026-12-01 10:31:55.129 UTC [901] LOG:  invalid record length at "
                          "0/5000F48: wanted 24, got 0", *e["lines"][5:]]
    ev.logs.append({"ts": lab_evidence.OFF + 2.65, "host": "pg-b", "source": "postgresql", "label": "redo",
                    "line": f"2026-12-01 10:31:37.650 UTC [77] LOG:  redo done at {b_last} system usage: CPU"})
    return ev


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_divergence_is_read_from_as_crash_recovery_and_bs_promotion(lang):
    t = TEXT[lang]
    ev = with_wal_ends("0/5000F10")
    ends = rejoin.wal_ends(ev)
    assert ends == rejoin.WalEnds("pg-a", "0/5000F10", "0/5000F48", "pg-b", "0/5000F10", "0/5000F48") and ends.same
    text = markdown_of(ev, lang)
    assert t["wal_ends_same"].format(**ends.__dict__) in text
    assert "`remote_apply`" in t["wal_ends_same"]
    # the old misreading: WAL on A past the divergence that B never received
    assert "which B never received" not in text and "которых B не получал" not in text
    behind = rejoin.wal_ends(with_wal_ends("0/5000E00"))
    assert not behind.same and t["wal_ends_behind"].format(**behind.__dict__) in markdown_of(with_wal_ends(
        "0/5000E00"), lang)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_c_needed_no_rewind_because_its_own_log_followed_each_new_timeline(lang):
    t = TEXT[lang]
    ev = with_wal_ends("0/5000F10")
    switches = rejoin.timeline_switches(ev, "pg-c")
    assert [s.timeline for s in switches] == [2]
    lines = t["c_switch"].format(timeline=2, clock=verdicts.clock(switches[0].ts))
    at_fork = report.c_at_fork(t, Lab(), ev)
    probe = ev.snapshot("2.2")["probes"]["pg-c"]
    assert at_fork == (t["c_snap_before"].format(host="pg-c", lsn=probe["lsn"]) if probe["timeline"] == 1 else
                       t["c_snap_after"].format(host="pg-c", timeline=probe["timeline"]))
    fork = rejoin.wal_ends(ev).fork
    said = t["c_no_rewind"].format(host="pg-c", primary="pg-a", end="0/5000F48", fork=fork, snapshot=at_fork,
                                   lines=lines)
    assert said in markdown_of(ev, lang)
    # a teacher found A's WAL end called the divergence point: the two are named apart
    assert "`0/5000F48`, the divergence point" not in said and f"`{fork}`" in said


# How soon B could notice its primary gone (item 5)

def test_detection_follows_the_keepalive_settings_and_tcp_user_timeout():
    found = detection.of(VM_CONNINFO, 30.0)
    assert (found.keepalive_s, found.notice_s) == (4, 15.0)
    assert detection.of(VM_CONNINFO.replace(" tcp_user_timeout=15000", ""), 30.0).notice_s == 4
    assert detection.of(VM_CONNINFO, 10.0).notice_s == 10.0, "never later than wal_receiver_timeout"
    assert detection.of("host=pg-a keepalives_idle=2", 30.0) is None


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_bs_silence_is_explained_by_its_conninfo_not_by_wal_receiver_timeout_alone(lang):
    t = TEXT[lang]
    ev = lab_evidence.evidence()
    for node in ev.configuration["nodes"]:
        node["settings"] = [(k, VM_CONNINFO if k == "primary_conninfo" else v) for k, v in node["settings"]]
    silent = report.silent_standby(Lab(), ev)
    assert silent and silent["detection"].notice_s == 5.0  # capped by the fixture's wal_receiver_timeout of 5 s
    failover = markdown_of(ev, lang).split('id="s2-3"')[1].split('id="s3"')[0]
    assert t["silent_keepalive"].split("{host}")[0] in failover and "tcp_user_timeout=15000" in failover
    assert t["silent_standby"].split("{timeout}")[0].split("{host}")[-1] not in failover


# Signed apply age (item 21)

def test_a_negative_apply_age_is_shown_with_its_sign():
    ev = lab_evidence.evidence()
    probes = ev.stages[2]["snapshot"]["probes"]
    host = next(h for h, p in probes.items() if p.get("in_recovery"))
    probes[host]["replay_age_s"] = -0.35
    text = markdown_of(ev, "ru")
    assert "\u22120,35\u00a0с" in text and not re.search(r"< 0,1", text)


# What each attach cost the sessions (a teacher: "the attaches' breaks are not tabled")

def with_attach(at: float, broken: tuple[str, ...], gap: float) -> Evidence:
    """The run with a pcp_attach_node of pg-b at `at` that broke `broken`: an error each, then no commit for `gap`."""
    ev = lab_evidence.evidence()
    ev.commands.append({"ts": at + 0.4, "host": "pgpool", "user": "postgres", "step": "pcp_attach_node",
                        "command": "/usr/sbin/pcp_attach_node -h localhost -p 9898 -U pgpool -w -n 1", "exit": 0,
                        "seconds": 0.4, "output_tail": ""})
    ev.journal = [r for r in ev.journal if not (r["session"] in broken and at < r["ts"] < at + gap)]
    ev.errors += [{"ts": at + 0.1, "session": s, "phase": "transfer", "error": "server closed the connection"}
                  for s in broken]
    return ev


def test_an_attach_counts_the_sessions_it_broke_and_their_pauses_from_their_own_records():
    at = lab_evidence.RECOVERED + 5  # after the recovery, before the writers pause: nothing else breaks them
    ev = with_attach(at, ("w1", "w2", "w3"), 0.9)
    found = report.attaches.attach_breaks(Lab(), ev)
    assert [(b.host, b.broken, b.sessions, b.errors) for b in found] == [("pg-b", 3, 10, 3)]
    assert found[0].started == pytest.approx(at) and found[0].seconds == 0.4
    assert 0.9 < found[0].worst < 1.0 and 0.9 < found[0].median < 1.0
    quiet = report.attaches.attach_breaks(Lab(), with_attach(at, (), 0.0))
    assert [(b.broken, b.worst) for b in quiet] == [(0, None)]
    before_clients = with_attach(lab_evidence.CLIENTS - 10, ("w1",), 0.5)  # the demonstration's attaches
    assert report.attaches.attach_breaks(Lab(), before_clients) == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_attach_table_is_in_stage_3(lang):
    t = TEXT[lang]
    text = markdown_of(with_attach(lab_evidence.RECOVERED + 5, ("w1", "w2"), 0.9), lang)
    stage3 = text.split('id="s3"')[1]
    assert t["attach_table"].split("`")[0] in stage3 and t["attach_of"].format(broken=2, sessions=10) in stage3
    assert t["attach_note"].split("`")[0] in stage3
    assert ("3,00\u00a0с после" if lang == "ru" else "3.00 s after") in stage3


def test_an_attachs_window_ends_where_the_switch_back_begins():
    """A's attach a moment before the switch-back: the switch-back's errors are not the attach's."""
    at = lab_evidence.SWITCH - 0.6
    ev = with_attach(at, ("w1",), 0.2)
    found = report.attaches.attach_breaks(Lab(), ev)
    assert [(b.broken, b.errors) for b in found] == [(1, 1)]  # not the 8 writers failing at the switch-back
    assert found[0].worst < 0.3


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_demonstration_shows_the_log_lines_of_bs_stop(lang):
    """A teacher: "pgpool detached pg-b and failover.sh made pg-c synchronous" had no log line behind it."""
    t = TEXT[lang]
    ev = lab_evidence.evidence()
    at = lab_evidence.CLIENTS - 20
    ev.demo = {**ev.demo, "b_stop_logs": [
        {"ts": at, "host": "pg-b", "source": "postgresql", "label": "shutdown requested",
         "line": "2026-12-01 10:30:42.100 UTC [50] LOG:  received fast shutdown request"},
        {"ts": at + 1.2, "host": "pgpool", "source": "pgpool", "label": "failover script",
         "line": "2026-12-01 10:30:43.300 failover.sh: standby pg-b failed: no promotion; the primary now waits for "
                 "pg_c"}]}
    stage1 = markdown_of(ev, lang).split('id="s1"')[1].split('id="s2"')[0]
    assert t["demo_logs"].format(host="pg-b").split("`")[0] in stage1
    words = re.sub(r"<[^>]+>", "", stage1)  # log messages are set word by word for the PDF
    assert "received fast shutdown request" in words and "the primary now waits for pg_c" in words
    ev.demo = {k: v for k, v in ev.demo.items() if k != "b_stop_logs"}
    assert t["demo_logs"].format(host="pg-b").split("`")[0] not in markdown_of(ev, lang)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_unknown_commit_is_placed_by_a_s_own_wal_end(lang):
    """A teacher: 'at most it was in A's WAL past the divergence, which pg_rewind discarded' when A's WAL ended where
    B's replay did - then it never reached A's disk."""
    t = TEXT[lang]
    same = markdown_of(with_wal_ends("0/5000F10"), lang)
    assert t["unknown_wal_same"] in same and t["unknown_wal_rewound"] not in same
    assert t["unknown_wal_rewound"] in markdown_of(lab_evidence.evidence(), lang)


def test_an_attachs_broken_session_counts_its_errors_until_it_is_back():
    """A teacher: 4 reconnection errors 4.5 s after an attach belonged to no table (the window had closed)."""
    at = lab_evidence.RECOVERED + 5
    ev = with_attach(at, ("w1",), 5.0)  # w1 fails at the attach and is back only 5 s later
    ev.errors.append({"ts": at + 4.5, "session": "w1", "phase": "connect", "error": "connection timeout expired"})
    found = report.attaches.attach_breaks(Lab(), ev)
    assert [(b.broken, b.errors) for b in found] == [(1, 2)]
    assert 5.0 < found[0].worst < 5.1


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_conclusion_says_how_much_pg_rewind_copied_and_stage_3_what_recover_checked_first(lang):
    """A teacher: pg_rewind praised over a copy while it copied 77 % of one; 140 s of 'checks' never said."""
    t = TEXT[lang]
    ev = lab_evidence.evidence()
    text = markdown_of(ev, lang)
    conclusion = text.split('id="conclusion"')[1]
    assert t["concluded_rewind_copy"].format(copy=52, total=73, pct=71) in conclusion
    assert t["recover_checks"].split("{s}")[0] not in text  # the recorded run's checks took under 5 s
    for stage in ev.stages:
        if stage["key"] == "recover":
            stage["start"] = lab_evidence.RECOVER - 30  # fab recover began 30 s before the rejoin
    assert verdicts.rejoin_span(Lab(), ev).command == lab_evidence.RECOVER - 30
    assert t["recover_checks"].split("{s}")[0] in markdown_of(ev, lang)
