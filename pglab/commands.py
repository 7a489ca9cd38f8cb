"""What each user-facing command does; tasks.py and the click CLI only call these."""

from __future__ import annotations

import time
from pathlib import Path

from pglab.cluster import inspect
from pglab.context import LabContext
from pglab.errors import ConfigError, LabNotUpError
from pglab.providers import PowerState
from pglab.templates import render
from pglab.ui import console, say
from pglab.ui.tables import cluster_table, hosts_table


def up(ctx: LabContext) -> None:
    ctx.provider.check_requirements()  # before anything is written: a missing tool leaves nothing half-made
    started = time.monotonic()
    if all(s is PowerState.ABSENT for s in ctx.provider.states().values()):
        ctx.state.reset_records()
    ctx.remember()
    booted = ctx.provider.up()
    seconds = time.monotonic() - started
    ctx.state.record_event("up", hosts=booted, seconds=round(seconds, 2))
    say(f"{len(booted)} host(s) booted in {seconds:.2f} s" if booted else "every host was already running")


def destroy(ctx: LabContext) -> None:
    ctx.provider.destroy()
    say(f"lab destroyed ({ctx.provider.name} provider): hosts, network and state folder removed")


def status(ctx: LabContext) -> None:
    ctx.provider.require_up(hosts=())
    view = inspect.view(ctx)
    console.print(hosts_table(ctx, view))
    if any(p.role_file for p in view.probes.values()) or view.pool:
        console.print(cluster_table(ctx, view))


def poweroff(ctx: LabContext, host: str) -> None:
    ctx.provider.poweroff(host)
    ctx.forget_shell(host)
    say(f"{host} powered off (hard: every process killed at once, no shutdown, no FIN)")


def poweron(ctx: LabContext, host: str) -> None:
    ctx.provider.poweron(host)
    ctx.forget_shell(host)
    say(f"{host} powered on")


def ssh(ctx: LabContext, host: str, command: str) -> int:
    """Run a command on a host (as root) and show its output; return its exit code."""
    ctx.lab.host(host)
    if ctx.provider.power_state(host) is not PowerState.RUNNING:
        raise LabNotUpError(f"{host} is not running: fab poweron {host}")
    result = ctx.shell(host).run(command, check=False, step="ssh")
    console.out(result.stdout, end="")
    if result.stderr:
        console.out(result.stderr, end="", style="red")
    return result.exit_code


def dsn(ctx: LabContext) -> str:
    """A libpq URI to pgpool usable from this machine; the password stays in a private passfile."""
    lab, secrets = ctx.lab, ctx.state.secrets()
    passfile = ctx.state.root / "pgpass"
    pgpool = lab.host("pgpool").address
    entries = [{"host": pgpool, "port": lab.pgpool_port, "database": lab.database, "user": "app",
                "password": secrets.password("app")}]
    passfile.write_text(render("templates/pgpass.j2", entries=entries))
    passfile.chmod(0o600)
    return f"postgresql://app@{pgpool}:{lab.pgpool_port}/{lab.database}?passfile={passfile}"


def psql(ctx: LabContext) -> None:
    """An interactive psql on the client host, through pgpool, as a student would open it."""
    ctx.provider.require_up(hosts=("client", "pgpool"))
    conn = ctx.shell("client").connection
    conn.run(f"PGPASSFILE=/etc/pglab/pgpass psql -h pgpool -p {ctx.lab.pgpool_port} -U app {ctx.lab.database}",
             pty=True, warn=True, hide=False, in_stream=None)


def setup(ctx: LabContext) -> None:
    from pglab.provisioning.setup import setup as run_setup
    seconds = run_setup(ctx, say)
    say(f"stage 1 ready in {seconds:.1f} s")
    status(ctx)


def print_dsn(ctx: LabContext) -> None:
    console.out(dsn(ctx))


