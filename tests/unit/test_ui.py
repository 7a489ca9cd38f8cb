"""Only the UI layer styles: domain code says plain text, printed as it is (brackets and all)."""

from __future__ import annotations

import re
from pathlib import Path

from pglab.ui import console, say
from pglab.ui.tables import verdict

DOMAIN = ("cluster", "evidence", "faults", "modelcheck", "providers", "provisioning", "workload")
MARKUP = re.compile(r"\[/\]|\[(bold|red|green|yellow|cyan|dim)[^\]]*\]")


def test_a_message_is_printed_as_it_is_never_read_as_markup():
    with console.capture() as captured:
        say("pg-a: psql [local] said [bold]x[/] and [university] is a placeholder")
        say(verdict(False, "missing 1"))
    assert captured.get().splitlines() == ["> pg-a: psql [local] said [bold]x[/] and [university] is a placeholder",
                                           "> FAILED: missing 1"]
    assert verdict(True, "all there").spans[0].style == "green"


def test_domain_modules_carry_no_rich_markup_and_import_no_rich():
    root = Path(__file__).resolve().parents[2] / "pglab"
    for package in DOMAIN:
        for module in (root / package).rglob("*.py"):
            text = module.read_text()
            assert not MARKUP.search(text), f"{module}: rich markup in a domain message"
            assert "import rich" not in text and "from rich" not in text, f"{module}: styling belongs to pglab/ui"
