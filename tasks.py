"""Fabric tasks of pglab, one per command of the table in pglab/stages.py. Thin: the work is done in pglab/.

    fab up | setup | demo-replication | clients | poweroff pg-a | logs | poweron pg-a | recover | verify | lab
"""

from __future__ import annotations

import inspect

from fabric import task
from invoke import Collection

from pglab.cli_support import run_command
from pglab.stages import COMMANDS, Command, Param


def fabric_default(param: Param):
    """Invoke parses a value by its default's type; numbers go as text, so that pglab checks them
    (Param.parse: one line for a bad value) rather than invoke (a traceback)."""
    if param.default is None or isinstance(param.default, str) or param.is_flag:
        return param.default
    return str(param.default)


def as_task(command: Command):
    """A Fabric task whose arguments are the command's parameters (required ones positional)."""
    def body(c, **values):
        run_command(command, values)

    params = [inspect.Parameter("c", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                 **({} if p.required else {"default": fabric_default(p)})) for p in command.params]
    body.__signature__ = inspect.Signature(params)
    body.__doc__ = command.help
    body.__name__ = command.name.replace("-", "_")
    return task(name=command.name, help={p.name: p.help for p in command.params})(body)


ns = Collection(*(as_task(c) for c in COMMANDS))
