"""Bad input on the VM path: each gives one line saying what to do, and nothing is half-made.

Runs under tests/vm/run.sh before any VM exists (files run in name order). Missing pieces are
made missing for one command only: a PATH without vagrant, a private mount namespace in which
the vagrant-libvirt plugin or libvirtd's socket is hidden, a box name nobody has.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO, one_line_error

pytestmark = [pytest.mark.vm, pytest.mark.skipif(os.environ.get("PGLAB_VM_TEST") != "1",
                                                 reason="VM test: run tests/vm/run.sh")]

FAB = [str(Path(sys.executable).parent / "fab"), "up", "--provider", "vagrant"]


def fab_up(env: dict[str, str] | None = None, hide: tuple[str, str] | None = None) -> subprocess.CompletedProcess:
    """`fab up --provider vagrant`; `hide` = (what, path): an empty directory mounted over `path`."""
    command = FAB
    if hide:
        empty = tempfile.mkdtemp(prefix="pglab-hidden-")
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                   f'mount --bind {empty} {hide[1]} && exec "$@"', "hide-" + hide[0], *FAB]
    return subprocess.run(command, cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=600)


def assert_nothing_made() -> None:
    assert not list((REPO / ".vagrant" / "machines").glob("*/*/id")), "a VM was created"
    assert not (Path(os.environ["PGLAB_HOME"]) / "lab.json").exists(), "a lab was recorded"


def test_vagrant_missing():
    line = one_line_error(fab_up(env={"PATH": str(Path(sys.executable).parent)}))
    assert "vagrant is not installed" in line and "apt-get install vagrant" in line
    assert_nothing_made()


def test_vagrant_libvirt_plugin_missing():
    line = one_line_error(fab_up(hide=("plugin", "/usr/share/vagrant-plugins/plugins.d")))
    assert "vagrant-libvirt plugin is missing" in line and "apt-get install vagrant-libvirt" in line
    assert_nothing_made()


def test_libvirtd_not_running():
    line = one_line_error(fab_up(hide=("libvirtd", "/run/libvirt")))
    assert "libvirtd is not running" in line and "systemctl start libvirtd" in line
    assert_nothing_made()


def test_box_missing():
    line = one_line_error(fab_up(env={"PGLAB_BOX": "pglab/no-such-box"}))
    assert "box pglab/no-such-box is not installed" in line and "provision/build-box.sh" in line
    assert_nothing_made()
