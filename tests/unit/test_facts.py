"""Parsers of what hosts say, against outputs recorded from pgpool-II 4.3.5 and PostgreSQL 15."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from pglab.cluster import facts
from tests.conftest import DATA


def test_pool_nodes_from_health_check_stats():
    nodes = facts.parse_health_check_stats((DATA / "pcp_health_check_stats.txt").read_text())
    assert [(n.node_id, n.host, n.role, n.status) for n in nodes] == [
        (0, "pg-a", "primary", "up"), (1, "pg-b", "standby", "up"), (2, "pg-c", "standby", "up")]
    assert nodes[0].last_change.startswith("2026-") and nodes[0].failed_checks == 1


def test_pool_nodes_reject_garbage():
    with pytest.raises(ValueError, match="unexpected pcp_health_check_stats"):
        facts.parse_health_check_stats("ERROR: connection to host failed\n")
    with pytest.raises(ValueError, match="no "):
        facts.parse_health_check_stats("Node Id : 0\nHost Name : pg-a\n")


def test_replication_rows():
    peers = facts.parse_replication([["pg_b", "10.213.27.12", "streaming", "sync", "0/3000060", "0/3000060",
                                      "0.000412", "pg_b"],
                                     ["pg_c", "10.213.27.13", "streaming", "async", "0/3000060", "0/2000000", "",
                                      "pg_c"]])
    assert peers[0].sync_state == "sync" and peers[0].replay_lag_s == pytest.approx(0.000412)
    assert peers[1].replay_lag_s is None and peers[1].slot == "pg_c"


def test_node_probe_of_a_standby_and_of_a_stopped_node():
    standby = facts.parse_node_probe("pg-c", [["t", "1", "0/4000000", "pg-b", "streaming", "2", "5.0213",
                                               "standby-of-pg-b\n"]])
    assert standby.role == "standby" and standby.timeline == 2 and standby.upstream == "pg-b" and standby.receiving
    assert standby.replay_age_s == pytest.approx(5.0213)  # now() - pg_last_xact_replay_timestamp()
    primary = facts.parse_node_probe("pg-a", [["f", "3", "0/9000000", "", "", "", "", "primary-sync-pg_b"]])
    assert primary.role == "primary" and primary.timeline == 3 and not primary.receiving
    assert primary.replay_age_s is None
    assert standby.role_file == "standby-of-pg-b" and primary.role_file == "primary-sync-pg_b"
    stopped = facts.parse_node_probe("pg-a", [], "standby-of-pg-b")  # the file read without PostgreSQL
    assert stopped.role == "down" and stopped.role_file == "standby-of-pg-b"


def test_lsn_arithmetic():
    assert facts.lsn_to_int("0/3000148") == 0x3000148
    assert facts.lsn_to_int("1/0") == 1 << 32
    assert facts.lsn_to_int("0/E469DD0") > facts.lsn_to_int("0/E183338")


def test_states_roles_and_methods_are_enums_that_read_and_serialise_as_the_words_hosts_say():
    nodes = facts.parse_health_check_stats((DATA / "pcp_health_check_stats.txt").read_text())
    assert nodes[0].status is facts.PoolStatus.UP and nodes[0].role is facts.NodeRole.PRIMARY
    assert nodes[0].status.attached and facts.PoolStatus.WAITING.attached and not facts.PoolStatus.DOWN.attached
    assert json.loads(json.dumps(asdict(nodes[0])))["status"] == "up"
    assert f"{nodes[0].status}/{nodes[0].role}" == "up/primary"
    assert facts.RejoinMethod.said_by("log line\nmethod: rewind\n") is facts.RejoinMethod.REWIND
    with pytest.raises(ValueError, match="no known method: 'rewound'"):
        facts.RejoinMethod.said_by("method: rewound")
    with pytest.raises(ValueError):
        facts.parse_health_check_stats((DATA / "pcp_health_check_stats.txt").read_text().replace(": up", ": upp"))


def test_pgpool_is_settled_only_after_the_pcp_restart_that_ends_a_switch():
    """Lines as pgpool-II 4.3.5 logs them; the newest of PGPOOL_SWITCH_LINES decides."""
    import re
    log = ["2026-12-01 01:21:45.842: main pid 77: LOG:  failback done. reconnect host pg-a(5432)",
           "2026-12-01 01:21:46.848: main pid 77: LOG:  fork a new PCP child pid 611 in failover()",
           "failover done. shutdown host pg-b(5432)2026-12-01 01:21:47.650: main pid 77: LOG:  failover done. "
           "shutdown host pg-b(5432)",
           "2026-12-01 01:21:48.661: main pid 77: LOG:  fork a new PCP child pid 700 in failover()"]

    def newest(lines: list[str]) -> str:  # what `tac LOG | grep -m1 -E PGPOOL_SWITCH_LINES` prints
        return next((x for x in reversed(lines) if re.search(facts.PGPOOL_SWITCH_LINES, x)), "")

    assert not facts.pgpool_settled(newest(log[:1]))  # in the 1 s sleep after a failback
    assert facts.pgpool_settled(newest(log[:2]))
    assert not facts.pgpool_settled(newest(log[:3]))
    assert facts.pgpool_settled(newest(log))
    assert facts.pgpool_settled(newest(["2026-12-01 01:20:00.000: main pid 77: LOG:  pgpool-II successfully started"]))
