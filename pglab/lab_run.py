"""`fab lab`: the whole assignment in order, each stage recorded as evidence for the report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.rule import Rule

from pglab import commands
from pglab.cluster.inspect import probe_node
from pglab.cluster.operations import wait_for_new_primary
from pglab.context import LabContext
from pglab.errors import ClusterStateError, PglabError
from pglab.evidence import snapshot
from pglab.ui import console, say


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    action: Callable[[LabContext], object]
    command: str  # what a student types to run the stage alone


def _failover(ctx: LabContext) -> None:
    new = wait_for_new_primary(ctx, ctx.lab.primary)
    say(f"pgpool failed over to {new}")
    hits = commands.logs(ctx)
    done = next((h.ts for h in hits if h.label == "failover done"), None)  # pgpool's own clock
    ctx.state.record_event("failover-done", ts=done, primary=new)


def _poweron(ctx: LabContext) -> None:
    commands.poweron(ctx, ctx.lab.primary)
    time.sleep(1)
    if probe_node(ctx, ctx.lab.primary).running:
        raise ClusterStateError(f"{ctx.lab.primary}'s PostgreSQL started by itself after power-on: split-brain risk")
    say(f"{ctx.lab.primary} is up; its PostgreSQL stays down (fenced) until it is rewound")


def _verify(ctx: LabContext) -> None:
    if commands.verify(ctx) != 0:
        raise ClusterStateError("verification failed: see the table above")


STAGES = (
    Stage("up", "Hosts: five identical machines on one network", commands.up, "fab up"),
    Stage("setup", "Stage 1: A primary, B synchronous, C asynchronous, pgpool-II", commands.setup, "fab setup"),
    Stage("demo", "Stage 1: new data reaches B at once and C with a delay", commands.demo_replication,
          "fab demo-replication"),
    Stage("clients", "Stage 2.1: client sessions reading and writing", lambda ctx: commands.clients(ctx, "start"),
          "fab clients"),
    Stage("poweroff", "Stage 2.2: power off A", lambda ctx: commands.poweroff(ctx, ctx.lab.primary),
          "fab poweroff pg-a"),
    Stage("failover", "Stage 2.3: failover to B, C follows; the logs", _failover, "fab logs"),
    Stage("poweron", "Stage 3: power A on again", _poweron, "fab poweron pg-a"),
    Stage("recover", "Stage 3: rejoin A with pg_rewind, switch back, restore sync/async", commands.recover,
          "fab recover"),
    Stage("verify", "Stage 3: nothing acknowledged was lost", _verify, "fab verify"),
)


def run(ctx: LabContext) -> float:
    """Run every stage; stop at the first failure with a clear message. Returns wall seconds."""
    started = time.monotonic()
    if any(s.value != "absent" for s in ctx.provider.states().values()):
        say("fab lab starts from a fresh lab: destroying the existing one")
        ctx.close()
        ctx.provider.destroy()
    records = []
    for stage in STAGES:
        console.print(Rule(f"[bold]{stage.title}[/]  ({stage.command})"))
        stage_start = time.time()
        try:
            stage.action(ctx)
            snap = snapshot.take(ctx) if stage.key != "up" else {}
        except PglabError as exc:
            ctx.state.record_event("stage-failed", stage=stage.key, error=str(exc))
            raise PglabError(f"stage '{stage.title}' failed: {exc}") from None
        records.append({"key": stage.key, "title": stage.title, "command": stage.command, "start": stage_start,
                        "end": time.time(), "snapshot": snap})
        ctx.state.save_json("stages.json", records)
    seconds = time.monotonic() - started
    ctx.state.record_event("lab-done", seconds=round(seconds, 1))
    collect_client_records(ctx)
    say(f"the whole lab ran in {seconds:.0f} s; `fab report` writes the report")
    return seconds


def collect_client_records(ctx: LabContext) -> None:
    """Copy the client journal and error log into the evidence folder (the report reads only that)."""
    from pglab.workload import control
    ctx.state.save_json("journal.json", control.journal(ctx))
    ctx.state.save_json("client_errors.json", control.errors(ctx))
    log = ctx.state.root / "commands.log"
    if log.exists():
        ctx.state.save_json("commands.json", [json.loads(line) for line in log.read_text().splitlines() if line])
