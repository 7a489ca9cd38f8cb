"""One exception tree: every error pglab raises on purpose is a PglabError.

The CLI turns them into one readable line and a non-zero exit.
"""

from __future__ import annotations

from argparse import ArgumentTypeError


class PglabError(Exception):
    """Root of pglab's own errors; its message says what is wrong and what to do."""


class ConfigError(PglabError):
    """The lab model or a user's option is invalid."""


class BadValueError(ConfigError, ArgumentTypeError):
    """A command's parameter got a value it does not take (argparse shows its message too, as `type=`)."""


class UnknownHostError(PglabError):
    """A host name that is not part of the lab."""


class LabNotUpError(PglabError):
    """The lab, or a host in it, is not running."""


class PowerStateError(PglabError):
    """A power action that makes no sense in the host's current power state."""


class MissingToolError(PglabError):
    """A program or privilege the requested action needs is not available."""


class StageOrderError(PglabError):
    """A stage was run before the stage it builds on, or run twice."""


class NothingToRecoverError(StageOrderError):
    """`recover` found the original topology already in place."""


class RemoteCommandError(PglabError):
    """A command on a lab host failed; carries the host, command, exit code and output tail."""

    def __init__(self, host: str, command: str, exit_code: int, output: str, step: str = "") -> None:
        self.host, self.command, self.exit_code, self.output = host, command, exit_code, output
        tail = last_lines(output, 3)
        where = f"{host}: {step}: " if step else f"{host}: "
        super().__init__(f"{where}`{_short(command)}` exited {exit_code}: {tail or 'no output'}")


class ClusterStateError(PglabError):
    """The cluster is not in the state an operation needs, or did not reach the state expected."""


def last_lines(output: str, count: int = 2) -> str:
    """The last non-blank lines a tool printed, joined into one line ('' if none)."""
    return " | ".join(line.strip() for line in output.strip().splitlines()[-count:] if line.strip())


def _short(command: str, limit: int = 120) -> str:
    command = " ".join(command.split())
    return command if len(command) <= limit else command[: limit - 3] + "..."
