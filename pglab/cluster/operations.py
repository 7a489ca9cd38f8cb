"""Cluster operations: `fab recover` (rejoin with pg_rewind, switch back to A, B synchronous and C
asynchronous again) and the manual failover, with the waits they are made of.

Each reads the cluster's facts first, decides, then acts. Progress goes to a `say` callback as
plain sentences; what was done comes back as values (RecoveryReport, a rejoin's method and time)
and as events in the lab's record.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pglab.cluster import coldstart, inspect, slots
from pglab.cluster.facts import NodeRole, RejoinMethod, SyncState, lsn_to_int, pool_down, pool_primary
from pglab.cluster.node import node_cmd
from pglab.context import LabContext
from pglab.errors import ClusterStateError, LabNotUpError, NothingToRecoverError, StageOrderError
from pglab.polling import wait_until
from pglab.providers import PowerState
from pglab.remote import fan_out

Say = Callable[[str], None]


@dataclass
class RecoveryReport:
    """What `recover` did, for the report and the benchmark."""

    rejoined: dict[str, RejoinMethod] = field(default_factory=dict)  # host -> how it was rejoined
    rejoin_seconds: dict[str, float] = field(default_factory=dict)
    switched_back: bool = False
    switchover_seconds: float = 0.0
    total_seconds: float = 0.0


def is_original_topology(ctx: LabContext, view: inspect.ClusterView) -> bool:
    """A primary, B synchronous and C asynchronous, all three up in pgpool."""
    lab = ctx.lab
    sync, lagging = lab.host(lab.sync_standby), lab.host(lab.async_standby)
    peer_b, peer_c = view.peer(sync.app_name), view.peer(lagging.app_name)
    return (view.primary == lab.primary and all(n.status.attached for n in view.pool)
            and peer_b is not None and peer_b.sync_state == SyncState.SYNC and peer_b.state == "streaming"
            and peer_c is not None and peer_c.sync_state == SyncState.ASYNC and peer_c.state == "streaming")


def wait_original_topology(ctx: LabContext, timeout: float | None = None) -> inspect.ClusterView:
    """Until A is primary with B sync and C async streaming, all attached; the view that showed it."""
    def check() -> inspect.ClusterView | None:
        view = inspect.view(ctx)
        return view if is_original_topology(ctx, view) else None
    return wait_until("the original topology (A primary, B sync, C async)", check,
                      timeout=timeout or ctx.lab.timing.state_s)


def streams_from(ctx: LabContext, host: str, upstream: str) -> bool:
    """Streaming from `upstream` on the upstream's own timeline (a standby stuck on an old one is not). Both nodes
    are read at once: one after the other, each read - SSH and a query, ~3.4 s on emulated VMs - doubled every poll
    of a rejoin and of the switch-back."""
    probe, up = fan_out((host, upstream), lambda name: inspect.probe_node(ctx, name))
    return (probe.running and probe.in_recovery and probe.receiving and probe.upstream == upstream
            and probe.timeline == up.timeline)


def rejoin(ctx: LabContext, host: str, primary: str, say: Say) -> tuple[RejoinMethod, float]:
    """Make `host` a standby of `primary` (pg_rewind first); return (method, seconds)."""
    started = time.monotonic()
    say(f"{host}: rejoining as a standby of {primary} (pg_rewind first)")
    out = node_cmd(ctx, host, f"follow {primary}", f"rejoin {host}")
    try:
        method = RejoinMethod.said_by(out)
    except ValueError as exc:
        raise ClusterStateError(f"{host}: {exc} (fab logs)") from None
    rewind = [line.removeprefix("rewind: ") for line in out.splitlines() if line.startswith("rewind: ")]
    if rewind:  # pg_rewind's own words: where the timelines diverged, the target's crash recovery
        ctx.state.record_event("rewind-output", host=host, source=primary, lines=rewind)
    if method == RejoinMethod.BASEBACKUP:
        say(f"{host}: pg_rewind was impossible - FULL BASE BACKUP used (its cost grows with the database)")
    wait_until(f"{host} to stream from {primary}", lambda: streams_from(ctx, host, primary), ctx.lab.timing.state_s)
    seconds = time.monotonic() - started
    shown = "pg_rewind" if method == RejoinMethod.REWIND else method
    say(f"{host}: streaming from {primary} ({shown}, {seconds:.1f} s)")
    return method, seconds


def attach(ctx: LabContext, host: str, primary: str, say: Say = lambda _: None) -> None:
    """Attach `host` in pgpool; one that serves reads becomes `primary`'s synchronous standby first."""
    if ctx.lab.serves_reads(host):
        make_synchronous(ctx, primary, host, say)
    node_id = ctx.lab.host(host).node_id
    inspect.pcp_command(ctx, "pcp_attach_node", f"-n {node_id}")
    wait_until(f"pgpool to attach {host}", lambda: any(
        n.host == host and n.status.attached for n in inspect.pool_nodes(ctx)), ctx.lab.timing.pgpool_s)


