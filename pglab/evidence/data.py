"""The data themselves, for the report: the schema, the statements of the clients' transactions, sample
rows read from the primary at the end of the run, and the errors the clients saw, one row per message."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pglab.cluster import sql
from pglab.context import LabContext
from pglab.evidence.records import Evidence
from pglab.model import Lab
from pglab.templates import render
from pglab.workload import client_program

SAMPLES = {  # table -> the query whose rows the report shows
    "accounts": "SELECT id, owner, balance FROM accounts ORDER BY id LIMIT 5",
    "transfers": "SELECT n, id, session, from_account, to_account, amount, "
                 "to_char(created_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') FROM transfers ORDER BY n DESC LIMIT 5",
}
COLUMNS = {"accounts": ("id", "owner", "balance"),
           "transfers": ("n", "id", "session", "from_account", "to_account", "amount", "created_at")}


@dataclass(frozen=True)
class Samples:
    """A few rows of each table, read on one node at the end of the run."""

    host: str = ""
    rows: dict[str, list[list[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class ErrorKind:
    """One message the clients saw, with how often, in which sessions and when first and last."""

    message: str
    count: int
    sessions: tuple[str, ...]
    first: float
    last: float
    phase: str = ""  # the part of the run it fell in (Phase.key), "" outside every phase


@dataclass(frozen=True)
class Phase:
    """A part of the run the client errors are told apart by: the failover, the recovery with its switch-back."""

    key: str
    start: float
    end: float


def phase_of(ts: float, phases: list[Phase]) -> str:
    return next((p.key for p in phases if p.start <= ts < p.end), "")


def phases(ev: Evidence) -> list[Phase]:
    """The failover (power-off to `fab recover`) and the recovery with the switch-back, as recorded."""
    off, recover, recovered = ev.first("poweroff"), ev.first("recover-start"), ev.first("recovered")
    out = []
    if off:
        out.append(Phase("w_failover", off["ts"], recover["ts"] if recover else float("inf")))
    if recover:
        out.append(Phase("w_switchback", recover["ts"], recovered["ts"] + 1 if recovered else float("inf")))
    return out


@dataclass(frozen=True)
class SwitchGap:
    """At the switch-back: B's clean shutdown began (its log) before pgpool detached it (pgpool's log line
    `starting degeneration`, or without it the request to detach); a query pgpool sent to B in between failed."""

    stopping: float
    detached: float
    degeneration: bool = True  # `detached` is pgpool's 'starting degeneration', not the time of the request


REQUEST_LABELS = ("degenerate request", "failover command")


def switch_gap(lab: Lab, ev: Evidence) -> SwitchGap | None:
    switch = ev.first("switchover")
    if not switch:
        return None
    hits = sorted((h for h in ev.recover_logs if h["ts"] >= switch["ts"] - 1), key=lambda h: h["ts"])
    stop = next((h["ts"] for h in hits if h["host"] == lab.sync_standby and h["label"] == "shutdown requested"), None)
    if stop is None:
        return None
    after = [h for h in hits if h["host"] == "pgpool" and h["ts"] >= stop]
    started = next((h["ts"] for h in after if h["label"] == "degeneration"), None)
    if started is not None:
        return SwitchGap(stop, started)
    request = next((h["ts"] for h in after if h["label"] in REQUEST_LABELS), None)
    return SwitchGap(stop, request, degeneration=False) if request is not None else None


def schema(lab: Lab, comments: bool = True) -> str:
    """The schema as `fab setup` created it (its SQL; its English comments only when `comments`: the Russian
    report leaves them out, its text says the same in Russian)."""
    text = render("sql/schema.sql.j2", comment="--", lab=lab)
    return "\n".join(line for line in text.splitlines()[1:] if line.strip() != "SET ROLE app;"
                     and (comments or not line.lstrip().startswith("--"))).strip()


def transaction_sql(comments: dict[str, str]) -> str:
    """A writer's transaction and a read, as the client program sends them (psycopg's %s parameters), with
    the comments in the report's language (`sql_first`, `sql_then`, `sql_read`)."""
    insert = client_program.TRANSFER_SQL.replace(" VALUES", "\n    VALUES")
    read = client_program.READ_SQL.replace(", (", ",\n       (").replace(", EXISTS", ",\n       EXISTS")
    return "\n".join(("BEGIN;", f"{client_program.DEBIT_CREDIT_SQL};  -- {comments['sql_first']}",
                      f"{client_program.DEBIT_CREDIT_SQL};  -- {comments['sql_then']}", f"{insert};", "COMMIT;", "",
                      f"-- {comments['sql_read']}", "BEGIN;", f"{read};", "COMMIT;"))


def sample_rows(ctx: LabContext, host: str) -> dict[str, list[list[str]]]:
    """A few rows of each table from one node (the primary at the end of the run)."""
    shell = ctx.shell(host)
    return {table: sql.query(shell, q, ctx.lab.database, check=False, step="sample rows")
            for table, q in SAMPLES.items()}


def save_samples(ctx: LabContext) -> None:
    ctx.state.save_json("sample_rows.json", {"host": ctx.lab.primary, "rows": sample_rows(ctx, ctx.lab.primary)})




def error_kinds(errors: list[dict], phases: list[Phase] = ()) -> list[ErrorKind]:
    """The clients' errors grouped by the phase of the run they fell in and by message (its first line;
    addresses and numbers kept): phase by phase in time, most frequent first within one."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for e in errors:
        message = " ".join(str(e.get("error", "")).strip().splitlines()[:1]) or "?"
        groups.setdefault((phase_of(e["ts"], list(phases)), message), []).append(e)
    kinds = [ErrorKind(message, len(rows), tuple(sorted(Counter(r["session"] for r in rows))),
                     min(r["ts"] for r in rows), max(r["ts"] for r in rows), phase)
             for (phase, message), rows in groups.items()]
    order = [p.key for p in phases]
    return sorted(kinds, key=lambda k: (order.index(k.phase) if k.phase in order else len(order), -k.count, k.first))


ABANDONED = "no answer within "  # the client program's entry for a request it gave up on (not a server error)


def abandoned(errors: list[dict]) -> int:
    """Journal entries of requests the client abandoned: they are not in the sessions' error counters."""
    return sum(str(e.get("error", "")).startswith(ABANDONED) for e in errors)
