"""Stage 3's evidence, read from what the lab recorded: pg_rewind's own output (where the histories
diverged, A's crash recovery it ran first), and the timelines each promotion started."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pglab.cluster.facts import lsn_to_int
from pglab.evidence.logs import TIMESTAMP
from pglab.evidence.records import Evidence

DIVERGED = re.compile(r"servers diverged at WAL location (\S+) on timeline (\d+)")
COMMON = re.compile(r"rewinding from last common checkpoint at (\S+) on timeline (\d+)")
# With --progress: how much pg_rewind had to copy, against the whole source data directory.
NEED_COPY = re.compile(r"need to copy (\d+) MB \(total source directory size is (\d+) MB\)")
NEW_TIMELINE = re.compile(r"selected new timeline ID: (\d+)")
# The lines of a crash recovery that tell its story: why, from where, to where.
CRASH_RECOVERY = re.compile(r"was interrupted|not properly shut down|redo starts at|redo done at|invalid record length")


@dataclass(frozen=True)
class Rewind:
    host: str  # the node rewound
    source: str  # the node it was rewound from
    lines: tuple[str, ...]  # pg_rewind's output as it printed it
    diverged_lsn: str = ""
    diverged_timeline: int | None = None
    checkpoint_lsn: str = ""
    crash_recovery: tuple[str, ...] = ()  # the key messages of the crash recovery pg_rewind ran first
    copy_mb: int | None = None  # what pg_rewind copied (MB), with --progress
    total_mb: int | None = None  # the source's whole data directory (MB): what pg_basebackup would copy

    @classmethod
    def parse(cls, host: str, source: str, lines: list[str]) -> Rewind:
        text = "\n".join(lines)
        diverged, common, need = DIVERGED.search(text), COMMON.search(text), NEED_COPY.search(text)
        recovery = tuple(line.split("LOG:", 1)[1].strip() for line in lines
                         if TIMESTAMP.match(line) and "LOG:" in line and CRASH_RECOVERY.search(line))
        return cls(host, source, tuple(lines), diverged.group(1) if diverged else "",
                   int(diverged.group(2)) if diverged else None, common.group(1) if common else "", recovery,
                   int(need.group(1)) if need else None, int(need.group(2)) if need else None)


@dataclass(frozen=True)
class Promotion:
    """A node that started a new timeline: when, and which."""

    ts: float
    host: str
    timeline: int


def rewinds(ev: Evidence) -> list[Rewind]:
    return [Rewind.parse(e["host"], e.get("source", ""), e.get("lines", [])) for e in ev.events
            if e["event"] == "rewind-output"]


def promotions(ev: Evidence) -> list[Promotion]:
    """Every 'selected new timeline ID' a node logged during the run (failover and switch-back)."""
    found = {}
    for hit in ev.logs + ev.recover_logs:
        match = NEW_TIMELINE.search(hit["line"])
        if match:
            found[int(match.group(1))] = Promotion(hit["ts"], hit["host"], int(match.group(1)))
    return [found[k] for k in sorted(found)]


@dataclass(frozen=True)
class CheckpointDate:
    """When the last common checkpoint pg_rewind started from was written, as far as the snapshots tell: no
    later than the first snapshot whose WAL is already past it, and how far before the divergence it lies."""

    step: int  # index of that step in the recorded stages
    ts: float  # the snapshot's time
    wal_mb: float  # WAL between the checkpoint and the divergence point, MB


def checkpoint_date(ev: Evidence, rewind: Rewind) -> CheckpointDate | None:
    if not (rewind.checkpoint_lsn and rewind.diverged_lsn):
        return None
    at = lsn_to_int(rewind.checkpoint_lsn)
    for i, stage in enumerate(ev.stages):
        snap = stage.get("snapshot") or {}
        if any(p.get("lsn") and lsn_to_int(p["lsn"]) >= at for p in (snap.get("probes") or {}).values()):
            return CheckpointDate(i, snap.get("ts", stage["end"]), (lsn_to_int(rewind.diverged_lsn) - at) / 2**20)
    return None


REDO_DONE = re.compile(r"redo done at (\S+)")
WAL_END = re.compile(r"invalid record length at ([0-9A-Fa-f]+/[0-9A-Fa-f]+)")
NEW_TARGET = re.compile(r"new target timeline is (\d+)")


@dataclass(frozen=True)
class WalEnds:
    """Where the rewound node's WAL ended by its crash recovery (the start of its last record, and the position
    where reading stopped), against where the promoted node had replayed to (its `redo done at` at the promotion),
    and the divergence point pg_rewind found."""

    host: str
    last: str  # the rewound node's last record starts here
    end: str  # and its WAL ends here
    source: str
    source_last: str  # the promoted node's last replayed record starts here
    fork: str

    @property
    def same(self) -> bool:
        """The promoted node had replayed every record the rewound node had written."""
        return lsn_to_int(self.source_last) >= lsn_to_int(self.last)


def wal_ends(ev: Evidence) -> WalEnds | None:
    """The first rewind's crash recovery against its source's promotion (None without both in the evidence)."""
    for r in rewinds(ev):
        done = next((m for line in r.crash_recovery if (m := REDO_DONE.search(line))), None)
        end = next((m for line in r.crash_recovery if (m := WAL_END.search(line))), None)
        promoted = next((p for p in promotions(ev) if p.host == r.source), None)
        if not (done and end and promoted and r.diverged_lsn):
            continue
        source = [h for h in sorted(ev.logs, key=lambda h: h["ts"])
                  if h["host"] == r.source and h["ts"] <= promoted.ts and REDO_DONE.search(h["line"])]
        if source:
            return WalEnds(r.host, done[1], end[1], r.source, REDO_DONE.search(source[-1]["line"])[1], r.diverged_lsn)
    return None


@dataclass(frozen=True)
class TimelineSwitch:
    """A standby's own log line saying it follows a new timeline ('new target timeline is N')."""

    ts: float
    host: str
    timeline: int


def timeline_switches(ev: Evidence, host: str) -> list[TimelineSwitch]:
    """The node's `new target timeline is N` lines, each once (the failover's logs and stage 3's may both hold it)."""
    found = {(h["ts"], int(m[1])): TimelineSwitch(h["ts"], h["host"], int(m[1]))
             for h in ev.logs + ev.recover_logs if h["host"] == host and (m := NEW_TARGET.search(h["line"]))}
    return [found[k] for k in sorted(found)]


KNOWN_UP = re.compile(r"last known up at \d{4}-\d\d-\d\d (\d\d:\d\d:\d\d)")


def last_known_up(rewind: Rewind) -> str:
    """The time (HH:MM:SS, the node's clock) its control file was last updated before the crash, as its crash
    recovery reports it; every checkpoint updates it ('' if not reported)."""
    return next((m[1] for line in rewind.crash_recovery if (m := KNOWN_UP.search(line))), "")


def slots_left(ev: Evidence, host: str) -> list[str] | None:
    """The replication slots `host` had right after its last rejoin (pg_rewind removes the target's pg_replslot
    contents), by name; None for a run that did not read them."""
    read = [e["slots"] for e in ev.events if e["event"] == "rejoined" and e.get("host") == host and "slots" in e]
    return [s["name"] for s in read[-1]] if read else None
