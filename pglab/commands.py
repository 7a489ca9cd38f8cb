"""What each user-facing command does; tasks.py and the click CLI reach these through pglab/stages.py."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from rich.text import Text

from pglab import subnets
from pglab.cluster import inspect
from pglab.context import HostAction, LabContext
from pglab.errors import BadValueError, ConfigError, LabNotUpError, PglabError
from pglab.providers import PowerState
from pglab.state import write_private
from pglab.templates import render
from pglab.tls import HOST_TLS
from pglab.ui import console, say
from pglab.ui.tables import chaos_table, cluster_table, hosts_table, log_line, verdict, verify_table


def up(ctx: LabContext) -> None:
    ctx.provider.check_requirements()  # before anything is written: a missing tool leaves nothing half-made
    subnets.check_free(ctx.lab.subnet, ctx.lab.provider)  # the lab's own bridge or libvirt network does not count
    started = time.monotonic()
    if all(s is PowerState.ABSENT for s in ctx.provider.states().values()):
        ctx.state.reset_records()
    recorded = ctx.recorded()
    ctx.remember(ctx.speed() or None)
    try:
        booted = ctx.provider.up()
    except PglabError:
        if not recorded:  # nothing half-made: no lab on record when no host came up
            ctx.forget()
        raise
    seconds = time.monotonic() - started
    ctx.state.record_event("up", hosts=booted, seconds=round(seconds, 2))
    say(f"{len(booted)} host(s) booted in {seconds:.2f} s" if booted else "every host was already running")
    if not ctx.speed():
        from pglab.speed import measure
        probe = measure(ctx.shell(ctx.lab.primary))
        ctx.remember(probe.as_dict())
        say(f"timing profile: {probe.describe()}")


def destroy(ctx: LabContext) -> None:
    """Hosts and network, then what pglab made in the state folder; a folder that is not pglab's
    (see state.foreign_state_root) is refused before anything is torn down."""
    ctx.state.check()
    ctx.close()
    ctx.provider.destroy()
    kept = ctx.state.remove()
    where = (f"state folder {ctx.state.root} kept with files pglab did not make: {', '.join(kept)}" if kept
             else "state folder removed")
    say(f"lab destroyed ({ctx.provider.name} provider): hosts, network and {where}")


def status(ctx: LabContext) -> None:
    ctx.provider.require_up(hosts=())
    patience = ctx.lab.timing.pcp_patience_s
    view = inspect.view(ctx, pcp_patience=patience)
    console.print(hosts_table(ctx, view))
    if any(p.role_file for p in view.probes.values()) or view.pool:
        console.print(cluster_table(ctx, view))
    if view.pool_busy:
        say(f"pgpool did not answer within {patience:g} s (its PCP process is restarted at the end of "
            "a failover or failback); the nodes' own view is above")


def _host_action(action: HostAction, done: str) -> Callable[[LabContext, str], None]:
    """A command that runs one provider action on a host (through ctx.power), then says what it did."""
    def run(ctx: LabContext, host: str) -> None:
        ctx.power(host, action)
        say(done.format(host=host))
    run.__name__ = run.__qualname__ = action
    return run


poweroff = _host_action("poweroff", "{host} powered off (hard: every process killed at once, no shutdown, no FIN)")
poweron = _host_action("poweron", "{host} powered on")
isolate = _host_action("isolate", "{host} isolated: it keeps running, but its lab network link is down "
                                  "(fab heal {host} reconnects it)")
heal = _host_action("heal", "{host} reconnected to the lab network")
freeze = _host_action("freeze", "{host} frozen: every process stopped at once - it answers nothing, but is not off "
                                "(fab thaw {host})")
thaw = _host_action("thaw", "{host} thawed: its processes run on where they stopped")


def degrade(ctx: LabContext, host: str, delay: float = 0, loss: float = 0, clear: bool = False) -> None:
    """A slow or lossy lab link on one host (`--clear` takes it off)."""
    from pglab.providers.gray import Degradation
    if clear:
        if delay or loss:
            raise BadValueError("--clear takes no --delay or --loss")
        ctx.power(host, "clear")
        say(f"{host}: lab link clean again")
        return
    degradation = Degradation(delay, loss)
    ctx.power(host, "degrade", degradation)
    say(f"{host}: lab link degraded ({degradation}, each direction; fab degrade {host} --clear)")


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
    """A libpq URI to pgpool usable from this machine; the password stays in a private passfile, and the
    connection is TLS with pgpool's certificate verified against the lab CA (sslmode=verify-full)."""
    lab, secrets = ctx.lab, ctx.state.secrets()
    passfile = ctx.state.root / "pgpass"
    pgpool = lab.host("pgpool").address
    entries = [{"host": pgpool, "port": lab.pgpool_port, "database": lab.database, "user": "app",
                "password": secrets.password("app")}]
    write_private(passfile, render("templates/pgpass.j2", entries=entries))
    params = {**ctx.state.libpq_tls(), **lab.timing.libpq_liveness}
    query = "&".join(f"{k}={quote(str(v), safe='/')}" for k, v in {"passfile": passfile, **params}.items())
    return f"postgresql://app@{pgpool}:{lab.pgpool_port}/{lab.database}?{query}"


