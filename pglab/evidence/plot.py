"""The timeline plot: writers' commits/s and readers' reads/s per session, errors, and shaded windows
of the power-off, failover, recovery and switch-back, on the clock (UTC) the report's text uses.

The figure is drawn at the printed width (the A4 text width of the PDF), so a font size here is the
size on paper: nothing is smaller than MIN_FONT_PT.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

from pglab.evidence.i18n import TEXT
from pglab.evidence.records import Evidence
from pglab.evidence.verdicts import clock

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# (window word, start event, end event, colour); the power-off window ends when the host is back.
WINDOWS = (("win_off", "poweroff", "poweron", "#f4cccc"), ("win_failover", "poweroff", "failover-done", "#e06666"),
           ("win_recovery", "recover-start", "recovered", "#d9ead3"), ("win_switch", "switchover", "switched-back",
                                                                           "#9fc5e8"))
# Marked with a line:
EVENTS = ("poweroff", "failover-done", "poweron", "rejoined", "recovered", "verify-pause", "clients-stop")
LOG_LEAD_S = 5.0  # a node's log line may stand this far after pglab's event on another clock
MAX_TICKS = 12
MM_PER_INCH = 25.4
PRINT_WIDTH_MM = 210 - 14 - 14  # A4 less the PDF's left and right margins (report.html.j2, @page)
MIN_FONT_PT = 8.0
FONT_PT = {"base": 8.5, "marks": 8.0, "legend": 8.0}
FIGURE_IN = (PRINT_WIDTH_MM / MM_PER_INCH, 4.9)


def per_second(times: list[float], origin: float, width: int = 1) -> Counter:
    """Records per bin of `width` seconds from `origin` (a whole second), keyed by the bin's first second."""
    return Counter(int(t - origin) // width * width for t in times)


def binned_span(ev: Evidence) -> tuple[float, float, int]:
    """The plot's axis from a whole second, and its bin width."""
    origin, end = span(ev)
    origin = float(math.floor(origin))
    return origin, end, bin_width(end - origin)


def bin_width(seconds: float) -> int:
    """The plot's bin: 1 s up to 2 minutes of run, 5 s up to 10 minutes, 10 s beyond (else the steps merge)."""
    return 1 if seconds <= 120 else 5 if seconds <= 600 else 10


def happened(event: dict) -> float:
    """When an event's action took place: a power-on's event is stamped once the host's sshd answers, the power
    came back `boot_s` before that; any other event's stamp is its moment."""
    return event["ts"] - (event.get("boot_s") or 0) if event["event"] == "poweron" else event["ts"]


def windows(events: list[dict]) -> list[tuple[str, float, float, str]]:
    """(word, start, end, colour) for each window whose start and end were both recorded."""
    out = []
    for word, start_kind, end_kind, colour in WINDOWS:
        start = next((e["ts"] for e in events if e["event"] == start_kind and e.get("ts")), None)
        end = next((happened(e) for e in events if e["event"] == end_kind and e.get("ts") and start
                    and e["ts"] >= start), None)
        if start and end:
            out.append((word, start, end, colour))
    return out


def _clock(ts: float) -> float:
    """A Unix time as matplotlib's date number (UTC)."""
    return mdates.date2num(datetime.fromtimestamp(ts, UTC))


def marked_events(ev: Evidence, origin: float, end: float) -> list[dict]:
    """The events marked on the plot, in time order (numbered 1, 2, ... on the plot and in its caption), each at
    the time its own log line gives where there is one (`clock`: the host whose clock that is), else at pglab's
    event on the control machine's clock."""
    found = [at_logged_time(ev, e) for e in ev.events if e["event"] in EVENTS and e.get("ts")]
    return [e for e in sorted(found, key=lambda e: e["ts"]) if origin <= e["ts"] <= end + 5]


def at_logged_time(ev: Evidence, event: dict) -> dict:
    """A node's return to the cluster is when its log says it started streaming (the last such line before pglab
    saw it), the failover's end is pgpool's `failover done` (pglab records it from that line)."""
    if event["event"] == "failover-done":
        return {**event, "clock": "pgpool"}
    if event["event"] == "rejoined" and event.get("host"):
        start = (ev.first("recover-start") or {"ts": 0.0})["ts"]
        line = max((h["ts"] for h in ev.recover_logs if h["host"] == event["host"] and h["label"] == "streaming"
                    and start <= h["ts"] <= event["ts"] + LOG_LEAD_S), default=None)
        if line is not None:
            return {**event, "ts": line, "clock": event["host"]}
    return {**event, "clock": ""}  # the control machine's


def event_names(ev: Evidence, lang: str) -> list[str]:
    """'1 — power-off pg-a (12:00:01.234, control machine)', ... : what each number on the plot stands for, when
    and on whose clock (for the caption)."""
    t, (origin, end) = TEXT[lang], span(ev)
    def whose(e: dict) -> str:
        return t["ev_clock_host"].format(host=e["clock"]) if e["clock"] else t["ev_clock_control"]
    return [f"{i}\u00a0\u2014 {t['ev_' + e['event'].replace('-', '_')]}" + (f" {e['host']}" if "host" in e else "")
            + f" ({clock(e['ts'])}, {whose(e)})" for i, e in enumerate(marked_events(ev, origin, end), 1)]


def span(ev: Evidence) -> tuple[float, float]:
    """First and last client record: the plot's time axis."""
    acks = [r["ts"] for r in ev.journal if r["outcome"] == "ack"]
    origin = min(acks, default=0.0)
    return origin, max(acks + [r["ts"] for r in ev.reads], default=origin + 1)


def _marks(ax, ev: Evidence, t: dict, origin: float, end: float) -> None:
    """A dotted line at each event and its number in a lane above the curves (the caption names them): a
    number goes to the first row where it does not touch the one before it, so close events never overlap."""
    renderer = ax.figure.canvas.get_renderer()
    right_edge = ax.get_window_extent(renderer).x1
    rows: list[float] = []  # the right edge, in pixels, of the last label in each row
    ymax = ax.get_ylim()[1]
    for number, event in enumerate(marked_events(ev, origin, end), 1):
        x = _clock(event["ts"])
        ax.axvline(x, color="grey", linestyle=":", linewidth=0.8)
        text = ax.text(x, ymax, str(number), va="top", ha="center", fontsize=FONT_PT["marks"],
                       bbox={"facecolor": "white", "edgecolor": "grey", "boxstyle": "circle", "pad": MARK_PAD})
        left, right, size = circle(text, renderer)
        if right > right_edge:  # no room around the line: the number goes to its left
            text.set_horizontalalignment("right")
            left, right, size = circle(text, renderer)
        row = next((i for i, edge in enumerate(rows) if edge < left - 3), len(rows))
        rows[row:row + 1] = [right]
        y_pixels = ax.transData.transform((x, ymax))[1] - size * (0.2 + 1.1 * row)  # clear of the frame
        text.set_y(ax.transData.inverted().transform((0, y_pixels))[1])


MARK_PAD = 0.15  # the circle around an event's number: its padding, in fractions of the font size


def circle(text, renderer) -> tuple[float, float, float]:
    """The left and right edges and the diameter, in pixels, of a number's circle: the text's own extent is only
    the digits, and two circles placed by it touched (a teacher saw markers 1 and 2 overlap)."""
    box = text.get_window_extent(renderer)
    size = max(box.width, box.height) * (1 + 2 * MARK_PAD) + 2  # the bbox pad, and its edge line
    middle = (box.x0 + box.x1) / 2
    return middle - size / 2, middle + size / 2, size


def clock_ticks(seconds: float) -> tuple[mdates.DateLocator, str]:
    """A tick at every whole minute (or 2, 5, 10 ...) - every 5, 10, 15 ... seconds on a short run - so that the
    axis has up to MAX_TICKS labels that can be read against the clock times in the text."""
    if seconds > 6 * 3600:
        return mdates.AutoDateLocator(maxticks=MAX_TICKS, tz=UTC), "%H:%M"
    if seconds >= 4 * 60:
        step = next(m for m in (1, 2, 5, 10, 15, 30, 60) if seconds / 60 / m <= MAX_TICKS)
        return mdates.MinuteLocator(byminute=range(0, 60, step), tz=UTC), "%H:%M"
    step = next(s for s in (5, 10, 15, 20, 30, 60) if seconds / s <= MAX_TICKS)
    return mdates.SecondLocator(bysecond=range(0, 60, step), tz=UTC), "%H:%M:%S"


def figure(ev: Evidence, lang: str = "en", title: str | None = None) -> Figure:
    """The timeline as a matplotlib figure of the printed size; x is the clock (UTC), as in the text."""
    t = TEXT[lang]
    acks = [r for r in ev.journal if r["outcome"] == "ack"]
    origin, end, width = binned_span(ev)  # bins aligned to whole seconds
    with plt.rc_context({"font.size": FONT_PT["base"], "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=FIGURE_IN, dpi=200)
        for word, start, stop, colour in windows(ev.events):
            ax.axvspan(_clock(start), _clock(stop), color=colour, alpha=0.45, label=t[word], zorder=0)
        seconds = list(range(0, int(end - origin) + 1, width))
        xs = [_clock(origin + s) for s in seconds]
        drawn = 0
        for records, unit, style in ((acks, "commits_s", "-"), (ev.reader_reads, "reads_s", "--")):
            for session in sorted({r["session"] for r in records}):
                counts = per_second([r["ts"] for r in records if r["session"] == session], origin, width)
                # A step per 1 s bin; a second without any is a gap, not a dip drawn between two points. The
                # first sessions are drawn widest, so equal rates do not hide one under another.
                ax.step(xs, [(counts.get(s) or float("nan")) / width for s in seconds], style, where="post",
                        linewidth=max(0.9, 2.4 - 0.5 * drawn), alpha=0.85, label=f"{session}: {t[unit]}")
                drawn += 1
        error_counts = per_second([e["ts"] for e in ev.errors if e["ts"] >= origin], origin, width)
        if error_counts:
            seen = sorted(error_counts)
            ax.scatter([_clock(origin + s) for s in seen], [0.3] * len(seen), marker="x", color="red",
                       s=20, label=t["plot_errors"], zorder=3)
        broken = [_clock(r["ts"]) for r in ev.reads if r.get("invariant") is False]
        if broken:
            ax.scatter(broken, [0.6] * len(broken), marker="v", color="black", label=t["invariant_broken"],
                       zorder=3)
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom, top * 1.45)  # room above the curves for the events' names
        right = max([end] + [e["ts"] for e in marked_events(ev, origin, end)])
        pad = max(1.0, (right - origin) * 0.02)
        ax.set_xlim(_clock(origin - pad), _clock(right + pad))  # the run's clients, not matplotlib's default day
        locator, fmt = clock_ticks(right - origin)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt, tz=UTC))
        ax.set_xlabel(t["plot_x"])
        ax.set_ylabel(t["plot_y"])
        if title:
            ax.set_title(title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4, fontsize=FONT_PT["legend"],
                  frameon=False)
        fig.tight_layout()
        _marks(ax, ev, t, origin, end)
    return fig


def timeline(ev: Evidence, path: Path, title: str | None = None, lang: str = "en") -> Path:
    """Write the PNG (sharp enough for print). The report gives the plot a caption, not a title."""
    fig = figure(ev, lang, title)
    fig.savefig(path)
    plt.close(fig)
    return path
