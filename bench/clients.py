#!/usr/bin/env python3
"""Do the client's sessions keep pace with each other? The client program at full speed, measured.

Runs the lab's client program (pglab/workload/client_program.py, threads: one per session) for
--seconds against any PostgreSQL holding the lab's schema (provision/sql/schema.sql.j2) - a
throwaway local one is enough, no lab needed - then prints per session: commits (or reads), the
longest gap between its consecutive commits and the 99th percentile gap, plus the longest moment
in which no session committed at all (a stall of the database or the machine, not of one session)
and the read checks' counts. The program runs under /usr/bin/python3, as on the client host.

    python bench/clients.py [--seconds 20] --host 127.0.0.1 --port 55432 --sslmode prefer [--writers 8 ...]

Options other than --seconds go to the client program (defaults here: 8 writers, 2 readers, full speed;
`--sslmode prefer` for a server without the lab's TLS, the client program's default being verify-full;
the bank's total is judged against the lab's default 100 accounts of 1000).
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pglab.evidence.read_checks import judge  # noqa: E402
from pglab.evidence.records import parse_jsonl  # noqa: E402
from pglab.workload import PROGRAM  # noqa: E402


def gaps(times: list[float]) -> tuple[float, float]:
    """The longest and the 99th-percentile gap between consecutive times, in ms."""
    ordered = sorted(b - a for a, b in zip(times, times[1:], strict=False)) or [0.0]
    return ordered[-1] * 1000, ordered[int(len(ordered) * 0.99)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    args, program_args = parser.parse_known_args()
    with tempfile.TemporaryDirectory(prefix="pglab-bench-clients.") as data:
        proc = subprocess.Popen(["/usr/bin/python3", str(PROGRAM), "run", "--writers=8", "--readers=2", "--rate=0",
                                 *program_args], env={"PGLAB_CLIENT_DIR": data, "PATH": "/usr/bin:/bin"})
        time.sleep(args.seconds)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        journal, reads = (parse_jsonl((Path(data) / f"{n}.jsonl").read_bytes()) for n in ("journal", "reads"))
    acks, reader_reads = defaultdict(list), defaultdict(list)
    for r in journal:
        if r["outcome"] == "ack":
            acks[r["session"]].append(r["ts"])
    for r in reads:
        if r["kind"] == "reader":
            reader_reads[r["session"]].append(r["ts"])
    every = sorted(t for times in acks.values() for t in times)
    span = (every[-1] - every[0]) if len(every) > 1 else 0.0
    sessions = {}
    for name, times in sorted({**acks, **reader_reads}.items(), key=lambda kv: (kv[0][0] == "r", int(kv[0][1:]))):
        longest, p99 = gaps(times)
        sessions[name] = {"done": len(times), "max_gap_ms": round(longest, 1), "p99_gap_ms": round(p99, 1)}
        print(f"{name}: {'commits' if name in acks else 'reads'} {len(times)}, max gap {longest:.0f} ms, "
              f"p99 {p99:.1f} ms")
    stall = gaps(every)[0]
    checks = judge(reads, journal, 100 * 1000, "pg_c")  # the lab's defaults: 100 accounts of 1000
    print(f"{len(every)} commits in {span:.1f} s ({len(every) / span if span else 0:.0f}/s); longest moment "
          f"with no commit by any session {stall:.0f} ms; reads judged {checks.reads}, violations "
          f"{checks.violations}")
    out = Path(__file__).with_name("results") / f"clients-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"seconds": args.seconds, "program_args": program_args, "sessions": sessions,
                               "commits": len(every), "span_s": span, "no_commit_ms": stall,
                               "violations": checks.violations}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
