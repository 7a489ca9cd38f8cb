"""Writes at risk: acknowledged while the primary had no synchronous standby.

Such a write was durable on one node only. When that node dies and another is promoted (the
double-failure policy: availability first), it can be lost; `fab verify` counts how many were
at risk and how many of those are missing. Windows come from each node's role log, which
pglab-node appends to on every role change (`/var/log/postgresql/pglab-role.log`).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE_LOG = "/var/log/postgresql/pglab-role.log"
ALONE = "primary-alone"


@dataclass(frozen=True)
class Window:
    host: str
    start: float
    end: float


def parse_role_line(line: str) -> tuple[float, str] | None:
    """`<epoch> <role>`; None for a line a power cut left torn (zeros where the data never reached disk)."""
    fields = line.replace("\0", "").split()
    if len(fields) != 2:
        return None
    try:
        return float(fields[0]), fields[1]
    except ValueError:
        return None


def alone_windows(role_logs: dict[str, str], now: float) -> list[Window]:
    """Every interval in which a node held the primary-alone role (until its next role change)."""
    windows = []
    for host, text in role_logs.items():
        entries = sorted(entry for line in text.splitlines() if (entry := parse_role_line(line)))
        for i, (ts, role) in enumerate(entries):
            if role == ALONE:
                windows.append(Window(host, ts, entries[i + 1][0] if i + 1 < len(entries) else now))
    return sorted(windows, key=lambda w: w.start)


def at_risk(acks: list[dict], windows: list[Window]) -> list[str]:
    """Ids of the acknowledged writes that fall in one of the windows."""
    return [r["id"] for r in acks if any(w.start <= r["ts"] <= w.end for w in windows)]
