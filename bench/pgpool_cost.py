#!/usr/bin/env python3
"""What pgpool costs: the same pgbench sessions through pgpool and straight to the primary.

Three workloads, each run through pgpool and directly in the same run: the lab's bank transfer
(two updates and an insert in one transaction), pgbench's built-in TPC-B-like script, and
pgbench's select-only script (through pgpool its reads are balanced over A and B; directly they
all go to A). Prints transactions/s, latency p50 and p99 of each, and the ratio pgpool/direct.
Through pgpool, pgbench runs on the client host, like the lab's own sessions; straight to the
primary it runs on pgpool's host, the only one whose app logins the nodes accept (one network hop
either way). Needs a lab that is up and set up.

    python bench/pgpool_cost.py [--seconds 20] [--clients 4]
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

from pglab.context import LabContext  # noqa: E402
from pglab.remote import HostShell  # noqa: E402
from pglab.templates import render  # noqa: E402
from pglab.ui import console  # noqa: E402
from pglab.workload import control  # noqa: E402

BANK_SCRIPT = """\\set a random(1, {accounts})
\\set b 1 + (:a + random(0, {accounts} - 2)) % {accounts}
\\set amount random(1, 100)
BEGIN;
UPDATE accounts SET balance = balance + CASE WHEN id = :a THEN -:amount ELSE :amount END WHERE id IN (:a, :b);
INSERT INTO transfers (id, session, from_account, to_account, amount)
  VALUES (gen_random_uuid(), 'pgbench', :a, :b, :amount);
END;
"""
WORKLOADS = (("bank transfer", "-f /tmp/pglab-bank.sql"), ("pgbench TPC-B-like", "-b tpcb-like"),
             ("pgbench select-only", "-b select-only"))
PASSFILE = "/tmp/pglab-bench-pgpass"


def pgbench(client: HostShell, target: tuple[str, int], db: str, script: str, seconds: int, clients: int,
            tag: str) -> dict:
    """One pgbench run on a host (`client`); tps and latency percentiles from its per-transaction log."""
    host, port = target
    client.run(f"rm -f /tmp/{tag}.*", step="clean pgbench logs")
    out = client.run(f"cd /tmp && PGPASSFILE={PASSFILE} pgbench -n -c {clients} -j {min(clients, 2)} -T {seconds} "
                     f"-l --log-prefix={tag} {script} -h {host} -p {port} -U app {db}", step=f"pgbench {tag}",
                     timeout=seconds + 120).stdout
    tps = float(next(line.split("=")[1].split()[0] for line in out.splitlines() if line.startswith("tps")))
    latencies = sorted(int(line.split()[2]) / 1000 for line in
                       client.run(f"cat /tmp/{tag}.*", step="pgbench log").stdout.splitlines() if line.strip())
    client.run(f"rm -f /tmp/{tag}.*", step="clean pgbench logs")
    cut = statistics.quantiles(latencies, n=100)
    return {"tps": tps, "p50_ms": cut[49], "p99_ms": cut[98], "transactions": len(latencies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    ctx = LabContext.load()
    ctx.provider.require_up()
    lab, client = ctx.lab, ctx.shell("client")
    sessions_were_running = control.running(ctx)
    if sessions_were_running:
        control.stop(ctx)  # the measured sessions alone
    password = ctx.state.secrets().password("app")
    primary, pooled = (lab.primary, lab.pg_port), ("pgpool", lab.pgpool_port)
    routes = {"pgpool": (client, pooled), "direct": (ctx.shell("pgpool"), primary)}  # who runs pgbench, against what
    for shell, (host, port) in routes.values():
        entries = [{"host": host, "port": port, "database": lab.database, "user": "app", "password": password}]
        shell.put_text(render("templates/pgpass.j2", entries=entries), PASSFILE, mode=0o600)
        shell.put_text(BANK_SCRIPT.format(accounts=lab.accounts), "/tmp/pglab-bank.sql")
    direct = routes["direct"][0]
    direct.run(f"PGPASSFILE={PASSFILE} pgbench -i -q -s 1 -h {primary[0]} -p {primary[1]} -U app {lab.database}",
               step="pgbench init", timeout=600)
    results = {}
    try:
        for name, script in WORKLOADS:
            for route, (shell, target) in routes.items():
                results[(name, route)] = pgbench(shell, target, lab.database, script, args.seconds, args.clients,
                                                 f"pglab-{route}")
                console.print(f"{name} via {route}: {results[(name, route)]}")
    finally:
        direct.run(f"PGPASSFILE={PASSFILE} pgbench -i -I d -h {primary[0]} -p {primary[1]} -U app {lab.database}",
                   step="pgbench clean up", check=False)
        for shell, _ in routes.values():
            shell.run(f"rm -f {PASSFILE} /tmp/pglab-bank.sql", step="pgbench clean up", check=False)
        if sessions_were_running:
            control.start(ctx)
    table = Table(title=f"pgpool vs direct to the primary: {args.clients} sessions, {args.seconds} s each, "
                        f"{ctx.provider.name} provider")
    for col in ("workload", "route", "tps", "p50", "p99", "tps pgpool / direct"):
        table.add_column(col)
    for name, _ in WORKLOADS:
        via, direct = results[(name, "pgpool")], results[(name, "direct")]
        for route, r in (("pgpool", via), ("direct (baseline)", direct)):
            table.add_row(name, route, f"{r['tps']:.0f}", f"{r['p50_ms']:.2f} ms", f"{r['p99_ms']:.2f} ms",
                          f"{via['tps'] / direct['tps']:.2f}" if route == "pgpool" else "")
    console.print(table)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"pgpool-cost-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(
        {f"{n} / {r}": v for (n, r), v in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
