"""Pure parsers of what hosts say: pgpool's node states, pg_stat_replication, node probes, a node's
disk facts; and the words they use, as enums (pool states, roles, sync states, rejoin methods).

Tested against recorded outputs under tests/data/.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pglab.cluster import rules
from pglab.cluster.rules import NodeFacts, lsn_to_int

__all__ = ["lsn_to_int"]  # re-exported: parsers and callers read LSNs through this module


def lsn_printed(value: str) -> str:
    """A WAL position as PostgreSQL prints it ('0/40208B0'), whichever tool gave it ('0/040208B0')."""
    match = re.fullmatch(r"([0-9A-Fa-f]+)/([0-9A-Fa-f]+)", str(value).strip())
    return f"{int(match[1], 16):X}/{int(match[2], 16):X}" if match else str(value)


class PoolStatus(enum.StrEnum):
    """A backend's state in pgpool (`pcp_health_check_stats`)."""

    UP = "up"
    WAITING = "waiting"  # up, and no session has used it yet
    DOWN = "down"  # detached
    UNUSED = "unused"
    QUARANTINE = "quarantine"

    @property
    def attached(self) -> bool:
        """pgpool routes to it."""
        return self in (PoolStatus.UP, PoolStatus.WAITING)


class NodeRole(enum.StrEnum):
    """What a PostgreSQL node runs as, in pgpool's view or its own (down: PostgreSQL not answering)."""

    PRIMARY = "primary"
    STANDBY = "standby"
    DOWN = "down"


class SyncState(enum.StrEnum):
    """pg_stat_replication's sync_state of a standby."""

    SYNC = "sync"
    ASYNC = "async"
    POTENTIAL = "potential"
    QUORUM = "quorum"


class RejoinMethod(enum.StrEnum):
    """How `pglab-node follow` made a node a standby of its upstream (its `method:` line)."""

    NONE = "none"  # it already streamed from the upstream on its timeline, or no rewind was required
    REPOINT = "repoint"  # a standby re-pointed to a new upstream without a restart
    REWIND = "rewind"  # pg_rewind
    BASEBACKUP = "basebackup"  # a full copy: pg_rewind was impossible

    @classmethod
    def said_by(cls, output: str) -> RejoinMethod:
        """The method named by the `method: ...` line of pglab-node follow's output."""
        said = next((line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("method:")), "")
        try:
            return cls(said)
        except ValueError:
            raise ValueError(f"pglab-node follow named no known method: {said or 'none given'!r}") from None


@dataclass(frozen=True)
class PoolNode:
    """One backend as pgpool sees it (`pcp_health_check_stats -v`)."""

    node_id: int
    host: str
    port: int
    status: PoolStatus
    role: NodeRole  # primary | standby
    last_change: str
    failed_checks: int  # health checks that failed since pgpool started
    retried_checks: int


POOL_NODE_FIELDS = {"Node Id": "node_id", "Host Name": "host", "Port": "port", "Status": "status", "Role": "role",
                    "Last Status Change": "last_change", "Fail Count": "failed_checks",
                    "Retry Count": "retried_checks"}


def parse_health_check_stats(text: str) -> list[PoolNode]:
    """Parse `pcp_health_check_stats -v` of pgpool-II 4.3, one block per node.

    pglab reads pgpool's view from here and never from pcp_node_info: pcp_node_info pings every
    backend for its "pg_status" (libpq with connect_timeout = pgpool's connect_timeout / 1000,
    i.e. 0 = no limit for 300 ms), and one stuck on a powered-off node blocks pgpool's PCP
    process - which pgpool's main process waits for at the end of every failover.
    """
    nodes, block = [], {}
    for line in [*text.splitlines(), ""]:
        key, sep, value = line.partition(":")
        if sep and key.strip() in POOL_NODE_FIELDS:
            block[POOL_NODE_FIELDS[key.strip()]] = value.strip()
        elif not line.strip() and block:
            missing = set(POOL_NODE_FIELDS.values()) - set(block)
            if missing:
                raise ValueError(f"unexpected pcp_health_check_stats output: no {', '.join(sorted(missing))}")
            nodes.append(PoolNode(**{**block, **{k: int(block[k]) for k in
                                               ("node_id", "port", "failed_checks", "retried_checks")},
                                     "status": PoolStatus(block["status"]), "role": NodeRole(block["role"])}))
            block = {}
        elif line.strip() and not sep:
            raise ValueError(f"unexpected pcp_health_check_stats line: {line!r}")
    if not nodes:
        raise ValueError(f"unexpected pcp_health_check_stats output: {' '.join(text.split())[:120]!r}")
    return nodes


