"""How soon a standby's WAL receiver can notice that its primary is gone when the primary's host loses power (no
FIN, no RST: only the receiver's own timeouts end the connection), from the keepalive settings of its
`primary_conninfo` and its `wal_receiver_timeout`. On Linux, TCP_USER_TIMEOUT, when set, decides when an
unanswered connection is dropped, also for keepalive probes: then the keepalive count no longer does (tcp(7))."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Detection:
    idle: int  # keepalives_idle, s
    interval: int  # keepalives_interval, s
    count: int  # keepalives_count
    user_ms: int  # tcp_user_timeout, ms (0: not set)
    receiver_timeout_s: float  # wal_receiver_timeout

    @property
    def keepalive_s(self) -> int:
        """When keepalive probes alone would give up: idle time, then `count` unanswered probes."""
        return self.idle + self.count * self.interval

    @property
    def notice_s(self) -> float:
        """The earliest the receiver can notice: TCP_USER_TIMEOUT when set (no sooner than the first probe), else
        the keepalive figure; never later than wal_receiver_timeout."""
        tcp = max(self.user_ms / 1000, self.idle + self.interval) if self.user_ms else self.keepalive_s
        return min(tcp, self.receiver_timeout_s)


def conninfo_settings(conninfo: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S+)", conninfo))


def of(conninfo: str, receiver_timeout_s: float) -> Detection | None:
    """None when the conninfo sets no keepalives (then only wal_receiver_timeout ends the wait)."""
    found = conninfo_settings(conninfo)
    try:
        return Detection(int(found["keepalives_idle"]), int(found["keepalives_interval"]),
                         int(found["keepalives_count"]), int(found.get("tcp_user_timeout", 0)), receiver_timeout_s)
    except (KeyError, ValueError):
        return None
