"""Stage 1 demonstration: a commit through pgpool is on B at once and on C only after the delay; while B
does not replay, a commit waits in SyncRep until B replays again; with B stopped a commit waits until C, made
synchronous once pgpool drops B, replays it (the commit keeps remote_apply, C its replay delay); with C stopped
commits go on."""

from __future__ import annotations

import re
import shlex
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import psycopg

from pglab.cluster import operations, sql
from pglab.context import LabContext
from pglab.errors import ClusterStateError, StageOrderError
from pglab.evidence import logs
from pglab.model import Lab
from pglab.polling import poll

Say = Callable[[str], None]
# The row's id, and when its statement began on the node's own clock (a timed commit's start, for the report)
PROBE = "INSERT INTO replication_probes (note) VALUES (%s) RETURNING id, extract(epoch FROM now())::text AS began"
TIMING = re.compile(r"(\d+\.\d+) ms")  # psql's \timing line: "Time: 2.345 ms"
BEGAN = re.compile(r"^\s*\d+\s*\|\s*(\d+\.\d+)\s*$", re.M)  # psql's row of PROBE: " 7 | 1796123443.812"


@dataclass
class DemoResult:
    probe_id: int = 0
    visible_on_b_after_s: float | None = None
    visible_on_c_immediately: bool = True
    visible_on_c_after_s: float | None = None
    commit_wait_with_b_stopped_s: float | None = None
    commit_with_b_stopped_began: float | None = None  # that commit's statement began: the primary's clock
    commit_with_c_stopped_s: float | None = None
    sync_wait: dict = field(default_factory=dict)  # the commit held in SyncRep while B's replay was paused
    b_stop_logs: list[dict] = field(default_factory=list)  # what pgpool, failover.sh and B logged while B was stopped
    lines: list[str] = field(default_factory=list)


def connect(ctx: LabContext) -> psycopg.Connection:
    """psycopg connection as the app user through pgpool: the nodes take the app's logins from pgpool only."""
    lab, address = ctx.lab, ctx.lab.host("pgpool").address
    try:
        return psycopg.connect(host=address, port=lab.pgpool_port, dbname=lab.database, user="app",
                               password=ctx.state.secrets().password("app"), autocommit=True,
                               **ctx.state.libpq_tls(), **lab.timing.libpq_liveness)
    except psycopg.OperationalError as exc:
        raise ClusterStateError(f"cannot connect to pgpool at {address}:{lab.pgpool_port}: "
                                f"{' '.join(str(exc).split())}") from None


def insert_probe(conn: psycopg.Connection, note: str) -> tuple[int, float]:
    """Commit one probe row; return its id and the time the commit was acknowledged."""
    row = conn.execute(PROBE, (note,)).fetchone()
    return row[0], time.time()


LOOK = "SELECT count(*) FROM replication_probes WHERE id = {id}"  # on a node itself: is the probe row there?


def seen(ctx: LabContext, host: str, probe_id: int) -> bool:
    """Is the probe row visible on a node? Read on the node itself (SSH, psql on its local socket)."""
    return sql.value(ctx.shell(host), LOOK.format(id=int(probe_id)), ctx.lab.database,
                     step=f"demo: probe on {host}") == "1"


def statements(lab: Lab, probe_id: int) -> dict[str, str]:
    """The demonstration's statements as the report lists them: the probe row through pgpool, the look for it on
    a node, and the read on the primary while a commit waits for B (its one row follows in the listing)."""
    return {"probe": PROBE.replace("%s", "'stage 1 demonstration'") + ";  -- " + "through pgpool",
            "look": LOOK.format(id=int(probe_id)) + ";  -- on " + lab.sync_standby + " and " + lab.async_standby,
            "waiting": WAITING.format(app=lab.host(lab.sync_standby).app_name) + ";  -- on " + lab.primary}


def wait_seen(ctx: LabContext, host: str, probe_id: int, since: float, timeout: float) -> float | None:
    """Seconds from `since` to the end of the first look that saw the row (a bound: a look takes an SSH round
    trip), or None."""
    return poll(lambda: time.time() - since if seen(ctx, host, probe_id) else None, timeout, 0.02)


