"""The decision rules (pglab/cluster/rules.py) over a case table, and the hosts' entry point to them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pglab.cluster import rules
from pglab.cluster.rules import NodeFacts
from pglab.provisioning.files import rules_script


def primary(host: str, tl: int, wal: int, running: bool = True) -> NodeFacts:
    return NodeFacts(host, tl, wal, running=running, standby_signal=False, was_primary=True)


def standby(host: str, tl: int, wal: int, upstream: str = "", running: bool = True) -> NodeFacts:
    return NodeFacts(host, tl, wal, running=running, streams_from=upstream)


# (case, nodes, the node holding every acknowledged commit)
AUTHORITATIVE = [
    ("stale primary returns: a stopped node on a newer timeline beats the only running primary",
     [primary("pg-a", 1, 9), primary("pg-b", 2, 5, running=False), standby("pg-c", 2, 4)], "pg-b"),
    ("two primaries after an isolation healed: the newest timeline",
     [primary("pg-a", 1, 9, running=False), primary("pg-b", 2, 8), primary("pg-c", 3, 6)], "pg-c"),
    ("one timeline: its primary beats a standby that looks ahead",
     [primary("pg-a", 1, 5), standby("pg-b", 1, 5, "pg-a"), standby("pg-c", 1, 6, "pg-a")], "pg-a"),
    ("one timeline, no primary: the most WAL", [standby("pg-b", 1, 5), standby("pg-c", 1, 4)], "pg-b"),
    ("a tie: the preferred node", [standby("pg-a", 1, 5), standby("pg-b", 1, 5)], "pg-a"),
]


@pytest.mark.parametrize("case,nodes,expected", AUTHORITATIVE, ids=[c[0] for c in AUTHORITATIVE])
def test_authoritative_primary(case, nodes, expected):
    assert rules.authoritative_primary(nodes, "pg-a").host == expected
    with pytest.raises(ValueError):
        rules.authoritative_primary([])


# (case, nodes, None if pgpool may not start else the states up/down in node order)
POOL_START = [
    ("the scripted path: A primary, B and C stream from it",
     [primary("pg-a", 1, 5), standby("pg-b", 1, 5, "pg-a"), standby("pg-c", 1, 4, "pg-a")], (True, True, True)),
    ("stale primary returns: pgpool stays down beside A",
     [primary("pg-a", 1, 9), primary("pg-b", 2, 5, running=False), standby("pg-c", 1, 4)], None),
    ("two primaries: pgpool stays down",
     [primary("pg-a", 1, 9, running=False), primary("pg-b", 2, 8), primary("pg-c", 3, 6)], None),
    ("no primary running: down", [standby("pg-a", 1, 5), standby("pg-b", 1, 5), standby("pg-c", 1, 4)], None),
    ("a node did not answer: it may be on a newer timeline",
     [primary("pg-a", 1, 5), NodeFacts("pg-b", 0, 0, reachable=False), standby("pg-c", 1, 4, "pg-a")], None),
    ("a fenced former primary and a standby on an old timeline are down",
     [primary("pg-a", 1, 9, running=False), primary("pg-b", 2, 5), standby("pg-c", 1, 4, "pg-b")],
     (False, True, False)),
]


@pytest.mark.parametrize("case,nodes,expected", POOL_START, ids=[c[0] for c in POOL_START])
def test_may_start_pgpool(case, nodes, expected):
    start = rules.may_start_pgpool(nodes, "pg-a")
    assert (None if start is None else tuple(up for _, up in start.states)) == expected


def test_boot_fencing_and_reattach():
    assert rules.may_boot_postgres(standby("pg-c", 1, 4, running=False))
    assert not rules.may_boot_postgres(primary("pg-a", 1, 4, running=False))
    nodes = [primary("pg-a", 1, 9), primary("pg-b", 2, 8), standby("pg-c", 2, 7, "pg-b")]
    assert rules.fenced(nodes, "pg-b") == ["pg-a"] and primary("pg-a", 1, 9, running=False).fenced
    assert rules.may_reattach(nodes[2], nodes[1]) and not rules.may_reattach(standby("pg-c", 1, 7, "pg-b"), nodes[1])


def test_promotion_never_behind_the_synchronous_standby():
    b, c = standby("pg-b", 1, 5, "pg-a"), standby("pg-c", 1, 4, "pg-a")
    assert rules.promotion_candidate([b, c], "pg-a", "pg-b") == b
    assert rules.may_promote("pg-b", [b, c], "pg-a", "pg-b") and not rules.may_promote("pg-c", [b, c], "pg-a", "pg-b")
    # C ahead by WAL no one acknowledged: the synchronous standby still may be promoted
    assert rules.may_promote("pg-b", [b, standby("pg-c", 1, 6)], "pg-a", "pg-b")
    # the synchronous standby silent (lost with the primary): nobody is promoted
    assert rules.promotion_candidate([c], "pg-a", "pg-b") is None and not rules.may_promote("pg-c", [c], "pg-a", "pg-b")
    # a primary that ran alone: the most WAL on the newest timeline, and not behind any node that answers
    assert rules.promotion_candidate([b, c, standby("pg-a", 0, 9)], "pg-x") == b
    assert not rules.may_promote("pg-c", [b, c], "pg-a")  # issue 16: C promoted with less WAL than B
    # a primary that missed a health check but runs: nothing behind it is promoted
    alive = primary("pg-a", 1, 6)
    assert rules.promotion_candidate([alive, b, c], "pg-a", "pg-b") is None
    assert rules.may_promote("pg-b", [primary("pg-a", 1, 5), b, c], "pg-a", "pg-b")


# (case, nodes, pgpool's new main node, the failed primary's synchronous standby, promoted, then waits for)
FAILOVER = [
    ("the scripted path: B, the synchronous standby, and C waits", [standby("pg-b", 1, 5, "pg-a"),
     standby("pg-c", 1, 5, "pg-a")], "pg-b", "pg-b", "pg-b", "pg-c"),
    ("C holds more than pgpool's choice B (A ran alone): C, and B follows it",
     [standby("pg-b", 1, 4, "pg-a"), standby("pg-c", 1, 6, "pg-a")], "pg-b", "", "pg-c", "pg-b"),
    ("a missed health check left B behind and detached (silent to the rule): C, nobody to wait for",
     [NodeFacts("pg-b", 0, 0, reachable=False), standby("pg-c", 1, 6, "pg-a")], "pg-c", "", "pg-c", ""),
    ("the synchronous standby silent: nobody", [NodeFacts("pg-b", 0, 0, reachable=False),
     standby("pg-c", 1, 6, "pg-a")], "pg-c", "pg-b", None, ""),
    ("the failed primary still answers and is ahead: nobody", [primary("pg-a", 1, 7),
     standby("pg-b", 1, 5, "pg-a"), standby("pg-c", 1, 5, "pg-a")], "pg-b", "pg-b", None, ""),
    ("the switch-back: B stopped cleanly, A its synchronous standby, C as far", [primary("pg-b", 2, 9, False),
     standby("pg-a", 2, 9, "pg-b"), standby("pg-c", 2, 9, "pg-b")], "pg-a", "pg-a", "pg-a", "pg-c"),
]


@pytest.mark.parametrize("case,nodes,new_main,holder,promoted,sync", FAILOVER, ids=[c[0] for c in FAILOVER])
def test_failover_promotion_and_the_standby_it_waits_for(case, nodes, new_main, holder, promoted, sync):
    failed = "pg-b" if promoted == "pg-a" else "pg-a"
    chosen = rules.failover_promotion(nodes, failed, new_main, holder)
    assert (chosen.host if chosen else None) == promoted
    if chosen:
        assert rules.degraded_sync(nodes, chosen.host, [failed], promoted=True) == sync


def test_degraded_sync_takes_a_standby_streaming_from_the_primary():
    nodes = [primary("pg-a", 1, 9), standby("pg-b", 1, 9, "pg-a"), standby("pg-c", 1, 8, "pg-a")]
    assert rules.degraded_sync(nodes, "pg-a", ["pg-b"]) == "pg-c"
    assert rules.degraded_sync(nodes, "pg-a", ["pg-c"]) == "pg-b"
    # C on an old upstream, or silent (pgpool has it down): the primary runs alone
    assert rules.degraded_sync([*nodes[:2], standby("pg-c", 1, 8, "pg-b")], "pg-a", ["pg-b"]) == ""
    assert rules.degraded_sync([*nodes[:2], NodeFacts("pg-c", 0, 0, reachable=False)], "pg-a", ["pg-b"]) == ""


FACTS = {"pg-a": "running: yes\nstandby_signal: no\ncluster_state: in production\nwal_timeline: 1\nwal_end: 0/9000000\n"
                 "receiving: \n",
         "pg-b": "running: no\nstandby_signal: no\ncluster_state: in production\nwal_timeline: 2\nwal_end: 0/5000000\n",
         "pg-c": "running: yes\nstandby_signal: yes\ncluster_state: in archive recovery\nwal_timeline: 2\n"
                 "wal_end: 0/4000000\nreceiving: pg-b 2\n"}


def helper(stdin: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """The script the pgpool host runs (/etc/pglab/bin/pglab-rules), as rendered, run by a bare python."""
    path = tmp_path / "pglab-rules"
    path.write_text(rules_script())
    return subprocess.run([sys.executable, "-I", str(path), *(args or ("pgpool-states", "pg-a"))], input=stdin,
                          capture_output=True, text=True, cwd=tmp_path)


def test_host_helper_keeps_pgpool_down_beside_a_stale_primary(tmp_path):
    stale = "".join(f"host: {h}\n{t}" for h, t in FACTS.items())
    out = helper(stale, tmp_path)
    assert out.returncode == 1 and "every commit is on pg-b" in out.stderr
    healed = stale.replace("running: no\nstandby_signal: no", "running: yes\nstandby_signal: no").replace(
        "host: pg-a\nrunning: yes", "host: pg-a\nrunning: no")
    out = helper(healed, tmp_path)
    assert out.returncode == 0 and out.stdout.split() == ["down", "up", "up"]
    out = helper("host: pg-a\nunreachable: yes\n" + "".join(f"host: {h}\n{FACTS[h]}" for h in ("pg-b", "pg-c")),
                 tmp_path)
    assert out.returncode == 1 and "no facts from pg-a" in out.stderr


def test_host_helper_decides_failover_sh(tmp_path):
    """failover.sh's calls: the synchronous standby read from the failed primary's role file when it answers."""
    live = ("host: pg-a\nrunning: no\nstandby_signal: no\nrole_file: primary-sync-pg_b\ncluster_state: shut down\n"
            "wal_timeline: 1\nwal_end: 0/9000000\n")
    b = "host: pg-b\nrunning: yes\nstandby_signal: yes\nwal_timeline: 1\nwal_end: 0/9000000\nreceiving: pg-a 1\n"
    c = b.replace("pg-b", "pg-c")
    out = helper(live + b + c, tmp_path, "failover", "pg-a", "pg-b")
    assert out.returncode == 0 and out.stdout.split("\n")[:2] == ["promote pg-b", "sync pg_c"]
    out = helper(live + "host: pg-b\nunreachable: yes\n" + c, tmp_path, "failover", "pg-a", "pg-c")
    assert out.returncode == 1 and "synchronous standby pg-b" in out.stderr and "pg-b" in out.stderr
    out = helper("host: pg-a\nunreachable: yes\n" + b + c, tmp_path, "sync-standby", "pg-a", "pg-b")
    assert out.returncode == 0 and out.stdout.strip() == "pg_c"
    out = helper(live + b + "host: pg-c\nunreachable: yes\n", tmp_path, "sync-standby", "pg-a", "pg-b")
    assert out.returncode == 0 and out.stdout.strip() == ""


def test_recover_keeps_a_running_primary_only_if_it_holds_every_commit():
    """coldstart.authoritative_primary: the stale primary of issue 16 is not kept, the scripted path is."""
    from types import SimpleNamespace

    from pglab.cluster import coldstart, inspect
    from pglab.cluster.facts import NodeRole, PoolNode, PoolStatus, parse_disk_facts
    from pglab.model import Lab

    ctx = SimpleNamespace(lab=Lab())
    disks = [parse_disk_facts(h, text) for h, text in FACTS.items()]

    def view(primary: str) -> inspect.ClusterView:
        pool = [PoolNode(0, primary, 5432, PoolStatus.UP, NodeRole.PRIMARY, "", 0, 0)]
        return inspect.ClusterView(power={}, pool=pool)
    assert coldstart.authoritative_primary(ctx, view("pg-a"), disks) is None  # A runs alone; B has the commits
    assert coldstart.authoritative_primary(ctx, inspect.ClusterView(power={}), disks) is None
    flipped = {"pg-a": FACTS["pg-a"].replace("running: yes", "running: no"),  # A fenced, B started
               "pg-b": FACTS["pg-b"].replace("running: no", "running: yes"), "pg-c": FACTS["pg-c"]}
    b_running = [parse_disk_facts(h, text) for h, text in flipped.items()]
    assert coldstart.authoritative_primary(ctx, view("pg-b"), b_running) == "pg-b"
    assert coldstart.authoritative_primary(ctx, view("pg-c"), b_running) is None
