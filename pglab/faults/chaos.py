"""`fab chaos`: faults drawn at random (reproducible from a seed) while client sessions run; after
each, the lab is brought back with `recover` and checked - topology and every acknowledged write.

Writes evidence/chaos.json and report/chaos.md: each fault with every writer session's longest
pause from the fault until the lab is back (worst, median, p95; sessions that never wrote again
are named), the pooled "some session" figure beside it, recovery time, rejoin methods, missing,
at-risk writes, commits of unknown outcome (present or absent on the primary) and the read
checks' counts (over the whole run up to that fault's verification).
"""

from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pglab.cluster import inspect
from pglab.cluster.operations import is_original_topology, recover
from pglab.context import LabContext
from pglab.errors import ClusterStateError, ConfigError, NothingToRecoverError, PglabError, StageOrderError
from pglab.evidence import availability
from pglab.evidence.i18n import TEXT
from pglab.evidence.read_checks import KINDS
from pglab.evidence.verify import verify
from pglab.faults.nemesis import FAULTS, Say
from pglab.workload import control


@dataclass
class FaultRecord:
    number: int
    kind: str
    detail: str
    worst_s: float | None = None  # the writer session that paused longest
    median_s: float | None = None
    p95_s: float | None = None
    never_back: list[str] = field(default_factory=list)  # writer sessions with no commit after the fault
    pooled_s: float | None = None  # from the fault to the commit of any writer that ended their common gap
    recover_s: float | None = None
    recover_runs: int = 0
    rejoined: dict[str, str] = field(default_factory=dict)
    topology_ok: bool = False
    invariant_held: bool = False
    acknowledged: int = 0
    missing: int = 0
    at_risk: int = 0  # the run so far (fab verify reads the whole journal)
    at_risk_new: int = 0  # acknowledged with no synchronous standby during this fault and its recovery
    indeterminate: int = 0
    indeterminate_present: int = 0
    indeterminate_absent: int = 0
    read_violations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))  # run so far
    new_read_violations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))  # this fault's
    read_examples: list[dict] = field(default_factory=list)  # a few of the reads judged wrong, as journaled
    notes: list[str] = field(default_factory=list)


def ensure_clients(ctx: LabContext) -> None:
    """Client sessions run throughout; a client host that lost power gets them started again."""
    if not control.running(ctx):
        control.start(ctx)


def bring_back(ctx: LabContext, record: FaultRecord, say: Say) -> None:
    """Recover until the original topology stands; the first run should do it (a second is noted)."""
    started = time.monotonic()
    for attempt in (1, 2):
        record.recover_runs = attempt
        if is_original_topology(ctx, inspect.view(ctx)):
            break
        try:
            report = recover(ctx, say)
            record.rejoined.update(report.rejoined)
            break
        except NothingToRecoverError:
            break  # the lab healed itself between the look above and recover's own
        except PglabError as exc:
            record.notes.append(f"recover run {attempt} failed: {exc}")
            say(f"recover run {attempt} failed: {exc}")
            if attempt == 2:
                raise
    record.recover_s = round(time.monotonic() - started, 2)


def run_one(ctx: LabContext, number: int, kind: str, rng: random.Random, say: Say) -> FaultRecord:
    injected = FAULTS[kind](ctx, rng, say)
    record = FaultRecord(number, kind, injected.detail, notes=list(injected.notes))
    say(f"fault {number}: {injected.detail}")
    ensure_clients(ctx)
    bring_back(ctx, record, say)
    recovered_at = time.time()
    ensure_clients(ctx)
    control.wait_for_commits(ctx, recovered_at, count=5, timeout=ctx.lab.timing.pgpool_s)
    record.topology_ok = is_original_topology(ctx, inspect.view(ctx))
    back = time.time()  # before the journal is read: reading it takes seconds at full speed
    window = availability.around_fault(availability.activity(control.journal(ctx), []), injected.ts, back)
    spread = window.spread(availability.WRITER)
    record.worst_s, record.median_s, record.p95_s = spread.worst, spread.median, spread.p95
    record.never_back = [p.session for p in window.never_back]
    record.pooled_s = window.pooled_s
    result = verify(ctx)
    record.acknowledged, record.missing = result.acknowledged, result.missing
    record.at_risk, record.indeterminate = result.at_risk, result.indeterminate
    record.indeterminate_present, record.indeterminate_absent = (result.indeterminate_present,
                                                                 result.indeterminate_absent)
    record.read_violations = dict(result.reads.violations)
    record.read_examples = [e for examples in result.reads.examples.values() for e in examples]
    record.invariant_held = result.invariant_held and result.checksums_equal
    return record


