#!/usr/bin/env python3
"""Soak: no false alarms. Clients write at full speed through pgpool while CPU burners keep every
core busy; nothing fails, so pgpool must neither fail over nor detach a standby.

Prints the failovers, detached standbys and failed health checks seen in pgpool's log during the
soak, with the health-check settings in force, and the commits/s of the same run. Needs a lab
that is up and set up (fab up, fab setup). Bounded: it stops by itself after --minutes.

    python bench/soak.py [--minutes 10] [--burners 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pglab.cluster import inspect  # noqa: E402
from pglab.cluster.facts import PoolStatus  # noqa: E402
from pglab.context import LabContext  # noqa: E402
from pglab.evidence import logs  # noqa: E402
from pglab.ui import console  # noqa: E402
from pglab.workload import control  # noqa: E402

BURN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass\n"


def commits(ctx: LabContext) -> int:
    return sum(s["commits"] for s in control.stats(ctx)["sessions"].values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    ctx = LabContext.load()
    ctx.provider.require_up()
    if control.running(ctx):
        control.stop(ctx)
    control.start(ctx, rate=control.FULL_SPEED)
    seconds = args.minutes * 60
    burners = [subprocess.Popen([sys.executable, "-c", BURN.format(seconds=seconds + 5)]) for _ in range(args.burners)]
    started = time.time()
    try:
        before = commits(ctx)
        while (left := started + seconds - time.time()) > 0:
            time.sleep(min(30.0, left))
            console.print(f"{time.time() - started:5.0f} s: commits {commits(ctx)}")
        after = commits(ctx)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    ended = time.time()
    hits = logs.collect(ctx, started, ended)
    count = {label: sum(h.label == label for h in hits) for label in
             ("health check retry", "health check failed", "degeneration", "failover done")}
    detached = [n.host for n in inspect.pool_nodes(ctx) if n.status == PoolStatus.DOWN]
    t = ctx.lab.timing
    settings = (f"health_check_period {t.health_check_period} s, connect_timeout {t.connect_timeout_ms} ms, "
                f"max_retries {t.health_check_max_retries}, retry_delay {t.health_check_retry_delay} s")
    console.print(f"soak {seconds / 60:.0f} min, {args.burners} CPU burners, clients at full speed: "
                  f"{(after - before) / (ended - started):.0f} commits/s")
    console.print(f"settings: {settings}")
    console.print(f"false failovers: {count['failover done']}; detached standbys: {len(detached)} {detached}; "
                  f"failed health checks: {count['health check failed']}; health check retries: "
                  f"{count['health check retry']}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(
        {"minutes": args.minutes, "burners": args.burners, "settings": settings, "counts": count,
         "detached": detached, "commits_per_s": (after - before) / (ended - started)}, indent=2))
    return 0 if count["failover done"] == 0 and not detached else 1


if __name__ == "__main__":
    sys.exit(main())
