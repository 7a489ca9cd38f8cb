"""Issue 2: five hosts as namespaces, SSH to each, a real power cut, clean destroy."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from pglab.context import LabContext
from pglab.providers.local import is_namespace_init, netns_pids
from tests.conftest import REPO, fab, one_line_error

HOSTS = ("pg-a", "pg-b", "pg-c", "pgpool", "client")


def lab_processes() -> list[int]:
    """Every process on this machine that lives in a lab network namespace."""
    found = []
    for ns in Path("/run/netns").glob("pglab-*") if Path("/run/netns").exists() else []:
        found += netns_pids(ns.name.removeprefix("pglab-"))
    return found


def outside_group(pids: list[int], group: int) -> list[int]:
    """The processes of `pids` that are not in process group `group` (and still exist)."""
    found = []
    for pid in pids:
        try:
            if os.getpgid(pid) != group:
                found.append(pid)
        except ProcessLookupError:
            pass
    return found


def processes_in_netns(inode: int) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if os.readlink(proc / "ns/net") == f"net:[{inode}]":
                    pids.append(int(proc.name))
            except OSError:
                pass
    return pids


def init_pid(host: str) -> int:
    return next(p for p in netns_pids(host) if is_namespace_init(p))


@pytest.fixture(scope="module")
def hosts_up(fresh_lab):
    fab("up")
    ctx = LabContext.load()
    yield ctx
    ctx.close()


def test_up_brings_five_hosts_each_with_its_own_name_address_and_files(hosts_up):
    ctx = hosts_up
    for host in HOSTS:
        ctx.shell(host).run(f"echo {host} > /etc/pglab/marker-{host}")
    for host in HOSTS:
        shell = ctx.shell(host)
        assert shell.run("hostname").stdout.strip() == host
        assert ctx.lab.host(host).address in shell.run("ip -4 -br addr show eth0").stdout
        assert shell.run("ls /etc/pglab | grep marker").stdout.split() == [f"marker-{host}"]
        assert shell.run("ps -e -o pid=").stdout.split()[0] == "1"  # its own pid namespace
    pg_b = ctx.lab.host("pg-b").address
    ctx.shell("pg-a").run(f"timeout 3 bash -c 'echo > /dev/tcp/{pg_b}/22'")


def test_bad_input_gives_one_line_and_non_zero_exit(hosts_up):
    assert "unknown host 'pg-z'" in one_line_error(fab("poweroff", "pg-z", check=False))
    assert "already running" in one_line_error(fab("poweron", "pg-b", check=False))


def test_poweroff_kills_every_process_at_once_and_silences_the_address(hosts_up):
    ctx = hosts_up
    ctx.shell("pg-a").run("echo written-before-power-off > /var/lib/postgresql/survivor")
    ctx.shell("pg-a").run("sleep 1000 >/dev/null 2>&1 &")
    inode = os.stat("/run/netns/pglab-pg-a").st_ino
    pg_b_init = init_pid("pg-b")
    assert processes_in_netns(inode)
    fab("poweroff", "pg-a")
    assert processes_in_netns(inode) == []
    assert not Path("/run/netns/pglab-pg-a").exists()
    with pytest.raises(OSError):
        socket.create_connection((ctx.lab.host("pg-a").address, 22), timeout=2)
    assert init_pid("pg-b") == pg_b_init  # pg-b untouched
    assert "is off" in one_line_error(fab("poweroff", "pg-a", check=False))
    status = fab("status").stdout
    assert "pg-a" in status and "off" in status


def test_poweron_boots_with_files_as_they_were(hosts_up):
    ctx = hosts_up
    fab("poweron", "pg-a")
    ctx.forget_shell("pg-a")
    assert ctx.shell("pg-a").read_text("/var/lib/postgresql/survivor").strip() == "written-before-power-off"
    assert "sleep 1000" not in ctx.shell("pg-a").run("ps -eo args").stdout  # nothing survived the cut


def test_destroy_leaves_nothing_even_after_a_run_killed_midway(hosts_up):
    fab("destroy")
    interrupted = subprocess.Popen(["fab", "up"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
    # Wait for a process that outlives `fab up`: one in a lab namespace but outside fab's process group (a host's
    # init). A command fab runs in a namespace to set it up dies with fab, and seeing only such a one made this
    # test find nothing to clean after the kill (seen once in a full run).
    deadline = time.monotonic() + 20
    while not outside_group(lab_processes(), interrupted.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(interrupted.pid, signal.SIGKILL)
    interrupted.wait()
    assert lab_processes(), "the interrupted bring-up left nothing to clean: the test proves nothing"
    fab("destroy")
    assert lab_processes() == []
    assert not list(Path("/run/netns").glob("pglab-*")) if Path("/run/netns").exists() else True
    links = subprocess.run(["ip", "-br", "link"], capture_output=True, text=True).stdout
    assert "pglab" not in links
    assert "/run/netns/pglab-" not in Path("/proc/mounts").read_text()
    assert "no lab is up" in one_line_error(fab("status", check=False))
    assert "no lab is up" in one_line_error(fab("setup", check=False))
