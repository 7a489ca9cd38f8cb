"""Log classification by message, on logs recorded during a real power-off and failover."""

from __future__ import annotations

import subprocess

import pytest

from pglab.evidence import logs
from tests.conftest import DATA


def labels(name: str, source: str, host: str) -> list[str]:
    patterns = logs.PGPOOL_PATTERNS if source == "pgpool" else logs.POSTGRES_PATTERNS
    lines = (DATA / name).read_text().splitlines()
    return [h.label for h in logs.classify(lines, host, source, patterns)]


def test_pgpool_failover_story_is_found_in_order():
    found = labels("pgpool_failover.log", "pgpool", "pgpool")
    for label in ("health check failed", "degenerate request", "failover command", "new primary", "failover done",
                  "follow primary command"):
        assert label in found, label
    assert found.index("health check failed") < found.index("failover command") < found.index("failover done")


def test_promotion_on_b_and_timeline_switch_on_c():
    assert {"promotion", "new timeline", "accepting writes"} <= set(labels("postgresql_pg-b_promotion.log",
                                                                           "postgresql", "pg-b"))
    found_c = labels("postgresql_pg-c_follow.log", "postgresql", "pg-c")
    assert "WAL stream lost" in found_c and "following new timeline" in found_c


def test_timestamps_of_each_source_and_a_line_pgpool_glued_to_another():
    assert logs.parse_timestamp("2026-11-26 08:01:43.253: main pid 1047: LOG:  x") == logs.parse_timestamp(
        "2026-11-26 08:01:43.253 UTC [1544] LOG:  x")
    assert logs.parse_timestamp("2026-11-26 08:01:43 failover.sh: x") is not None
    assert logs.parse_timestamp("no time here") is None
    glued = ("failover done. shutdown host pg-a(5432)2026-11-26 08:01:43.905: main pid 1: LOG:  "
             "failover done. shutdown host pg-a(5432)")
    hits = logs.classify([glued], "pgpool", "pgpool", logs.PGPOOL_PATTERNS)
    assert [h.label for h in hits] == ["failover done"] and hits[0].message.startswith("main pid 1")


def test_window_excludes_older_lines():
    line = "2026-11-26 08:01:43.253: main pid 1047: LOG:  health check failed on node 0 (timeout:0)"
    ts = logs.parse_timestamp(line)
    assert logs.classify([line], "pgpool", "pgpool", logs.PGPOOL_PATTERNS, since=ts + 1) == []
    assert len(logs.classify([line], "pgpool", "pgpool", logs.PGPOOL_PATTERNS, since=ts - 1)) == 1


def test_failover_breakdown_from_recorded_logs():
    """A failover recorded with full-speed clients (11:46:51.54 power-off, first write 11:46:53.79)."""
    from pglab.evidence.breakdown import failover_breakdown
    from pglab.evidence.logs import PGPOOL_PATTERNS, POSTGRES_PATTERNS, classify, parse_timestamp
    pgpool = (DATA / "pgpool_failover_fast.log").read_text().splitlines()
    promotion = (DATA / "postgresql_pg-b_promotion_fast.log").read_text().splitlines()
    hits = (classify(pgpool, "pgpool", "pgpool", PGPOOL_PATTERNS)
            + classify(promotion, "pg-b", "postgresql", POSTGRES_PATTERNS))
    off, first_ack = parse_timestamp("2026-11-27 11:46:51.540"), parse_timestamp("2026-11-27 11:46:53.790")
    phases = failover_breakdown(hits, off, first_ack)
    assert phases["detection"] == pytest.approx(1.558) and phases["failover script"] == pytest.approx(0.436)
    assert phases["promotion"] == pytest.approx(0.025) and phases["find primary"] == pytest.approx(0.014)
    assert sum(v for k, v in phases.items() if k != "promotion") == pytest.approx(first_ack - off, abs=0.002)


def test_a_pglab_node_line_relayed_into_pgpools_log_keeps_its_nodes_name_and_clock():
    """A teacher found pglab-node's lines listed under pgpool, before the failover.sh steps that ran them: each is
    stamped by the node's own clock."""
    lines = ["2026-12-01 08:52:53.199 pglab-node[pg-b]: promoting",
             "2026-12-01 08:52:52.687 failover.sh: primary pg-a failed: promoting pg-b (pgpool's choice: pg-b)"]
    hits = logs.classify(lines, "pgpool", "pgpool", logs.PGPOOL_PATTERNS)
    assert [(h.host, h.source, h.label) for h in hits] == [("pg-b", "pgpool", "failover script"),
                                                           ("pgpool", "pgpool", "failover script")]


