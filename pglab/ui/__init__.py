"""Terminal output: rich tables for status views, one-line messages for steps."""

from __future__ import annotations

import sys

from rich.console import Console

# Wide enough for the cluster table when output goes to a file or a pipe.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def say(message: str) -> None:
    """One progress line of a stage."""
    console.print(f"[bold cyan]>[/] {message}")
