#!/usr/bin/env python3
"""What pgpool costs: the same pgbench sessions through pgpool and straight to the primary.

Three workloads, each run through pgpool and directly in the same run: the lab's bank transfer
(two updates and an insert in one transaction), pgbench's built-in TPC-B-like script, and
pgbench's select-only script (through pgpool its reads are balanced over A and B; directly they
all go to A). Prints transactions/s, latency p50 and p99 of each, and the ratio pgpool/direct.
Through pgpool, pgbench runs on the client host, like the lab's own sessions; straight to the
primary it runs on pgpool's host, the only one whose app logins the nodes accept (one network hop
either way). Needs a lab that is up and set up.

What TLS costs: `--tls both` (the default) measures everything twice in the same run, first with
the lab's TLS (pgbench with sslmode=verify-full against the lab CA, pgpool to the backends over
TLS), then with TLS switched off for the measured paths (pg_hba and pool_hba take plain logins,
pgpool's ssl off, pgbench sslmode=disable; replication stays TLS: it is in both routes alike), and
puts the lab back as it was; it prints each ratio pgpool/direct with and without TLS and the
ratio of the two. `--tls on` or `--tls off` measures one of them. `--rounds` repeats everything,
TLS on and off taking turns to go first; tps is the mean over rounds.

    python bench/pgpool_cost.py [--seconds 20] [--clients 4] [--tls both|on|off] [--rounds 2]
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
from pglab.provisioning import pgpool, postgres  # noqa: E402
from pglab.remote import HostShell  # noqa: E402
from pglab.templates import render  # noqa: E402
from pglab.tls import HOST_TLS  # noqa: E402
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
SSL_ENV = {True: f"PGSSLMODE=verify-full PGSSLROOTCERT={HOST_TLS.ca}", False: "PGSSLMODE=disable"}


def pgbench(client: HostShell, target: tuple[str, int], db: str, script: str, seconds: int, clients: int,
            tag: str, tls: bool) -> dict:
    """One pgbench run on a host (`client`); tps and latency percentiles from its per-transaction log."""
    host, port = target
    client.run(f"rm -f /tmp/{tag}.*", step="clean pgbench logs")
    out = client.run(f"cd /tmp && PGPASSFILE={PASSFILE} {SSL_ENV[tls]} pgbench -n -c {clients} -j {min(clients, 2)} "
                     f"-T {seconds} -l --log-prefix={tag} {script} -h {host} -p {port} -U app {db}",
                     step=f"pgbench {tag}", timeout=seconds + 120).stdout
    tps = float(next(line.split("=")[1].split()[0] for line in out.splitlines() if line.startswith("tps")))
    latencies = sorted(int(line.split()[2]) / 1000 for line in
                       client.run(f"cat /tmp/{tag}.*", step="pgbench log").stdout.splitlines() if line.strip())
    client.run(f"rm -f /tmp/{tag}.*", step="clean pgbench logs")
    cut = statistics.quantiles(latencies, n=100)
    return {"tps": tps, "p50_ms": cut[49], "p99_ms": cut[98], "transactions": len(latencies)}


def set_tls(ctx: LabContext, on: bool) -> None:
    """TLS on (the lab as set up) or off for the measured paths: every node's pg_hba (a reload) and
    pgpool's ssl and pool_hba (a restart: pgpool reads ssl at start only), with all backends up after.
    The nodes take plain logins whenever pgpool makes them: a health check refused would fail over."""
    def nodes() -> None:
        for host in ctx.lab.pg_hosts:
            postgres.configure(ctx, host, tls=on)

    if not on:
        nodes()
    if pgpool.install(ctx, tls=on):
        pgpool.start(ctx, restart=True)
        pgpool.wait_all_up(ctx)
    if on:
        nodes()
    console.print(f"TLS {'on' if on else 'off'} for the measured paths")


def mean_run(runs: list[dict]) -> dict:
    """Rounds of one workload, route and TLS setting as one: mean tps, median of the rounds' percentiles."""
    return {"tps": statistics.fmean(r["tps"] for r in runs), "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs), "rounds": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--tls", choices=("both", "on", "off"), default="both")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every measurement, TLS on and off "
                        "taking turns to go first (a shared machine drifts)")
    args = parser.parse_args()
    passes = {"both": (True, False), "on": (True,), "off": (False,)}[args.tls]
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
    on_primary = f"-h {primary[0]} -p {primary[1]} -U app {lab.database}"
    direct.run(f"PGPASSFILE={PASSFILE} {SSL_ENV[True]} pgbench -i -q -s 1 {on_primary}", step="pgbench init",
               timeout=600)
    runs: dict[tuple[str, str, bool], list[dict]] = {}
    try:
        for round_no in range(args.rounds):
            for tls in passes if round_no % 2 == 0 else passes[::-1]:
                set_tls(ctx, tls)
                for name, script in WORKLOADS:
                    for route, (shell, target) in routes.items():
                        run = pgbench(shell, target, lab.database, script, args.seconds, args.clients,
                                      f"pglab-{route}", tls)
                        runs.setdefault((name, route, tls), []).append(run)
                        console.print(f"round {round_no + 1}: {name} via {route}, TLS {'on' if tls else 'off'}: {run}")
    finally:
        set_tls(ctx, True)
        direct.run(f"PGPASSFILE={PASSFILE} {SSL_ENV[True]} pgbench -i -I d {on_primary}", step="pgbench clean up",
                   check=False)
        for shell, _ in routes.values():
            shell.run(f"rm -f {PASSFILE} /tmp/pglab-bank.sql", step="pgbench clean up", check=False)
        if sessions_were_running:
            control.start(ctx)
    results = {key: mean_run(r) for key, r in runs.items()}
    table = Table(title=f"pgpool vs direct to the primary: {args.clients} sessions, {args.rounds} x {args.seconds} s "
                        f"each, {ctx.provider.name} provider")
    for col in ("workload", "TLS", "route", "tps", "p50", "p99", "tps pgpool / direct"):
        table.add_column(col)
    ratios = {}
    for name, _ in WORKLOADS:
        for tls in passes:
            via, direct = results[(name, "pgpool", tls)], results[(name, "direct", tls)]
            ratios[(name, tls)] = via["tps"] / direct["tps"]
            for route, r in (("pgpool", via), ("direct (baseline)", direct)):
                table.add_row(name, "on" if tls else "off", route, f"{r['tps']:.0f}", f"{r['p50_ms']:.2f} ms",
                              f"{r['p99_ms']:.2f} ms", f"{ratios[(name, tls)]:.2f}" if route == "pgpool" else "")
    console.print(table)
    if len(passes) == 2:
        for name, _ in WORKLOADS:
            per_round = {tls: [v["tps"] / d["tps"] for v, d in zip(runs[(name, "pgpool", tls)],
                                                                    runs[(name, "direct", tls)], strict=True)]
                         for tls in passes}
            console.print(f"{name}: pgpool/direct {ratios[(name, True)]:.2f} with TLS "
                          f"({', '.join(f'{r:.2f}' for r in per_round[True])} per round), {ratios[(name, False)]:.2f} "
                          f"without ({', '.join(f'{r:.2f}' for r in per_round[False])}): "
                          f"{ratios[(name, True)] / ratios[(name, False)]:.2f} of it")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"pgpool-cost-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(
        {f"{n} / {r} / TLS {'on' if t else 'off'}": v for (n, r, t), v in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
