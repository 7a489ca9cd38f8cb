"""Read the cluster's state from pgpool and from each node (read only)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pglab.cluster import facts, sql
from pglab.context import LabContext
from pglab.errors import LabNotUpError, RemoteCommandError
from pglab.providers import PowerState
from pglab.remote import fan_out


@dataclass
class ClusterView:
    """One snapshot: power, pgpool's nodes, each node's probe, the primary's replication peers."""

    power: dict[str, PowerState]
    isolated: set[str] = field(default_factory=set)
    frozen: set[str] = field(default_factory=set)  # gray failures: every process stopped (fab freeze) ...
    degraded: dict[str, str] = field(default_factory=dict)  # ... a slow or lossy link (fab degrade): how

    @property
    def silent(self) -> set[str]:
        """Running hosts nothing can reach: isolated or frozen (SSH to them would only wait)."""
        return self.isolated | self.frozen
    pool: list[facts.PoolNode] = field(default_factory=list)
    probes: dict[str, facts.NodeProbe] = field(default_factory=dict)
    replication: list[facts.ReplicationPeer] = field(default_factory=list)
    pool_busy: bool = False  # pgpool's PCP did not answer within the patience given

    @property
    def primary(self) -> str | None:
        """The node pgpool routes writes to, if any."""
        return facts.pool_primary(self.pool)

    def peer(self, app_name: str) -> facts.ReplicationPeer | None:
        return next((p for p in self.replication if p.app_name == app_name), None)


def pcp_call(ctx: LabContext, tool: str, args: str = "", patience: float | None = None) -> str:
    """The shell line of one pcp tool call (password from ~/.pcppass), given up after `patience` s (exit 124)."""
    limit = f"timeout {patience} " if patience else ""
    return f"{limit}/usr/sbin/{tool} -h localhost -p {ctx.lab.pcp_port} -U pgpool -w {args}"


def pcp_command(ctx: LabContext, tool: str, args: str = "", check: bool = True, patience: float | None = None) -> str:
    """Run a pcp tool on the pgpool host as postgres.

    pgpool's PCP process answers nothing while it waits to be restarted at the end of a failover
    or failback; with `patience` a call gives up instead of waiting where an answer that late is
    of no use.
    """
    return ctx.shell("pgpool").run(pcp_call(ctx, tool, args, patience), user="postgres", step=tool,
                                   check=check).stdout


def pool_nodes(ctx: LabContext, patience: float | None = None) -> list[facts.PoolNode]:
    """pgpool's state and role of every backend, from its health-check statistics (no backend is pinged)."""
    calls = "; ".join(f"{pcp_call(ctx, 'pcp_health_check_stats', f'-v -n {h.node_id}', patience)} || exit $?"
                      for h in ctx.lab.pg_hosts)
    return facts.parse_health_check_stats(ctx.shell("pgpool").run(calls, user="postgres",
                                                                  step="pcp_health_check_stats").stdout)


def newest_pgpool_line(ctx: LabContext, pattern: str, step: str) -> str:
    """The newest line of pgpool's log matching the extended regular expression `pattern`, '' if none."""
    return ctx.shell("pgpool").run(f"tac {ctx.lab.pgpool_log} | grep -a -m1 -E '{pattern}' || true",
                                   step=step).stdout.strip()


def pgpool_settled(ctx: LabContext) -> bool:
    """pgpool's main process is past the 1 s sleep that ends each failover and failback (read from its log)."""
    return facts.pgpool_settled(newest_pgpool_line(ctx, facts.PGPOOL_SWITCH_LINES, "pgpool's newest failover line"))


def failover_script_said(ctx: LabContext) -> str:
    """failover.sh's newest line in pgpool's log (its decision, or why it made none), '' if it logged none."""
    newest = newest_pgpool_line(ctx, "failover\\.sh: ", "failover.sh's newest line")
    return newest.split("failover.sh: ", 1)[-1] if newest else ""


