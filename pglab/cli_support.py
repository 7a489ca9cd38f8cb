"""Run a command of the table with a lab context; turn pglab's errors into one line and exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from pglab.context import LabContext
from pglab.errors import PglabError, last_lines

if TYPE_CHECKING:
    from pglab.stages import Command


def run_command(command: Command, values: dict[str, Any], provider: str | None = None) -> Any:
    """Check the values, load the lab and run the command; every failure pglab foresees is one line."""
    ctx = None
    try:
        args, own_provider = command.split(values)  # bad values are refused before anything is read or made
        ctx = LabContext.load(own_provider or provider, adopt=command.name != "destroy")
        result = command.run(ctx, *args)
    except PglabError as exc:
        fail(str(exc))
    except PermissionError as exc:
        fail(f"no permission for {exc.filename or 'a file of the lab'} ({exc.strerror}): the lab was made by "
             "another user (root?): run pglab as that user (e.g. sudo fab ...)")
    except subprocess.CalledProcessError as exc:
        fail(explain_called_process(exc))
    except KeyboardInterrupt:
        print("pglab: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        if ctx is not None:
            ctx.close()
    if isinstance(result, int) and not isinstance(result, bool) and result != 0:
        raise SystemExit(result)
    return result


def fail(message: str) -> NoReturn:
    """`pglab: error: MESSAGE` on one line of stderr, exit 1."""
    print(f"pglab: error: {' | '.join(line.strip() for line in message.splitlines() if line.strip())}",
          file=sys.stderr)
    raise SystemExit(1) from None


def explain_called_process(exc: subprocess.CalledProcessError) -> str:
    """A tool pglab runs (vagrant, virsh, ...) failed where no caller explained it: what it said, in one line."""
    from pglab.providers.libvirt import explain_libvirt_failure
    from pglab.providers.vagrant import explain_vagrant_failure
    argv = [str(a) for a in (exc.cmd if isinstance(exc.cmd, list | tuple) else str(exc.cmd).split())]
    typed = " ".join([Path(argv[0]).name, *argv[1:]] if argv else argv)
    output = "\n".join(part if isinstance(part, str) else (part or b"").decode(errors="replace")
                       for part in (exc.stdout, exc.stderr))
    if not output.strip():
        return f"`{typed}` exited {exc.returncode} and said nothing here: run it yourself to see why"
    said = explain_vagrant_failure(output) if typed.startswith("vagrant") else (
        explain_libvirt_failure(output) or last_lines(output))
    return f"`{typed}` exited {exc.returncode}: {said}"