def psql(ctx: LabContext) -> None:
    """An interactive psql on the client host, through pgpool, as a student would open it."""
    ctx.provider.require_up(hosts=("client", "pgpool"))
    conn = ctx.shell("client").connection
    conn.run(f"PGPASSFILE=/etc/pglab/pgpass PGSSLMODE=verify-full PGSSLROOTCERT={HOST_TLS.ca} "
             f"psql -h pgpool -p {ctx.lab.pgpool_port} -U app {ctx.lab.database}",
             pty=True, warn=True, hide=False, in_stream=None)


def setup(ctx: LabContext) -> None:
    from pglab.provisioning.setup import setup as run_setup
    seconds = run_setup(ctx, say)
    say(f"stage 1 ready in {seconds:.1f} s")
    status(ctx)


def print_dsn(ctx: LabContext) -> None:
    console.out(dsn(ctx))


def clients(ctx: LabContext, action: str, writers: int = 3, readers: int = 1, rate: float = 20) -> None:
    """start | stop | stats | pause | resume the client sessions on the client host."""
    from pglab.ui.tables import sessions_table
    from pglab.workload import control
    if action == "start":
        pid = control.start(ctx, writers, readers, rate)
        pace = "full speed" if math.isinf(rate) else f"{rate:g} transactions/s each"
        say(f"client: {writers} writer and {readers} reader session(s) started, {pace} (pid {pid})")
        time.sleep(ctx.lab.timing.settle_s)  # the sessions connect before their stats are shown
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
    from pglab.evidence import logs as evidence_logs
    ctx.provider.require_up(hosts=("pgpool",))
    start, end = evidence_logs.failure_window(ctx) if since is None else (since, float("inf"))
    hits = evidence_logs.collect(ctx, start, end)
    evidence_logs.save(ctx, hits)
    say(f"{len(hits)} relevant log messages" + (" since the last power-off" if start else "") + " (UTC):")
    for h in hits:
        console.print(log_line(h), soft_wrap=True)
    say_windows_at_risk(ctx, start)
    return hits


def say_windows_at_risk(ctx: LabContext, since: float) -> None:
    """When a primary ran without a synchronous standby: writes acknowledged then were on one node only."""
    from pglab.evidence.at_risk import alone_windows
    from pglab.evidence.verify import role_logs
    cut_off = ctx.provider.isolated()
    running = [h.name for h in ctx.lab.pg_hosts if ctx.provider.power_state(h.name) is PowerState.RUNNING
               and h.name not in cut_off]
    for w in alone_windows(role_logs(ctx, running), time.time()):
        if w.end >= since:
            say(f"at risk: {w.host} ran as primary with no synchronous standby for {w.end - w.start:.1f} s from "
                f"{time.strftime('%H:%M:%S', time.gmtime(w.start))} UTC - writes acknowledged then were durable "
                f"on {w.host} only (fab verify counts them)")


def verify(ctx: LabContext) -> int:
    """Every acknowledged write on every node, the bank invariant, equal checksums; 1 if not."""
    from pglab.evidence.verify import verify as run_verify
    ctx.provider.require_up(hosts=("client", "pgpool"))
    result = run_verify(ctx)
    console.print(verify_table(result))
    say(verdict(result.ok, f"acknowledged {result.acknowledged}, missing {result.missing}; "
        f"at risk {result.at_risk} (acknowledged with no synchronous standby; {result.at_risk_missing} of them "
        "missing); "
        f"invariant {'held' if result.invariant_held else 'BROKEN'} (total {result.expected_total}); "
        f"checksums {'equal' if result.checksums_equal else 'DIFFER'}; {result.summary()}; "
        f"{result.reads.reads} reads judged"))
    for kind, examples in result.reads.examples.items():
        for example in examples:
            say(Text.assemble((f"read check {kind}", "red"), f": {json.dumps(example)}"))
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


def chaos(ctx: LabContext, faults: int = 10, seed: int = 1, kinds: str = "") -> int:
    """Random faults with clients running, each followed by recovery and checks; 1 if anything was lost."""
    from pglab.evidence.i18n import TEXT
    from pglab.faults import chaos as chaos_run
    from pglab.faults.nemesis import FAULTS
    from pglab.state import REPO_ROOT
    chosen = tuple(k.strip() for k in kinds.split(",") if k.strip()) or tuple(FAULTS)
    records = chaos_run.run(ctx, faults, seed, chosen, say)
    console.print(chaos_table(chaos_run.SUMMARY_COLUMNS, chaos_run.summary(records), seed))
    path = chaos_run.write_report(records, seed, REPO_ROOT / "report" / "chaos.md")
    missing, reads = max((r.missing for r in records), default=0), chaos_run.read_violations(records)
    say(f"chaos report: {path}; acknowledged writes missing: {missing}; at risk after a single fault: "
        f"{chaos_run.at_risk_after(records, False)}, after a double fault: {chaos_run.at_risk_after(records, True)}; "
        f"{TEXT['en']['read_checks'].format(**reads)}")
    return 1 if missing or any(reads.values()) else 0


def watch(ctx: LabContext, seconds: float | None = None) -> None:
    from pglab.ui.watch import watch as live_view
    live_view(ctx, seconds=seconds)