def wait_until_streaming_and_attached(ctx: LabContext, host: str) -> None:
    """A standby that was stopped: wait until it streams from the primary again, attach it in pgpool."""
    primary = ctx.lab.primary
    wait_until(f"{host} to stream from {primary}", lambda: streams_from(ctx, host, primary), ctx.lab.timing.state_s)
    if pool_down(inspect.pool_nodes(ctx), host):
        attach(ctx, host, primary)


def wait_caught_up(ctx: LabContext, primary: str, standby: str, timeout: float | None = None) -> None:
    """Until the standby has replayed everything the primary had written when we started waiting."""
    target = lsn_to_int(inspect.probe_node(ctx, primary).lsn)
    wait_until(f"{standby} to replay up to {primary}'s position",
               lambda: lsn_to_int(inspect.probe_node(ctx, standby).lsn or "0/0") >= target,
               timeout or ctx.lab.timing.state_s)


def switch_back(ctx: LabContext, current: str, say: Say) -> float:
    """Planned switchover to the original primary with no acknowledged write lost; returns seconds.

    The current primary is shut down cleanly first, so A and C receive all of its WAL and A's
    new timeline forks after it; only then does pgpool detach it and failover.sh promote A.
    """
    home = ctx.lab.host(ctx.lab.primary)
    attach_home(ctx, current, say)
    node_cmd(ctx, current, f"role primary-sync-{home.app_name}", "guard switchover")
    say(f"{current}: {home.app_name} is now its synchronous standby, so every acknowledged commit is on {home.name}")
    wait_caught_up(ctx, current, home.name)
    # pgpool takes the detach below only after the 1 s sleep that ended its last failback (A's attach, just
    # before): stopping the primary during that sleep would add the rest of it to every session's outage.
    wait_until("pgpool to end its last failback", lambda: inspect.pgpool_settled(ctx), ctx.lab.timing.pgpool_s)
    before_stop = inspect.replication_snapshot(ctx, current)  # the evidence that A is synchronous and caught up
    started = time.monotonic()
    ctx.state.record_event("switchover", host=home.name, before_stop=before_stop)
    node_cmd(ctx, current, "stop", f"stop {current} for switchover")
    say(f"{current}: shut down cleanly; pgpool detaches it and failover.sh promotes {home.name}")
    inspect.pcp_command(ctx, "pcp_detach_node", f"-n {ctx.lab.host(current).node_id}", check=False)
    # failover.sh reads every node's facts first (each may take up to facts_s, a second read 3 x facts_s), then
    # promotes. pgpool's own view only (one PCP call): a whole cluster view probes every node, seconds each on
    # emulated VMs, and the time below would measure that polling (61.7 s in one VM run whose sessions paused 26-28 s)
    wait_until(f"pgpool to route writes to {home.name}", lambda: pool_primary(inspect.pool_nodes(ctx)) == home.name,
               ctx.lab.timing.state_s + 4 * ctx.lab.timing.facts_s,
               describe=lambda: f"failover.sh's newest line: {inspect.failover_script_said(ctx) or 'none'}")
    seconds = time.monotonic() - started
    ctx.state.record_event("switched-back", host=home.name, seconds=round(seconds, 2))
    say(f"{home.name} is primary again ({seconds:.1f} s after {current} stopped)")
    return seconds


def restore_sync(ctx: LabContext, say: Say) -> None:
    """The original durability: the primary waits for its synchronous standby again."""
    lab = ctx.lab
    sync = lab.host(lab.sync_standby)
    wait_until(f"{sync.name} to stream from {lab.primary}", lambda: streams_from(ctx, sync.name, lab.primary),
               lab.timing.state_s)
    node_cmd(ctx, lab.primary, f"role primary-sync-{sync.app_name}", "restore synchronous standby")
    # A failover made C synchronous without its replay delay (sync-standby-of-*): asynchronous again, it lags again.
    node_cmd(ctx, lab.async_standby, f"role standby-of-{lab.primary}", f"{lab.async_standby} delayed again")
    view = wait_original_topology(ctx)
    say(f"{lab.primary} primary; {sync.app_name} {view.peer(sync.app_name).sync_state}; "
        f"{lab.host(lab.async_standby).app_name} {view.peer(lab.host(lab.async_standby).app_name).sync_state}")