def probe_node(ctx: LabContext, host: str) -> facts.NodeProbe:
    """One node's row: its state and role file from one query; a stopped node's role file from the file itself."""
    shell = ctx.shell(host)
    rows = sql.query(shell, facts.NODE_PROBE_SQL, check=False, step="probe node")
    if rows:
        return facts.parse_node_probe(host, rows, ts=time.time())
    role_file = shell.run(f"cat {ctx.lab.pg_conf_dir}/pglab-role 2>/dev/null || true", step="role").stdout.strip()
    return facts.parse_node_probe(host, rows, role_file, time.time())


def replication_of(ctx: LabContext, primary: str) -> list[facts.ReplicationPeer]:
    return facts.parse_replication(sql.query(ctx.shell(primary), facts.PG_STAT_REPLICATION_SQL,
                                             step="pg_stat_replication"))


# LEFT JOIN: one row even with no standby streaming, so the primary's position and time are always read
BEFORE_STOP_SQL = ("SELECT extract(epoch FROM clock_timestamp())::text, pg_current_wal_lsn()::text, "
                   "coalesce(r.application_name, ''), coalesce(r.state, ''), coalesce(r.sync_state, ''), "
                   "coalesce(r.sent_lsn::text, ''), coalesce(r.flush_lsn::text, ''), coalesce(r.replay_lsn::text, '') "
                   "FROM (SELECT 1) one LEFT JOIN pg_stat_replication r ON true ORDER BY r.application_name")


def replication_snapshot(ctx: LabContext, primary: str) -> dict:
    """The primary's WAL position and its pg_stat_replication read in one query (one moment, the primary's clock):
    what the switch-back's evidence shows about the standbys just before the primary stops."""
    rows = sql.query(ctx.shell(primary), BEFORE_STOP_SQL, step="pg_stat_replication before the stop")
    keys = ("app_name", "state", "sync_state", "sent_lsn", "flush_lsn", "replay_lsn")
    return {"host": primary, "ts": float(rows[0][0]), "lsn": rows[0][1],
            "peers": [dict(zip(keys, row[2:], strict=True)) for row in rows if row[2]]}


def view(ctx: LabContext, pcp_patience: float | None = None) -> ClusterView:
    """Gather everything reachable; hosts that are off are reported, not fatal.

    With `pcp_patience`, a pgpool whose PCP process does not answer for longer than that is
    reported busy (`pool_busy`, no pool nodes) instead of waited for.
    """
    power = ctx.provider.states()
    result = ClusterView(power=power, isolated=ctx.provider.isolated(), frozen=ctx.provider.frozen(),
                         degraded={h: str(d) for h, d in ctx.provider.degraded().items()})
    if power.get("pgpool") is PowerState.RUNNING and "pgpool" not in result.silent:
        try:
            result.pool = pool_nodes(ctx, pcp_patience)
        except RemoteCommandError as exc:
            result.pool, result.pool_busy = [], exc.exit_code == 124
        except LabNotUpError:
            result.pool = []
    running = [h.name for h in ctx.lab.pg_hosts if power[h.name] is PowerState.RUNNING
               and h.name not in result.silent]

    def probe(host: str) -> facts.NodeProbe:
        try:
            return probe_node(ctx, host)
        except LabNotUpError:
            return facts.NodeProbe(host=host, running=False)

    for p in fan_out(running, probe):
        result.probes[p.host] = p  # type: ignore[union-attr]
    for h in ctx.lab.pg_hosts:
        result.probes.setdefault(h.name, facts.NodeProbe(host=h.name, running=False))
    writable = [p.host for p in result.probes.values() if p.running and not p.in_recovery]
    if writable:
        try:
            result.replication = replication_of(ctx, result.primary if result.primary in writable else writable[0])
        except (RemoteCommandError, LabNotUpError):
            result.replication = []  # the primary died between the probe and this query
    return result