def run(ctx: LabContext, faults: int, seed: int, kinds: tuple[str, ...], say: Say) -> list[FaultRecord]:
    """Inject `faults` faults drawn from `kinds` with `seed`; each followed by recovery and checks."""
    unknown = sorted(set(kinds) - set(FAULTS))
    if unknown:
        raise ConfigError(f"unknown fault kind(s) {', '.join(unknown)}: choose from {', '.join(FAULTS)}")
    ctx.provider.require_up()
    view = inspect.view(ctx)
    if not view.pool:
        raise StageOrderError("pgpool is not set up or not answering: run `fab setup` first")
    if not is_original_topology(ctx, view):
        raise StageOrderError("chaos starts from the original topology: run `fab recover` first")
    rng = random.Random(seed)
    ensure_clients(ctx)
    ctx.state.record_event("chaos-start", faults=faults, seed=seed)
    records: list[FaultRecord] = []
    for number in range(1, faults + 1):
        kind = rng.choice(kinds)
        try:
            records.append(run_one(ctx, number, kind, rng, say))
        finally:
            ctx.state.save_json("chaos.json", {"seed": seed, "faults": [asdict(r) for r in records]})
        last = records[-1]
        before = records[-2].read_violations if len(records) > 1 else dict.fromkeys(KINDS, 0)
        last.new_read_violations = {k: last.read_violations.get(k, 0) - before.get(k, 0) for k in KINDS}
        last.at_risk_new = max(0, last.at_risk - (records[-2].at_risk if len(records) > 1 else 0))
        say(f"fault {number} ({kind}): writer sessions' longest pause {pauses(last)}, "
            f"recovered in {fmt(last.recover_s)}, "
            f"missing {last.missing}, at risk {last.at_risk_new}, topology {'ok' if last.topology_ok else 'WRONG'}, "
            f"read-check violations {sum(last.new_read_violations.values())}")
        if any(last.new_read_violations.values()):
            for example in last.read_examples:
                say(f"read check (first of the run): {json.dumps(example)}")
        if not last.topology_ok:
            raise ClusterStateError(f"fault {number} ({kind}): the original topology did not come back (fab status)")
    return records


DOUBLE = ("double-fault", "cut-during-recover")  # two faults in one: the second may find one copy only


def at_risk_after(records: list[FaultRecord], double: bool) -> int:
    """Writes acknowledged with no synchronous standby during single faults (or double ones) and their recovery."""
    return sum(r.at_risk_new for r in records if (r.kind in DOUBLE) == double)


def fmt(seconds: float | None) -> str:
    return f"{seconds:.2f} s" if seconds is not None else "-"


def pauses(r: FaultRecord) -> str:
    """'worst 1.62 s, median 1.20 s, p95 1.62 s', or the sessions that never wrote again."""
    if r.never_back:
        return f"NEVER BACK: {', '.join(r.never_back)}"
    return f"worst {fmt(r.worst_s)}, median {fmt(r.median_s)}, p95 {fmt(r.p95_s)}"


SUMMARY_COLUMNS = ("fault", "count", "worst session, median", "worst session, max", "pooled, median",
                   "recovery median")


def summary(records: list[FaultRecord]) -> list[tuple[str, int, str, str, str, str]]:
    """Per fault kind: count, the worst session's pause (median and max over faults), the pooled figure's
    median, the median recovery time. A fault with a session that never came back shows as 'never'."""
    rows = []
    for kind in sorted({r.kind for r in records}):
        mine = [r for r in records if r.kind == kind]
        worst = [r.worst_s for r in mine if r.worst_s is not None and not r.never_back]
        pooled = [r.pooled_s for r in mine if r.pooled_s is not None]
        lost = any(r.never_back for r in mine)
        rows.append((kind, len(mine), fmt(statistics.median(worst)) if worst else "-",
                     "never" if lost else fmt(max(worst, default=None)),
                     fmt(statistics.median(pooled)) if pooled else "-",
                     fmt(statistics.median([r.recover_s for r in mine if r.recover_s is not None]))))
    return rows


def read_violations(records: list[FaultRecord]) -> dict[str, int]:
    """The read checks' counts over the whole run: each fault's verification judged every read journaled
    so far, so the largest count of each kind is the run's."""
    return {kind: max((r.read_violations.get(kind, 0) for r in records), default=0) for kind in KINDS}


def write_report(records: list[FaultRecord], seed: int, path: Path) -> Path:
    """report/chaos.md: the summary per fault kind, then every fault."""
    lines = [f"# pglab chaos run (seed {seed}, {len(records)} faults)", "",
             "Per session: each writer session's longest pause from the fault until the lab was back; per fault "
             "the worst session counts. Pooled: from the fault until any writer committed again after the writers' "
             "longest common gap (one session can hide others); counted from the fault, not from a last commit, "
             "so it can exceed every session's pause when that gap began after the fault.", "",
             f"| {' | '.join(SUMMARY_COLUMNS)} |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {' | '.join(str(c) for c in row)} |" for row in summary(records)]
    lines += ["", f"Acknowledged writes missing: **{max((r.missing for r in records), default=0)}**; bank invariant "
              f"and equal checksums after every fault: {'yes' if all(r.invariant_held for r in records) else 'NO'}; "
              f"recoveries that needed a second run: {sum(r.recover_runs > 1 for r in records)}; "
              f"acknowledged writes at risk (no synchronous standby) after a single fault: "
              f"**{at_risk_after(records, False)}**, after a double fault: {at_risk_after(records, True)}; "
              f"{TEXT['en']['read_checks'].format(**read_violations(records))}.", "",
              "| # | fault | what | writer sessions' longest pause | pooled | recovery | rejoin | missing | at risk | "
              "unknown outcome (present/absent) | read-check violations | topology | notes |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        rejoin = ", ".join(f"{h}: {m}" for h, m in r.rejoined.items()) or "-"
        notes = "; ".join(r.notes).replace("|", "/")
        lines.append(f"| {r.number} | {r.kind} | {r.detail} | {pauses(r)} | {fmt(r.pooled_s)} | "
                     f"{fmt(r.recover_s)} | {rejoin} | {r.missing} | {r.at_risk_new} | {r.indeterminate} "
                     f"({r.indeterminate_present}/{r.indeterminate_absent}) | {sum(r.new_read_violations.values())} | "
                     f"{'ok' if r.topology_ok else 'WRONG'} | "
                     f"{notes} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path
