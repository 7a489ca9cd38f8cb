"""The switch-back's evidence that nothing acknowledged stays behind on the primary it stops.

Just before `fab recover` stops the current primary (B) for the switch-back, one query on it reads its WAL position
and its pg_stat_replication (pglab/cluster/inspect.replication_snapshot, recorded with the "switchover" event).
A must be streaming as B's synchronous standby: with remote_apply, B acknowledges a commit only once A has replayed
it, so every acknowledged commit is on A before B stops; what A has not replayed yet belongs to commits still
waiting, none acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass

from pglab.cluster.facts import lsn_to_int
from pglab.evidence.records import Evidence
from pglab.model import Lab

COLUMNS = ("app_name", "state", "sync_state", "sent_lsn", "flush_lsn", "replay_lsn")


@dataclass(frozen=True)
class BeforeStop:
    """The read: the primary, when (its clock), its WAL position, pg_stat_replication's rows, and what they say of
    A: synchronous and streaming, and how many bytes its replay was behind the position (None: A not in the rows)."""

    host: str
    ts: float
    lsn: str
    rows: list[dict]
    home_sync: bool
    behind: int | None


def of(lab: Lab, ev: Evidence) -> BeforeStop | None:
    """The switch-back's read before the stop (None: a run that did not record it, or had no switch-back)."""
    read = next((e.get("before_stop") for e in ev.events if e["event"] == "switchover" and e.get("before_stop")),
                None)
    if not read or not read.get("lsn"):
        return None
    app = lab.host(lab.primary).app_name
    home = next((r for r in read["peers"] if r["app_name"] == app), None)
    behind = None if home is None or not home["replay_lsn"] else \
        max(0, lsn_to_int(read["lsn"]) - lsn_to_int(home["replay_lsn"]))
    sync = home is not None and home["state"] == "streaming" and home["sync_state"] == "sync"
    return BeforeStop(read["host"], read["ts"], read["lsn"], read["peers"], sync, behind)


def verdict(t: dict, lab: Lab, read: BeforeStop) -> str:
    """What the read shows of A, in the report's words."""
    home, current = lab.primary, read.host
    if not read.home_sync:
        row = next((r for r in read.rows if r["app_name"] == lab.host(home).app_name), None)
        return t["bs_not_sync"].format(home=home, current=current,
                                       row=", ".join(f"{k} = {row[k]}" for k in COLUMNS[1:]) if row else t["nothing"])
    replay = next(r["replay_lsn"] for r in read.rows if r["app_name"] == lab.host(home).app_name)
    behind = t["bs_level"] if not read.behind else t["bs_behind"].format(bytes=read.behind, home=home)
    return t["bs_sync"].format(home=home, current=current, replay=replay, behind=behind)
