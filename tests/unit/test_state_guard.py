"""`fab destroy` removes only what is pglab's: dangerous state folders are refused, foreign files stay.

Every `fab destroy` here is one that must be refused, and runs with no `ip` on its PATH (see
run_without_lab): none of them can reach a lab on this machine.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from pglab import commands, state
from pglab.errors import ConfigError
from pglab.state import MARKER, OWN_NAMES, LabState, foreign_state_root
from tests.conftest import REPO, one_line_error, run_without_lab


def foreign_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "someone-elses"
    folder.mkdir()
    (folder / "sentinel").write_text("keep me\n")
    (folder / "keys").mkdir()  # a name pglab uses, in a folder pglab did not make
    return folder


def dangerous_homes(tmp_path: Path) -> dict[str, str]:
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me\n")
    return {"empty": "", "root": "/", "home": str(Path.home()), "checkout": str(REPO),
            "above the checkout": str(REPO.parent), "foreign folder": str(foreign_folder(tmp_path)),
            "a file": str(a_file)}


def snapshot(path: Path) -> dict[str, float]:
    """Names and modification times of a folder's top level (of the sentinel's folder, for a file)."""
    folder = path if path.is_dir() else path.parent
    return {p.name: p.stat().st_mtime for p in folder.iterdir()}


def untouched(before: dict[str, float], after: dict[str, float]) -> bool:
    """Nothing that was there is gone, and no name a destroy removes was touched. Other processes may add
    files under / or beside the checkout meanwhile (/tmp's mtime moves): that is not the destroy's doing."""
    return set(before) <= set(after) and all(after[n] == t for n, t in before.items() if n in OWN_NAMES)


CASES = [("fab", case) for case in ("empty", "root", "home", "checkout", "above the checkout", "foreign folder",
                                    "a file")] + [("pglab", case) for case in ("empty", "root", "foreign folder")]


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{kind} {case}" for kind, case in CASES])
def test_destroy_refuses_a_state_folder_that_is_not_pglabs(tmp_path, kind, case):
    home = dangerous_homes(tmp_path)[case]
    watched = Path(home) if home else REPO
    before = snapshot(watched)
    line = one_line_error(run_without_lab(kind, "destroy", home=home))
    assert ("PGLAB_HOME is set but empty" if case == "empty" else "refusing") in line
    assert untouched(before, snapshot(watched))
    if case == "foreign folder":
        assert (Path(home) / "sentinel").read_text() == "keep me\n" and (Path(home) / "keys").is_dir()


def test_every_dangerous_folder_has_a_reason(tmp_path):
    for case, home in dangerous_homes(tmp_path).items():
        if home:
            assert foreign_state_root(Path(home)), case
    assert foreign_state_root(tmp_path / "new") is None
    (tmp_path / "empty").mkdir()
    assert foreign_state_root(tmp_path / "empty") is None


def test_empty_pglab_home_is_refused_not_the_current_folder(monkeypatch):
    monkeypatch.setenv("PGLAB_HOME", "  ")
    with pytest.raises(ConfigError, match="PGLAB_HOME is set but empty"):
        state.state_dir()


def test_pglab_marks_the_folder_it_makes_and_removes_only_its_own_names(tmp_path):
    lab = LabState(tmp_path / "lab")
    lab.secrets()
    lab.key_pair("lab")
    lab.record_event("up")
    (lab.root / "lab.json").write_text("{}")
    (lab.hosts_dir / "pg-a" / "etc").mkdir(parents=True)
    assert (lab.root / MARKER).is_file()
    (lab.root / "notes.txt").write_text("mine\n")  # a user's file in pglab's folder
    assert lab.remove() == ["notes.txt"]
    assert sorted(p.name for p in lab.root.iterdir()) == [MARKER, "notes.txt"]
    (lab.root / "notes.txt").unlink()
    assert lab.remove() == [] and not lab.root.exists()


def test_a_symlink_in_the_state_folder_is_removed_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "sentinel").write_text("keep me\n")
    lab = LabState(tmp_path / "lab")
    lab.ensure()
    (lab.root / "hosts").symlink_to(outside)
    lab.remove()
    assert (outside / "sentinel").read_text() == "keep me\n" and not lab.root.exists()


def test_a_foreign_folder_is_never_written_to(tmp_path):
    folder = foreign_folder(tmp_path)
    before = snapshot(folder)
    with pytest.raises(ConfigError, match="no .pglab-state marker"):
        LabState(folder).record_event("up")
    assert snapshot(folder) == before


def test_destroy_refuses_before_tearing_anything_down(tmp_path):
    torn_down = []
    provider = SimpleNamespace(name="local", destroy=lambda: torn_down.append("hosts"))
    ctx = SimpleNamespace(state=LabState(foreign_folder(tmp_path)), provider=provider, close=lambda: None)
    with pytest.raises(ConfigError, match="refusing"):
        commands.destroy(ctx)
    assert torn_down == []


def test_destroy_of_a_pglab_folder_keeps_foreign_files(tmp_path):
    lab = LabState(tmp_path / "lab")
    lab.ensure()
    (lab.root / "sentinel").write_text("keep me\n")
    torn_down = []
    ctx = SimpleNamespace(state=lab, provider=SimpleNamespace(name="local", destroy=lambda: torn_down.append(1)),
                          close=lambda: None)
    commands.destroy(ctx)
    assert torn_down == [1] and (lab.root / "sentinel").read_text() == "keep me\n"
    assert not (lab.root / "keys").exists() and not (lab.root / "evidence").exists()


def test_the_checkouts_own_state_folder_from_before_the_marker_is_still_pglabs(tmp_path, monkeypatch):
    legacy = tmp_path / ".pglab"
    (legacy / "evidence").mkdir(parents=True)
    (legacy / "lab.json").write_text("{}")
    monkeypatch.setattr(state, "DEFAULT_STATE", legacy)
    assert foreign_state_root(legacy) is None
    (legacy / "sentinel").write_text("not pglab's\n")
    assert foreign_state_root(legacy)


@pytest.mark.skipif(not os.path.exists("/usr/bin/setpriv") or os.geteuid() != 0,
                    reason="needs root and setpriv to act as another user")
def test_another_users_state_folder_is_one_line(tmp_path):
    """After a root `fab up`, a command as another user: one line, not a PermissionError."""
    home = Path(tempfile.mkdtemp(prefix="pglab-root-"))  # in /tmp itself: the other user can reach it
    try:
        LabState(home).ensure()
        (home / "lab.json").write_text('{"provider": "local", "subnet": "10.213.27.0/24"}')
        for args in (("status",), ("destroy",)):
            line = one_line_error(run_without_lab("fab", *args, home=home, user="65534"))
            assert "belongs to root" in line and "sudo" in line
        assert (home / "lab.json").exists() and (home / MARKER).exists()
    finally:
        LabState(home).remove()
