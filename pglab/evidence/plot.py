"""The timeline plot: writers' commits/s and readers' reads/s per session, errors, and shaded windows
of the power-off, failover, recovery and switch-back."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import matplotlib

from pglab.evidence.i18n import TEXT
from pglab.evidence.records import Evidence

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# (window word, start event, end event, colour); the power-off window ends when the host is back.
WINDOWS = (("win_off", "poweroff", "poweron", "#f4cccc"), ("win_failover", "poweroff", "failover-done", "#e06666"),
           ("win_recovery", "recover-start", "recovered", "#d9ead3"), ("win_switch", "switchover", "switched-back",
                                                                           "#9fc5e8"))
EVENT_LABELS = {"poweroff": "power-off", "failover-done": "failover done", "poweron": "power-on",
                "rejoined": "rejoined", "recovered": "recovered", "verify-pause": "verify (writes paused)"}


def per_second(times: list[float], origin: float) -> Counter:
    return Counter(int(t - origin) for t in times)


def windows(events: list[dict]) -> list[tuple[str, float, float, str]]:
    """(word, start, end, colour) for each window whose start and end were both recorded."""
    out = []
    for word, start_kind, end_kind, colour in WINDOWS:
        start = next((e["ts"] for e in events if e["event"] == start_kind and e.get("ts")), None)
        end = next((e["ts"] for e in events if e["event"] == end_kind and e.get("ts") and start
                    and e["ts"] >= start), None)
        if start and end:
            out.append((word, start, end, colour))
    return out


def timeline(ev: Evidence, path: Path, title: str, lang: str = "en") -> Path:
    """Write the PNG (sharp enough for print); x is seconds since the first client commit."""
    t = TEXT[lang]
    acks = [r for r in ev.journal if r["outcome"] == "ack"]
    origin = min((r["ts"] for r in acks), default=0.0)
    end = max([r["ts"] for r in acks] + [r["ts"] for r in ev.reads], default=origin + 1)
    fig, ax = plt.subplots(figsize=(11, 4.6), dpi=200)
    for word, start, stop, colour in windows(ev.events):
        ax.axvspan(start - origin, stop - origin, color=colour, alpha=0.45, label=t[word], zorder=0)
    seconds = list(range(int(end - origin) + 1))
    for records, unit, style in ((acks, "commits_s", "-"), (ev.reader_reads, "reads_s", "--")):
        for session in sorted({r["session"] for r in records}):
            counts = per_second([r["ts"] for r in records if r["session"] == session], origin)
            ax.plot(seconds, [counts.get(s, 0) for s in seconds], style, linewidth=1.1,
                    label=f"{session} {t[unit]}")
    error_counts = per_second([e["ts"] for e in ev.errors if e["ts"] >= origin], origin)
    if error_counts:
        xs = sorted(error_counts)
        ax.scatter(xs, [0.3] * len(xs), marker="x", color="red", s=[12 * error_counts[x] for x in xs],
                   label=t["errors"], zorder=3)
    broken = [r["ts"] - origin for r in ev.reads if r.get("invariant") is False]
    if broken:
        ax.scatter(broken, [0.6] * len(broken), marker="v", color="black", label=t["invariant_broken"], zorder=3)
    top = ax.get_ylim()[1]
    for event in ev.events:
        label = EVENT_LABELS.get(event["event"])
        if label and event.get("ts") and origin <= event["ts"] <= end + 5:
            x = event["ts"] - origin
            ax.axvline(x, color="grey", linestyle=":", linewidth=0.8)
            ax.text(x, top * 0.98, f" {label}" + (f" {event['host']}" if "host" in event else ""), rotation=90,
                    va="top", fontsize=7)
    ax.set_xlabel(t["plot_x"])
    ax.set_ylabel(t["plot_y"])
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