def commit_command(note: str, database: str) -> str:
    """psql on a node, as postgres on the local socket, committing one probe row as the app: it prints the
    commit's own duration (\\timing), without SSH's or psql's start-up."""
    insert = PROBE.replace("%s", "'" + note.replace("'", "''") + "'")
    return " ".join(["psql -X -v ON_ERROR_STOP=1 -d", shlex.quote(database),
                     *(f"-c {shlex.quote(c)}" for c in ("SET ROLE app", "\\timing on", insert))])


def timed_commit(ctx: LabContext, host: str, note: str) -> tuple[float, float | None]:
    """Seconds one commit as the app takes on a node, timed by psql there, and when it began by the node's clock."""
    result = ctx.shell(host).run(commit_command(note, ctx.lab.database), user="postgres", check=False,
                                 timeout=ctx.lab.timing.state_s, step=f"demo: commit on {host}")
    timing = TIMING.findall(result.stdout)
    if not result.ok or not timing:
        raise ClusterStateError(f"commit on {host} did not finish: {(result.stderr or result.stdout).strip()[-200:]}")
    began = BEGAN.search(result.stdout)
    return float(timing[-1]) / 1000, float(began[1]) if began else None


def standby_stopped(ctx: LabContext, host: str, say: Say, note: str) -> tuple[float, float | None]:
    """Stop a standby's PostgreSQL, time one commit on the primary, then bring the standby back.

    The commit is made on the primary itself (psql over SSH): a pgpool session that had picked the
    stopped standby for its reads would be closed by pgpool, which hides the commit's wait.
    """
    operations.node_cmd(ctx, host, "stop", f"demo: stop {host}")
    try:
        say(f"{host}: PostgreSQL stopped; committing on {ctx.lab.primary} ...")
        timed = timed_commit(ctx, ctx.lab.primary, note)
    finally:
        operations.node_cmd(ctx, host, "start", f"demo: start {host}")
    operations.wait_until_streaming_and_attached(ctx, host)
    return timed


# The lines that show what happened while B was stopped: its shutdown, pgpool detaching it, failover.sh handing the
# synchronous role to C, B streaming again and pgpool attaching it.
B_STOP_LABELS = ("shutdown requested", "health check failed", "degeneration", "failover script", "failover done",
                 "streaming", "failback done")


WAITING = ("SELECT a.wait_event, round(extract(epoch FROM now() - a.xact_start)::numeric, 3), "
           "pg_current_wal_lsn(), r.flush_lsn, r.replay_lsn FROM pg_stat_activity a, pg_stat_replication r "
           "WHERE a.wait_event = 'SyncRep' AND r.application_name = '{app}'")


def held_in_syncrep(ctx: LabContext, hold_s: float = 2.0) -> dict:
    """A commit through pgpool while B's replay is paused (B up and streaming, so pgpool does not detach it):
    with remote_apply the commit waits in SyncRep; what A shows meanwhile (the waiting backend, its WAL
    position, B's flush and replay positions), then B's replay resumed and the commit released."""
    lab = ctx.lab
    sync, app = lab.sync_standby, lab.host(lab.sync_standby).app_name
    done: dict = {}

    def commit() -> None:
        with connect(ctx) as conn:
            started = time.time()
            done["id"], done["acked"] = insert_probe(conn, "commit held while B does not replay")
            done["started"] = started

    sql.query(ctx.shell(sync), "SELECT pg_wal_replay_pause()", step="demo: pause replay on B")
    worker = threading.Thread(target=commit, daemon=True)
    try:
        worker.start()
        time.sleep(hold_s)
        rows = sql.query(ctx.shell(lab.primary), WAITING.format(app=app), step="demo: commit waiting?")
    finally:
        resumed = time.time()
        sql.query(ctx.shell(sync), "SELECT pg_wal_replay_resume()", step="demo: resume replay on B")
    worker.join(timeout=30)
    found = {"waiting": bool(rows), "held_s": round(resumed - done.get("started", resumed), 3),
             "released_after_s": round(done["acked"] - resumed, 3) if "acked" in done else None,
             "probe_id": done.get("id")}
    if rows:
        event, seconds, current, flush, replay = rows[0]
        found |= {"wait_event": event, "waited_s": float(seconds), "current_lsn": current, "flush_lsn": flush,
                  "replay_lsn": replay}
    return found


