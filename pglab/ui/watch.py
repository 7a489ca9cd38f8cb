"""`fab watch`: a live view of nodes and client sessions, for a second terminal during the lab."""

from __future__ import annotations

import time

from rich.console import Group
from rich.live import Live
from rich.text import Text

from pglab.cluster import inspect
from pglab.context import LabContext
from pglab.errors import PglabError
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


def frame(ctx: LabContext, stats: dict, per_second: dict[str, float]) -> Group:
    """One refresh; a fault while looking is shown as a line, never ends the view."""
    stamp = Text(time.strftime("%H:%M:%S") + "  fab watch - Ctrl-C to leave", style="dim")
    try:
        view = inspect.view(ctx)
    except PglabError as exc:
        view = inspect.ClusterView(power=ctx.provider.states())
        stamp.append(f"\n{exc}", style="red")
    return Group(stamp, hosts_table(ctx, view), cluster_table(ctx, view), sessions_table(stats, per_second))


def watch(ctx: LabContext, interval: float = 1.0, seconds: float | None = None) -> None:
    """Refresh until Ctrl-C (or for `seconds`); a host that is off shows as off, not as an error."""
    ctx.provider.require_up(hosts=())
    deadline = time.monotonic() + seconds if seconds else None
    previous, last = {}, time.monotonic()
    with Live(console=console, refresh_per_second=4, screen=False) as live:
        while deadline is None or time.monotonic() < deadline:
            try:
                stats = control.stats(ctx)
            except PglabError:
                stats = {}
            now = time.monotonic()
            live.update(frame(ctx, stats, rates(previous, stats, now - last)))
            previous, last = stats, now
            time.sleep(interval)
