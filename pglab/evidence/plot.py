"""The timeline plot: each client session's commits and errors per second, with the lab's events."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

EVENT_LABELS = {"poweroff": "power-off", "failover-done": "failover done", "poweron": "power-on",
                "rejoined": "rejoined", "switchover": "switch back", "recovered": "recovered",
                "verify-pause": "verify (writes paused)"}


def per_second(times: list[float], origin: float) -> Counter:
    return Counter(int(t - origin) for t in times)


def timeline(journal: list[dict], errors: list[dict], events: list[dict], path: Path, title: str) -> Path:
    """Write the PNG; x is seconds since the first client commit."""
    acks = [r for r in journal if r["outcome"] == "ack"]
    origin = min((r["ts"] for r in acks), default=0.0)
    end = max((r["ts"] for r in acks), default=origin + 1)
    fig, ax = plt.subplots(figsize=(11, 4.2), dpi=100)
    seconds = list(range(int(end - origin) + 1))
    for session in sorted({r["session"] for r in acks}):
        counts = per_second([r["ts"] for r in acks if r["session"] == session], origin)
        ax.plot(seconds, [counts.get(s, 0) for s in seconds], linewidth=1.2, label=f"{session} commits/s")
    error_counts = per_second([e["ts"] for e in errors if e["ts"] >= origin], origin)
    if error_counts:
        xs = sorted(error_counts)
        ax.scatter(xs, [0.3] * len(xs), marker="x", color="red", s=[12 * error_counts[x] for x in xs],
                   label="errors", zorder=3)
    top = ax.get_ylim()[1]
    for event in events:
        label = EVENT_LABELS.get(event["event"])
        if label and origin <= event["ts"] <= end + 5:
            x = event["ts"] - origin
            ax.axvline(x, color="grey", linestyle="--", linewidth=0.8)
            ax.text(x, top * 0.98, f" {label}" + (f" {event['host']}" if "host" in event else ""), rotation=90,
                    va="top", fontsize=8)
    ax.set_xlabel("seconds since the clients' first commit")
    ax.set_ylabel("per second")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
