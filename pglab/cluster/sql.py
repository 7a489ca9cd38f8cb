"""Queries run on a node over SSH as postgres through its local socket (peer auth, no password)."""

from __future__ import annotations

import shlex

from pglab.remote import HostShell

SEP = "\x1f"


def query(shell: HostShell, sql: str, database: str = "postgres", *, check: bool = True,
          step: str = "query") -> list[list[str]]:
    """Rows of a query as lists of strings ('' for NULL)."""
    result = shell.run(f"psql -X -A -t -q -v ON_ERROR_STOP=1 -F $'\\x1f' -d {shlex.quote(database)} "
                       f"-c {shlex.quote(sql)}", user="postgres", step=step, check=check)
    if not result.ok:
        return []
    return [line.split(SEP) for line in result.stdout.splitlines() if line]


def value(shell: HostShell, sql: str, database: str = "postgres", **kwargs: object) -> str | None:
    rows = query(shell, sql, database, **kwargs)  # type: ignore[arg-type]
    return rows[0][0] if rows else None


def script_command(path: str, database: str) -> str:
    """psql as postgres reading a script from a root-only file on its standard input (root opens it)."""
    psql = f"psql -X -q -v ON_ERROR_STOP=1 -d {shlex.quote(database)}"
    return f"runuser -l postgres -c {shlex.quote(psql)} < {path}; rc=$?; rm -f {path}; exit $rc"


def run_script(shell: HostShell, text: str, database: str, step: str) -> None:
    """Run an SQL script (it may carry password verifiers): uploaded to a private temp file, then removed."""
    path = shlex.quote(shell.put_private(text.encode(), step=step))
    shell.run(script_command(path, database), step=step)
