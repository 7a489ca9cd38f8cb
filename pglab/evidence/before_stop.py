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
    """The read: the primary, when (its clock), its WAL position, pg_stat_replication's rows, and A's app name;
    what they say of A is derived from them."""

    host: str
    ts: float
    lsn: str
    rows: list[dict]
    home_app: str

    @property
    def home(self) -> dict | None:
        """A's row (None: A was not streaming from the primary at all)."""
        return next((r for r in self.rows if r["app_name"] == self.home_app), None)

    @property
    def home_sync(self) -> bool:
        return self.home is not None and self.home["state"] == "streaming" and self.home["sync_state"] == "sync"

    @property
    def behind(self) -> int | None:
        """Bytes A's replay was behind the primary's position (None: no replay position for A)."""
        if self.home is None or not self.home["replay_lsn"]:
            return None
        return max(0, lsn_to_int(self.lsn) - lsn_to_int(self.home["replay_lsn"]))


def of(lab: Lab, ev: Evidence) -> BeforeStop | None:
    """The switch-back's read before the stop (None: a run that did not record it, or had no switch-back)."""
    read = next((e.get("before_stop") for e in ev.events if e["event"] == "switchover" and e.get("before_stop")),
                None)
    if not read or not read.get("lsn"):
        return None
    return BeforeStop(read["host"], read["ts"], read["lsn"], read["peers"], lab.host(lab.primary).app_name)


def verdict(t: dict, lab: Lab, read: BeforeStop) -> str:
    """What the read shows of A, in the report's words."""
    home, current, row = lab.primary, read.host, read.home
    if not read.home_sync:
        return t["bs_not_sync"].format(home=home, current=current,
                                       row=", ".join(f"{k} = {row[k]}" for k in COLUMNS[1:]) if row else t["nothing"])
    behind = t["bs_level"] if not read.behind else t["bs_behind"].format(bytes=read.behind, home=home)
    return t["bs_sync"].format(home=home, current=current, replay=row["replay_lsn"], behind=behind)
