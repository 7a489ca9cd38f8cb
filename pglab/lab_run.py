"""`fab lab`: the whole assignment in order, each step recorded as evidence for the report.

The steps themselves are declared in pglab/stages.py; this module runs them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.rule import Rule
from rich.text import Text

from pglab import commands
from pglab.cluster import coldstart, inspect
from pglab.cluster.facts import pool_down
from pglab.cluster.inspect import probe_node
from pglab.cluster.operations import streams_from, wait_for_new_primary
from pglab.context import LabContext
from pglab.errors import ClusterStateError, PglabError, RemoteCommandError
from pglab.evidence import configuration, connectivity, data, demo, environment, logs, snapshot
from pglab.evidence.i18n import TEXT
from pglab.evidence.records import parse_jsonl
from pglab.evidence.report import load_evidence
from pglab.evidence.verdicts import availability_windows, pauses_text
from pglab.polling import wait_until
from pglab.ui import console, say

if TYPE_CHECKING:
    from pglab.stages import LabStep

# The hosts' clocks are read after these steps and at the end (pglab/evidence/clocks.py): once all hosts are up,
# and once A has booted again (a VM's clock is set anew at boot).
CLOCKS_READ_AFTER = ("up", "poweron")


def await_failover(ctx: LabContext) -> None:
    """Step 2.3: wait for pgpool's failover, then show and record the log messages."""
    new = wait_for_new_primary(ctx, ctx.lab.primary)
    say(f"pgpool failed over to {new}")
    follower = next(h.name for h in ctx.lab.pg_hosts if h.name not in (ctx.lab.primary, new))
    wait_until(f"{follower} to follow {new}", lambda: streams_from(ctx, follower, new),
               ctx.lab.timing.follow_s)
    say(f"{follower} follows {new} on its new timeline")
    hits = commands.logs(ctx)
    done = next((h.ts for h in hits if h.label == "failover done"), None)  # pgpool's own clock
    ctx.state.record_event("failover-done", ts=done, primary=new)


def setup_and_check(ctx: LabContext) -> None:
    """Stage 1's setup, then the connectivity the report shows: client to pgpool to the nodes, over TLS."""
    commands.setup(ctx)
    connectivity.record(ctx)


def power_off_primary(ctx: LabContext) -> None:
    """Step 2.2: cut A's power, then watch pgpool (every 0.1 s) until it has detached A. The step's snapshot
    is taken right after: on fast hosts the cluster inside the outage, with B not yet or just being promoted; on
    emulated VMs reading the snapshot's nodes outlasts the failover."""
    primary = ctx.lab.primary
    commands.poweroff(ctx, primary)

    def detached() -> bool:
        try:
            nodes = inspect.pool_nodes(ctx, ctx.lab.timing.pcp_patience_s)
        except RemoteCommandError:
            return False  # pgpool's PCP process is being restarted
        return pool_down(nodes, primary)
    wait_until(f"pgpool to detach {primary}", detached, ctx.lab.timing.state_s, interval=0.1)
    ctx.state.record_event("detached", host=primary)
    say(f"pgpool has detached {primary}: the cluster's snapshot is read now (inside the outage on fast hosts)")


def recover_with_logs(ctx: LabContext) -> None:
    """Step 3: `fab recover`, then the log messages of the rejoin and the switch-back (kept for the report).
    First the failover's log messages once more, up to now: failover.sh's check that C follows the new primary
    logs its result after pgpool's failover has ended, often after `fab logs` collected the failover's lines."""
    logs.save(ctx, logs.collect(ctx, *logs.failure_window(ctx)))
    commands.recover(ctx)
    start = ctx.state.last_event("recover-start")
    logs.save(ctx, logs.collect(ctx, since=start["ts"] - 0.5 if start else 0.0), "recover_logs.json")
    logs.save(ctx, logs.collect_children(ctx, logs.failure_window(ctx)[0]), "pool_children.json")
    probe = demo.probe_again(ctx)  # stage 1's test on the restored topology: B at once, C after the delay
    say(f"stage 1 probe again: row {probe['probe_id']} on B after {probe['b_s']} s, on C at once: "
        f"{probe['c_at_once']}, on C after {probe['c_s']} s")


