"""The decision rules: which node holds every acknowledged commit, who may boot, start pgpool, be promoted.

One home for them, pure and typed (no SSH here): `fab recover` (pglab/cluster/coldstart.py) calls
them with facts read over SSH; the hosts' scripts call them through this very file, installed as
/etc/pglab/bin/pglab-rules (python3, standard library only: see `main` at the end); the model
checker (pglab/modelcheck) calls the same functions on every state it explores.

Facts of a node are what its own disk and its running PostgreSQL say (`pglab-node facts`).
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class NodeFacts:
    """One PostgreSQL node as a decision sees it."""

    host: str
    timeline: int  # timeline of the last valid WAL record on disk (the one it writes or receives on)
    wal_end: int  # position of that record (abstract small ints in the model, bytes on hosts)
    running: bool = False
    standby_signal: bool = True
    was_primary: bool = False  # on disk the primary of its timeline (pg_controldata: in production / shut down)
    streams_from: str = ""  # running standby: the host it streams from on that host's timeline, '' if none
    reachable: bool = True  # False: the host did not answer (power off, frozen, isolated): facts unknown

    @property
    def claims_primary(self) -> bool:
        """Runs and accepts writes: a running node without standby.signal."""
        return self.reachable and self.running and not self.standby_signal

    @property
    def fenced(self) -> bool:
        """A former primary kept down: no standby.signal, not running. Only `fab recover` rejoins it."""
        return not self.standby_signal and not self.running


def rank(node: NodeFacts, preferred: str = "") -> tuple[int, bool, int, bool]:
    """Newest timeline first (the node promoted last); on it its primary, then most WAL; then `preferred`.

    A standby never holds WAL its primary did not write first, so on one timeline the primary
    wins even when its WAL end, read a moment earlier while it still took writes, looks shorter.
    Running or not plays no part: a stopped node on a newer timeline beats a running one.
    """
    return node.timeline, node.was_primary, node.wal_end, node.host == preferred


def authoritative_primary(nodes: Iterable[NodeFacts], preferred: str = "") -> NodeFacts:
    """The node that holds every acknowledged commit: the newest timeline, on it its primary, then most WAL.

    Being the only running primary makes no node authoritative (an isolated primary that kept
    running is on an old timeline; the node promoted in its place may be off right now).
    """
    nodes = list(nodes)
    if not nodes:
        raise ValueError("no node to choose a primary from")
    return max(nodes, key=lambda n: rank(n, preferred))


def may_boot_postgres(node: NodeFacts) -> bool:
    """At power-on only a standby starts by itself; a former primary stays down (fenced) until recover."""
    return node.standby_signal


def fenced(nodes: Iterable[NodeFacts], keep: str) -> list[str]:
    """The nodes to stop: every primary other than the one kept."""
    return [n.host for n in nodes if n.host != keep and n.claims_primary]


def may_reattach(standby: NodeFacts, primary: NodeFacts) -> bool:
    """pgpool may route to a standby again only while it streams from the primary on the primary's timeline."""
    return (standby.reachable and standby.running and standby.standby_signal
            and standby.streams_from == primary.host and standby.timeline == primary.timeline)


@dataclass(frozen=True)
class PoolStart:
    """pgpool may start: its primary and each backend's state (in the order given)."""

    primary: str
    states: tuple[tuple[str, bool], ...]  # (host, up)


def may_start_pgpool(nodes: Sequence[NodeFacts], preferred: str = "") -> PoolStart | None:
    """pgpool starts only when exactly one node claims primary and it is the authoritative one.

    Every node must have answered: one that did not may be on a newer timeline. The states:
    up for the primary and for standbys streaming from it on its timeline; every other node down
    (pgpool-II 4.3 would otherwise route to a false primary or balance reads to a stale node).
    """
    if not nodes or not all(n.reachable for n in nodes):
        return None
    claims = [n for n in nodes if n.claims_primary]
    if len(claims) != 1 or claims[0].host != authoritative_primary(nodes, preferred).host:
        return None
    primary = claims[0]
    return PoolStart(primary.host, tuple((n.host, n is primary or may_reattach(n, primary)) for n in nodes))


def promotion_candidate(nodes: Iterable[NodeFacts], failed: str, sync_holder: str = "") -> NodeFacts | None:
    """The standby that may be promoted in place of the failed primary `failed`, or None.

    It is the running standby with the most WAL on the newest timeline, and only if it holds at
    least what the nodes that may hold acknowledged commits hold: the failed primary when it still
    answers (it missed a health check but runs), and its synchronous standby (`sync_holder`) -
    or, for a primary that ran alone (`sync_holder` ''), every node that answers. Other standbys
    do not count beside a synchronous one: they may be ahead of it only by WAL no one acknowledged.
    None when the synchronous standby did not answer: any other node may lack commits it
    acknowledged - better no writes than lost ones.
    """
    nodes = list(nodes)
    standbys = [n for n in nodes if n.host != failed and n.reachable and n.running and n.standby_signal]
    best = max(standbys, key=lambda n: (n.timeline, n.wal_end, n.host == sync_holder), default=None)
    return best if best is not None and holds_enough(best, nodes, failed, sync_holder) else None


