"""Fabric tasks of pglab: one per stage of the lab. Thin: the work is done in pglab/.

    fab up | setup | status | demo-replication | clients | poweroff pg-a | logs | recover | verify | lab
"""

from __future__ import annotations

from fabric import task

from pglab import commands
from pglab.cli_support import run_command


@task
def up(c, provider=None):
    """Create and boot the lab's five hosts (provider: local or vagrant; PGLAB_PROVIDER)."""
    run_command(commands.up, provider=provider)


@task
def destroy(c):
    """Remove every host, network and record of the lab."""
    run_command(commands.destroy)


@task
def status(c):
    """Hosts with their power state, and the cluster as pgpool and PostgreSQL see it."""
    run_command(commands.status)


@task
def poweroff(c, host):
    """Hard power-off of a host: no shutdown, no flush, no FIN."""
    run_command(commands.poweroff, host)


@task
def poweron(c, host):
    """Power a host on again, with its disks as they were."""
    run_command(commands.poweron, host)


@task
def ssh(c, host, command="hostname"):
    """Run a command on a host as root: fab ssh pg-a -c 'ps -ef'."""
    run_command(commands.ssh, host, command)


@task
def setup(c):
    """Stage 1: PostgreSQL on pg-a (primary), pg-b (sync), pg-c (async, delayed), pgpool-II in front."""
    run_command(commands.setup)


@task
def dsn(c):
    """Print a libpq URI to pgpool that works from this machine."""
    run_command(commands.print_dsn)


@task
def psql(c):
    """Open psql on the client host, connected through pgpool."""
    run_command(commands.psql)


@task
def clients(c, action="start", writers=3, readers=1):
    """Client sessions on the client host: start | stop | stats | pause | resume."""
    run_command(commands.clients, action, int(writers), int(readers))


@task
def failover(c):
    """Manual failover: detach a primary that does not answer; pgpool promotes the next node."""
    run_command(commands.failover)


@task
def recover(c):
    """Stage 3: rejoin the failed node with pg_rewind, switch back to pg-a, restore sync/async."""
    run_command(commands.recover)


@task
def logs(c):
    """Relevant pgpool and PostgreSQL log messages since the last power-off, in time order."""
    run_command(commands.logs)


@task
def verify(c):
    """Check every acknowledged write on A, B and C, the bank invariant and table checksums."""
    run_command(commands.verify)


@task(name="demo-replication")
def demo_replication(c):
    """Stage 1 evidence: a row is on pg-b at once and on pg-c after the delay; stopped standbys."""
    run_command(commands.demo_replication)


@task
def lab(c):
    """The whole assignment in order on the current provider (a fresh lab), then the report."""
    run_command(commands.lab)


@task
def report(c, lang="en", out=None):
    """Write report/report.md, report.html and timeline.png from what the lab recorded (lang: en, ru)."""
    run_command(commands.report, lang, out)


@task
def watch(c, seconds=None):
    """Live view of nodes (power, pgpool status, role, timeline, sync, lag) and client sessions."""
    run_command(commands.watch, float(seconds) if seconds else None)
