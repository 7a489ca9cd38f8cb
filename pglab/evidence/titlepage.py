"""The report's title page: university, faculty, discipline, lab number, authors, group, teacher, city, year.

Read from a small TOML file (report.toml in the project root by default; report.example.toml
shows the fields). An absent field shows as a visible placeholder ("[university]"), and `fab report`
prints one warning line naming the fields to fill in.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pglab.errors import ConfigError
from pglab.state import REPO_ROOT

FIELDS = ("university", "faculty", "discipline", "lab_number", "lab_title", "authors", "group", "teacher", "city",
          "year")
DEFAULT = REPO_ROOT / "report.toml"
EXPECTED = ("university", "faculty", "discipline", "lab_number", "authors", "group", "teacher", "city")  # no default


def load(path: Path | None = None) -> dict[str, str]:
    """Every title page field as one line of plain text (authors joined; '' when absent or when there is no
    file). The text is data: the report escapes it (report.render_markdown)."""
    if path is None:
        if not DEFAULT.exists():
            return dict.fromkeys(FIELDS, "")
        path = DEFAULT
    if not path.exists():
        raise ConfigError(f"title page file {path} does not exist: copy report.example.toml and fill it in")
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"title page file {path} is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"title page file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"title page file {path} cannot be read: {exc.strerror}") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ConfigError(f"title page file {path}: unknown field(s) {', '.join(unknown)}; "
                          f"known: {', '.join(FIELDS)}")
    nested = sorted(k for k, v in data.items() if isinstance(v, dict) or isinstance(v, list) and
                    any(isinstance(x, dict | list) for x in v))
    if nested:
        raise ConfigError(f"title page file {path}: {', '.join(nested)} must be text or a list of names")
    fields = {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in data.items()}
    return {k: " ".join(fields.get(k, "").split()) for k in FIELDS}  # one line each: the page has no room for more


def missing(fields: dict[str, str]) -> list[str]:
    """The title page's fields that have no value and no default (the title and the year have one)."""
    return [k for k in EXPECTED if not fields.get(k)]


def warning(fields: dict[str, str], path: Path | None = None) -> str | None:
    """One line for the command line when the title page has placeholders: which fields, and how to fill them."""
    absent = missing(fields)
    if not absent:
        return None
    if path is None and not DEFAULT.exists():
        how = f"no {DEFAULT.name}: copy report.example.toml to {DEFAULT.name} and fill it in"
    else:
        how = f"add them to {path or DEFAULT.name} (report.example.toml shows each field)"
    return f"the title page shows placeholders for {', '.join(absent)}: {how}"
