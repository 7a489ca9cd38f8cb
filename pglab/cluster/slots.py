"""Replication slots no standby uses: found after the recovery and dropped.

PostgreSQL 15 does not carry slots over a failover: each node's standbys create their slot on the node they
follow (pglab-node's ensure_slot). A node that was primary for a while and came back without pg_rewind's copy
(B at the switch-back: "no rewind required") keeps the slots its standbys made on it; inactive, they hold WAL
up to max_slot_wal_keep_size. In the original topology only the primary serves standbys.
"""

from __future__ import annotations

from dataclasses import dataclass

from pglab.cluster import sql
from pglab.context import LabContext


@dataclass(frozen=True)
class Slot:
    host: str
    name: str
    active: bool
    restart_lsn: str


def stale(slots: list[Slot], primary: str, standby_apps: set[str]) -> list[Slot]:
    """Slots to drop: inactive ones on a standby (nobody streams from a standby here) and inactive ones on the
    primary that are not a standby's own slot (a standby's slot is kept while it reconnects)."""
    return [s for s in slots if not s.active and (s.host != primary or s.name not in standby_apps)]


def slots_of(ctx: LabContext, host: str) -> list[Slot]:
    """pg_replication_slots of one node."""
    rows = sql.query(ctx.shell(host), "SELECT slot_name, active, coalesce(restart_lsn::text, '') "
                                      "FROM pg_replication_slots ORDER BY slot_name", check=False,
                     step="replication slots")
    return [Slot(host, r[0], r[1] == "t", r[2]) for r in rows]


def all_slots(ctx: LabContext) -> list[Slot]:
    """pg_replication_slots of every PostgreSQL node."""
    return [s for h in ctx.lab.pg_hosts for s in slots_of(ctx, h.name)]


def drop_stale(ctx: LabContext, say=lambda _: None) -> list[Slot]:
    """Drop the slots no standby uses; record every node's slots after it (for the report)."""
    lab = ctx.lab
    dropped = stale(all_slots(ctx), lab.primary, {h.app_name for h in lab.pg_hosts if h.name != lab.primary})
    for s in dropped:
        sql.query(ctx.shell(s.host), f"SELECT pg_drop_replication_slot('{s.name}') FROM pg_replication_slots "
                                     f"WHERE slot_name = '{s.name}' AND NOT active", check=False,
                  step="drop stale slot")
        say(f"{s.host}: dropped replication slot {s.name} (inactive, no standby uses it, held WAL from "
            f"{s.restart_lsn or '-'})")
    ctx.state.record_event("slots", dropped=[f"{s.host}:{s.name}" for s in dropped],
                           slots=[vars(s) for s in all_slots(ctx)])
    return dropped
