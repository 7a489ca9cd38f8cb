"""failover.sh itself, run by bash with the real pglab-rules and pglab.env, in a sandbox of its own (mount, network and
pid namespaces): /etc and /var/log are overlays, the nodes' names resolve to the sandbox's loopback, where a listener
answers the SYN probe; `ssh` is a stand-in that prints each node's facts block - after a delay, to show what a node
too slow for FACTS_TIMEOUT does to the decision."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from pglab.model import Lab
from pglab.provisioning import files

# The switch-back: B stopped cleanly (its role file names A its synchronous standby), A and C stream what it wrote.
FACTS = {
    "pg-a": "running: yes\nstandby_signal: yes\nrole_file: standby-of-pg-b\ncluster_state: in archive recovery",
    "pg-b": "running: no\nstandby_signal: no\nrole_file: primary-sync-pg_a\ncluster_state: shut down",
    "pg-c": "running: yes\nstandby_signal: yes\nrole_file: standby-of-pg-b\ncluster_state: in archive recovery",
}
WAL = "wal_timeline: 6\nwal_end: 0/5000100"

# `ssh ... postgres@HOST /etc/pglab/bin/pglab-node VERB ...`: log the call; for `facts`, sleep what slow/HOST says
# (its first line, dropped before the sleep, which `timeout` may cut) and print facts/HOST
SSH_STAND_IN = r"""#!/bin/bash
set -euo pipefail
while [[ $1 != postgres@* ]]; do shift; done
host=${1#postgres@}; verb=$3
echo "$host $verb" >> "$SANDBOX/calls"
if [ "$verb" = facts ]; then
  if [ -s "$SANDBOX/slow/$host" ]; then
    delay=$(head -1 "$SANDBOX/slow/$host"); sed -i 1d "$SANDBOX/slow/$host"; sleep "$delay"
  fi
  cat "$SANDBOX/facts/$host"
fi
"""

SANDBOX_SCRIPT = r"""set -euo pipefail
ip link set lo up
for d in /etc /var/log; do
  mkdir -p "$SANDBOX/up$d" "$SANDBOX/work$d"
  mount -t overlay overlay -o "lowerdir=$d,upperdir=$SANDBOX/up$d,workdir=$SANDBOX/work$d" "$d"
done
mkdir -p /etc/pglab/bin /var/log/pgpool2
echo "127.0.0.1 localhost pg-a pg-b pg-c" > /etc/hosts
cp "$SANDBOX/pglab.env" /etc/pglab/pglab.env
cp "$SANDBOX/pglab-rules" /etc/pglab/bin/pglab-rules
printf 'up\nup\nup\n' > /var/log/pgpool2/pgpool_status
python3 -c 'import socket, time; s = socket.create_server(("127.0.0.1", 22)); time.sleep(60)' &
sleep 0.5
PATH="$SANDBOX/bin:$PATH" bash "$SANDBOX/failover.sh" 1 pg-b 5432 /data 0 pg-a 1 1 5432 /data pg-b 5432
"""


def run_failover(tmp_path: Path, slow_a: list[float]) -> tuple[str, list[str]]:
    """failover.sh for B's loss at the switch-back (pgpool's new main: A), A's facts read taking `slow_a` seconds
    at its first reads; its log and the stand-in's calls."""
    lab = Lab(timing=replace(Lab().timing, facts_s=1))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "ssh").write_text(SSH_STAND_IN)
    (tmp_path / "bin" / "ssh").chmod(0o755)
    for sub in ("facts", "slow"):
        (tmp_path / sub).mkdir()
    for host, block in FACTS.items():
        (tmp_path / "facts" / host).write_text(f"{block}\n{WAL}\n")
    (tmp_path / "slow" / "pg-a").write_text("".join(f"{s}\n" for s in slow_a))
    env_file = next(f for f in files.common_files(lab, "") if f.path == files.PGLAB_ENV)
    (tmp_path / "pglab.env").write_text(env_file.content)
    (tmp_path / "pglab-rules").write_text(files.rules_script())
    (tmp_path / "failover.sh").write_text(files.script("failover.sh"))
    proc = subprocess.run(["unshare", "--mount", "--net", "--pid", "--fork", "bash", "-c", SANDBOX_SCRIPT],
                          env={**os.environ, "SANDBOX": str(tmp_path)}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr, (tmp_path / "calls").read_text().splitlines()


needs_root = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                                reason="the sandbox needs root's namespaces (CI and the lab run as root)")


@needs_root
def test_a_node_read_in_time_is_promoted_without_a_second_read(tmp_path):
    log, calls = run_failover(tmp_path, [])
    assert "no decision yet" not in log and "promoting pg-a" in log, log
    assert calls.count("pg-a facts") == 1 and "pg-a promote" in calls, calls


@needs_root
def test_a_node_slower_than_facts_timeout_is_read_again_before_the_rule_refuses(tmp_path):
    """The CI run where B's switch-back promoted nobody: A's facts came after FACTS_TIMEOUT, so the rule saw B's
    synchronous standby silent and refused. Read again with 3 x FACTS_TIMEOUT, A is promoted."""
    log, calls = run_failover(tmp_path, [1.5])
    assert "no decision yet: no promotion" in log and "promoting pg-a" in log, log
    assert calls.count("pg-a facts") == 2 and calls.count("pg-c facts") == 1 and "pg-a promote" in calls, calls


@needs_root
def test_a_node_silent_at_both_reads_is_not_promoted_and_nobody_else_is(tmp_path):
    log, calls = run_failover(tmp_path, [1.5, 3.5])
    assert "primary pg-b failed: no promotion" in log, log
    assert calls.count("pg-a facts") == 2 and not any(c.endswith("promote") for c in calls), calls
