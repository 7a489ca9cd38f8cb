"""What each user-facing command does; tasks.py and the click CLI only call these."""

from __future__ import annotations

import time

from pglab.cluster import inspect
from pglab.context import LabContext
from pglab.errors import LabNotUpError
from pglab.providers import PowerState
from pglab.templates import render
from pglab.ui import console, say
from pglab.ui.tables import cluster_table, hosts_table


def up(ctx: LabContext) -> None:
    ctx.provider.check_requirements()
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
