#!/usr/bin/python3
"""pglab-client: long-lived client sessions against pgpool, run on the lab's client host.

Writers move money between two accounts and record the transfer in one transaction (the
total balance is an invariant). Every commit the client saw acknowledged goes to a journal; a
commit whose outcome it never learned is journaled as 'unknown'. Every read is journaled with the
node that served it, what it saw and its verdicts: readers read the total balance and how far the
history goes (max(transfers.n)); a writer reads back its latest acknowledged write in a new
transaction after each commit (pgpool may balance that read to the synchronous standby, where
remote_apply makes it visible). A session that loses its connection reconnects and carries on.
Journal lines reach the file at once (one write(2) each) and the disk within two SYNC_S periods
(fdatasync by one flusher thread): a power cut of the client host loses at most that much of the
journal, which only under-counts acknowledged writes. Self-contained: needs only python3 and psycopg 3 (Debian:
python3-psycopg).

    pglab-client start [--writers N] [--readers N] [--rate R] | stop | stats | pause | resume | run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

DATA = os.environ.get("PGLAB_CLIENT_DIR", "/var/log/pglab-client")
PID_FILE, STATUS_FILE, PAUSE_FILE = (f"{DATA}/{n}" for n in ("client.pid", "status.json", "pause"))
JOURNAL, READS, ERRORS, CONNECTS, LOG = (f"{DATA}/{n}" for n in ("journal.jsonl", "reads.jsonl", "errors.jsonl",
                                                                  "connects.jsonl", "client.log"))
# keepalives catch a dead peer on an idle connection, tcp_user_timeout one that never answers a request.
# idle_in_transaction_session_timeout (sent in the startup packet, which pgpool hands to every backend):
# a session's transactions take milliseconds, so one idle in a transaction for longer is stuck - pgpool
# 4.3 can leave a child waiting for a backend's answer that never comes after a switchover (measured:
# 30 s until the next failover) - and the node ends it, so the session errors and reconnects at once.
# sslmode=verify-full: TLS, pgpool's certificate checked against the lab CA and its name against the host's.
CONNINFO = ("host={host} port={port} dbname={db} user=app passfile=/etc/pglab/pgpass connect_timeout={login_s} "
            "sslmode={sslmode} sslrootcert={sslrootcert} "
            "keepalives=1 keepalives_idle=2 keepalives_interval=1 keepalives_count=3 "
            "tcp_user_timeout={dead_ms} application_name=pglab-{name} "
            "options='-c idle_in_transaction_session_timeout={stuck_ms}'")
WATCHDOG_S = 0.25  # how often the main thread looks for a request unanswered for --stuck-request-ms
BROKEN_PAUSE_S = 0.05  # a session whose connection broke waits this long before it reconnects
RETRY_S = 0.1  # then it retries every 100 ms: pgpool answers again within a failover
SYNC_S = 0.1  # the flusher's period: one fdatasync per journal and period, not one per line (~0.3 ms each)
# A writer's transaction (the report shows these statements): two balance updates, in account id order,
# and the transfer's row, whose identity column n is the history's order.
DEBIT_CREDIT_SQL = "UPDATE accounts SET balance = balance + %s WHERE id = %s"
TRANSFER_SQL = ("INSERT INTO transfers (id, session, from_account, to_account, amount) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING n")
# One statement, one snapshot: which node served it (cluster_name; in_hot_standby says whether it was a
# standby), the bank's total, how far the history goes, and whether the session's own last write is there.
# Only stable functions: pgpool sends a query with a volatile one (pg_is_in_recovery) to the primary.
READ_SQL = ("SELECT current_setting('cluster_name'), current_setting('in_hot_standby'), "
            "(SELECT coalesce(sum(balance), 0) FROM accounts), (SELECT coalesce(max(n), 0) FROM transfers), "
            "EXISTS (SELECT FROM transfers WHERE id = %s)")


class Journal:
    """Append-only JSON lines. Each line is one write(2) to an O_APPEND descriptor, so lines from many
    threads never interleave and a reader of the file sees a line as soon as it is written; sync() makes
    them durable (the flusher calls it every SYNC_S)."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.dirty = False

    def append(self, record: dict) -> None:
        os.write(self.fd, (json.dumps(record, separators=(",", ":")) + "\n").encode())
        self.dirty = True

    def sync(self) -> None:
        if self.dirty:
            self.dirty = False  # before the sync: a line written meanwhile is synced now or next time
            os.fdatasync(self.fd)


