"""Terminal output: rich tables for status views, one-line messages for steps.

Styling is this layer's alone: the rest of pglab says plain text, which is printed as it is
(never read as markup: a message may quote a host's output, brackets and all).
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text

# Wide enough for the cluster table when output goes to a file or a pipe.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def say(message: str | Text) -> None:
    """One progress line of a stage: plain text as it is; a rich Text (built in this layer) keeps its styles."""
    console.print(Text.assemble(("> ", "bold cyan"), message))