def holds_enough(standby: NodeFacts, nodes: list[NodeFacts], failed: str, sync_holder: str) -> bool:
    """The standby holds at least what every node that may hold acknowledged commits holds (see above)."""
    answering = [n for n in nodes if n.reachable]
    if sync_holder and not any(n.host == sync_holder and n.running and n.standby_signal for n in answering):
        return False
    bars = [n for n in answering if n.host in (failed, sync_holder)] if sync_holder else answering
    return all((standby.timeline, standby.wal_end) >= (n.timeline, n.wal_end) for n in bars)


def may_promote(new_main: str, nodes: Iterable[NodeFacts], failed: str, sync_holder: str = "") -> bool:
    """pgpool chose `new_main` (its first node up): promote it only if it holds enough (promotion_candidate)."""
    nodes = list(nodes)
    mine = next((n for n in nodes if n.host == new_main and n.host != failed and n.reachable and n.running
                 and n.standby_signal), None)
    return mine is not None and holds_enough(mine, nodes, failed, sync_holder)


def failover_promotion(nodes: Iterable[NodeFacts], failed: str, new_main: str, sync_holder: str = "",
                       up: Collection[str] | None = None) -> NodeFacts | None:
    """The standby failover.sh promotes in place of the failed primary `failed`, or None.

    The rule's choice, not pgpool's alone: the running standby with the most WAL on the newest
    timeline among those pgpool has `up` (it routes to no other), pgpool's new main node on a tie,
    and only if it holds at least what every node that may hold acknowledged commits holds
    (holds_enough) - a standby a missed health check detached still counts there: it may be the
    one holding them.
    """
    nodes = list(nodes)
    standbys = [n for n in nodes if n.host != failed and (up is None or n.host in up)
                and n.reachable and n.running and n.standby_signal]
    best = max(standbys, key=lambda n: (n.timeline, n.wal_end, n.host == new_main, n.host == sync_holder),
               default=None)
    return best if best is not None and holds_enough(best, nodes, failed, sync_holder) else None


def degraded_sync(nodes: Iterable[NodeFacts], primary: str, lost: Iterable[str] = (), promoted: bool = False,
                  up: Collection[str] | None = None) -> str:
    """The standby a primary waits for once its synchronous standby is lost (or it was just promoted), '' if none.

    Every acknowledged commit stays on two nodes after any single fault (Patroni's synchronous
    mode): a running standby pgpool has `up` - so its own loss runs failover.sh, which drops it
    again - other than the primary and the lost ones, the lab's nodes in order; it must stream
    from the primary already, unless the primary was just `promoted` (then failover.sh
    re-points it, or drops it if it cannot follow). Its level is the role file's: flush
    (synchronous_commit = on) for a standby that serves no reads (C: its replay delay must not
    stall commits), remote_apply for one that does.
    """
    gone = {primary, *lost}
    return next((n.host for n in sorted(nodes, key=lambda n: n.host)
                 if n.host not in gone and (up is None or n.host in up) and n.reachable and n.running
                 and n.standby_signal and (promoted or n.streams_from == primary)), "")


def app_name(host: str) -> str:
    """pg-c -> pg_c: a node's application_name, as synchronous_standby_names and role files name it."""
    return host.replace("-", "_")


# --- the hosts' entry point: /etc/pglab/bin/pglab-rules (provision/scripts call it) --------------