def pool_primary(nodes: Iterable[PoolNode]) -> str | None:
    """The node pgpool routes writes to, if any: the attached one it holds as primary."""
    return next((n.host for n in nodes if n.role == NodeRole.PRIMARY and n.status.attached), None)


def pool_down(nodes: Iterable[PoolNode], host: str) -> bool:
    """pgpool has `host` detached."""
    return any(n.host == host and n.status == PoolStatus.DOWN for n in nodes)


# pgpool-II 4.3's main process ends a failover or failback with "... done", sleeps 1 s, then restarts
# its PCP process ("fork a new PCP child"); a failover request that arrives meanwhile waits for the sleep.
PGPOOL_SWITCH_LINES = r"(failover|failback|promotion) done|fork a new PCP child"


def pgpool_settled(newest_switch_line: str) -> bool:
    """Whether pgpool's main process takes a failover request at once: the newest of its PGPOOL_SWITCH_LINES
    (none in the log: never switched) is the PCP restart, not a failover or failback still in its 1 s sleep."""
    return not newest_switch_line.strip() or "fork a new PCP child" in newest_switch_line


@dataclass(frozen=True)
class ReplicationPeer:
    """One row of pg_stat_replication on a primary."""

    app_name: str
    client_addr: str
    state: str
    sync_state: SyncState
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
    return [ReplicationPeer(app_name=r[0], client_addr=r[1], state=r[2], sync_state=SyncState(r[3]), sent_lsn=r[4],
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
    replay_age_s: float | None = None  # a standby's now() - pg_last_xact_replay_timestamp(): its apply delay
    ts: float | None = None  # when its answer came (the control machine's clock): the row was read no later

    @property
    def role(self) -> NodeRole:
        if not self.running:
            return NodeRole.DOWN
        return NodeRole.STANDBY if self.in_recovery else NodeRole.PRIMARY


NODE_PROBE_SQL = (
    "SELECT pg_is_in_recovery(), "
    "CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint()) "
    "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END, "
    "CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_replay_lsn()::text, '') "
    "ELSE pg_current_wal_lsn()::text END, "
    "coalesce((SELECT sender_host FROM pg_stat_wal_receiver), ''), "
    "coalesce((SELECT status FROM pg_stat_wal_receiver), ''), "
    "coalesce((SELECT received_tli FROM pg_stat_wal_receiver)::text, ''), "
    "coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::text, ''), "
    # pglab's role file beside postgresql.conf, read in the same query: one moment for the whole row (read by a
    # second command, a role changed by failover.sh in between showed beside the timeline it led to)
    "coalesce(btrim(pg_read_file(regexp_replace(current_setting('config_file'), '[^/]*$', '') || 'pglab-role', "
    "0, 200, true), E'\\n'), '')")


def parse_node_probe(host: str, rows: list[list[str]], role_file: str = "", ts: float | None = None) -> NodeProbe:
    """Build a NodeProbe from NODE_PROBE_SQL's row (no rows: PostgreSQL not answering; `role_file`: the file as
    read without it), answered at `ts`."""
    if not rows:
        return NodeProbe(host=host, running=False, role_file=role_file, ts=ts)
    in_recovery, checkpoint_tli, lsn, sender, status, received_tli, replay_age = rows[0][:7]
    role_file = rows[0][7].strip() if len(rows[0]) > 7 else role_file
    timeline = int(received_tli) if received_tli else int(checkpoint_tli)
    return NodeProbe(host=host, running=True, in_recovery=in_recovery == "t", timeline=timeline, lsn=lsn,
                     upstream=sender, receiving=status == "streaming", role_file=role_file,
                     replay_age_s=float(replay_age) if replay_age and in_recovery == "t" else None, ts=ts)


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
