"""Bad input through the real entry points: one line `pglab: error: ...`, a non-zero exit, nothing made.

No lab is needed: every command here fails before it would look for one (and runs with no `ip` on
its PATH, see run_without_lab).
"""

from __future__ import annotations

import json
import math
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pglab.cli import main
from pglab.errors import BadValueError
from pglab.stages import COMMANDS, RATE, command
from pglab.workload.control import FULL_SPEED
from tests.conftest import one_line_error, run_without_lab

BAD_VALUES = [
    (("clients", "--writers", "abc"), "--writers 'abc' is not a whole number"),
    (("clients", "--readers", "-1"), "--readers -1 is out of range"),
    (("clients", "--writers", "2.5"), "--writers '2.5' is not a whole number"),
    (("clients", "--rate", "abc"), "--rate 'abc' is not a number"),
    (("clients", "--rate", "-5"), "--rate -5 is out of range: use a number above 0, or full"),
    (("clients", "--rate", "0"), "--rate 0 is out of range"),
    (("clients", "--rate", "inf"), "--rate 'inf' is not a number"),
    (("clients", "--action", "bogus"), "not one of start, stop"),
    (("chaos", "--faults", "x"), "--faults 'x' is not a whole number"),
    (("chaos", "--faults", "0"), "--faults 0 is out of range: use a whole number of at least 1"),
    (("chaos", "--faults", "-5"), "--faults -5 is out of range"),
    (("chaos", "--seed", "s"), "--seed 's' is not a whole number"),
    (("watch", "--seconds", "0"), "--seconds 0 is out of range"),
]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A state folder of its own, with no lab in it."""
    return tmp_path / "state"


@pytest.mark.parametrize(("args", "said"), BAD_VALUES, ids=[" ".join(a) for a, _ in BAD_VALUES])
def test_a_bad_value_is_one_line(home, args, said):
    line = one_line_error(run_without_lab("fab", *args, home=home))
    assert said in line
    assert not home.exists(), "nothing is made for a refused command"


def test_a_bad_value_is_one_line_in_the_pglab_command(home, monkeypatch):
    """The same values through the click command, in this process (no `ip` on PATH here either)."""
    monkeypatch.setenv("PGLAB_HOME", str(home))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    for args, said in BAD_VALUES:
        result = CliRunner().invoke(main, list(args))
        assert result.exit_code == 1 and result.stdout == "", args
        assert result.stderr.splitlines() == [result.stderr.strip()] and said in result.stderr, args
    assert not home.exists()


def test_every_number_is_checked_in_the_table():
    """Each numeric parameter rejects text; its default passes its own check."""
    for cmd in COMMANDS:
        for param in cmd.params:
            if param.is_number:
                assert param.parse(param.default) == param.default, (cmd.name, param.name)
                with pytest.raises(BadValueError):
                    param.parse("abc")


def test_rate_has_an_explicit_spelling_for_full_speed():
    assert RATE.parse("full") == FULL_SPEED and math.isinf(FULL_SPEED)
    assert RATE.parse("2.5") == 2.5
    for bad in ("0", "-5", "nan", "abc"):
        with pytest.raises(BadValueError):
            RATE.parse(bad)
    args, _ = command("clients").split({"rate": "full", "writers": "4"})
    assert args == ["start", 4, 1, FULL_SPEED]
    args, _ = command("chaos").split({})  # defaults, as `fab lab` calls commands
    assert args == [10, 1, ""]


def test_title_page_that_is_not_utf8_is_one_line(home, tmp_path):
    bad = tmp_path / "report.toml"
    bad.write_bytes('university = "Universit\u00e9"\n'.encode("latin-1"))
    out = tmp_path / "out"
    line = one_line_error(run_without_lab("fab", "report", "--titlepage", str(bad), "--out", str(out), home=home))
    assert "is not UTF-8" in line
    assert not out.exists() and not home.exists()


def test_title_page_that_is_not_toml_is_one_line(home, tmp_path):
    bad = tmp_path / "report.toml"
    bad.write_text('university = "U\nauthors = [\n')
    out = tmp_path / "out"
    line = one_line_error(run_without_lab("pglab", "report", "--titlepage", str(bad), "--out", str(out), home=home))
    assert "is not valid TOML" in line
    assert not out.exists() and not home.exists()


def recorded_lab(home: Path, subnet: str = "10.213.27.0/24", provider: str = "local") -> Path:
    home.mkdir()
    (home / ".pglab-state").write_text("")
    (home / "lab.json").write_text(json.dumps({"provider": provider, "subnet": subnet}))
    return home


def test_a_public_subnet_is_refused(home):
    line = one_line_error(run_without_lab("fab", "status", home=home, env={"PGLAB_SUBNET": "8.8.8.0/24"}))
    assert "not a private range (RFC 1918)" in line


def test_a_subnet_other_than_the_recorded_labs_is_refused(home):
    recorded_lab(home)
    line = one_line_error(run_without_lab("fab", "status", home=home, env={"PGLAB_SUBNET": "10.99.0.0/24"}))
    assert "PGLAB_SUBNET is 10.99.0.0/24, but the lab" in line and "uses 10.213.27.0/24" in line
    assert json.loads((home / "lab.json").read_text())["subnet"] == "10.213.27.0/24"


def fake_tool(folder: Path, name: str, stdout: str, stderr: str, code: int) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\nprintf '%s' '{stdout}'\nprintf '%s' '{stderr}' >&2\nexit {code}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


NO_ACCESS = ("error: failed to connect to the hypervisor\nerror: Failed to connect socket to "
             "/var/run/libvirt/libvirt-sock: Permission denied\n")


def test_vagrant_without_access_to_libvirt_is_one_line(home, tmp_path):
    """`fab up --provider vagrant` for a user libvirt does not let in: what to do, in one line."""
    tools = tmp_path / "bin"
    fake_tool(tools, "vagrant", "1,pg-a,provider-name,libvirt\n", "", 0)
    fake_tool(tools, "virsh", "", NO_ACCESS, 1)
    line = one_line_error(run_without_lab("fab", "up", "--provider", "vagrant", home=home, path=(str(tools),),
                                          env={"PGLAB_PROVIDER": "vagrant"}))
    assert "no access to libvirt" in line and "libvirt group" in line
    assert not home.exists()


def test_a_failing_vagrant_call_is_one_line(home, tmp_path):
    """A vagrant call with no explanation of its own (python-vagrant raises CalledProcessError)."""
    tools = tmp_path / "bin"
    fake_tool(tools, "vagrant", "", "Error while connecting to Libvirt: Permission denied\n", 1)
    recorded_lab(home, provider="vagrant")
    line = one_line_error(run_without_lab("fab", "status", home=home, path=(str(tools),),
                                          env={"PGLAB_PROVIDER": "vagrant"}))
    assert "vagrant" in line and "exited 1" in line


def test_virsh_refused_is_explained(monkeypatch, tmp_path):
    from pglab.errors import MissingToolError
    from pglab.providers import libvirt
    fake_tool(tmp_path, "virsh", "", NO_ACCESS, 1)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError, match="no access to libvirt"):
        libvirt.running_domains()