def flush_journals(journals: list[Journal], stop: threading.Event) -> None:
    """The flusher thread: at most one fdatasync per journal and SYNC_S, so a line is on disk within two
    periods (a line written just after its journal was looked at waits for the next); a last one at the end."""
    while not stop.wait(SYNC_S):
        for journal in journals:
            journal.sync()
    for journal in journals:
        journal.sync()


class Session(threading.Thread):
    """One long-lived connection doing transactions until told to stop."""

    def __init__(self, name: str, kind: str, args: argparse.Namespace, stop: threading.Event,
                 journals: dict[str, Journal]) -> None:
        super().__init__(name=name, daemon=True)
        self.kind, self.args, self.stop_event, self.journals = kind, args, stop, journals
        self.counters = {"kind": kind, "commits": 0, "reads": 0, "errors": 0, "reconnects": 0, "unknown": 0,
                         "invariant_violations": 0, "read_violations": 0, "abandoned": 0, "last_error": "",
                         "last_error_ts": 0.0, "connected": False, "connections": 0}
        self.conn = None
        self.busy_since: float | None = None  # monotonic start of the request in flight
        self.phase = "connect"
        self.last_ack: tuple[str, int] | None = None  # (id, n) of the session's latest acknowledged write
        self.seen_n = 0  # the furthest history this session has read: no later read may see less

    def connect(self) -> None:
        import psycopg
        while not self.stop_event.is_set():
            began = time.time()
            try:
                a = self.args
                self.conn = psycopg.connect(CONNINFO.format(host=a.host, port=a.port, db=a.db, sslmode=a.sslmode,
                                                              sslrootcert=a.sslrootcert, name=self.name,
                                                              dead_ms=a.dead_peer_ms, stuck_ms=a.stuck_request_ms,
                                                              login_s=a.login_timeout_s))
                self.counters["connected"] = True
                self.counters["connections"] += 1
                self.attempted(began, True)
                return
            except psycopg.Error as exc:
                self.attempted(began, False)
                self.fail(exc, "connect")
                time.sleep(RETRY_S)

    def attempted(self, began: float, ok: bool) -> None:
        """Each connection attempt, when it began and ended (TCP, TLS and the login through pgpool): where a
        session's time goes between pgpool's failover and its first commit."""
        self.journals[CONNECTS].append({"ts": time.time(), "began": began, "session": self.name, "ok": ok})

    def fail(self, exc: Exception, phase: str) -> None:
        message = " ".join(str(exc).split())[:200]
        self.counters.update(errors=self.counters["errors"] + 1, last_error=message, last_error_ts=time.time())
        self.journals[ERRORS].append({"ts": time.time(), "session": self.name, "phase": phase, "error": message})

    def pace(self, due: float) -> float:
        """Sleep until the next transaction is due at the session's rate; the new due time."""
        if self.args.rate <= 0:
            return time.monotonic()  # full speed
        due += 1.0 / self.args.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
            return due
        return time.monotonic()  # late (an outage): carry on at the rate, no burst to catch up

    def run(self) -> None:
        import psycopg
        self.connect()
        due = time.monotonic()
        while not self.stop_event.is_set():
            if os.path.exists(PAUSE_FILE) and self.kind == "writer":
                time.sleep(0.05)
                continue
            self.busy_since = time.monotonic()
            try:
                if self.kind == "writer":
                    self.transfer()
                else:
                    self.read()
            except psycopg.Error as exc:
                self.busy_since = None  # reconnecting is not a request: connect_timeout bounds it
                self.fail(exc, self.phase)
                if self.conn is None or self.conn.broken or self.conn.closed:
                    self.counters["connected"] = False
                    self.counters["reconnects"] += 1
                    time.sleep(BROKEN_PAUSE_S)
                    self.connect()
                else:
                    try:
                        self.conn.rollback()
                    except psycopg.Error:
                        self.conn.close()
            self.busy_since = None
            due = self.pace(due)
        if self.conn is not None:
            self.conn.close()

    def abandon_if_stuck(self, now: float) -> None:
        """A request unanswered for the deadline is abandoned: its socket is shut down, so the session's
        blocked read fails at once and the session reconnects - what a client with a socket timeout does.
        pgpool-II 4.3 can leave a session's child waiting for a backend answer that never comes after a
        switchover of a primary that is not its lowest-numbered live node (measured: 30-40 s, until the
        next failover); no server-side timeout reaches a backend that is idle."""
        since, conn = self.busy_since, self.conn
        if since is None or conn is None or now - since < self.args.stuck_request_ms / 1000:
            return
        self.busy_since = None
        try:
            socket.socket(fileno=os.dup(conn.pgconn.socket)).shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError):
            return  # the connection went away meanwhile
        self.counters["abandoned"] += 1
        self.journals[ERRORS].append({"ts": time.time(), "session": self.name, "phase": self.phase,
                                      "error": f"no answer within {self.args.stuck_request_ms} ms: request "
                                               "abandoned, reconnecting"})

    def transfer(self) -> None:
        self.phase = "transfer"
        first, second = random.sample(range(1, self.args.accounts + 1), 2)
        amount, transfer_id = random.randint(1, 100), str(uuid.uuid4())
        cur = self.conn.cursor()
        for account, delta in sorted(((first, -amount), (second, amount))):  # lock in id order: no deadlocks
            cur.execute(DEBIT_CREDIT_SQL, (delta, account))
        cur.execute(TRANSFER_SQL, (transfer_id, self.name, first, second, amount))
        n = cur.fetchone()[0]
        self.phase = "commit"
        try:
            self.conn.commit()
        except Exception:
            self.counters["unknown"] += 1
            self.journals[JOURNAL].append({"id": transfer_id, "session": self.name, "ts": time.time(),
                                           "outcome": "unknown", "n": n})
            raise
        # Journaled only after the commit returned: the journal never claims an ack the database did not give.
        self.journals[JOURNAL].append({"id": transfer_id, "session": self.name, "ts": time.time(), "outcome": "ack",
                                       "n": n})
        self.counters["commits"] += 1
        self.last_ack = (transfer_id, n)
        if self.counters["commits"] % self.args.readback_every == 0:
            self.read()

    def read(self) -> None:
        """One read in a transaction of its own, journaled with what it saw and the session's verdicts."""
        self.phase = "read" if self.kind == "reader" else "read back"
        own_id, own_n = self.last_ack if self.kind == "writer" and self.last_ack else (None, None)
        cur = self.conn.cursor()
        cur.execute(READ_SQL, (own_id,))
        node, hot_standby, total, n, own_seen = cur.fetchone()
        self.conn.commit()
        standby = hot_standby == "on"
        record = {"ts": time.time(), "session": self.name, "kind": self.kind, "node": node, "standby": standby,
                  "n": n, "total": int(total), "invariant": int(total) == self.args.accounts * self.args.balance,
                  "monotonic": n >= self.seen_n, "async": standby and node == self.args.async_node}
        if own_id is not None:
            record.update(own_n=own_n, ryw=bool(own_seen) and n >= own_n)  # the journal's ack has the same n
        self.seen_n = max(self.seen_n, n)
        self.journals[READS].append(record)
        self.counters["reads"] += 1
        if not record["invariant"]:
            self.counters["invariant_violations"] += 1
        if not (record["monotonic"] and record.get("ryw", True)) or record["async"]:
            self.counters["read_violations"] += 1