def lsn_to_int(lsn: str) -> int:
    """'0/3000148' -> byte position."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def parse_blocks(text: str) -> list[NodeFacts]:
    """Blocks of `host: NAME` followed by `pglab-node facts` lines (or `unreachable: yes`)."""
    blocks: list[dict[str, str]] = []
    for line in text.splitlines():
        key, _, value = line.partition(": ")
        if key == "host":
            blocks.append({"host": value.strip()})
        elif blocks and value:
            blocks[-1][key.strip()] = value.strip()
    return [node_from_values(b) for b in blocks]


def node_facts(host: str, timeline: int, wal_end: str, *, running: bool, standby_signal: bool, cluster_state: str,
               receiving: str) -> NodeFacts:
    """NodeFacts from what `pglab-node facts` prints (`receiving`: the walreceiver's "HOST TIMELINE")."""
    parts = receiving.split()
    streams = parts[0] if len(parts) == 2 and int(parts[1]) == timeline else ""
    return NodeFacts(host=host, timeline=timeline, wal_end=lsn_to_int(wal_end), running=running,
                     standby_signal=standby_signal, streams_from=streams,
                     was_primary=not standby_signal and cluster_state in ("in production", "shut down"))


def node_from_values(v: dict[str, str]) -> NodeFacts:
    """NodeFacts from the `key: value` lines of `pglab-node facts`; a node that said nothing is unreachable."""
    if v.get("unreachable") == "yes" or "wal_timeline" not in v or "wal_end" not in v:
        return NodeFacts(host=v["host"], timeline=0, wal_end=0, reachable=False)
    return node_facts(v["host"], int(v["wal_timeline"]), v["wal_end"], running=v.get("running") == "yes",
                      standby_signal=v.get("standby_signal") == "yes", cluster_state=v.get("cluster_state", ""),
                      receiving=v.get("receiving", ""))


USAGE = """usage: pglab-rules pgpool-states [PREFERRED] | failover FAILED NEW_MAIN | sync-standby PRIMARY LOST
  reads blocks of `host: NAME` + `pglab-node facts` lines (or `unreachable: yes`) on stdin;
  pgpool-states: exit 0 and one line per node (up|down) if pgpool may start, else exit 1 and why;
  failover: `promote HOST` and `sync APP` (APP '' : none) for failover.sh, else exit 1 and why;
  sync-standby: the application name the primary waits for once LOST is gone ('' : none)"""


def role_files(text: str) -> dict[str, str]:
    """Each block's `role_file:` line (pglab-node's role, e.g. primary-sync-pg_b), by host."""
    roles: dict[str, str] = {}
    host = ""
    for line in text.splitlines():
        key, _, value = line.partition(": ")
        if key == "host":
            host = value.strip()
        elif key == "role_file" and host:
            roles[host] = value.strip()
    return roles


def sync_holder_of(text: str, primary: str, hosts: Iterable[str]) -> str:
    """The synchronous standby the primary's role file names, '' if it ran alone or did not answer."""
    role = role_files(text).get(primary, "")
    return next((h for h in hosts if role == f"primary-sync-{app_name(h)}"), "")


def pool_up(text: str) -> set[str]:
    """The hosts whose block has no `pgpool_status: down` line (failover.sh adds it from pgpool's status file)."""
    hosts, down = [], set()
    for line in text.splitlines():
        key, _, value = line.partition(": ")
        if key == "host":
            hosts.append(value.strip())
        elif key == "pgpool_status" and value.strip() == "down" and hosts:
            down.add(hosts[-1])
    return set(hosts) - down


def failover_main(failed: str, new_main: str, stdin: str) -> tuple[int, str]:
    """failover.sh's decision: which node to promote, and which standby it then waits for."""
    nodes = parse_blocks(stdin)
    holder = sync_holder_of(stdin, failed, (n.host for n in nodes))
    chosen = failover_promotion(nodes, failed, new_main, holder, pool_up(stdin))
    if chosen is None:
        silent = " ".join(n.host for n in nodes if not n.reachable) or "none"
        return 1, (f"no promotion: no running standby holds every acknowledged commit "
                   f"(synchronous standby {holder or 'unknown'}; not answering: {silent})")
    sync = degraded_sync(nodes, chosen.host, [failed], promoted=True, up=pool_up(stdin))
    return 0, f"promote {chosen.host}\nsync {app_name(sync) if sync else ''}"


def main(argv: Sequence[str], stdin: str) -> tuple[int, str]:
    """The host helper: (exit code, output)."""
    if len(argv) == 3 and argv[0] == "failover":
        return failover_main(argv[1], argv[2], stdin)
    if len(argv) == 3 and argv[0] == "sync-standby":
        sync = degraded_sync(parse_blocks(stdin), argv[1], [argv[2]], up=pool_up(stdin))
        return 0, app_name(sync) if sync else ""
    if not argv or argv[0] != "pgpool-states":
        return 2, USAGE
    nodes = parse_blocks(stdin)
    start = may_start_pgpool(nodes, argv[1] if len(argv) > 1 else "")
    if start is not None:
        return 0, "\n".join("up" if up else "down" for _, up in start.states)
    silent = [n.host for n in nodes if not n.reachable]
    if silent or not nodes:
        return 1, f"pgpool may not start: no facts from {' '.join(silent) or 'any node'}"
    claims = " ".join(n.host for n in nodes if n.claims_primary) or "none"
    return 1, (f"pgpool may not start: running as primary: {claims}; "
               f"every commit is on {authoritative_primary(nodes).host}")


if __name__ == "__main__":
    code, out = main(sys.argv[1:], sys.stdin.read())
    print(out, file=sys.stdout if code == 0 else sys.stderr)
    sys.exit(code)
