"""A snapshot of the data and the cluster at one moment: what each stage of the report shows."""

from __future__ import annotations

import time
from dataclasses import asdict

from pglab.cluster import inspect, sql
from pglab.context import LabContext
from pglab.errors import PglabError
from pglab.workload import control

COUNTS_SQL = ("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM transfers), "
              "(SELECT coalesce(sum(balance), 0) FROM accounts), (SELECT count(*) FROM replication_probes)")


def row_counts(ctx: LabContext, host: str) -> dict | None:
    try:
        row = sql.query(ctx.shell(host), COUNTS_SQL, ctx.lab.database, check=False, step="row counts")
    except PglabError:
        return None
    if not row:
        return None
    accounts, transfers, total, probes = row[0]
    return {"accounts": int(accounts), "transfers": int(transfers), "total_balance": int(total),
            "probes": int(probes), "ts": time.time()}  # when it was counted: nodes are counted one by one


def take(ctx: LabContext) -> dict:
    """Power, pgpool's nodes, each node's role and row counts, replication peers, client sessions.

    A pgpool whose PCP process is being restarted (the end of a failover) is not waited for: its
    nodes are left out and `pool_busy` says why."""
    view = inspect.view(ctx, pcp_patience=ctx.lab.timing.pcp_patience_s)
    snap = {"ts": time.time(), "power": {h: s.value for h, s in view.power.items()},
            "pool": [asdict(n) for n in view.pool], "probes": {h: asdict(p) for h, p in view.probes.items()},
            "replication": [asdict(p) for p in view.replication], "pool_busy": view.pool_busy,
            "rows": {h.name: row_counts(ctx, h.name) if view.probes[h.name].running else None
                     for h in ctx.lab.pg_hosts}}
    try:
        snap["clients"] = control.stats(ctx)
    except PglabError:
        snap["clients"] = {}
    return snap
