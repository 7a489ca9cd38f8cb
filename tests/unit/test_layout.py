"""The README's layout section names every file of pglab/, provision/, bench/ and tests/ (test modules by folder)."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO

FOLDERS = ("pglab", "provision", "bench", "tests")


def layout() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Layout\n"):]
    return section[:section.index("\n## ")] if "\n## " in section else section


def named_as(path: str) -> str | None:
    """The name the layout uses for a tracked file, or None if it is covered by its folder."""
    name = path.rsplit("/", 1)[-1]
    if name in ("__init__.py", "py.typed") or path.startswith("tests/data/"):
        return None
    if path.startswith("tests/") and name.startswith("test_") and name.endswith(".py"):
        return path.rsplit("/", 1)[0]  # tests/unit: the folder says what its tests are about
    return name.removesuffix(".j2")


def test_the_layout_names_every_module_script_and_template():
    tracked = subprocess.run(["git", "ls-files", *FOLDERS], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    text = layout()
    missing = sorted({n for n in map(named_as, tracked) if n and not re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-])",
                                                                             text)})
    assert not missing, f"README's layout section does not name: {', '.join(missing)}"
    assert len(tracked) > 100
