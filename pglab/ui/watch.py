"""`fab watch`: a live view of nodes and client sessions, for a second terminal during the lab."""

from __future__ import annotations

import time

from rich.console import Group
from rich.live import Live
from rich.text import Text

from pglab.cluster import inspect
from pglab.context import LabContext
from pglab.errors import PglabError
from pglab.evidence import availability
from pglab.ui import console
from pglab.ui.tables import cluster_table, hosts_table, sessions_table
from pglab.workload import control


def rates(previous: dict, current: dict, seconds: float) -> dict[str, float]:
    """Commits (writers: their read-backs not counted) or reads (readers) per second of each session
    between two samples."""
    out = {}
    for name, now in current.get("sessions", {}).items():
        before = previous.get("sessions", {}).get(name, now)
        field = "commits" if now["kind"] == "writer" else "reads"
        done = now[field] - before[field]
        out[name] = done / seconds if seconds > 0 else 0.0
    return out


class Pauses:
    """Per session: when it last made progress (a commit or a read) and its longest pause since watch began.

    Sampled once per refresh, so a figure is exact to about one refresh interval.
    """

    def __init__(self) -> None:
        self.done: dict[str, int] = {}
        self.progress: dict[str, float] = {}
        self.longest: dict[str, float] = {}

    def update(self, stats: dict, now: float) -> None:
        for name, s in stats.get("sessions", {}).items():
            done = s["commits"] + s["reads"]
            if done != self.done.get(name):
                self.done[name], self.progress[name] = done, now
            self.longest[name] = max(self.longest.get(name, 0.0), now - self.progress[name])

    def silent(self, now: float) -> dict[str, float]:
        return {name: now - at for name, at in self.progress.items()}

    def summary(self) -> str:
        if not self.longest:
            return ""
        worst = max(self.longest, key=self.longest.get)
        spread = availability.spread_of(list(self.longest.values()))
        return (f"longest pause per session since watch began: worst {spread.worst:.1f} s ({worst}), median "
                f"{spread.median:.1f} s, p95 {spread.p95:.1f} s over {spread.count} sessions")


def frame(ctx: LabContext, stats: dict, per_second: dict[str, float], pauses: Pauses | None = None) -> Group:
    """One refresh; a fault while looking is shown as a line, never ends the view."""
    stamp = Text(time.strftime("%H:%M:%S") + "  fab watch - Ctrl-C to leave", style="dim")
    try:
        view = inspect.view(ctx)
    except PglabError as exc:
        view = inspect.ClusterView(power=ctx.provider.states())
        stamp.append(f"\n{exc}", style="red")
    now = time.monotonic()
    silent = pauses.silent(now) if pauses else None
    footer = Text(pauses.summary() if pauses else "", style="bold")
    return Group(stamp, hosts_table(ctx, view), cluster_table(ctx, view), sessions_table(stats, per_second, silent),
                 footer)


def watch(ctx: LabContext, interval: float = 1.0, seconds: float | None = None) -> None:
    """Refresh until Ctrl-C (or for `seconds`); a host that is off shows as off, not as an error."""
    ctx.provider.require_up(hosts=())
    deadline = time.monotonic() + seconds if seconds else None
    previous, last, pauses = {}, time.monotonic(), Pauses()
    with Live(console=console, refresh_per_second=4, screen=False) as live:
        while deadline is None or time.monotonic() < deadline:
            try:
                stats = control.stats(ctx)
            except PglabError:
                stats = {}
            now = time.monotonic()
            pauses.update(stats, now)
            live.update(frame(ctx, stats, rates(previous, stats, now - last), pauses))
            previous, last = stats, now
            time.sleep(interval)
