"""Shared fixtures: a private lab state folder, and the `fab` command run as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def needs_root_linux() -> str | None:
    if sys.platform != "linux" or os.geteuid() != 0:
        return "the local provider needs root on Linux"
    if not shutil.which("fab"):
        return "fab is not installed (pip install -e .[test])"
    return None


@pytest.fixture(scope="session", autouse=True)
def lab_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tests never touch the user's own .pglab/ folder."""
    home = tmp_path_factory.mktemp("pglab-home")
    os.environ["PGLAB_HOME"] = str(home)
    return home


def fab(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `fab ARGS` from the repository root, as a user would."""
    proc = subprocess.run(["fab", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"fab {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def entry_point(kind: str) -> list[str]:
    """The real command of this checkout: `fab` (tasks.py) or `pglab` (the click command)."""
    return [str(Path(sys.executable).parent / "fab")] if kind == "fab" else [sys.executable, "-m", "pglab.cli"]


def run_without_lab(kind: str, *args: str, home: Path | str, env: dict[str, str] | None = None,
                    path: tuple[str, ...] = (), user: str | None = None) -> subprocess.CompletedProcess:
    """`fab ARGS` or `pglab ARGS` with a lab state folder of its own and a PATH of the virtualenv's programs
    only (plus `path`): without `ip` no command could reach a lab on this machine, even one that got past
    the check a test means to exercise. `user`: run as that user (via setpriv; the caller is root)."""
    environ = {**os.environ, "PGLAB_HOME": str(home), "PGLAB_PROVIDER": "local", "PYTHONPATH": str(REPO),
               "PATH": os.pathsep.join((*path, str(Path(sys.executable).parent))), **(env or {})}
    command = entry_point(kind) + list(args)
    if user:
        environ["HOME"] = "/tmp"
        command = ["/usr/bin/setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, cwd=REPO, env=environ, capture_output=True, text=True, timeout=120)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """A failed command's complaint: exactly one line on stderr, non-zero exit, no traceback."""
    assert proc.returncode != 0, proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("pglab: error: "), lines[0]
    return lines[0]
