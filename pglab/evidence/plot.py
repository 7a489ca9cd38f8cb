"""The timeline plot: a strip per session (writers' commits/s, readers' reads/s), its errors, and shaded
windows of the power-off, failover, recovery and switch-back, on the clock (UTC) the report's text uses.

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
STRIP_IN, LANE_IN, LEGEND_IN = 0.62, 0.35, 0.32  # a session's strip, the events' lane, the legend and axis


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


def _marks(axes: list, ev: Evidence, t: dict, origin: float, end: float) -> None:
    """A dotted line at each event through every session's strip and its number in a lane above the top strip
    (the caption names them): a number goes to the first row where it does not touch the one before it, so close
    events never overlap."""
    top = axes[0]
    renderer = top.figure.canvas.get_renderer()
    right_edge = top.get_window_extent(renderer).x1
    rows: list[float] = []  # the right edge, in pixels, of the last label in each row
    lane = top.get_xaxis_transform()  # x: the clock, y: a fraction of the top strip's height
    for number, event in enumerate(marked_events(ev, origin, end), 1):
        x = _clock(event["ts"])
        for ax in axes:
            ax.axvline(x, color="grey", linestyle=":", linewidth=0.8)
        text = top.text(x, 1.0, str(number), va="bottom", ha="center", fontsize=FONT_PT["marks"], transform=lane,
                        clip_on=False,
                        bbox={"facecolor": "white", "edgecolor": "grey", "boxstyle": "circle", "pad": MARK_PAD})
        left, right, size = circle(text, renderer)
        if right > right_edge:  # no room around the line: the number goes to its left
            text.set_horizontalalignment("right")
            left, right, size = circle(text, renderer)
        row = next((i for i, edge in enumerate(rows) if edge < left - 3), len(rows))
        rows[row:row + 1] = [right]
        y_pixels = top.transAxes.transform((0, 1.0))[1] + size * (0.2 + 1.1 * row)  # clear of the frame
        text.set_y(top.transAxes.inverted().transform((0, y_pixels))[1])


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


def sessions_drawn(ev: Evidence) -> list[tuple[str, list[float], str]]:
    """(session, its successes' times, the unit's word) for each strip: the writers' commits, then the readers'
    reads, each session in name order."""
    acks = [r for r in ev.journal if r["outcome"] == "ack"]
    return [(session, [r["ts"] for r in records if r["session"] == session], unit)
            for records, unit in ((acks, "commits_s"), (ev.reader_reads, "reads_s"))
            for session in sorted({r["session"] for r in records})]


def figure(ev: Evidence, lang: str = "en", title: str | None = None) -> Figure:
    """The timeline as a matplotlib figure of the printed size: a strip per session, one above another on a shared
    x axis, so that sessions with equal rates do not hide one another and each session's own pauses show; x is
    the clock (UTC), as in the text."""
    t = TEXT[lang]
    origin, end, width = binned_span(ev)  # bins aligned to whole seconds
    drawn = sessions_drawn(ev) or [("", [], "commits_s")]
    height = LEGEND_IN + LANE_IN + STRIP_IN * max(len(drawn), 1)
    with plt.rc_context({"font.size": FONT_PT["base"], "font.family": "DejaVu Sans"}):
        fig, axes = plt.subplots(len(drawn), 1, sharex=True, squeeze=False, figsize=(FIGURE_IN[0], height), dpi=200)
        axes = list(axes[:, 0])
        seconds = list(range(0, int(end - origin) + 1, width))
        xs = [_clock(origin + s) for s in seconds]
        shaded = windows(ev.events)
        for row, (ax, (session, times, unit)) in enumerate(zip(axes, drawn, strict=True)):
            for word, start, stop, colour in shaded:
                ax.axvspan(_clock(start), _clock(stop), color=colour, alpha=0.45, label=t[word] if row == 0 else None,
                           zorder=0)
            counts = per_second(times, origin, width)
            # A step per bin; a bin without any is a gap, not a dip drawn between two points
            ax.step(xs, [(counts.get(s) or float("nan")) / width for s in seconds], "-", where="post",
                    linewidth=1.2, color="#1f4e79" if unit == "commits_s" else "#7f3f00")
            mine = sorted(e["ts"] for e in ev.errors if e["session"] == session and e["ts"] >= origin)
            first = {}  # a bin's first error: its cross stands there, never before what caused it
            for ts in mine:
                first.setdefault(int(ts - origin) // width, ts)
            ax.set_ylim(bottom=0)
            top = ax.get_ylim()[1]
            if first:
                ax.scatter([_clock(ts) for ts in first.values()], [top * 0.12] * len(first), marker="x", color="red",
                           s=18, label=t["plot_errors"] if row == 0 else None, zorder=3)
            broken = [_clock(r["ts"]) for r in ev.reads if r.get("invariant") is False and r["session"] == session]
            if broken:
                ax.scatter(broken, [top * 0.3] * len(broken), marker="v", color="black", label=t["invariant_broken"],
                           zorder=3)
            ax.set_ylabel(session, rotation=0, ha="right", va="center", fontsize=FONT_PT["base"])
            ax.locator_params(axis="y", nbins=3)
        right = max([end] + [e["ts"] for e in marked_events(ev, origin, end)])
        pad = max(1.0, (right - origin) * 0.02)
        bottom = axes[-1]
        bottom.set_xlim(_clock(origin - pad), _clock(right + pad))  # the run's clients, not matplotlib's default day
        locator, fmt = clock_ticks(right - origin)
        bottom.xaxis.set_major_locator(locator)
        bottom.xaxis.set_major_formatter(mdates.DateFormatter(fmt, tz=UTC))
        bottom.set_xlabel(t["plot_x"])
        if title:
            fig.suptitle(title)
        handles, labels = [], []
        for ax in axes:  # the windows from the top strip, the marks from whichever strip has them
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                if label not in labels:
                    handles.append(handle)
                    labels.append(label)
        fig.supylabel(t["plot_y"], fontsize=FONT_PT["legend"])
        if handles:
            fig.legend(handles, labels, loc="lower center", ncol=len(handles), fontsize=FONT_PT["legend"],
                       frameon=False, handlelength=1.2, columnspacing=1.0)
        fig.tight_layout(rect=(0, LEGEND_IN / height, 1, 1 - LANE_IN / height), h_pad=0.3)
        _marks(axes, ev, t, origin, end)
    return fig


def timeline(ev: Evidence, path: Path, title: str | None = None, lang: str = "en") -> Path:
    """Write the PNG (sharp enough for print). The report gives the plot a caption, not a title."""
    fig = figure(ev, lang, title)
    fig.savefig(path)
    plt.close(fig)
    return path
