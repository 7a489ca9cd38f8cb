"""Start, stop, pause and read the client sessions on the client host, over SSH."""

from __future__ import annotations

import json
import math
import time

from pglab.context import LabContext
from pglab.errors import ConfigError, StageOrderError
from pglab.evidence.records import parse_jsonl
from pglab.polling import poll

PROGRAM = "/etc/pglab/bin/pglab-client"
DATA = "/var/log/pglab-client"
FULL_SPEED = math.inf  # `--rate full`: no pause between transactions (the client program spells it --rate 0)


def _client(ctx: LabContext, args: str, check: bool = True) -> str:
    lab = ctx.lab
    result = ctx.shell("client").run(
        f"{PROGRAM} {args} --port {lab.pgpool_port} --db {lab.database} --accounts {lab.accounts} "
        f"--balance {lab.initial_balance} --dead-peer-ms {lab.timing.dead_peer_ms} "
        f"--stuck-request-ms {lab.timing.stuck_request_ms} --login-timeout-s {lab.timing.login_timeout_s} "
        f"--async-node {lab.host(lab.async_standby).app_name}",
        step=f"pglab-client {args.split()[0]}", check=False)
    if check and not result.ok:
        raise StageOrderError(f"client: {(result.stderr or result.stdout).strip().splitlines()[-1]}")
    return result.stdout


def start(ctx: LabContext, writers: int = 3, readers: int = 1, rate: float = 20) -> int:
    """Start the sessions; `rate` transactions per second each (FULL_SPEED: as fast as they can)."""
    if not rate > 0 or writers < 0 or readers < 0 or writers + readers == 0:
        raise ConfigError(f"clients: {writers} writer(s), {readers} reader(s) at {rate:g}/s start nothing useful: "
                          "use at least one session and a rate above 0 (or full speed)")
    ctx.provider.require_up(hosts=("client", "pgpool"))
    if ctx.shell("client").run(f"test -x {PROGRAM}", check=False).exit_code:
        raise StageOrderError("the client host is not set up: run `fab setup` first")
    pace = 0 if math.isinf(rate) else rate  # the client program's spelling of full speed
    out = _client(ctx, f"start --writers {writers} --readers {readers} --rate {pace}")
    ctx.state.record_event("clients-start", writers=writers, readers=readers, rate=pace,
                           login_timeout_s=ctx.lab.timing.login_timeout_s)  # what the report explains waits by
    return json.loads(out)["started"]


def stop(ctx: LabContext) -> None:
    _client(ctx, "stop")
    ctx.state.record_event("clients-stop")


def stats(ctx: LabContext) -> dict:
    return json.loads(_client(ctx, "stats"))


def running(ctx: LabContext) -> bool:
    return bool(stats(ctx).get("running"))


def pause(ctx: LabContext) -> None:
    """Writers finish their transaction and wait; readers go on."""
    _client(ctx, "pause")
    time.sleep(ctx.lab.timing.settle_s / 2)  # a transaction in flight ends (they take milliseconds)


def resume(ctx: LabContext) -> None:
    _client(ctx, "resume")


def _records(ctx: LabContext, name: str) -> list[dict]:
    """The JSON lines of one of the client's journals (none yet: an empty list; a torn line skipped)."""
    return parse_jsonl(ctx.shell("client").read_bytes(f"{DATA}/{name}.jsonl") or b"")


def journal(ctx: LabContext) -> list[dict]:
    """Every commit outcome the clients recorded: {'id', 'session', 'ts', 'outcome': ack|unknown, 'n'}."""
    return _records(ctx, "journal")


def reads(ctx: LabContext) -> list[dict]:
    """Every read the sessions completed (readers' reads, writers' read-backs): {'ts', 'session', 'kind',
    'node', 'standby', 'n', 'total', 'invariant', 'monotonic', 'async'; a read-back also 'own_n', 'ryw'}."""
    return _records(ctx, "reads")


def errors(ctx: LabContext) -> list[dict]:
    return _records(ctx, "errors")


def connects(ctx: LabContext) -> list[dict]:
    """Every connection attempt: {'ts' (ended), 'began', 'session', 'ok'}."""
    return _records(ctx, "connects")


def wait_for_commits(ctx: LabContext, after: float, count: int = 1, timeout: float | None = None) -> float | None:
    """The time of the first of `count` acknowledged commits after `after` (polls the journal tail), or None."""
    def first_ack() -> float | None:
        tail = ctx.shell("client").run(f"tail -n 200 {DATA}/journal.jsonl 2>/dev/null || true",
                                       step="journal tail").stdout
        acks = sorted(r["ts"] for r in parse_jsonl(tail) if r.get("outcome") == "ack" and r["ts"] > after)
        return acks[0] if len(acks) >= count else None
    return poll(first_ack, timeout or ctx.lab.timing.state_s)
