"""Tables of hosts, cluster nodes, client sessions, verification and chaos runs; a log line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from pglab.cluster.facts import NodeProbe
from pglab.cluster.inspect import ClusterView
from pglab.context import LabContext

if TYPE_CHECKING:
    from pglab.evidence.logs import LogHit
    from pglab.evidence.verify import VerifyResult


def hosts_table(ctx: LabContext, view: ClusterView) -> Table:
    speed = ctx.speed()
    measured = f", CPU {speed['cpu_slowdown']:.1f}x, SSH {speed['ssh_rtt_ms']:.0f} ms" if speed else ""
    table = Table(title=f"pglab hosts ({ctx.provider.name} provider, {ctx.lab.subnet}, timing "
                        f"{ctx.lab.timing.profile}{measured})")
    for col in ("host", "address", "role", "power"):
        table.add_column(col)
    for h in ctx.lab.hosts:
        power = view.power[h.name].value
        colour = "green" if power == "running" else "red"
        if h.name in view.isolated:
            power, colour = "running, isolated (no network)", "yellow"
        if h.name in view.frozen:
            power, colour = f"frozen (every process stopped: fab thaw {h.name})", "yellow"
        if h.name in view.degraded:
            power, colour = f"{power}, link degraded ({view.degraded[h.name]})", "yellow"
        table.add_row(h.name, h.address, h.role, f"[{colour}]{power}[/]")
    return table


def cluster_table(ctx: LabContext, view: ClusterView) -> Table:
    table = Table(title="PostgreSQL cluster as pgpool and the nodes see it")
    for col in ("node", "host", "pgpool", "role", "timeline", "upstream", "sync state", "replay lag",
                "lsn", "pglab role"):
        table.add_column(col)
    pool = {n.host: n for n in view.pool}
    for h in ctx.lab.pg_hosts:
        probe, node = view.probes.get(h.name) or NodeProbe(host=h.name, running=False), pool.get(h.name)
        peer = view.peer(h.app_name)
        lag = f"{peer.replay_lag_s:.2f} s" if peer and peer.replay_lag_s is not None else ""
        pool_status = f"{node.status}/{node.role}" if node else ("busy" if view.pool_busy else "?")
        table.add_row(str(h.node_id), h.name, pool_status, probe.role, str(probe.timeline or ""),
                      probe.upstream, peer.sync_state if peer else "", lag, probe.lsn, probe.role_file)
    return table


def sessions_table(stats: dict, rates: dict[str, float] | None = None, silent: dict[str, float] | None = None) -> Table:
    table = Table(title="client sessions on the client host" + ("" if stats.get("running") else " (stopped)"))
    for col in ("session", "kind", "commits", "reads", "tx/s", "silent for", "errors", "reconnects", "abandoned",
                "unknown", "connected", "last error"):
        table.add_column(col)
    for name, s in sorted(stats.get("sessions", {}).items()):
        rate = f"{rates.get(name, 0):.1f}" if rates else ""
        quiet = f"{silent[name]:.1f} s" if silent and name in silent else ""
        table.add_row(name, s["kind"], str(s["commits"]), str(s["reads"]), rate, quiet, str(s["errors"]),
                      str(s["reconnects"]), str(s.get("abandoned", 0)), str(s["unknown"]),
                      "yes" if s["connected"] else "no", s["last_error"][:60])
    return table


def verify_table(result: VerifyResult) -> Table:
    table = Table(title="verification: acknowledged writes on every node")
    for col in ("node", "checked", "transfers", "missing", "total balance", "accounts md5", "transfers md5"):
        table.add_column(col)
    for n in result.nodes:
        table.add_row(n.host, "yes" if n.checked else Text("NO (down)", "red"), str(n.transfers), str(n.missing),
                      str(n.total_balance), n.checksums.get("accounts", "")[:12], n.checksums.get("transfers", "")[:12])
    return table


def verdict(ok: bool, text: str) -> Text:
    """`OK: text` in green or `FAILED: text` in red."""
    return Text.assemble(("OK", "green") if ok else ("FAILED", "bold red"), f": {text}")


def chaos_table(columns: tuple[str, ...], rows: list[tuple[str, int, str, str, str, str]], seed: int) -> Table:
    """faults.chaos.summary's rows under its SUMMARY_COLUMNS."""
    table = Table(title=f"chaos: {sum(r[1] for r in rows)} faults, seed {seed}")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*map(str, row))
    return table


def log_line(hit: LogHit) -> Text:
    return Text.assemble(f"{hit.time} ", (f"{hit.host:<6}", "bold"), " ", (f"{hit.label:<22}", "yellow"), " ",
                         hit.message)
