"""The faults `fab chaos` draws from. Each injects its fault, waits for the cluster's own reaction
(pgpool's failover), then powers the hosts on again or heals the network - recovery is the
caller's job, so it is exercised the way a user runs it.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pglab.cluster import inspect, sql
from pglab.cluster.operations import recover, wait_for_new_primary
from pglab.context import LabContext
from pglab.errors import MissingToolError, PglabError
from pglab.polling import wait_until
from pglab.providers import PowerState
from pglab.providers.gray import Degradation

Say = Callable[[str], None]


@dataclass
class Injected:
    """What one fault did."""

    kind: str
    detail: str
    ts: float  # when the fault hit
    notes: list[str]


def current_primary(ctx: LabContext) -> str:
    view = inspect.view(ctx)
    if view.primary is None:
        raise PglabError("no primary behind pgpool before the fault: run `fab recover` first")
    return view.primary


def cut(ctx: LabContext, host: str) -> None:
    ctx.power(host, "poweroff")


def power_on_all(ctx: LabContext) -> None:
    for host, state in ctx.provider.states().items():
        if state is PowerState.OFF:
            ctx.power(host, "poweron")


def poweroff_any(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    """A hard power-off of any host; if it was the primary, pgpool fails over first."""
    host = rng.choice(ctx.lab.host_names)
    primary = current_primary(ctx)
    ts = time.time()
    cut(ctx, host)
    if host == primary:
        say(f"pgpool failed over to {wait_for_new_primary(ctx, host)}")
    time.sleep(rng.uniform(0.5, 3))
    power_on_all(ctx)
    return Injected("poweroff", f"{host} powered off" + (" (the primary)" if host == primary else ""), ts, [])


def isolate_primary(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    """The primary loses its network but keeps running: pgpool fails over; after the heal the old
    primary is a false primary that must not have taken any write."""
    host = current_primary(ctx)
    ts = time.time()
    ctx.power(host, "isolate")
    new = wait_for_new_primary(ctx, host)
    say(f"pgpool failed over to {new}; {host} runs on, isolated")
    time.sleep(rng.uniform(0.5, 3))
    ctx.power(host, "heal")
    written = writes_since(ctx, host, ts)
    return Injected("isolate", f"{host} (the primary) isolated, then healed", ts,
                    [f"writes on the isolated {host} after the isolation: {written}"])


def writes_since(ctx: LabContext, host: str, ts: float) -> int:
    """Transfers committed on `host` itself after `ts` (read on the node, not through pgpool)."""
    value = sql.value(ctx.shell(host), f"SELECT count(*) FROM transfers WHERE created_at > to_timestamp({ts})",
                      ctx.lab.database, step="writes since isolation")
    return int(value or 0)


def double_fault(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    """The primary dies, then - once the last node follows it - the node promoted in its place:
    pgpool promotes the last one (availability first; writes acknowledged meanwhile are at risk)."""
    first = current_primary(ctx)
    cut(ctx, first)
    second = wait_for_new_primary(ctx, first)
    last = next(h.name for h in ctx.lab.pg_hosts if h.name not in (first, second))
    wait_until(f"pgpool to attach {last} behind {second}", lambda: any(
        n.host == last and n.status.attached for n in inspect.pool_nodes(ctx)), ctx.lab.timing.state_s)
    time.sleep(rng.uniform(0.5, 3))
    ts = time.time()  # the outage that counts: the first one is a plain power-off
    cut(ctx, second)
    third = wait_for_new_primary(ctx, second)
    say(f"{first} then {second} lost: pgpool promoted {third} (availability first)")
    power_on_all(ctx)
    return Injected("double-fault", f"{first}, then {second} powered off; {third} promoted", ts, [])


def cut_during_recover(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    """The primary dies; while `fab recover` rejoins it, it loses power again."""
    host = current_primary(ctx)
    ts = time.time()
    cut(ctx, host)
    wait_for_new_primary(ctx, host)
    power_on_all(ctx)
    failure: list[str] = []

    def interrupted_recover() -> None:
        own = LabContext.load()
        try:
            recover(own, lambda _: None)
            failure.append("finished before the cut")
        except PglabError as exc:
            failure.append(str(exc))
        finally:
            own.close()

    worker = threading.Thread(target=interrupted_recover)
    started = time.monotonic()
    worker.start()
    time.sleep(rng.uniform(1.0, 3.0))
    cut(ctx, host)
    cut_at = time.monotonic()
    worker.join()
    say(f"recover interrupted: failed {time.monotonic() - cut_at:.1f} s after the cut")
    power_on_all(ctx)
    return Injected("cut-during-recover", f"{host} powered off, then again {cut_at - started:.1f} s into recover",
                    ts, [f"interrupted recover said after {time.monotonic() - cut_at:.1f} s: "
                         f"{failure[0] if failure else '?'}"])


def whole_lab(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    """Every host loses power (pgpool first, the rest in random order), then all power on."""
    order = ["pgpool", *rng.sample([h for h in ctx.lab.host_names if h != "pgpool"], len(ctx.lab.host_names) - 1)]
    ts = time.time()
    for host in order:
        cut(ctx, host)
    time.sleep(rng.uniform(0.5, 2))
    power_on_all(ctx)
    return Injected("whole-lab", "every host powered off: " + ", ".join(order), ts, [])


def pgpool_cycle(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    ts = time.time()
    cut(ctx, "pgpool")
    time.sleep(rng.uniform(0.5, 3))
    power_on_all(ctx)
    return Injected("pgpool-cycle", "pgpool powered off and on", ts, [])


def freeze_any(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    """A gray failure: a host (the primary half the time) stops every process for 1-8 s, then resumes.
    Frozen past pgpool's health check timeout, a primary is failed over and resumes beside the new one."""
    primary = current_primary(ctx)
    host = primary if rng.random() < 0.5 else rng.choice(ctx.lab.host_names)
    seconds = rng.uniform(1, 8)
    ts = time.time()
    ctx.power(host, "freeze")
    time.sleep(seconds)
    ctx.power(host, "thaw")
    moved = inspect.view(ctx).primary
    say(f"{host} frozen for {seconds:.1f} s, then thawed; pgpool's primary now {moved or 'none'}")
    return Injected("freeze", f"{host}{' (the primary)' if host == primary else ''} frozen for {seconds:.1f} s", ts,
                    [f"pgpool's primary after the thaw: {moved or 'none'}"])


