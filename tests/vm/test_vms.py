"""Issue 5: the same lab on real VMs (vagrant-libvirt, QEMU), driven by the same fab tasks.

Runs only under tests/vm/run.sh (PGLAB_PROVIDER=vagrant), which owns libvirtd and its network
namespace; the ordinary test run skips it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from pglab.cluster.operations import wait_for_new_primary
from pglab.context import LabContext
from pglab.providers import PowerState
from tests.conftest import REPO, fab

pytestmark = [pytest.mark.vm, pytest.mark.skipif(os.environ.get("PGLAB_PROVIDER") != "vagrant",
                                                 reason="VM test: run tests/vm/run.sh")]


@pytest.fixture(scope="module")
def vms():
    started = time.monotonic()
    fab("up", timeout=3600)
    print(f"vagrant up of 5 VMs: {time.monotonic() - started:.0f} s")
    ctx = LabContext.load()
    try:
        yield ctx
    finally:
        ctx.close()
        fab("destroy", check=False, timeout=900)


def test_power_cut_and_power_on_of_a_vm(vms):
    ctx = vms
    assert all(s is PowerState.RUNNING for s in ctx.provider.states().values())
    assert ctx.shell("pg-a").run("hostname").stdout.strip() == "pg-a"
    ctx.shell("pg-a").run("echo before > /root/survivor && sync")
    fab("poweroff", "pg-a", timeout=600)
    assert ctx.provider.power_state("pg-a") is PowerState.OFF
    fab("poweron", "pg-a", timeout=1200)
    ctx.forget_shell("pg-a")
    assert ctx.shell("pg-a").read_text("/root/survivor").strip() == "before"


def test_isolate_and_heal_cut_the_lab_network_only(vms):
    """Issue 9: `virsh domif-setlink` of the lab NIC: the VM runs on, no lab host reaches it; heal undoes it."""
    ctx = vms
    reach_b = f"timeout 3 bash -c '</dev/tcp/{ctx.lab.host('pg-b').address}/22'"
    assert ctx.shell("pg-a").run(reach_b, check=False).ok
    fab("isolate", "pg-b", timeout=300)
    assert ctx.provider.is_isolated("pg-b") and ctx.provider.power_state("pg-b") is PowerState.RUNNING
    assert not ctx.shell("pg-a").run(reach_b, check=False).ok
    assert ctx.shell("pg-b").run("hostname").stdout.strip() == "pg-b"  # alive, seen over the management NIC
    fab("heal", "pg-b", timeout=300)
    assert not ctx.provider.is_isolated("pg-b")
    deadline = time.monotonic() + 30
    while not ctx.shell("pg-a").run(reach_b, check=False).ok:
        assert time.monotonic() < deadline, "pg-b still unreachable after heal"
        time.sleep(1)


def test_adopt_vms_that_vagrant_up_made(vms):
    """Issue 10: VMs from a plain `vagrant up` and no lab recorded: the first command adopts them."""
    ctx = vms
    ctx.close()
    shutil.rmtree(ctx.state.root)  # as after `vagrant up` in a fresh checkout: no keys, no lab.json
    env = {k: v for k, v in os.environ.items() if k != "PGLAB_PROVIDER"}
    proc = subprocess.run(["fab", "status"], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    assert "adopting them (vagrant provider)" in proc.stdout and "adopted 5 running VM(s)" in proc.stdout
    assert "vagrant provider" in proc.stdout and "timing roomy" in proc.stdout  # QEMU software emulation here
    assert ctx.shell("pg-c").run("hostname").stdout.strip() == "pg-c"  # the new lab key works


def test_lab_on_vms_fails_over_recovers_and_loses_nothing(vms):
    ctx = vms
    for step in (("setup",), ("clients",)):
        started = time.monotonic()
        fab(*step, timeout=3600)
        print(f"fab {' '.join(step)}: {time.monotonic() - started:.0f} s")
    time.sleep(5)
    fab("poweroff", "pg-a", timeout=600)
    assert wait_for_new_primary(ctx, "pg-a", timeout=300) == "pg-b"
    fab("poweron", "pg-a", timeout=1200)
    ctx.forget_shell("pg-a")
    started = time.monotonic()
    fab("recover", timeout=3600)
    print(f"fab recover: {time.monotonic() - started:.0f} s")
    out = fab("verify", timeout=1800).stdout
    assert "missing 0" in out and "checksums equal" in out
