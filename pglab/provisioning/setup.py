"""`fab setup`: stage 1 of the assignment - A primary, B synchronous, C asynchronous, pgpool in front."""

from __future__ import annotations

import time
from collections.abc import Callable

from pglab.cluster import inspect, operations
from pglab.cluster.facts import NodeRole, PoolStatus
from pglab.cluster.inspect import probe_node
from pglab.context import LabContext
from pglab.errors import ClusterStateError
from pglab.model import HostRole, HostSpec
from pglab.polling import wait_until
from pglab.provisioning import packages, pgpool, postgres
from pglab.provisioning.files import (
    AUTHORIZED_KEYS,
    SYSCTL_CONF,
    client_host_files,
    common_files,
    postgres_host_files,
    server_tls_files,
)
from pglab.provisioning.installer import install_files
from pglab.remote import fan_out
from pglab.workload import program_source

Say = Callable[[str], None]


def prepare_host(ctx: LabContext, host: HostSpec) -> str:
    """Packages and the files of the host's role."""
    shell, lab, secrets = ctx.shell(host.name), ctx.lab, ctx.state.secrets()
    installed = packages.ensure_packages(shell, lab, host)
    files = common_files(lab, ctx.state.ca().cert)
    if host.role in (HostRole.POSTGRES, HostRole.PGPOOL):
        files += server_tls_files(ctx.state.server_tls(host.name, host.address))
    if host.role == HostRole.POSTGRES:
        files += postgres_host_files(lab, host, secrets, ctx.state.key_pair("postgres").public_line)
    elif host.role == HostRole.CLIENT:
        files += client_host_files(lab, secrets, program_source())
    changed = install_files(shell, files, step=f"{host.role} files")
    if AUTHORIZED_KEYS in changed:  # pgpool's open connections predate the key's restrictions
        pgpool.close_ssh(ctx, host.name)
    shell.run(f"sysctl -q -p {SYSCTL_CONF} && /etc/pglab/bin/pglab-enable-boot", step="boot settings")
    return f"{host.name}: " + (f"installed {', '.join(installed)}" if installed else "packages present")


def refuse_if_failed_over(ctx: LabContext) -> None:
    """Setup converges a cluster in its original topology; after a failover, recover comes first."""
    primary = probe_node(ctx, ctx.lab.primary)
    if primary.role_file and primary.role != NodeRole.PRIMARY:
        state = "stopped" if not primary.running else primary.role
        raise ClusterStateError(f"{primary.host} is not running as the primary ({state}, role {primary.role_file}): "
                                "after a failover or a power loss run `fab recover` - it decides the primary from "
                                "the nodes' own facts and restores A/B/C (or `fab destroy` and `fab up` for a new lab)")


def setup(ctx: LabContext, say: Say = print) -> float:
    """Provision every host; safe to run again. Returns the seconds it took."""
    started = time.monotonic()
    lab = ctx.lab
    ctx.provider.require_up()
    operations.undo_gray_failures(ctx, say)
    for line in fan_out(lab.hosts, lambda h: prepare_host(ctx, h)):
        say(str(line))
    refuse_if_failed_over(ctx)
    primary = lab.host(lab.primary)
    postgres.build_primary(ctx, primary)
    say(f"{primary.name}: primary ready (roles, database {lab.database}, schema, seed rows)")
    standbys = [h for h in lab.pg_hosts if h.name != primary.name]
    for line in fan_out(standbys, lambda h: postgres.build_standby(ctx, h, primary.name)):
        say(str(line))
    sync = lab.host(lab.sync_standby)
    operations.node_cmd(ctx, primary.name, f"role primary-sync-{sync.app_name}", "synchronous standby")
    say(f"{primary.name}: {sync.app_name} is the synchronous standby; {lab.async_standby} replays "
        f"{lab.timing.replay_delay_s} s late")
    changed = pgpool.install(ctx)
    pgpool.start(ctx, restart=bool(changed))
    for node in wait_until("pgpool's pcp to answer", lambda: inspect.pool_nodes(ctx), lab.timing.pgpool_s):
        if node.status == PoolStatus.DOWN:  # rebuilt above while pgpool kept it detached
            operations.attach(ctx, node.host, primary.name)
    pgpool.wait_all_up(ctx)
    say(f"pgpool: {'started with new configuration' if changed else 'running, configuration unchanged'}; "
        "3 backends up")
    seconds = time.monotonic() - started
    ctx.state.record_event("setup", seconds=round(seconds, 2))
    return seconds
