"""The data themselves, for the report: the schema, the statements of the clients' transactions, sample
rows read from the primary at the end of the run, and the errors the clients saw, one row per message."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pglab.cluster import sql
from pglab.context import LabContext
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
                      f"-- {comments['sql_read']}", f"{read};"))


def sample_rows(ctx: LabContext, host: str) -> dict[str, list[list[str]]]:
    """A few rows of each table from one node (the primary at the end of the run)."""
    shell = ctx.shell(host)
    return {table: sql.query(shell, q, ctx.lab.database, check=False, step="sample rows")
            for table, q in SAMPLES.items()}


def save_samples(ctx: LabContext) -> None:
    ctx.state.save_json("sample_rows.json", {"host": ctx.lab.primary, "rows": sample_rows(ctx, ctx.lab.primary)})




def error_kinds(errors: list[dict]) -> list[ErrorKind]:
    """The clients' errors grouped by message (its first line; addresses and numbers kept), most frequent
    first."""
    groups: dict[str, list[dict]] = {}
    for e in errors:
        message = " ".join(str(e.get("error", "")).strip().splitlines()[:1]) or "?"
        groups.setdefault(message, []).append(e)
    kinds = [ErrorKind(message, len(rows), tuple(sorted(Counter(r["session"] for r in rows))),
                       min(r["ts"] for r in rows), max(r["ts"] for r in rows)) for message, rows in groups.items()]
    return sorted(kinds, key=lambda k: (-k.count, k.first))


ABANDONED = "no answer within "  # the client program's entry for a request it gave up on (not a server error)


def abandoned(errors: list[dict]) -> int:
    """Journal entries of requests the client abandoned: they are not in the sessions' error counters."""
    return sum(str(e.get("error", "")).startswith(ABANDONED) for e in errors)