def probe_again(ctx: LabContext) -> dict:
    """Stage 1's probe on the restored topology: a row through pgpool, seen on B at once, on C after its delay
    (recorded as the event 'probe-again')."""
    lab = ctx.lab
    with connect(ctx) as pool:
        probe_id, committed = insert_probe(pool, "stage 1 probe after the recovery")
    b_s = wait_seen(ctx, lab.sync_standby, probe_id, committed, timeout=5)
    c_at_once = seen(ctx, lab.async_standby, probe_id)
    c_s = wait_seen(ctx, lab.async_standby, probe_id, committed, timeout=lab.timing.replay_delay_s + 30)
    found = {"probe_id": probe_id, "b_s": None if b_s is None else round(b_s, 3), "c_at_once": c_at_once,
             "c_s": None if c_s is None else round(c_s, 3)}
    ctx.state.record_event("probe-again", **found)
    return found


def demo(ctx: LabContext, say: Say) -> DemoResult:
    lab, result = ctx.lab, DemoResult()
    sync, lagging = lab.sync_standby, lab.async_standby
    try:
        operations.wait_original_topology(ctx, timeout=lab.timing.pgpool_s)  # it should stand already
    except ClusterStateError:
        raise StageOrderError("the demonstration needs the stage 1 topology (A primary, B sync, C async): "
                              "run `fab setup` or `fab recover` first") from None

    def note(line: str) -> None:
        result.lines.append(line)
        say(line)

    with connect(ctx) as pool:
        result.probe_id, committed = insert_probe(pool, "stage 1 demonstration")
        # B within C's replay delay at most (later, B would be no better than C)
        result.visible_on_b_after_s = wait_seen(ctx, sync, result.probe_id, committed, lab.timing.replay_delay_s)
        result.visible_on_c_immediately = seen(ctx, lagging, result.probe_id)
        note(f"probe row {result.probe_id} committed through pgpool, acknowledged at "
             f"{datetime.fromtimestamp(committed, UTC).strftime('%H:%M:%S.%f')[:-3]} UTC")
        note(f"{sync}: visible {result.visible_on_b_after_s * 1000:.0f} ms after the commit was acknowledged "
             f"(synchronous, remote_apply; read on {sync} over SSH, the look's round trip included)"
             if result.visible_on_b_after_s is not None else f"{sync}: NOT visible")
        note(f"{lagging}: {'visible' if result.visible_on_c_immediately else 'not yet visible'} right after the commit")
        result.visible_on_c_after_s = wait_seen(ctx, lagging, result.probe_id, committed,
                                                lab.timing.replay_delay_s + lab.timing.state_s)
        note(f"{lagging}: visible {result.visible_on_c_after_s:.2f} s after the commit (asynchronous, "
             f"recovery_min_apply_delay = {lab.timing.replay_delay_s} s)")
    result.sync_wait = held_in_syncrep(ctx)
    w = result.sync_wait
    note(f"{sync} replay paused: a commit through pgpool waited (pg_stat_activity.wait_event = "
         f"{w.get('wait_event', 'none')}) with {lab.primary} at {w.get('current_lsn', '?')}, {sync} flushed to "
         f"{w.get('flush_lsn', '?')} but replayed to {w.get('replay_lsn', '?')}; acknowledged "
         f"{(w.get('released_after_s') or 0) * 1000:.0f} ms after the replay resumed")
    stopping = time.time()
    result.commit_wait_with_b_stopped_s, result.commit_with_b_stopped_began = standby_stopped(
        ctx, sync, say, "commit with the sync standby stopped")
    result.b_stop_logs = [asdict(h) for h in logs.collect(ctx, since=stopping - 0.5) if h.label in B_STOP_LABELS]
    note(f"{sync} stopped: a commit waited {result.commit_wait_with_b_stopped_s:.2f} s - pgpool detached {sync}, "
         f"failover.sh made {lagging} synchronous, and the commit (remote_apply) waited until {lagging} replayed it")
    operations.restore_sync(ctx, say)
    result.commit_with_c_stopped_s = standby_stopped(ctx, lagging, say, "commit with the async standby stopped")[0]
    note(f"{lagging} stopped: a commit took {result.commit_with_c_stopped_s * 1000:.0f} ms - nobody waits "
         "for an asynchronous standby")
    operations.restore_sync(ctx, say)
    ctx.state.save_json("demo.json", asdict(result))
    ctx.state.record_event("demo-replication", **{k: v for k, v in asdict(result).items() if k != "lines"})
    return result
