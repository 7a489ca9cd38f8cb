"""The report's title page: university, faculty, discipline, lab number, authors, group, teacher, city, year.

Read from a small TOML file (report.toml in the project root by default; report.example.toml
shows the fields). Absent fields are left out of the page.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pglab.errors import ConfigError
from pglab.state import REPO_ROOT

FIELDS = ("university", "faculty", "discipline", "lab_number", "lab_title", "authors", "group", "teacher", "city",
          "year")
DEFAULT = REPO_ROOT / "report.toml"


def load(path: Path | None = None) -> dict[str, str]:
    """Every title page field as text (authors joined; '' when absent or when there is no file)."""
    if path is None:
        if not DEFAULT.exists():
            return dict.fromkeys(FIELDS, "")
        path = DEFAULT
    if not path.exists():
        raise ConfigError(f"title page file {path} does not exist: copy report.example.toml and fill it in")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"title page file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ConfigError(f"title page file {path}: unknown field(s) {', '.join(unknown)}; "
                          f"known: {', '.join(FIELDS)}")
    fields = {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in data.items()}
    return {k: fields.get(k, "").strip() for k in FIELDS}
