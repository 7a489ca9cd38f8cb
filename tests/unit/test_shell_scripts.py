"""shellcheck over every shell script of the repository: the host scripts, the CI and VM runners, quickstart.

`./quickstart test` installs shellcheck, so CI always runs this; elsewhere, without shellcheck, the test
says so and is skipped. Settings (one rule off, with its reason) are in .shellcheckrc.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO

SHEBANG = re.compile(rb"^#!\s*(/usr/bin/env\s+)?(/bin/|/usr/bin/)?(ba|da)?sh\b")


def shell_scripts() -> list[str]:
    """Every file git tracks that is a shell script: named *.sh or starting with a sh/bash shebang."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    found = []
    for name in tracked.split():
        path = REPO / name
        if path.is_file() and (name.endswith(".sh") or SHEBANG.match(path.read_bytes()[:64])):
            found.append(name)
    return found


def test_every_host_and_runner_script_is_found():
    scripts = shell_scripts()
    assert {"quickstart", "tests/vm/run.sh", "provision/build-box.sh", "provision/scripts/pglab-node",
            "provision/scripts/failover.sh"} <= set(scripts)
    assert not [s for s in scripts if s.endswith(".py")]


def test_shellcheck_finds_nothing():
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (apt-get install shellcheck; ./quickstart test installs it)")
    proc = subprocess.run(["shellcheck", "--format=gcc", *shell_scripts()], cwd=REPO, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
