"""The `pglab` command: the same stages as the Fabric tasks, for use without `fab`."""

from __future__ import annotations

import click

from pglab import commands
from pglab.cli_support import run_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--provider", type=click.Choice(["local", "vagrant"]), default=None,
              help="Where the hosts come from (default: PGLAB_PROVIDER, else local).")
@click.pass_context
def main(ctx: click.Context, provider: str | None) -> None:
    """pglab: a PostgreSQL high-availability lab (replication, pgpool-II, power-off, failover, rewind)."""
    ctx.obj = provider


def _stage(name: str, func, *params: click.Parameter, help_text: str) -> None:
    """Register a subcommand that runs one command function with the lab context."""
    @click.pass_obj
    def callback(provider: str | None, **kwargs: object) -> None:
        run_command(func, *kwargs.values(), provider=provider)
    main.add_command(click.Command(name, callback=callback, params=list(params), help=help_text))


HOST = click.Argument(["host"])
_stage("up", commands.up, help_text="Create and boot the lab's five hosts.")
_stage("destroy", commands.destroy, help_text="Remove every host, network and record of the lab.")
_stage("status", commands.status, help_text="Hosts and the cluster as pgpool and PostgreSQL see it.")
_stage("poweroff", commands.poweroff, HOST, help_text="Hard power-off of a host.")
_stage("poweron", commands.poweron, HOST, help_text="Power a host on again.")
_stage("ssh", commands.ssh, HOST, click.Argument(["command"]), help_text="Run a command on a host as root.")
_stage("setup", commands.setup, help_text="Stage 1: A primary, B sync, C async, pgpool-II.")
_stage("demo-replication", commands.demo_replication, help_text="Stage 1 evidence: B at once, C delayed.")
_stage("clients", commands.clients, click.Argument(["action"], default="start", required=False),
       click.Option(["--writers"], type=int, default=3), click.Option(["--readers"], type=int, default=1),
       help_text="Client sessions: start | stop | stats | pause | resume.")
_stage("failover", commands.failover, help_text="Manual failover of a primary that does not answer.")
_stage("logs", commands.logs, help_text="Relevant log messages since the last power-off.")
_stage("recover", commands.recover, help_text="Stage 3: rejoin with pg_rewind, switch back, restore.")
_stage("verify", commands.verify, help_text="Every acknowledged write on every node; invariant; checksums.")
_stage("watch", commands.watch, click.Option(["--seconds"], type=float, default=None),
       help_text="Live view of nodes and client sessions.")
_stage("dsn", commands.print_dsn, help_text="A libpq URI to pgpool for this machine.")
_stage("psql", commands.psql, help_text="psql on the client host through pgpool.")
_stage("lab", commands.lab, help_text="The whole assignment on a fresh lab, then the report.")
_stage("report", commands.report, click.Option(["--lang"], type=click.Choice(["en", "ru"]), default="en"),
       click.Option(["--out"], default=None), help_text="Markdown + HTML report from what the lab recorded.")


if __name__ == "__main__":
    main()