def clients(ctx: LabContext, action: str, writers: int = 3, readers: int = 1) -> None:
    """start | stop | stats | pause | resume the client sessions on the client host."""
    from pglab.ui.tables import sessions_table
    from pglab.workload import control
    if action == "start":
        pid = control.start(ctx, writers, readers)
        say(f"client: {writers} writer and {readers} reader session(s) started (pid {pid})")
        time.sleep(1.0)
    elif action == "stop":
        control.stop(ctx)
        say("client: sessions stopped")
    elif action in ("pause", "resume"):
        getattr(control, action)(ctx)
        say(f"client: writers {action}d")
    elif action != "stats":
        raise ConfigError(f"unknown clients action {action!r}: use start, stop, stats, pause or resume")
    console.print(sessions_table(control.stats(ctx)))


def failover(ctx: LabContext) -> None:
    from pglab.cluster.operations import manual_failover
    new = manual_failover(ctx, say)
    say(f"{new} is the new primary")


def recover(ctx: LabContext) -> None:
    from pglab.cluster.operations import recover as run_recover
    report = run_recover(ctx, say)
    methods = ", ".join(f"{h}: {m}" for h, m in report.rejoined.items()) or "nothing to rejoin"
    say(f"recovered in {report.total_seconds:.1f} s ({methods}"
        + (f"; switchover {report.switchover_seconds:.1f} s" if report.switched_back else "") + ")")
    status(ctx)


def logs(ctx: LabContext, since: float | None = None) -> list:
    """The failure's story from pgpool's and PostgreSQL's logs, one line each, in time order."""
    from rich.markup import escape

    from pglab.evidence import logs as evidence_logs
    ctx.provider.require_up(hosts=("pgpool",))
    start, end = evidence_logs.failure_window(ctx) if since is None else (since, float("inf"))
    hits = evidence_logs.collect(ctx, start, end)
    evidence_logs.save(ctx, hits)
    say(f"{len(hits)} relevant log messages" + (" since the last power-off" if start else "") + " (UTC):")
    for h in hits:
        console.print(f"{h.time} [bold]{h.host:<6}[/] [yellow]{h.label:<22}[/] {escape(h.message)}", soft_wrap=True)
    return hits


def verify(ctx: LabContext) -> int:
    """Every acknowledged write on every node, the bank invariant, equal checksums; 1 if not."""
    from rich.table import Table

    from pglab.evidence.verify import verify as run_verify
    ctx.provider.require_up(hosts=("client", "pgpool"))
    result = run_verify(ctx)
    table = Table(title="verification: acknowledged writes on every node")
    for col in ("node", "checked", "transfers", "missing", "total balance", "accounts md5", "transfers md5"):
        table.add_column(col)
    for n in result.nodes:
        table.add_row(n.host, "yes" if n.checked else "[red]NO (down)[/]", str(n.transfers), str(n.missing),
                      str(n.total_balance), n.checksums.get("accounts", "")[:12],
                      n.checksums.get("transfers", "")[:12])
    console.print(table)
    verdict = "[green]OK[/]" if result.ok else "[bold red]FAILED[/]"
    say(f"{verdict}: acknowledged {result.acknowledged}, missing {result.missing}, indeterminate "
        f"{result.indeterminate} ({result.indeterminate_present} present, neither lost nor kept); "
        f"invariant {'held' if result.invariant_held else 'BROKEN'} (total {result.expected_total}); "
        f"checksums {'equal' if result.checksums_equal else 'DIFFER'}")
    return 0 if result.ok else 1


def demo_replication(ctx: LabContext) -> None:
    """Stage 1 evidence: B synchronous, C delayed; commits wait for B, not for C."""
    from pglab.evidence.demo import demo
    ctx.provider.require_up()
    demo(ctx, say)


def report(ctx: LabContext, lang: str = "en", out: str | None = None, pdf: bool = False,
           titlepage: str | None = None) -> None:
    from pglab.evidence.report import build
    from pglab.state import REPO_ROOT
    paths = build(ctx, Path(out) if out else REPO_ROOT / "report", lang, pdf,
                  Path(titlepage) if titlepage else None)
    for kind, path in paths.items():
        say(f"{kind}: {path}")


def watch(ctx: LabContext, seconds: float | None = None) -> None:
    from pglab.ui.watch import watch as live_view
    live_view(ctx, seconds=seconds)
