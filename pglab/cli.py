"""The `pglab` command: the same commands as the Fabric tasks, from the table in pglab/stages.py."""

from __future__ import annotations

import click

from pglab.cli_support import run_command
from pglab.stages import COMMANDS, Command, Param


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--provider", type=click.Choice(["local", "vagrant"]), default=None,
              help="Where the hosts come from (default: PGLAB_PROVIDER, else local).")
@click.pass_context
def main(ctx: click.Context, provider: str | None) -> None:
    """pglab: a PostgreSQL high-availability lab (replication, pgpool-II, power-off, failover, rewind)."""
    ctx.obj = provider


def _click_param(param: Param) -> click.Parameter:
    """Values go to Param.parse as text: one check, and one line for a bad value, as with Fabric."""
    if param.required:
        return click.Argument([param.name], type=str)
    if param.is_flag:
        return click.Option([f"--{param.name}"], is_flag=True, default=param.default, help=param.help)
    return click.Option([f"--{param.name}"], type=str, default=param.default, help=param.help,
                        show_default=param.default is not None)


def _subcommand(command: Command) -> click.Command:
    @click.pass_obj
    def callback(provider: str | None, **values: object) -> None:
        run_command(command, values, provider)
    return click.Command(command.name, callback=callback, params=[_click_param(p) for p in command.params],
                         help=command.help)


for _command in COMMANDS:
    main.add_command(_subcommand(_command))


if __name__ == "__main__":
    main()
