#!/usr/bin/env python3
"""Benchmark: N cycles of power-off A -> failover -> power-on -> recover, clients writing throughout.

Availability is measured per session: for each cycle, each session's longest pause (writers: no
acknowledged commit; readers: no read) from the power-off until recovery starts, and again during
recovery and switch-back. Printed: the worst session per cycle (median and max over cycles), and
median and p95 over every session of every cycle; the pooled "some session wrote again" figure
stands beside them, named as such, with where its seconds go (detection, failover script,
promotion, pgpool finding the new primary, clients reconnecting - from the logs). A session that
never comes back fails the run. Also rejoin time with the method used, and baselines measured in
the same run: the longest pause of any one session in steady state, and a full pg_basebackup of
the same database (what rejoin would cost without pg_rewind). 8 writer and 2 reader sessions at
full speed by default, so a per-session stall cannot hide. Needs a lab that is up and set up
(fab up, fab setup) on the current provider.

    python bench/failover.py [--cycles 10] [--writers 8] [--readers 2] [--rate full|N]
    sudo tests/vm/run.sh --run bash -c 'vagrant up && fab setup && python bench/failover.py --cycles 3'  # on VMs
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.table import Table  # noqa: E402

from pglab.cluster.operations import recover, wait_for_new_primary  # noqa: E402
from pglab.context import LabContext  # noqa: E402
from pglab.evidence import availability, logs  # noqa: E402
from pglab.evidence.breakdown import PHASES, failover_breakdown  # noqa: E402
from pglab.evidence.verify import verify  # noqa: E402
from pglab.stages import RATE  # noqa: E402
from pglab.tls import HOST_TLS  # noqa: E402
from pglab.ui import console  # noqa: E402
from pglab.workload import control  # noqa: E402


def basebackup_seconds(ctx: LabContext) -> float:
    """A full base backup of the primary, taken on pg-c into a scratch folder, then removed."""
    started = time.monotonic()
    source = f"host={ctx.lab.primary} user=replicator {HOST_TLS.libpq}"  # as pglab-node clones: TLS, verified
    ctx.shell("pg-c").run(f"rm -rf /tmp/bb && pg_basebackup -d '{source}' -D /tmp/bb "
                          "-X stream -c fast && rm -rf /tmp/bb", user="postgres", step="baseline basebackup")
    return time.monotonic() - started


def cycle(ctx: LabContext) -> dict:
    off = time.time()
    ctx.power(ctx.lab.primary, "poweroff")
    wait_for_new_primary(ctx, ctx.lab.primary)
    time.sleep(2)
    ctx.power(ctx.lab.primary, "poweron")
    recover_start = time.time()
    hits = logs.collect(ctx, off - 1, recover_start)
    report = recover(ctx, lambda _: None)
    time.sleep(1)
    recovered = time.time()  # before the journals are read: reading them takes seconds at full speed
    acts = availability.activity(control.journal(ctx), control.reads(ctx))
    failover = availability.around_fault(acts, off, recover_start)
    switchback = availability.around_fault(acts, recover_start, recovered)
    pooled = failover.pooled_s
    phases = failover_breakdown(hits, off, off + pooled if pooled is not None else None)
    return {"failover": failover, "switchback": switchback, "pooled_s": pooled, **phases,
            "rejoin_s": report.rejoin_seconds.get(ctx.lab.primary), "method": report.rejoined.get(ctx.lab.primary),
            "recover_s": report.total_seconds}


def per_session_row(label: str, windows: list[availability.FaultAvailability], kind: str,
                    baseline: float) -> list[str]:
    """Worst session per cycle (median, max over cycles); every session of every cycle (median, p95)."""
    worst = [w.spread(kind).worst for w in windows if w.of(kind) and not w.spread(kind).failed]
    every = availability.spread(p for w in windows for p in w.of(kind))
    if not worst or every.failed:
        return [label, "never came back", f"{every.failed} session(s)", "", "", f"{baseline:.3f} s", ""]
    med = statistics.median(worst)
    return [label, f"{med:.2f} s", f"{max(worst):.2f} s", f"{every.median:.2f} s", f"{every.p95:.2f} s",
            f"{baseline:.3f} s", f"{med / baseline:.1f}x" if baseline else ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--rate", type=RATE.parse, default=control.FULL_SPEED,
                        help="client transactions/s per session, above 0, or full (the default)")
    args = parser.parse_args()
    ctx = LabContext.load()
    ctx.provider.require_up()
    if control.running(ctx):
        control.stop(ctx)
    control.start(ctx, writers=args.writers, readers=args.readers, rate=args.rate)
    quiet_start = time.time()
    time.sleep(10)
    acts = availability.activity(control.journal(ctx), control.reads(ctx))
    baseline = {kind: availability.steady_pause(acts, quiet_start, time.time(), kind)
                for kind in (availability.WRITER, availability.READER)}
    baseline_bb = basebackup_seconds(ctx)
    rows = []
    for i in range(args.cycles):
        rows.append(cycle(ctx))
        r = rows[-1]
        console.print(f"cycle {i + 1}: writers' longest pause worst {fmt(r['failover'].spread('writer').worst)} "
                      f"({len(r['failover'].never_back)} never back), switch-back worst "
                      f"{fmt(r['switchback'].spread('writer').worst)}, pooled {fmt(r['pooled_s'])}, rejoin "
                      f"{fmt(r['rejoin_s'])} ({r['method']}), recover {fmt(r['recover_s'])}")
    result = verify(ctx)
    table = Table(title=f"failover benchmark, {args.cycles} cycles, {args.writers} writer + {args.readers} reader "
                        f"sessions, {ctx.provider.name} provider: each session's longest pause")
    for col in ("figure", "worst session: median", "worst session: max", "all sessions: median",
                "all sessions: p95", "baseline (same run)", "median / baseline"):
        table.add_column(col)
    for window, label in (("failover", "power-off of A until recovery starts"),
                          ("switchback", "recovery and switch-back to A")):
        for kind in (availability.WRITER, availability.READER):
            table.add_row(*per_session_row(f"{label}, {kind}s", [r[window] for r in rows], kind, baseline[kind]))
    pooled = [r["pooled_s"] for r in rows if r["pooled_s"] is not None]
    table.add_row("pooled: first commit of any session after the power-off", f"{statistics.median(pooled):.2f} s",
                  f"{max(pooled):.2f} s", "", "", "", "")
    rejoins = [r["rejoin_s"] for r in rows if r["rejoin_s"] is not None]
    table.add_row("rejoin of A (pg_rewind)", f"{statistics.median(rejoins):.2f} s", f"{max(rejoins):.2f} s", "", "",
                  f"{baseline_bb:.3f} s (full pg_basebackup)", f"{statistics.median(rejoins) / baseline_bb:.1f}x")
    console.print(table)
    phases = Table(title="where the pooled figure goes (median over the cycles, from the logs and the journal)")
    for col in ("phase", "median", "max"):
        phases.add_column(col)
    for phase in PHASES:
        values = [r[phase] for r in rows if r.get(phase) is not None]
        if values:
            phases.add_row(phase, f"{statistics.median(values):.3f} s", f"{max(values):.3f} s")
    console.print(phases)
    never = sum(len(r[w].never_back) for r in rows for w in ("failover", "switchback"))
    methods = sorted({r["method"] for r in rows})
    console.print(f"rejoin method(s): {', '.join(methods)}; verify: acknowledged {result.acknowledged}, "
                  f"missing {result.missing}, checksums {'equal' if result.checksums_equal else 'DIFFER'}; "
                  f"{result.summary()}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"failover-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(
        {"cycles": [{k: asdict(v) if k in ("failover", "switchback") else v for k, v in r.items()} for r in rows],
         "sessions": {"writers": args.writers, "readers": args.readers,
                      "rate": "full" if args.rate == control.FULL_SPEED else args.rate},
         "baseline_pause_s": baseline, "baseline_basebackup_s": baseline_bb, "verify_ok": result.ok,
         "sessions_never_back": never}, indent=2))
    if never:
        console.print(f"[red]{never} session(s) never came back after a fault[/]")
    control.stop(ctx)  # full-speed sessions left running would slow whatever the machine does next
    console.print("the benchmark's client sessions are stopped (`fab clients` starts the lab's own again)")
    return 0 if result.ok and not never else 1


def fmt(seconds: float | None) -> str:
    return f"{seconds:.2f} s" if seconds is not None else "-"


if __name__ == "__main__":
    sys.exit(main())
