"""Gray failures: what `fab degrade` accepts and puts on a link, and how the link is read back."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from pglab.errors import BadValueError
from pglab.providers.gray import Degradation, parse_iptables, parse_netem, process_state
from pglab.stages import command


@pytest.mark.parametrize(("delay", "loss", "says"), [
    (-1, 0, "must not be negative"), (0, -5, "must not be negative"), (0, 101, "out of range"),
    (0, 0, "nothing to degrade"),
])
def test_bad_degradations_are_one_line(delay, loss, says):
    with pytest.raises(BadValueError, match=says):
        Degradation(delay, loss)


def test_netem_arguments_and_text():
    assert Degradation(50, 10).netem_args() == ["netem", "delay", "50ms", "loss", "10%"]
    assert Degradation(0, 2.5).netem_args() == ["netem", "loss", "2.5%"]
    assert str(Degradation(50, 10)) == "+50 ms, 10% loss" and str(Degradation(0, 7)) == "7% loss"


def test_the_link_read_back():
    shown = "qdisc netem 8001: root refcnt 2 limit 1000 delay 50ms loss 10%\n"
    assert parse_netem(shown) == Degradation(50, 10)
    assert parse_netem("qdisc netem 8002: root refcnt 2 limit 1000 delay 1.5s\n") == Degradation(1500, 0)
    assert parse_netem("qdisc noqueue 0: root refcnt 2\n") is None
    rules = "-N PGLAB_DEGRADE\n-A PGLAB_DEGRADE -m statistic --mode random --probability 0.25000000000 -j DROP\n"
    assert parse_iptables(rules) == Degradation(0, 25) and parse_iptables("") is None


def test_the_command_checks_its_numbers():
    degrade = command("degrade")
    with pytest.raises(BadValueError, match="out of range"):
        degrade.split({"host": "pg-a", "loss": "-3"})
    args, _ = degrade.split({"host": "pg-a", "delay": "100", "loss": "5"})
    assert args == ["pg-a", 100.0, 5.0, False]


def test_a_stopped_process_reads_as_stopped():
    child = subprocess.Popen(["sleep", "30"])
    try:
        os.kill(child.pid, signal.SIGSTOP)
        for _ in range(100):
            if process_state(child.pid) == "T":
                break
            time.sleep(0.01)
        assert process_state(child.pid) == "T"
        os.kill(child.pid, signal.SIGCONT)
    finally:
        child.kill()
        child.wait()
    assert process_state(child.pid) == ""