def converge_standbys(ctx: LabContext, primary: str, report: RecoveryReport, say: Say) -> None:
    """Every other node streams from `primary` and is attached in pgpool.

    One node after the other: a node that loses power mid-rejoin fails the command at once,
    where side-by-side rejoins would first wait for the others.
    """
    for host in (h.name for h in ctx.lab.pg_hosts if h.name != primary):
        if not streams_from(ctx, host, primary):
            report.rejoined[host], report.rejoin_seconds[host] = rejoin(ctx, host, primary, say)
            ctx.state.record_event("rejoined", host=host, method=report.rejoined[host],
                                   seconds=round(report.rejoin_seconds[host], 2),
                                   slots=[vars(s) for s in slots.slots_of(ctx, host)])  # what pg_rewind left
        pool = inspect.pool_nodes(ctx)
        if not pool_down(pool, host):
            continue
        reading = [n.host for n in pool if n.host not in (host, primary) and n.status.attached
                   and ctx.lab.serves_reads(n.host)]
        if ctx.lab.serves_reads(host) and reading:
            # One synchronous standby at a time: making this one synchronous would leave reading[0] serving
            # reads as an asynchronous standby (stale reads, caught by fab chaos after a double fault).
            say(f"{host}: left detached while {reading[0]} serves reads as {primary}'s synchronous standby")
            continue
        attach(ctx, host, primary, say)
        say(f"pgpool: {host} attached")


def attach_home(ctx: LabContext, current: str, say: Say) -> None:
    """A attached in pgpool before the switch-back, which promotes it through pgpool's failover - and pgpool
    promotes only a node it has up. A left detached (C was promoted, B serves reads as C's synchronous standby)
    takes the synchronous role from that other read-serving standby, which is detached first (never an asynchronous
    standby serving reads) until it follows A after the switch-back."""
    home, pool = ctx.lab.primary, inspect.pool_nodes(ctx)
    if not pool_down(pool, home):
        return
    for other in (n.host for n in pool if n.host not in (home, current) and n.status.attached
                  and ctx.lab.serves_reads(n.host)):
        inspect.pcp_command(ctx, "pcp_detach_node", f"-n {ctx.lab.host(other).node_id}")
        wait_until(f"pgpool to detach {other}", lambda other=other: pool_down(inspect.pool_nodes(ctx), other),
                   ctx.lab.timing.pgpool_s)
        say(f"pgpool: {other} detached until it follows {home}, which takes the synchronous role for the switch-back")
    attach(ctx, home, current, say)
    say(f"pgpool: {home} attached")


def make_synchronous(ctx: LabContext, primary: str, standby: str, say: Say) -> None:
    """`standby` becomes `primary`'s synchronous standby (remote_apply) before pgpool may balance reads to it:
    every read it serves then sees every acknowledged commit (read-your-writes). Attached earlier, as an
    asynchronous standby of B during recovery, A served stale reads - the read checks caught 35 in one run."""
    app = ctx.lab.host(standby).app_name
    # Caught up first, as an asynchronous standby: from the role change on, every commit waits for its replay,
    # and a standby seconds behind (A just rewound and started) held every writer for as long (3.5 s at full load).
    wait_caught_up(ctx, primary, standby)
    node_cmd(ctx, primary, f"role primary-sync-{app}", f"{standby} synchronous before it serves reads")
    wait_until(f"{standby} to be {primary}'s synchronous standby", lambda: any(
        p.app_name == app and p.sync_state == SyncState.SYNC for p in inspect.replication_of(ctx, primary)),
        ctx.lab.timing.state_s)
    # Commits acknowledged before it became synchronous did not wait for it: it serves reads only once it has
    # replayed them too (later commits wait for its apply). Without this, fab chaos caught read-backs on it
    # that missed their own write, acknowledged a moment before.
    wait_caught_up(ctx, primary, standby)
    say(f"{primary}: {app} is its synchronous standby before pgpool balances reads to it")


