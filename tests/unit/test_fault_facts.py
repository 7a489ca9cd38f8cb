"""Deciding from the nodes' own facts: which node becomes primary after a whole-lab power loss,
and which acknowledged writes were durable on one node only."""

from __future__ import annotations

import pytest

from pglab.cluster.facts import parse_disk_facts
from pglab.cluster.rules import authoritative_primary
from pglab.evidence.at_risk import Window, alone_windows, at_risk
from pglab.model import ROOMY_PATIENCE, Lab, Timing
from pglab.speed import SpeedProbe


def facts(host: str, timeline: int, wal_end: str, state: str = "in archive recovery", standby: bool = True):
    text = (f"running: no\nstandby_signal: {'yes' if standby else 'no'}\nrole_file: x\n"
            f"cluster_state: {state}\nwal_timeline: {timeline}\nwal_end: {wal_end}\n")
    return parse_disk_facts(host, text)


def choose_primary(nodes, preferred):
    return authoritative_primary((n.node for n in nodes), preferred)


def test_parse_disk_facts():
    node = facts("pg-a", 2, "0/0405CE98", "in production", standby=False)
    assert (node.host, node.wal_timeline, node.wal_end, node.was_primary) == ("pg-a", 2, "0/0405CE98", True)
    assert not node.running and not node.standby_signal
    with pytest.raises(ValueError, match="wal_end"):
        parse_disk_facts("pg-b", "running: no\nstandby_signal: no\ncluster_state: x\nwal_timeline: 1\n")


def test_the_newest_timeline_wins_even_with_less_wal():
    """A promoted node's timeline beats a fenced former primary that wrote more on the old one."""
    old_primary = facts("pg-a", 1, "0/9000000", "in production", standby=False)
    promoted = facts("pg-c", 2, "0/4062180", "in production", standby=False)
    follower = facts("pg-b", 2, "0/4062180")
    assert choose_primary([old_primary, follower, promoted], "pg-a").host == "pg-c"


def test_on_one_timeline_its_primary_wins_then_the_most_wal_then_the_home_node():
    primary = facts("pg-a", 1, "0/5000100", "in production", standby=False)
    sync = facts("pg-b", 1, "0/5000100")
    lagging = facts("pg-c", 1, "0/4FFFF00")
    assert choose_primary([lagging, sync, primary], "pg-a").host == "pg-a"
    assert choose_primary([lagging, sync], "pg-a").host == "pg-b"
    assert choose_primary([facts("pg-a", 1, "0/5000100"), sync], "pg-a").host == "pg-a"
    # A running primary's WAL end is read while it still takes writes, its standby's a moment
    # later: the standby can look ahead, but it only holds what the primary wrote first.
    looks_ahead = facts("pg-c", 1, "0/5000200")
    assert choose_primary([primary, sync, looks_ahead], "pg-b").host == "pg-a"
    with pytest.raises(ValueError):
        choose_primary([], "pg-a")


def test_alone_windows_and_writes_at_risk():
    logs = {"pg-a": "100.0 primary-alone\n110.0 primary-sync-pg_b\n200.0 primary-alone\n",
            "pg-b": "100.5 standby-of-pg-a\n150.0 primary-alone\n160.0 standby-of-pg-a\n"}
    windows = alone_windows(logs, now=300.0)
    assert windows == [Window("pg-a", 100.0, 110.0), Window("pg-b", 150.0, 160.0), Window("pg-a", 200.0, 300.0)]
    acks = [{"id": str(t), "ts": t} for t in (99.0, 105.0, 120.0, 155.0, 250.0, 301.0)]
    assert at_risk(acks, windows) == ["105.0", "155.0", "250.0"]


def test_libpq_liveness_bounds_a_dead_peer():
    local, vms = Lab().timing, Timing.named("roomy")
    assert local.libpq_liveness["tcp_user_timeout"] == local.dead_peer_ms and local.libpq_liveness["keepalives"] == 1
    assert vms.dead_peer_ms > local.dead_peer_ms and vms.ssh_dead_after_s > local.ssh_dead_after_s


def test_every_wait_of_orchestration_is_in_the_profile_and_roomy_hosts_get_longer():
    fast, roomy = Timing.named("fast"), Timing.named("roomy")
    waits = {name for name in fast.__dataclass_fields__ if name.endswith("_s") and name not in
             ("wal_receiver_timeout_s", "replay_delay_s", "ssh_dead_after_s", "facts_s", "login_timeout_s")}
    assert waits == set(Timing.WAITS)
    assert all(getattr(roomy, w) == getattr(fast, w) * ROOMY_PATIENCE > getattr(fast, w) for w in Timing.WAITS)
    assert (fast.state_s, fast.follow_s, fast.pgpool_s, fast.pcp_patience_s) == (60, 120, 30, 3)  # as measured fit
    assert roomy.facts_s >= 10 * fast.facts_s  # pg_waldump on an emulated VM: seconds (2 s read every node as silent)
    assert roomy.login_timeout_s > 2 * fast.login_timeout_s  # a login through pgpool: seconds on an emulated VM


def test_a_role_log_torn_by_a_power_cut_is_read_around():
    """A VM's power cut can leave zeros where an appended line never reached the disk."""
    logs = {"pg-a": "100.0 primary-alone\n" + "\0" * 33 + "110.0 primary-sync-pg_b\n\0\0\0\n"}
    assert alone_windows(logs, now=300.0) == [Window("pg-a", 100.0, 110.0)]


def test_the_speed_probe_picks_the_profile_from_cpu_and_ssh():
    assert SpeedProbe("pg-a", ssh_rtt_ms=90, cpu_slowdown=1.1).profile == "fast"  # namespaces, KVM
    assert SpeedProbe("pg-a", ssh_rtt_ms=90, cpu_slowdown=14).profile == "roomy"  # QEMU software emulation
    assert SpeedProbe("pg-a", ssh_rtt_ms=900, cpu_slowdown=1.1).profile == "roomy"  # SSH answers slowly
    recorded = SpeedProbe("pg-a", 90.0, 14.0).as_dict()
    assert recorded["profile"] == "roomy" and Timing.named(recorded["profile"]).profile == "roomy"