def run(args: argparse.Namespace) -> None:
    stop, flushed = threading.Event(), threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    journals = {path: Journal(path) for path in (JOURNAL, READS, ERRORS, CONNECTS)}
    flusher = threading.Thread(target=flush_journals, args=(list(journals.values()), flushed), daemon=True)
    flusher.start()
    sessions = [Session(f"w{i + 1}", "writer", args, stop, journals) for i in range(args.writers)]
    sessions += [Session(f"r{i + 1}", "reader", args, stop, journals) for i in range(args.readers)]
    for s in sessions:
        s.start()
    started = time.time()
    while not stop.is_set():
        for s in sessions:
            s.abandon_if_stuck(time.monotonic())
        write_status(started, sessions)
        stop.wait(WATCHDOG_S)
    for s in sessions:
        s.join(timeout=5)
    write_status(started, sessions)  # the final counts: they agree with the journal once every session ended
    flushed.set()
    flusher.join(timeout=5)
    if os.path.exists(PID_FILE):
        os.unlink(PID_FILE)


def write_status(started: float, sessions: list[Session]) -> None:
    """Each session's counters, for `pglab-client stats` (replaced whole: a reader never sees half a file)."""
    status = {"pid": os.getpid(), "started": started, "ts": time.time(),
              "sessions": {s.name: s.counters for s in sessions}}
    with open(STATUS_FILE + ".tmp", "w") as fh:
        json.dump(status, fh)
    os.replace(STATUS_FILE + ".tmp", STATUS_FILE)


