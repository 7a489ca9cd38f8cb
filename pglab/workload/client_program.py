#!/usr/bin/python3
"""pglab-client: long-lived client sessions against pgpool, run on the lab's client host.

Writers move money between two accounts and record the transfer in one transaction (the
total balance is an invariant); readers check that invariant, and journal each read with its
verdict. Every commit the client saw acknowledged goes to a journal; a commit whose outcome
it never learned is journaled as 'unknown'. A session that loses its connection reconnects and carries on.
Self-contained: needs only python3 and psycopg 3 (Debian: python3-psycopg).

    pglab-client start [--writers N] [--readers N] [--rate R] | stop | stats | pause | resume | run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

DATA = os.environ.get("PGLAB_CLIENT_DIR", "/var/log/pglab-client")
PID_FILE, STATUS_FILE, PAUSE_FILE = (f"{DATA}/{n}" for n in ("client.pid", "status.json", "pause"))
JOURNAL, READS, ERRORS, LOG = (f"{DATA}/{n}" for n in ("journal.jsonl", "reads.jsonl", "errors.jsonl", "client.log"))
# keepalives catch a dead peer on an idle connection, tcp_user_timeout one that never answers a request.
CONNINFO = ("host=pgpool port={port} dbname={db} user=app passfile=/etc/pglab/pgpass connect_timeout=2 "
            "keepalives=1 keepalives_idle=2 keepalives_interval=1 keepalives_count=3 "
            "tcp_user_timeout={dead_ms} application_name=pglab-{name}")


def append(path: str, record: dict) -> None:
    """One JSON line, written with a single O_APPEND write (safe across threads)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (json.dumps(record) + "\n").encode())
    finally:
        os.close(fd)


class Session(threading.Thread):
    """One long-lived connection doing transactions until told to stop."""

    def __init__(self, name: str, kind: str, args: argparse.Namespace, stop: threading.Event) -> None:
        super().__init__(name=name, daemon=True)
        self.kind, self.args, self.stop_event = kind, args, stop
        self.counters = {"kind": kind, "commits": 0, "reads": 0, "errors": 0, "reconnects": 0, "unknown": 0,
                         "invariant_violations": 0, "last_error": "", "last_error_ts": 0.0, "connected": False,
                         "connections": 0}
        self.conn = None

    def connect(self) -> None:
        import psycopg
        while not self.stop_event.is_set():
            try:
                self.conn = psycopg.connect(CONNINFO.format(port=self.args.port, db=self.args.db, name=self.name,
                                                              dead_ms=self.args.dead_peer_ms))
                self.counters["connected"] = True
                self.counters["connections"] += 1
                return
            except psycopg.Error as exc:
                self.fail(exc, "connect")
                time.sleep(0.2)

    def fail(self, exc: Exception, phase: str) -> None:
        message = " ".join(str(exc).split())[:200]
        self.counters.update(errors=self.counters["errors"] + 1, last_error=message, last_error_ts=time.time())
        append(ERRORS, {"ts": time.time(), "session": self.name, "phase": phase, "error": message})

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
            phase = "begin"
            try:
                phase = self.transfer() if self.kind == "writer" else self.read()
            except psycopg.Error as exc:
                self.fail(exc, phase)
                if self.conn is None or self.conn.broken or self.conn.closed:
                    self.counters["connected"] = False
                    self.counters["reconnects"] += 1
                    time.sleep(0.1)
                    self.connect()
                else:
                    try:
                        self.conn.rollback()
                    except psycopg.Error:
                        self.conn.close()
            due = self.pace(due)
        if self.conn is not None:
            self.conn.close()

    def transfer(self) -> str:
        first, second = random.sample(range(1, self.args.accounts + 1), 2)
        amount, transfer_id = random.randint(1, 100), str(uuid.uuid4())
        cur = self.conn.cursor()
        for account, delta in sorted(((first, -amount), (second, amount))):  # lock in id order: no deadlocks
            cur.execute("UPDATE accounts SET balance = balance + %s WHERE id = %s", (delta, account))
        cur.execute("INSERT INTO transfers (id, session, from_account, to_account, amount) "
                    "VALUES (%s, %s, %s, %s, %s)", (transfer_id, self.name, first, second, amount))
        try:
            self.conn.commit()
        except Exception:
            self.counters["unknown"] += 1
            append(JOURNAL, {"id": transfer_id, "session": self.name, "ts": time.time(), "outcome": "unknown"})
            raise
        append(JOURNAL, {"id": transfer_id, "session": self.name, "ts": time.time(), "outcome": "ack"})
        self.counters["commits"] += 1
        return "done"

    def read(self) -> str:
        cur = self.conn.cursor()
        cur.execute("SELECT count(*), coalesce(sum(balance), 0) FROM accounts")
        accounts, total = cur.fetchone()
        cur.execute("SELECT count(*) FROM transfers")
        cur.fetchone()
        self.conn.commit()
        held = total == self.args.accounts * self.args.balance
        append(READS, {"ts": time.time(), "session": self.name, "invariant": held})
        if not held:
            self.counters["invariant_violations"] += 1
            append(ERRORS, {"ts": time.time(), "session": self.name, "phase": "invariant",
                            "error": f"total balance {total} over {accounts} accounts"})
        self.counters["reads"] += 1
        return "done"


def run(args: argparse.Namespace) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sessions = [Session(f"w{i + 1}", "writer", args, stop) for i in range(args.writers)]
    sessions += [Session(f"r{i + 1}", "reader", args, stop) for i in range(args.readers)]
    for s in sessions:
        s.start()
    started = time.time()
    while not stop.is_set():
        status = {"pid": os.getpid(), "started": started, "ts": time.time(),
                  "sessions": {s.name: s.counters for s in sessions}}
        with open(STATUS_FILE + ".tmp", "w") as fh:
            json.dump(status, fh)
        os.replace(STATUS_FILE + ".tmp", STATUS_FILE)
        stop.wait(0.5)
    for s in sessions:
        s.join(timeout=5)
    os.unlink(PID_FILE)


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
    parser.add_argument("--port", type=int, default=9999)
    parser.add_argument("--db", default="bank")
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--balance", type=int, default=1000)
    parser.add_argument("--dead-peer-ms", type=int, default=5000, help="libpq tcp_user_timeout")
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
