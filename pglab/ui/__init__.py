"""Terminal output: rich tables for status views, one-line messages for steps."""

from __future__ import annotations

from rich.console import Console

console = Console(highlight=False)


def say(message: str) -> None:
    """One progress line of a stage."""
    console.print(f"[bold cyan]>[/] {message}")