def test_a_run_recorded_before_keeps_its_relayed_lines_under_their_nodes_too():
    recorded = [{"ts": 1.0, "host": "pgpool", "source": "pgpool", "label": "failover script",
                 "line": "2026-12-01 08:52:53.199 pglab-node[pg-b]: promoting"},
                {"ts": 0.5, "host": "pgpool", "source": "pgpool", "label": "failover script",
                 "line": "2026-12-01 08:52:52.687 failover.sh: primary pg-a failed: promoting pg-b"}]
    assert [h["host"] for h in logs.relayed_to_their_nodes(recorded)] == ["pg-b", "pgpool"]


VM_DETECTION = """\
2026-12-01 08:52:44.642: pglab-w1 pid 991: ERROR:  unable to read data from DB node 0
2026-12-01 08:52:46.118: health_check0 pid 1030: LOG:  pool_ssl: "SSL_connect": "no SSL error reported"
2026-12-01 08:52:48.054: health_check0 pid 1030: LOG:  health check retrying on DB node: 0 (round:1)
2026-12-01 08:52:49.057: health_check0 pid 1030: LOG:  failed to connect to PostgreSQL server on "pg-a:5432", timed out
2026-12-01 08:52:49.058: health_check0 pid 13: LOG:  received degenerate backend request for node_id: 0 from pid [13]
"""


def test_how_pgpool_noticed_a_powered_off_node_is_found_by_grep_on_the_host_and_labelled(tmp_path):
    """The lines of a VM run's detection (pgpool-II 4.3.5): `grep -E` on the host must pass each one (it has no
    \\d), and each gets its label - the health check caught in its TLS handshake too."""
    log = tmp_path / "pgpool.log"
    log.write_text(VM_DETECTION + "2026-12-01 08:52:45.000: child pid 1: LOG:  selecting backend connection\n")
    combined = "|".join(rx for _, rx in logs.PGPOOL_PATTERNS).replace("\\.", "[.]")
    passed = subprocess.run(["grep", "-aiE", combined, str(log)], capture_output=True, text=True, check=True).stdout
    assert passed == VM_DETECTION
    assert [h.label for h in logs.classify(passed.splitlines(), "pgpool", "pgpool", logs.PGPOOL_PATTERNS)] == [
        "backend read error", "health check handshake failed", "health check retry", "backend unreachable",
        "degenerate request"]


# pgpool-II 4.3.5's lines about its children around a switch-back (vm-32), with the lines the patterns must skip
CHILD_LINES = """\
2026-12-01 21:06:57.852: child pid 1449: LOG:  selecting backend connection
2026-12-01 21:06:57.853: child pid 1449: DETAIL:  failover or failback event detected, discarding existing connections
2026-12-01 21:07:16.418: main pid 963: LOG:  PCP child 1628 exits with status 0 in failover()
2026-12-01 21:07:16.477: main pid 963: LOG:  child process with pid: 1436 exits with status 256
2026-12-01 21:07:16.496: main pid 963: LOG:  fork a new child process with pid: 1751
2026-12-01 21:07:16.525: child pid 1751: LOG:  failover or failback event detected
2026-12-01 21:07:16.525: child pid 1751: DETAIL:  restarting myself
2026-12-01 21:07:17.581: main pid 963: LOG:  worker child process with pid: 1633 exits with status 256
2026-12-01 21:07:17.653: main pid 963: LOG:  fork a new worker child process with pid: 1771
2026-12-01 21:08:01.000: main pid 963: LOG:  child pid 1500 needs to restart because pool 0 uses backend 1
"""


def test_pgpools_lines_about_its_children_are_found_by_grep_on_the_host_and_labelled(tmp_path):
    """Each child's own line and the main process's reaping and forking of children pass `grep -E`; the PCP
    process's, the worker's and the DETAIL lines do not."""
    log = tmp_path / "pgpool.log"
    log.write_text(CHILD_LINES)
    combined = "|".join(rx for _, rx in logs.CHILD_PATTERNS).replace("\\.", "[.]")
    passed = subprocess.run(["grep", "-aiE", combined, str(log)], capture_output=True, text=True, check=True).stdout
    assert [h.label for h in logs.classify(passed.splitlines(), "pgpool", "pgpool", logs.CHILD_PATTERNS)] == [
        "child took a client", "child exited", "child forked", "child restarts itself",
        "child killed for the failed node"]
