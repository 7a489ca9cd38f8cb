"""Checks shared by the integration tests, read from PostgreSQL's and pgpool's own views."""

from __future__ import annotations

from pglab.cluster import inspect, sql
from pglab.context import LabContext
from pglab.workload import control


def primary_replication(ctx: LabContext) -> dict[str, dict]:
    rows = sql.query(ctx.shell(ctx.lab.primary),
                     "SELECT application_name, state, sync_state, coalesce(s.slot_name, '') "
                     "FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid")
    return {r[0]: {"state": r[1], "sync_state": r[2], "slot": r[3]} for r in rows}


def assert_original_topology(ctx: LabContext) -> None:
    repl = primary_replication(ctx)
    assert repl["pg_b"] == {"state": "streaming", "sync_state": "sync", "slot": "pg_b"}, repl
    assert repl["pg_c"] == {"state": "streaming", "sync_state": "async", "slot": "pg_c"}, repl
    recovery = {h.name: sql.value(ctx.shell(h.name), "SELECT pg_is_in_recovery()") for h in ctx.lab.pg_hosts}
    assert recovery == {"pg-a": "f", "pg-b": "t", "pg-c": "t"}
    nodes = inspect.pool_nodes(ctx)
    assert [(n.host, n.role) for n in nodes] == [("pg-a", "primary"), ("pg-b", "standby"), ("pg-c", "standby")]
    assert all(n.status in ("up", "waiting") for n in nodes), nodes


def acks_after(ctx: LabContext, moment: float, count: int = 20, timeout: float = 60) -> float:
    """Seconds from `moment` until `count` writes were acknowledged through pgpool after it."""
    first = control.wait_for_commits(ctx, moment, count=count, timeout=timeout)
    assert first is not None, f"no {count} acknowledged writes within {timeout} s after {moment}"
    return first - moment
