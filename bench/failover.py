#!/usr/bin/env python3
"""Benchmark: N cycles of power-off A -> failover -> power-on -> recover, clients writing throughout.

Prints median and max of RTO (power-off to first acknowledged write after the outage) with where
its seconds go (detection, failover script, promotion, pgpool finding the new primary, clients
reconnecting - from the logs), the write outage during switch-back, and rejoin time with the
method used; plus baselines measured in the same run: the longest gap between commits in steady
state, and a full pg_basebackup of the same database (what rejoin would cost without pg_rewind).
The clients write at full speed by default (--rate full). Needs a lab that is up and set up (fab up,
fab setup) on the current provider.

    python bench/failover.py [--cycles 10] [--rate full|N]
    sudo tests/vm/run.sh --run bash -c 'vagrant up && fab setup && python bench/failover.py --cycles 3'  # on VMs
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.table import Table  # noqa: E402

from pglab.cluster.operations import recover, wait_for_new_primary  # noqa: E402
from pglab.context import LabContext  # noqa: E402
from pglab.evidence import logs, outage  # noqa: E402
from pglab.evidence.breakdown import PHASES, failover_breakdown  # noqa: E402
from pglab.evidence.verify import verify  # noqa: E402
from pglab.stages import RATE  # noqa: E402
from pglab.ui import console  # noqa: E402
from pglab.workload import control  # noqa: E402


def basebackup_seconds(ctx: LabContext) -> float:
    """A full base backup of the primary, taken on pg-c into a scratch folder, then removed."""
    started = time.monotonic()
    ctx.shell("pg-c").run(f"rm -rf /tmp/bb && pg_basebackup -h {ctx.lab.primary} -U replicator -D /tmp/bb "
                          "-X stream -c fast && rm -rf /tmp/bb", user="postgres", step="baseline basebackup")
    return time.monotonic() - started


def cycle(ctx: LabContext) -> dict:
    off = time.time()
    ctx.provider.poweroff(ctx.lab.primary)
    ctx.forget_shell(ctx.lab.primary)
    wait_for_new_primary(ctx, ctx.lab.primary)
    time.sleep(2)
    ctx.provider.poweron(ctx.lab.primary)
    ctx.forget_shell(ctx.lab.primary)
    recover_start = time.time()
    hits = logs.collect(ctx, off - 1, recover_start)
    report = recover(ctx, lambda _: None)
    time.sleep(1)
    times = outage.ack_times(control.journal(ctx))
    gap_from, gap_to = outage.longest_gap(times, recover_start, time.time())
    rto = outage.recovery_time(times, off)
    phases = failover_breakdown(hits, off, off + rto if rto is not None else None)
    return {"rto_s": rto, **phases, "switchback_outage_s": gap_to - gap_from,
            "rejoin_s": report.rejoin_seconds.get(ctx.lab.primary), "method": report.rejoined.get(ctx.lab.primary),
            "recover_s": report.total_seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--rate", type=RATE.parse, default=control.FULL_SPEED,
                        help="client transactions/s per session, above 0, or full (the default)")
    args = parser.parse_args()
    ctx = LabContext.load()
    ctx.provider.require_up()
    if control.running(ctx):
        control.stop(ctx)
    control.start(ctx, rate=args.rate)
    quiet_start = time.time()
    time.sleep(10)
    baseline_gap = outage.steady_gap(outage.ack_times(control.journal(ctx)), quiet_start, time.time())
    baseline_bb = basebackup_seconds(ctx)
    rows = []
    for i in range(args.cycles):
        rows.append(cycle(ctx))
        console.print(f"cycle {i + 1}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                                     for k, v in rows[-1].items()))
    result = verify(ctx)
    table = Table(title=f"failover benchmark, {args.cycles} cycles, {ctx.provider.name} provider")
    for col in ("figure", "median", "max", "baseline (same run)", "median / baseline"):
        table.add_column(col)
    for key, label, base, base_label in (("rto_s", "RTO: power-off -> first acknowledged write", baseline_gap,
                                          "longest steady-state gap"),
                                         ("switchback_outage_s", "write outage during switch-back", baseline_gap,
                                          "longest steady-state gap"),
                                         ("rejoin_s", "rejoin of A (pg_rewind)", baseline_bb, "full pg_basebackup")):
        values = [r[key] for r in rows if r[key] is not None]
        med = statistics.median(values)
        table.add_row(label, f"{med:.2f} s", f"{max(values):.2f} s", f"{base:.3f} s ({base_label})",
                      f"{med / base:.1f}x" if base else "")
    console.print(table)
    phases = Table(title="where the RTO goes (median over the cycles, from the logs and the journal)")
    for col in ("phase", "median", "max"):
        phases.add_column(col)
    for phase in PHASES:
        values = [r[phase] for r in rows if r.get(phase) is not None]
        if values:
            phases.add_row(phase, f"{statistics.median(values):.3f} s", f"{max(values):.3f} s")
    console.print(phases)
    methods = sorted({r["method"] for r in rows})
    console.print(f"rejoin method(s): {', '.join(methods)}; verify: acknowledged {result.acknowledged}, "
                  f"missing {result.missing}, checksums {'equal' if result.checksums_equal else 'DIFFER'}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"failover-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(
        {"cycles": rows, "baseline_gap_s": baseline_gap, "baseline_basebackup_s": baseline_bb,
         "verify_ok": result.ok}, indent=2))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