def degrade_any(ctx: LabContext, rng: random.Random, say: Say) -> Injected:
    """A gray failure: a host's lab link loses 5-40% of its packets (plus 20-200 ms of delay where the
    kernel has netem) for 3-10 s; health checks may fail and pgpool may fail over a node that runs."""
    host = rng.choice(ctx.lab.host_names)
    degradation = Degradation(0, round(rng.uniform(5, 40), 1))
    with_delay = Degradation(round(rng.uniform(20, 200)), degradation.loss_pct)
    seconds = rng.uniform(3, 10)
    ts = time.time()
    try:
        ctx.power(host, "degrade", with_delay)
        degradation = with_delay
    except MissingToolError:  # no netem in this kernel: loss alone
        ctx.power(host, "degrade", degradation)
    time.sleep(seconds)
    ctx.power(host, "clear")
    say(f"{host}'s link degraded ({degradation}) for {seconds:.1f} s, then clean")
    return Injected("degrade", f"{host}'s link degraded ({degradation}) for {seconds:.1f} s", ts, [])


FAULTS: dict[str, Callable[[LabContext, random.Random, Say], Injected]] = {
    "poweroff": poweroff_any, "isolate": isolate_primary, "double-fault": double_fault,
    "cut-during-recover": cut_during_recover, "whole-lab": whole_lab, "pgpool-cycle": pgpool_cycle,
    "freeze": freeze_any, "degrade": degrade_any,
}
