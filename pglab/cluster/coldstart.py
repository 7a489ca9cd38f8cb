"""Bring back a cluster whose primary is in doubt (every host lost power, two primaries, a stale one returned).

The primary is decided from the nodes' own disks, never from what pglab last expected, by
`rules.authoritative_primary`: the newest timeline wins (the node promoted last), and on it the
most WAL (the primary of that timeline holds every commit it acknowledged; a synchronous standby
never holds more). pgpool is stopped while this happens, so it cannot promote on stale node
states, and started afresh (node states from the nodes, `rules.may_start_pgpool`) once the chosen
primary runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from pglab.cluster import facts, inspect, rules
from pglab.cluster.facts import NodeRole
from pglab.cluster.node import node_cmd
from pglab.context import LabContext
from pglab.polling import wait_until

Say = Callable[[str], None]
PGPOOL = "/etc/pglab/bin/pglab-pgpool"


def disk_facts(ctx: LabContext, host: str) -> facts.DiskFacts:
    return facts.parse_disk_facts(host, node_cmd(ctx, host, "facts", f"disk facts of {host}"))


def all_disk_facts(ctx: LabContext) -> list[facts.DiskFacts]:
    return [disk_facts(ctx, h.name) for h in ctx.lab.pg_hosts]


def authoritative_primary(ctx: LabContext, view: inspect.ClusterView, nodes: list[facts.DiskFacts]) -> str | None:
    """The running primary `fab recover` may keep as it is, else None (a cold start decides).

    It must be the node holding every acknowledged commit (`rules.authoritative_primary` over
    every node's disk facts), the only node running as a primary, and pgpool's primary when pgpool
    runs. A primary is not authoritative by being the only one running: an isolated primary that
    kept running is on an old timeline, and the node promoted in its place may be stopped.
    """
    chosen = rules.authoritative_primary((n.node for n in nodes), ctx.lab.primary)
    claims = [n.host for n in nodes if n.node.claims_primary]
    if claims != [chosen.host] or (view.pool and view.primary != chosen.host):
        return None
    return chosen.host


def make_primary(ctx: LabContext, node: facts.DiskFacts, sync: str, say: Say) -> None:
    """Start the chosen node as the primary: promote a standby, restart a former primary; either waits for
    the standby `sync` (rules.degraded_sync; '' : none, it runs alone) from its first commit on."""
    if node.standby_signal:
        node_cmd(ctx, node.host, "start", f"start {node.host}")
        wait_until(f"{node.host} to accept connections", lambda: inspect.probe_node(ctx, node.host).running,
                   ctx.lab.timing.state_s)
        node_cmd(ctx, node.host, f"promote {rules.app_name(sync) if sync else ''}".strip(), f"promote {node.host}")
        say(f"{node.host}: promoted (a standby with the newest WAL)")
    elif not node.running:
        role = f"primary-sync-{rules.app_name(sync)}" if sync else "primary-alone"
        node_cmd(ctx, node.host, f"role {role}", f"role of {node.host}")
        node_cmd(ctx, node.host, "start", f"start {node.host}")
        say(f"{node.host}: started as the primary it was (crash recovery replays its own WAL)")
    wait_until(f"{node.host} to run as a primary", lambda: inspect.probe_node(ctx, node.host).role == NodeRole.PRIMARY,
               ctx.lab.timing.state_s)


def cold_start(ctx: LabContext, view: inspect.ClusterView, say: Say) -> str:
    """Choose the primary from the nodes' facts, fence any other primary, restart pgpool afresh; its name.

    When pgpool already routes writes to a running primary and the facts choose that node (a
    healed false primary beside it), pgpool is left alone and only the other primary is fenced.
    """
    stable = view.primary is not None and view.probes[view.primary].role == NodeRole.PRIMARY
    if not stable:
        ctx.shell("pgpool").run(f"{PGPOOL} stop", step="stop pgpool for a cold start")
    nodes = all_disk_facts(ctx)
    for n in nodes:
        say(f"{n.host}: timeline {n.wal_timeline}, WAL up to {n.wal_end}, {n.cluster_state}"
            f"{', standby.signal' if n.standby_signal else ''}, PostgreSQL {'running' if n.running else 'stopped'}")
    best = rules.authoritative_primary((n.node for n in nodes), ctx.lab.primary)
    chosen = next(n for n in nodes if n.host == best.host)
    writable = sorted(h for h, p in view.probes.items() if p.role == NodeRole.PRIMARY)
    why = (f"{' and '.join(writable)} both run as primaries" if len(writable) > 1 else
           f"{writable[0]} runs as the only primary but lacks commits" if writable and writable[0] != chosen.host
           else "no single running primary")
    say(f"{why}: {chosen.host} has the newest timeline and, on it, every commit")
    ctx.state.record_event("cold-start", primary=chosen.host, nodes=[asdict(n) for n in nodes])
    keep_pgpool = stable and chosen.host == view.primary
    if stable and not keep_pgpool:
        ctx.shell("pgpool").run(f"{PGPOOL} stop", step="stop pgpool for a cold start")
    for host in rules.fenced((n.node for n in nodes), chosen.host):
        node_cmd(ctx, host, "stop", f"fence {host}")
        say(f"{host}: a primary beside {chosen.host} - stopped (fenced) until it is rewound")
    if keep_pgpool:
        return chosen.host
    sync = rules.degraded_sync((n.node for n in nodes), chosen.host, promoted=True)
    make_primary(ctx, chosen, sync, say)
    if sync:
        say(f"{chosen.host}: every commit waits for {sync} too, until recovery restores the synchronous standby")
    restart_pgpool(ctx, chosen.host)
    say(f"pgpool: restarted with node states read from the nodes; {chosen.host} is primary")
    return chosen.host


def restart_pgpool(ctx: LabContext, primary: str) -> None:
    """Restart pgpool with each node's state as the node reports it, until it routes writes to `primary`."""
    ctx.shell("pgpool").run(f"{PGPOOL} from-facts", step="pgpool from facts")
    wait_until(f"pgpool to route writes to {primary}", lambda: inspect.view(ctx).primary == primary,
               ctx.lab.timing.state_s)