def running_pid() -> int | None:
    try:
        pid = int(open(PID_FILE).read())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def start(args: argparse.Namespace) -> None:
    if running_pid():
        sys.exit(f"pglab-client: already running (pid {running_pid()}): stop it first")
    os.makedirs(DATA, exist_ok=True)
    options = [f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items() if k != "command"]
    argv = [sys.executable, os.path.abspath(__file__), "run", *options]
    with open(LOG, "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    with open(PID_FILE, "w") as fh:
        fh.write(str(proc.pid))
    print(json.dumps({"started": proc.pid}))


def stop() -> None:
    pid = running_pid()
    if pid is None:
        sys.exit("pglab-client: not running")
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if running_pid() is None:
            break
        time.sleep(0.1)
    print(json.dumps({"stopped": pid}))


def main() -> None:
    parser = argparse.ArgumentParser(prog="pglab-client")
    parser.add_argument("command", choices=["start", "run", "stop", "stats", "pause", "resume"])
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--readers", type=int, default=1)
    parser.add_argument("--rate", type=float, default=20, help="transactions per second per session (0: full speed)")
    parser.add_argument("--host", default="pgpool")
    parser.add_argument("--port", type=int, default=9999)
    parser.add_argument("--db", default="bank")
    parser.add_argument("--sslmode", default="verify-full", help="libpq sslmode (prefer for a server without TLS)")
    parser.add_argument("--sslrootcert", default="/etc/pglab/tls/ca.crt", help="the CA that signed the server's "
                        "certificate (the lab's own)")
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--balance", type=int, default=1000)
    parser.add_argument("--dead-peer-ms", type=int, default=5000, help="libpq tcp_user_timeout")
    parser.add_argument("--login-timeout-s", type=int, default=2, help="libpq connect_timeout")
    parser.add_argument("--stuck-request-ms", type=int, default=1000,
                        help="a request unanswered this long is abandoned (and a transaction idle this long ended)")
    parser.add_argument("--async-node", default="pg_c", help="cluster_name of the asynchronous standby")
    parser.add_argument("--readback-every", type=int, default=1,
                        help="a writer reads back its latest write after every N-th commit")
    args = parser.parse_args()
    if args.command == "start":
        start(args)
    elif args.command == "run":
        run(args)
    elif args.command == "stop":
        stop()
    elif args.command == "stats":
        status = json.load(open(STATUS_FILE)) if os.path.exists(STATUS_FILE) else {"sessions": {}}
        status["running"] = running_pid() is not None
        print(json.dumps(status))
    elif args.command == "pause":
        open(PAUSE_FILE, "w").close()
    elif args.command == "resume":
        if os.path.exists(PAUSE_FILE):
            os.unlink(PAUSE_FILE)


if __name__ == "__main__":
    main()
