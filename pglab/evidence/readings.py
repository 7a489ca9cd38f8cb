"""What pglab's own looks read, as they ran (from the command log): each probe query with its time, duration and
result, and a command's own output - so a listing shows the evidence a sentence states."""

from __future__ import annotations

from dataclasses import dataclass

from pglab.evidence.records import Evidence

PROBE_STEP = "demo: probe on "  # the look for the probe row on a standby: SELECT count(*) ... WHERE id = N


@dataclass(frozen=True)
class Reading:
    """One command's run: when it ended (the control machine's clock), where, how long it took, what it ran and
    what it printed (the end of its output, as the command log keeps it)."""

    ts: float
    host: str
    seconds: float
    command: str
    output: str

    @property
    def lines(self) -> list[str]:
        """Its output's lines, the field separator psql was given (0x1F) shown as '|'."""
        return self.output.replace("\x1f", "|").rstrip("\n").splitlines()


def reading(c: dict) -> Reading:
    return Reading(c["ts"], c["host"], c.get("seconds", 0.0), str(c.get("command", "")), c.get("output_tail") or "")


def probe_reads(ev: Evidence, probe_id: int) -> list[Reading]:
    """Every look for probe row `probe_id` on a standby, in time order."""
    return sorted((reading(c) for c in ev.commands if c["step"].startswith(PROBE_STEP)
                   and str(c.get("command", "")).rstrip("'\"").endswith(f"WHERE id = {probe_id}")),
                  key=lambda r: r.ts)


def outputs(ev: Evidence, step: str, host: str) -> list[Reading]:
    """Every run of step `step` on `host`, in time order."""
    return sorted((reading(c) for c in ev.commands if c["step"] == step and c["host"] == host), key=lambda r: r.ts)


def output(ev: Evidence, step: str, host: str, since: float = 0.0, until: float = float("inf")) -> Reading | None:
    """The last run of step `step` on `host` begun within [since, until] (None if none)."""
    return next((r for r in reversed(outputs(ev, step, host)) if since <= r.ts - r.seconds <= until), None)


@dataclass(frozen=True)
class ReadRun:
    """Consecutive probe reads on one node with one result (a fast host looks a hundred times while the row is
    delayed): the first and the last, how many, and their ends' seconds after the commit's acknowledgement."""

    first: Reading
    last: Reading
    count: int
    after_first: float | None
    after_last: float | None
    took_min: float
    took_max: float

    @property
    def result(self) -> str:
        return self.first.lines[-1] if self.first.lines else ""


def since_commit(reads: list[Reading], sync: str, sync_after_s: float | None) -> list[ReadRun]:
    """The probe reads, consecutive ones on a node with the same result as one run, each end in seconds after the
    probe's commit was acknowledged: the acknowledgement is where the demonstration measured the synchronous
    standby's first read from (`sync_after_s` before it ended)."""
    seen = next((r for r in reads if r.host == sync and r.lines[-1:] == ["1"]), None)
    committed = seen.ts - sync_after_s if seen and sync_after_s is not None else None
    after = lambda r: None if committed is None else round(r.ts - committed, 3)  # noqa: E731
    runs: list[ReadRun] = []
    for r in reads:
        prev = runs[-1] if runs else None
        if prev and prev.first.host == r.host and prev.result == (r.lines[-1] if r.lines else ""):
            runs[-1] = ReadRun(prev.first, r, prev.count + 1, prev.after_first, after(r),
                               min(prev.took_min, r.seconds), max(prev.took_max, r.seconds))
        else:
            runs.append(ReadRun(r, r, 1, after(r), after(r), r.seconds, r.seconds))
    return runs