def recover(ctx: LabContext, say: Say) -> RecoveryReport:
    """Stage 3: rejoin what failed (pg_rewind), switch back to A, restore B sync and C async."""
    started = time.monotonic()
    lab, report = ctx.lab, RecoveryReport()
    for host in (h.name for h in lab.pg_hosts):
        if ctx.provider.power_state(host) is not PowerState.RUNNING:
            raise LabNotUpError(f"{host} is powered off: `fab poweron {host}` first, then `fab recover`")
    ctx.provider.require_up(hosts=("pgpool",))
    acted = bool(ctx.provider.frozen() or ctx.provider.degraded())  # a recovery that only undid these is one too
    undo_gray_failures(ctx, say)
    if not ctx.shell("pgpool").run("test -f /etc/pgpool2/failover.sh", check=False, step="pgpool set up?").ok:
        raise StageOrderError("pgpool is not set up: run `fab setup` first")
    view = inspect.view(ctx)
    primary = coldstart.authoritative_primary(ctx, view, coldstart.all_disk_facts(ctx))
    if primary is None:  # no primary, two, or a stale one: decide from the nodes' own facts
        primary, acted = coldstart.cold_start(ctx, view, say), True
        view = inspect.view(ctx)
    elif not view.pool:
        say(f"pgpool is not running beside primary {primary}: starting it with node states from the nodes")
        coldstart.restart_pgpool(ctx, primary)
        view, acted = inspect.view(ctx), True
    if is_original_topology(ctx, view) and not acted:
        raise NothingToRecoverError(f"nothing to recover: {lab.primary} is primary, {lab.sync_standby} sync, "
                              f"{lab.async_standby} async and all are attached")
    ctx.state.record_event("recover-start", primary=primary)
    # pgpool's reused SSH connection to a node that lost power died with it; the switch-back's failover.sh reads
    # every node's facts, and a new connection's handshake there cost seconds of emulated CPU (A's facts: 10-17 s
    # against 2-7 s for the others in two VM runs). Opened now, in the background, it is ready long before.
    ctx.shell("pgpool").run(f"{coldstart.PGPOOL} warm-ssh", step="open pgpool's SSH connections")
    if not is_original_topology(ctx, view):  # a cold start of every node may have restored it already
        converge_standbys(ctx, primary, report, say)
        if primary != lab.primary:
            report.switchover_seconds = switch_back(ctx, primary, say)
            report.switched_back = True
            converge_standbys(ctx, lab.primary, RecoveryReport(), say)
    restore_sync(ctx, say)
    slots.drop_stale(ctx, say)
    report.total_seconds = time.monotonic() - started
    ctx.state.record_event("recovered", **{"seconds": round(report.total_seconds, 2), "methods": report.rejoined})
    return report


def undo_gray_failures(ctx: LabContext, say: Say) -> None:
    """Setup and recovery need every host answering at full speed: a frozen host is thawed, a degraded link
    cleared - said, not silent (a 300 ms delay on emulated VMs outlasts a 3 s connect timeout)."""
    for host in sorted(ctx.provider.frozen()):
        ctx.power(host, "thaw")
        say(f"{host} was frozen: thawed first (every host must answer)")
    for host, degradation in sorted(ctx.provider.degraded().items()):
        ctx.power(host, "clear")
        say(f"{host}'s link was degraded ({degradation}): cleared first")


def manual_failover(ctx: LabContext, say: Say) -> str:
    """Detach a primary that does not answer, so pgpool runs the failover; return the new primary."""
    view = inspect.view(ctx)
    primary = view.primary
    if primary is None:
        raise ClusterStateError("pgpool has no primary to fail over from")
    if view.probes[primary].running:
        raise StageOrderError(f"{primary} is up and primary: no failover needed (power it off first: "
                              f"fab poweroff {primary})")
    node_id = ctx.lab.host(primary).node_id
    say(f"pgpool: detaching {primary} (pcp_detach_node -n {node_id}); failover.sh promotes the next node")
    inspect.pcp_command(ctx, "pcp_detach_node", f"-n {node_id}")
    return wait_for_new_primary(ctx, primary)


def wait_for_new_primary(ctx: LabContext, old: str, timeout: float | None = None) -> str:
    """Until pgpool routes writes to a running primary other than `old`; return its name."""
    def found() -> str | None:
        view = inspect.view(ctx, pcp_patience=ctx.lab.timing.pcp_patience_s)
        new = view.primary
        if not view.pool:  # pgpool's PCP process is being restarted (end of a failover): the nodes' view
            new = next((h for h, p in view.probes.items() if p.role == NodeRole.PRIMARY and h != old), None)
        return new if new and new != old and view.probes[new].role == NodeRole.PRIMARY else None
    return wait_until(f"a new primary in place of {old}", found, timeout or ctx.lab.timing.state_s)
