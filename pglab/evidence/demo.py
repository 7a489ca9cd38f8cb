"""Stage 1 demonstration: a commit through pgpool is on B at once and on C only after the delay;
with B stopped a commit waits (until pgpool drops B), with C stopped commits go on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import psycopg

from pglab.cluster import operations
from pglab.context import LabContext
from pglab.errors import ClusterStateError, StageOrderError

Say = Callable[[str], None]


@dataclass
class DemoResult:
    probe_id: int = 0
    visible_on_b_after_s: float | None = None
    visible_on_c_immediately: bool = True
    visible_on_c_after_s: float | None = None
    commit_wait_with_b_stopped_s: float | None = None
    commit_with_c_stopped_s: float | None = None
    lines: list[str] = field(default_factory=list)


def connect(ctx: LabContext, host: str) -> psycopg.Connection:
    """psycopg connection as the app user, through pgpool or straight to a node."""
    lab, address = ctx.lab, ctx.lab.host(host).address
    port = lab.pgpool_port if host == "pgpool" else lab.pg_port
    try:
        return psycopg.connect(host=address, port=port, dbname=lab.database, user="app",
                               password=ctx.state.secrets().password("app"), autocommit=True,
                               **lab.timing.libpq_liveness)
    except psycopg.OperationalError as exc:
        raise ClusterStateError(f"cannot connect to {host} at {address}:{port}: {' '.join(str(exc).split())}") \
            from None


def insert_probe(conn: psycopg.Connection, note: str) -> tuple[int, float]:
    """Commit one probe row; return its id and the time the commit was acknowledged."""
    row = conn.execute("INSERT INTO replication_probes (note) VALUES (%s) RETURNING id", (note,)).fetchone()
    return row[0], time.time()


def seen(conn: psycopg.Connection, probe_id: int) -> bool:
    return conn.execute("SELECT 1 FROM replication_probes WHERE id = %s", (probe_id,)).fetchone() is not None


def wait_seen(conn: psycopg.Connection, probe_id: int, since: float, timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if seen(conn, probe_id):
            return time.time() - since
        time.sleep(0.02)
    return None


def timed_commit(conn: psycopg.Connection, note: str, timeout: float = 60) -> float:
    """Seconds one commit in an open session takes (in a thread, so a hanging commit cannot hang us)."""
    box: dict[str, float | Exception] = {}

    def work() -> None:
        try:
            started = time.time()
            insert_probe(conn, note)
            box["seconds"] = time.time() - started
        except Exception as exc:  # reported below
            box["error"] = exc
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout)
    if "seconds" not in box:
        raise ClusterStateError(f"commit through pgpool did not finish: {box.get('error', 'timed out')}")
    return float(box["seconds"])


def standby_stopped(ctx: LabContext, host: str, say: Say, note: str) -> float:
    """Stop a standby's PostgreSQL, time one commit in a session on the primary, then bring it back.

    The session goes straight to the primary: a pgpool session that had picked the stopped
    standby for its reads would be closed by pgpool, which hides the commit's wait.
    """
    with connect(ctx, ctx.lab.primary) as session:
        operations.node_cmd(ctx, host, "stop", f"demo: stop {host}")
        try:
            say(f"{host}: PostgreSQL stopped; committing in a session on {ctx.lab.primary} ...")
            seconds = timed_commit(session, note)
        finally:
            operations.node_cmd(ctx, host, "start", f"demo: start {host}")
    operations.wait_until_streaming_and_attached(ctx, host)
    return seconds


def demo(ctx: LabContext, say: Say) -> DemoResult:
    lab, result = ctx.lab, DemoResult()
    sync, lagging = lab.sync_standby, lab.async_standby
    try:
        operations.wait_original_topology(ctx, timeout=20)
    except ClusterStateError:
        raise StageOrderError("the demonstration needs the stage 1 topology (A primary, B sync, C async): "
                              "run `fab setup` or `fab recover` first") from None

    def note(line: str) -> None:
        result.lines.append(line)
        say(line)

    with connect(ctx, "pgpool") as pool, connect(ctx, sync) as b, connect(ctx, lagging) as c:
        result.probe_id, committed = insert_probe(pool, "stage 1 demonstration")
        result.visible_on_b_after_s = wait_seen(b, result.probe_id, committed, timeout=5)
        result.visible_on_c_immediately = seen(c, result.probe_id)
        note(f"probe row {result.probe_id} committed through pgpool at {time.strftime('%H:%M:%S')}")
        note(f"{sync}: visible {result.visible_on_b_after_s * 1000:.0f} ms after the commit was acknowledged "
             "(synchronous, remote_apply)" if result.visible_on_b_after_s is not None else f"{sync}: NOT visible")
        note(f"{lagging}: {'visible' if result.visible_on_c_immediately else 'not yet visible'} right after the commit")
        result.visible_on_c_after_s = wait_seen(c, result.probe_id, committed, timeout=lab.timing.replay_delay_s + 30)
        note(f"{lagging}: visible {result.visible_on_c_after_s:.2f} s after the commit (asynchronous, "
             f"recovery_min_apply_delay = {lab.timing.replay_delay_s} s)")
    result.commit_wait_with_b_stopped_s = standby_stopped(ctx, sync, say, "commit with the sync standby stopped")
    note(f"{sync} stopped: a commit waited {result.commit_wait_with_b_stopped_s:.2f} s - until pgpool detached "
         f"{sync} and failover.sh let {lab.primary} stop waiting for it")
    operations.restore_sync(ctx, say)
    result.commit_with_c_stopped_s = standby_stopped(ctx, lagging, say, "commit with the async standby stopped")
    note(f"{lagging} stopped: a commit took {result.commit_with_c_stopped_s * 1000:.0f} ms - nobody waits "
         "for an asynchronous standby")
    operations.restore_sync(ctx, say)
    ctx.state.save_json("demo.json", asdict(result))
    ctx.state.record_event("demo-replication", **{k: v for k, v in asdict(result).items() if k != "lines"})
    return result