def stop_clients_and_verify(ctx: LabContext) -> None:
    """Step 3's check: the clients stop first, so the run's counts are final and every table agrees; then
    every acknowledged write is looked for on each node, and a few rows are kept for the report."""
    commands.clients(ctx, "stop")
    verify_or_fail(ctx)
    data.save_samples(ctx)


def poweron_fenced(ctx: LabContext) -> None:
    """Step 3: power A on; its PostgreSQL must stay down until it is rewound."""
    commands.poweron(ctx, ctx.lab.primary)
    time.sleep(ctx.lab.timing.settle_s)  # long enough for a PostgreSQL that starts by itself to be seen
    if probe_node(ctx, ctx.lab.primary).running:
        raise ClusterStateError(f"{ctx.lab.primary}'s PostgreSQL started by itself after power-on: split-brain risk")
    disk = coldstart.disk_facts(ctx, ctx.lab.primary)  # the node's own word that it is down, for the report
    ctx.state.record_event("fenced", host=disk.host, running=disk.running, standby_signal=disk.standby_signal,
                           cluster_state=disk.cluster_state, wal_timeline=disk.wal_timeline, wal_end=disk.wal_end,
                           role_file=disk.role_file)
    say(f"{ctx.lab.primary} is up; its PostgreSQL stays down (fenced) until it is rewound")


def verify_or_fail(ctx: LabContext) -> None:
    if commands.verify(ctx) != 0:
        raise ClusterStateError("verification failed: see the table above")


def run(ctx: LabContext, steps: Sequence[LabStep]) -> float:
    """Run every step; stop at the first failure with a clear message. Returns wall seconds."""
    started = time.monotonic()
    if any(s.value != "absent" for s in ctx.provider.states().values()):
        say("fab lab starts from a fresh lab: destroying the existing one")
        commands.destroy(ctx)
    records = []
    for step in steps:
        console.print(Rule(Text.assemble((f"Stage {step.section}: {step.title[0]}", "bold"), f"  ({step.typed})")))
        step_start = time.time()
        try:
            step.action(ctx)
            if step.key in CLOCKS_READ_AFTER:
                environment.read_clocks(ctx)
            snap = snapshot.take(ctx) if step.key != "up" else {}
        except PglabError as exc:
            ctx.state.record_event("stage-failed", stage=step.key, error=str(exc))
            raise PglabError(f"stage {step.section} ({step.title[0]}) failed: {exc}") from None
        records.append({"key": step.key, "section": step.section, "title": list(step.title),
                        "command": step.typed, "start": step_start, "end": time.time(), "snapshot": snap})
        ctx.state.save_json("stages.json", records)
    seconds = time.monotonic() - started
    ctx.state.record_event("lab-done", seconds=round(seconds, 1))
    collect_client_records(ctx)
    configuration.save(ctx)
    environment.save(ctx)
    say_pauses(ctx)
    say(f"the whole lab ran in {seconds:.0f} s; `fab report` writes the report")
    return seconds


def say_pauses(ctx: LabContext) -> None:
    """Each window's longest pause per session: worst, median and p95, and who never came back."""
    t = TEXT["en"]
    for name, window in availability_windows(load_evidence(ctx)).items():
        say(f"{t['w_' + name].lower()}: longest pause of the writer sessions {pauses_text(t, window, 'writer')}; "
            f"of the readers {pauses_text(t, window, 'reader')}")


def run_and_report(ctx: LabContext, steps: Sequence[LabStep]) -> None:
    """`fab lab`: every step, then the report in English."""
    run(ctx, steps)
    commands.report(ctx)


def collect_client_records(ctx: LabContext) -> None:
    """Copy the client journals and error log into the evidence folder (the report reads only that)."""
    from pglab.workload import control
    ctx.state.save_json("journal.json", control.journal(ctx))
    ctx.state.save_json("reads.json", control.reads(ctx))
    ctx.state.save_json("client_errors.json", control.errors(ctx))
    ctx.state.save_json("client_connects.json", control.connects(ctx))
    log = ctx.state.root / "commands.log"
    if log.exists():
        ctx.state.save_json("commands.json", parse_jsonl(log.read_bytes()))
