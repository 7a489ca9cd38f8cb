"""Where a failover's seconds go, from the log messages of one failure (pgpool's, PostgreSQL's,
the failover script's) and the first commit after it: detection, failover script (promotion inside
it), pgpool finding the new primary, pgpool's `failover done`, and the clients' reconnect."""

from __future__ import annotations

from pglab.evidence.logs import LogHit

PHASES = ("detection", "failover script", "promotion", "find primary", "failover done", "clients reconnect")


def _first(hits: list[LogHit], label: str, after: float, contains: str = "") -> float | None:
    return next((h.ts for h in hits if h.label == label and h.ts >= after and contains in h.line), None)


def failover_breakdown(hits: list[LogHit], off: float, first_ack: float | None) -> dict[str, float | None]:
    """Seconds per phase (None where a message is missing).

    Detection, failover script, find primary, failover done and clients reconnect follow one
    another from the power-off (`off`) to `first_ack`, the first commit of any session (the
    pooled figure): they add up to it only when every message was found. Promotion is a part
    of the failover script's span, not a phase beside it.
    """
    hits = sorted(hits, key=lambda h: h.ts)
    detected = _first(hits, "health check failed", off)
    command = _first(hits, "failover command", detected or off)
    promoted = _first(hits, "failover script", command or off, "failover.sh: promoted")
    asked = _first(hits, "promotion", command or off)
    ready = _first(hits, "accepting writes", asked or off)
    found = _first(hits, "primary found", promoted or off)
    done = _first(hits, "failover done", found or off)

    def span(start: float | None, end: float | None) -> float | None:
        return round(end - start, 3) if start is not None and end is not None else None

    return {"detection": span(off, detected), "failover script": span(detected, promoted),
            "promotion": span(asked, ready), "find primary": span(promoted, found),
            "failover done": span(found, done), "clients reconnect": span(done, first_ack)}
