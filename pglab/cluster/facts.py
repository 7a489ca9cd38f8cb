"""Pure parsers of what hosts say: pcp_node_info, pg_stat_replication, node probes.

Tested against recorded outputs under tests/data/.
"""

from __future__ import annotations

from dataclasses import dataclass

from pglab.cluster import rules
from pglab.cluster.rules import NodeFacts, lsn_to_int

__all__ = ["lsn_to_int"]  # re-exported: parsers and callers read LSNs through this module


@dataclass(frozen=True)
class PoolNode:
    """One backend as pgpool sees it (pcp_node_info)."""

    node_id: int
    host: str
    port: int
    status: str  # up | down | waiting | unused
    weight: float
    role: str  # primary | standby
    pg_status: str  # what pgpool found PostgreSQL doing: up | down
    pg_role: str
    replication_delay: int
    replication_state: str
    sync_state: str
    last_change: str


def parse_pcp_node_info(text: str) -> list[PoolNode]:
    """Parse `pcp_node_info` (all nodes, default format) of pgpool-II 4.3."""
    nodes = []
    for node_id, line in enumerate(ln for ln in text.splitlines() if ln.strip()):
        f = line.split()
        if len(f) < 11:
            raise ValueError(f"unexpected pcp_node_info line: {line!r}")
        nodes.append(PoolNode(node_id=node_id, host=f[0], port=int(f[1]), status=f[4], weight=float(f[3]),
                              role=f[6], pg_status=f[5], pg_role=f[7], replication_delay=int(f[8]),
                              replication_state=f[9] if f[9] != "none" else "",
                              sync_state=f[10] if f[10] != "none" else "", last_change=" ".join(f[11:])))
    return nodes


@dataclass(frozen=True)
class ReplicationPeer:
    """One row of pg_stat_replication on a primary."""

    app_name: str
    client_addr: str
    state: str
    sync_state: str
    sent_lsn: str
    replay_lsn: str
    replay_lag_s: float | None
    slot: str  # the slot the walsender's standby streams through, '' if none


PG_STAT_REPLICATION_SQL = (
    "SELECT r.application_name, coalesce(host(r.client_addr), ''), r.state, r.sync_state, r.sent_lsn, "
    "coalesce(r.replay_lsn::text, ''), coalesce(extract(epoch FROM r.replay_lag)::text, ''), "
    "coalesce(s.slot_name, '') FROM pg_stat_replication r "
    "LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid ORDER BY r.application_name")


def parse_replication(rows: list[list[str]]) -> list[ReplicationPeer]:
    return [ReplicationPeer(app_name=r[0], client_addr=r[1], state=r[2], sync_state=r[3], sent_lsn=r[4],
                            replay_lsn=r[5], replay_lag_s=float(r[6]) if r[6] else None, slot=r[7]) for r in rows]


@dataclass(frozen=True)
class NodeProbe:
    """What one PostgreSQL node says about itself."""

    host: str
    running: bool
    in_recovery: bool | None = None
    timeline: int | None = None
    lsn: str = ""  # current WAL LSN on a primary, last replayed on a standby
    upstream: str = ""  # walreceiver's sender host on a standby
    receiving: bool = False  # walreceiver streaming
    role_file: str = ""  # the pglab role installed (primary-sync-pg_b, standby-of-pg-a, ...)

    @property
    def role(self) -> str:
        if not self.running:
            return "down"
        return "standby" if self.in_recovery else "primary"


NODE_PROBE_SQL = (
    "SELECT pg_is_in_recovery(), "
    "CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint()) "
    "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END, "
    "CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_replay_lsn()::text, '') "
    "ELSE pg_current_wal_lsn()::text END, "
    "coalesce((SELECT sender_host FROM pg_stat_wal_receiver), ''), "
    "coalesce((SELECT status FROM pg_stat_wal_receiver), ''), "
    "coalesce((SELECT received_tli FROM pg_stat_wal_receiver)::text, '')")


def parse_node_probe(host: str, rows: list[list[str]], role_file: str) -> NodeProbe:
    """Build a NodeProbe from NODE_PROBE_SQL's row (no rows: PostgreSQL not answering)."""
    if not rows:
        return NodeProbe(host=host, running=False, role_file=role_file)
    in_recovery, checkpoint_tli, lsn, sender, status, received_tli = rows[0]
    timeline = int(received_tli) if received_tli else int(checkpoint_tli)
    return NodeProbe(host=host, running=True, in_recovery=in_recovery == "t", timeline=timeline, lsn=lsn,
                     upstream=sender, receiving=status == "streaming", role_file=role_file)


@dataclass(frozen=True)
class DiskFacts:
    """What a node's own disk says (`pglab-node facts`): read while PostgreSQL is stopped too."""

    host: str
    running: bool
    standby_signal: bool
    role_file: str
    cluster_state: str  # pg_controldata: "in production", "shut down", "in archive recovery", ...
    wal_timeline: int
    wal_end: str  # start of the last valid WAL record on disk
    receiving: str = ""  # a running standby's walreceiver: "HOST TIMELINE", '' if not streaming

    @property
    def node(self) -> NodeFacts:
        """These facts as the decision rules (pglab/cluster/rules.py) take them."""
        return rules.node_facts(self.host, self.wal_timeline, self.wal_end, running=self.running,
                                standby_signal=self.standby_signal, cluster_state=self.cluster_state,
                                receiving=self.receiving)

    @property
    def was_primary(self) -> bool:
        return self.node.was_primary


def parse_disk_facts(host: str, text: str) -> DiskFacts:
    """Parse the `key: value` lines of `pglab-node facts`."""
    values = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    missing = {"running", "standby_signal", "cluster_state", "wal_timeline", "wal_end"} - set(values)
    if missing:
        raise ValueError(f"{host}: pglab-node facts said nothing about {', '.join(sorted(missing))}")
    return DiskFacts(host=host, running=values["running"] == "yes", standby_signal=values["standby_signal"] == "yes",
                     role_file=values.get("role_file", ""), cluster_state=values["cluster_state"],
                     wal_timeline=int(values["wal_timeline"]), wal_end=values["wal_end"],
                     receiving=values.get("receiving", "").strip())
