"""A whole `fab lab` run as it is recorded, made up but shaped like a real one: nine steps with their
snapshots, ten client sessions for two minutes, the power-off, the failover, the log messages, the
rejoin with pg_rewind, the verification, the configuration and a few hundred commands over SSH.

`write(home)` lays it out as a lab state folder that `fab report` reads; `evidence()` gives the same
as an Evidence for render_markdown.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from pglab.evidence.records import Evidence
from pglab.state import LabState

T0 = 1_796_039_400.0  # 2026-12-01 ~10:30 UTC
WRITERS, READERS = 8, 2
HOSTS = ("pg-a", "pg-b", "pg-c")
OFF, FAILOVER_DONE, ON, RECOVER, SWITCH, SWITCHED, RECOVERED, PAUSE, END = (
    T0 + 95, T0 + 98.4, T0 + 104, T0 + 110, T0 + 128, T0 + 131.5, T0 + 134, T0 + 150, T0 + 170)
CLIENTS = T0 + 62


def _probe(host: str, running: bool = True, standby: bool = True, timeline: int = 1, upstream: str = "") -> dict:
    return {"host": host, "running": running, "in_recovery": standby if running else None,
            "timeline": timeline if running else None, "lsn": "0/5000000" if running else "", "upstream": upstream,
            "receiving": running and standby, "replay_age_s": 5.1 if host == "pg-c" and running else None,
            "role_file": ("primary-sync-pg_b" if not standby else
                                                            f"standby-of-{upstream or 'pg-a'}")}


def _pool(primary: str, down: tuple[str, ...] = (), waiting: tuple[str, ...] = ()) -> list[dict]:
    return [{"node_id": i, "host": h, "port": 5432, "status": "down" if h in down else "waiting" if h in waiting
             else "up", "role": "primary" if h == primary else "standby", "last_change": "2026-12-01 10:31:00",
             "failed_checks": 0, "retried_checks": 0} for i, h in enumerate(HOSTS)]


def _peer(app: str, sync: str, lag: float | None) -> dict:
    return {"app_name": app, "client_addr": "10.213.27.12", "state": "streaming", "sync_state": sync,
            "sent_lsn": "0/5000000", "replay_lsn": "0/5000000", "replay_lag_s": lag, "slot": f"slot_{app}"}


def _rows(transfers: int) -> dict:
    return {"accounts": 100, "transfers": transfers, "total_balance": 100_000, "probes": 3, "ts": T0 + 100}


def _clients(scale: float) -> dict:
    sessions = {f"w{i}": {"kind": "writer", "commits": int(1801 * scale) + i, "reads": int(1801 * scale) + i,
                          "errors": 1 if scale > 1 else 0, "reconnects": 1 if scale > 1 else 0}
                for i in range(1, WRITERS + 1)}
    sessions |= {f"r{i}": {"kind": "reader", "commits": 0, "reads": int(2202 * scale), "errors": 0,
                           "reconnects": 1 if scale > 1 else 0} for i in range(1, READERS + 1)}
    return {"running": True, "sessions": sessions}


def stages() -> list[dict]:
    a_up = {h: _probe(h, standby=h != "pg-a", upstream="" if h == "pg-a" else "pg-a") for h in HOSTS}
    original = {"pool": _pool("pg-a"), "probes": a_up, "power": dict.fromkeys(HOSTS, "running"),
                "replication": [_peer("pg_b", "sync", 0.01), _peer("pg_c", "async", 5.2)],
                "rows": {h: _rows(0) for h in HOSTS}, "clients": {}}
    b_primary = {"pool": _pool("pg-b", down=("pg-a", "pg-c")), "power": {"pg-a": "off", "pg-b": "running",
                                                                   "pg-c": "running"},
                 "probes": {"pg-a": _probe("pg-a", running=False), "pg-b": _probe("pg-b", standby=False, timeline=2),
                            "pg-c": _probe("pg-c", timeline=2, upstream="pg-b")},
                 "replication": [_peer("pg_c", "async", None)],
                 "rows": {"pg-a": None, "pg-b": _rows(14_460), "pg-c": _rows(13_900)}, "clients": _clients(1.4)}
    steps = (("up", "1", ("Five identical hosts on one network", "Пять одинаковых хостов в одной сети"), "fab up",
              0, 20, {}),
             ("setup", "1", ("A primary, B synchronous, C asynchronous, pgpool-II in front",
                             "A — основной, B — синхронный, C — асинхронный резервный, впереди pgpool-II"),
              "fab setup", 20, 36, original),
             ("demo", "1", ("New data reaches B at once and C with a delay",
                            "Новые данные попадают на B сразу, на C — с задержкой"),
              "fab demo-replication", 36, 61, original),
             ("clients", "2.1", ("Client sessions reading and writing", "Клиентские сессии читают и пишут"),
              "fab clients", 61, 94, {**original, "clients": _clients(1.0), "pool": _pool("pg-a", waiting=("pg-c",))}),
             ("poweroff", "2.2", ("Power off A; the cluster, read from when pgpool has detached A",
                                  "Отключение питания A; кластер, прочитанный с момента, когда pgpool отключил A"),
              "fab poweroff pg-a", 94.9, 97.4, {**original, "pool": _pool("pg-a", down=("pg-a",)),
                                                "power": {**original["power"], "pg-a": "off"}, "replication": [],
                                                "probes": {**a_up, "pg-a": _probe("pg-a", running=False)},
                                                "rows": {"pg-a": None, "pg-b": _rows(12_700), "pg-c": _rows(12_100)},
                                                "clients": _clients(1.2)}),
             ("failover", "2.3", ("After the failover: B primary, C follows B; the log messages",
                                  "После переключения: B\u00a0— основной, C следует за B; сообщения журналов"),
              "fab logs", 97.4, 103, b_primary),
             ("poweron", "3", ("Power A on again", "Включение A"), "fab poweron pg-a", 103, 109, b_primary),
             ("recover", "3", ("Rejoin A with pg_rewind, switch back, restore sync/async",
                               "Возврат A через pg_rewind, переключение обратно, восстановление репликации"),
              "fab recover", 109, 135, {**original, "probes": {h: {**p, "timeline": 3} for h, p in a_up.items()},
                                        "clients": _clients(2.0), "rows": {h: _rows(30_000) for h in HOSTS}}),
             ("verify", "3", ("Clients stopped; nothing acknowledged was lost",
                              "Клиенты остановлены; ни одна подтверждённая запись не потеряна"),
              "fab clients --action stop; fab verify", 150, 160,
              {**original, "ts": T0 + 159, "clients": final_clients(),
               "rows": {h: _rows(final_rows()) for h in HOSTS}}))
    return [{"key": k, "section": s, "title": list(title), "command": cmd, "start": T0 + a, "end": T0 + b,
             "snapshot": {"ts": T0 + b, **snap, "probes": {h: {**p, "ts": T0 + b - 0.5}  # each node's answer, then the
                                                           for h, p in snap.get("probes", {}).items()}} if snap else {}}
            for k, s, title, cmd, a, b, snap in steps]


def final_clients() -> dict:
    """The sessions' counters after they stopped: what the journal holds, session by session."""
    journal, reads, _, _ = client_records()
    sessions = {f"w{i}": {"kind": "writer", "commits": sum(r["session"] == f"w{i}" for r in journal),
                          "reads": 0, "errors": 1, "reconnects": 1} for i in range(1, WRITERS + 1)}
    sessions |= {f"r{i}": {"kind": "reader", "commits": 0, "reads": sum(r["session"] == f"r{i}" for r in reads),
                           "errors": 0, "reconnects": 1} for i in range(1, READERS + 1)}
    return {"running": False, "ts": PAUSE + 0.3, "sessions": sessions}


def final_rows() -> int:
    """Rows of transfers on every node at the end: the acknowledged ones and the 2 of unknown outcome present."""
    return len(client_records()[0]) + 2


def events() -> list[dict]:
    return [{"ts": T0 + 19, "event": "up", "hosts": [*HOSTS, "pgpool", "client"], "seconds": 19.0},
            {"ts": T0 + 36, "event": "setup", "seconds": 15.9},
            {"ts": T0 + 35.5, "event": "connectivity", "client": "SSL connection (protocol: TLSv1.3, cipher: "
             "TLS_AES_256_GCM_SHA384, compression: off)", "via_pgpool": {"node": "pg_a", "ssl": True,
                                                                         "version": "TLSv1.3"},
             "walsenders": [{"app": f"pg_{h[-1]}", "addr": f"10.213.27.1{i + 2}", "ssl": True, "version": "TLSv1.3"}
                            for i, h in enumerate(HOSTS[1:])]},
            {"ts": T0 + 60, "event": "demo-replication"},
            {"ts": CLIENTS, "event": "clients-start", "writers": WRITERS, "readers": READERS, "rate": 20},
            {"ts": OFF, "event": "poweroff", "host": "pg-a", "provider": "local", "cut_s": 0.012},
            {"ts": OFF + 2.3, "event": "detached", "host": "pg-a"},
            {"ts": FAILOVER_DONE, "event": "failover-done", "primary": "pg-b"},
            {"ts": RECOVER + 3.9, "event": "rewind-output", "host": "pg-a", "source": "pg-b", "lines": REWIND},
            {"ts": ON, "event": "poweron", "host": "pg-a", "provider": "local", "boot_s": 1.25},
            {"ts": ON + 1.2, "event": "fenced", "host": "pg-a", "running": False, "standby_signal": False,
             "cluster_state": "in production", "wal_timeline": 1, "wal_end": "0/05000F10",
             "role_file": "primary-sync-pg_b"},
            {"ts": RECOVER, "event": "recover-start", "primary": "pg-b"},
            {"ts": RECOVER + 4.1, "event": "rejoined", "host": "pg-a", "method": "rewind", "seconds": 4.1,
             "slots": []},
            {"ts": SWITCH, "event": "switchover", "host": "pg-a", "before_stop": {
                "host": "pg-b", "ts": SWITCH - 0.05, "lsn": "0/6001A40", "peers": [
                    {"app_name": "pg_a", "state": "streaming", "sync_state": "sync", "sent_lsn": "0/6001A40",
                     "flush_lsn": "0/6001A40", "replay_lsn": "0/60019B8"},
                    {"app_name": "pg_c", "state": "streaming", "sync_state": "async", "sent_lsn": "0/6001A40",
                     "flush_lsn": "0/6001A40", "replay_lsn": "0/5F00028"}]}},
            {"ts": SWITCHED, "event": "switched-back", "host": "pg-a", "seconds": 3.5},
            {"ts": RECOVERED, "event": "recovered", "seconds": 24.0, "methods": {"pg-a": "rewind"}},
            {"ts": RECOVERED - 0.2, "event": "probe-again", "probe_id": 3, "b_s": 0.061, "c_at_once": False,
             "c_s": 5.34},
            {"ts": RECOVERED + 0.5, "event": "slots", "dropped": ["pg-b:pg_c"], "slots": [
                {"host": "pg-a", "name": "pg_b", "active": True, "restart_lsn": "0/7000148"},
                {"host": "pg-a", "name": "pg_c", "active": True, "restart_lsn": "0/7000148"}]},
            {"ts": PAUSE, "event": "clients-stop"},
            {"ts": T0 + 158, "event": "verify", "ok": True, "acknowledged": 0, "missing": 0},
            {"ts": END, "event": "lab-done", "seconds": 170.0}]


def client_records() -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Writers commit ~20/s (none while A is off until the failover, nor in the switch-back), readers read; the
    last list: the writers' connection attempts that got in after each fault."""
    rnd = random.Random(18)
    journal, reads, errors, connects, n = [], [], [], [], 0
    for i in range(1, WRITERS + 1):
        ts = CLIENTS + rnd.random() * 0.05
        while ts < PAUSE:
            ts += 0.05 + rnd.random() * 0.004
            if OFF <= ts < FAILOVER_DONE + 0.2 * i or SWITCH <= ts < SWITCHED + 0.1 * i:
                errors.append({"ts": ts, "session": f"w{i}", "phase": "transfer",
                               "error": "server closed the connection unexpectedly"})
                ts = (FAILOVER_DONE + 0.2 * i) if ts < SWITCH else (SWITCHED + 0.1 * i)
                connects.append({"ts": ts - 0.01, "began": ts - 0.04, "session": f"w{i}", "ok": True})
                continue
            n += 1
            journal.append({"id": f"w{i}-{n}", "session": f"w{i}", "ts": ts, "outcome": "ack", "n": n})
    for i in range(1, READERS + 1):
        ts = CLIENTS
        while ts < END:
            ts += 0.04 + rnd.random() * 0.004
            if OFF <= ts < FAILOVER_DONE - 1.0:
                ts = FAILOVER_DONE - 1.0
                continue
            reads.append({"ts": ts, "session": f"r{i}", "kind": "reader", "node": "pg-b", "standby": True,
                          "n": 1, "total": 100_000, "invariant": True})
    return journal, reads, errors, connects


def logs() -> list[dict]:
    lines = (("pgpool", "backend unreachable", 0.2, "LOG:  failed to connect to PostgreSQL server on \"pg-a:5432\""),
             ("pgpool", "health check retry", 1.2, "LOG:  health check retrying on DB node: 0 (round:1)"),
             ("pgpool", "health check failed", 2.2, "LOG:  health check failed on node 0 (timeout:0)"),
             ("pgpool", "degenerate request", 2.3, "LOG:  received degenerate backend request for node_id: 0 from pid"),
             ("pgpool", "degeneration", 2.25, "LOG:  starting degeneration. shutdown host pg-a(5432)"),
             ("pgpool", "failover command", 2.4, "LOG:  execute command: /etc/pgpool2/failover.sh 0 pg-a 5432"),
             ("pgpool", "failover script", 2.41, "failover.sh: failed node 0 (pg-a); old primary 0 (pg-a); new main 1"),
             ("pgpool", "failover script", 2.42, "failover.sh: facts of pg-c read in 38 ms"),
             ("pgpool", "failover script", 2.43, "failover.sh: facts of pg-a read in 103 ms"),
             ("pgpool", "failover script", 2.44, "failover.sh: facts of pg-b read in 41 ms"),
             ("pgpool", "failover script", 2.45, "failover.sh: primary pg-a failed: promoting pg-b"),
             ("pg-b", "promotion", 2.6, "LOG:  received promote request"),
             ("pg-b", "new timeline", 2.7, "LOG:  selected new timeline ID: 2"),
             ("pg-b", "accepting writes", 2.9, "LOG:  database system is ready to accept connections"),
             ("pgpool", "new primary", 3.0, "LOG:  failover: set new primary node: 1"),
             ("pgpool", "follow primary command", 3.1, "LOG:  execute command: /etc/pgpool2/follow_primary.sh 2"),
             ("pg-c", "following new timeline", 3.3, "LOG:  new target timeline is 2"),
             ("pg-c", "streaming", 3.35, "LOG:  started streaming WAL from primary at 0/5000000 on timeline 2"),
             ("pgpool", "failover done", 3.4, "LOG:  failover done. shutdown host pg-a(5432)"),
             ("pgpool", "failover script", 8.2, "follow_primary.sh: pg-c attached as node 2"))
    return [{"ts": OFF + d, "host": h, "source": "pgpool" if h == "pgpool" else "postgresql", "label": label,
             "line": f"2026-12-01 10:31:{35 + d:06.3f} UTC {text} | with a `pipe`"} for h, label, d, text in lines]


REWIND = ['pg_rewind: executing "/usr/lib/postgresql/15/bin/postgres" for target server to complete crash recovery',
          "2026-12-01 10:31:55.101 UTC [901] LOG:  database system was interrupted; last known up at 2026-12-01 "
          "10:31:20 UTC",
          "2026-12-01 10:31:55.102 UTC [901] LOG:  database system was not properly shut down; automatic recovery "
          "in progress",
          "2026-12-01 10:31:55.104 UTC [901] LOG:  redo starts at 0/4000028",
          "2026-12-01 10:31:55.130 UTC [901] LOG:  redo done at 0/5000F10",
          "2026-12-01 10:31:55.190 UTC [901] LOG:  database system is shut down",
          "pg_rewind: servers diverged at WAL location 0/5000F48 on timeline 1",
          "pg_rewind: need to copy 52 MB (total source directory size is 73 MB)",
          "pg_rewind: rewinding from last common checkpoint at 0/4000060 on timeline 1", "pg_rewind: Done!"]


def recover_logs() -> list[dict]:
    lines = (("pg-a", "streaming", RECOVER + 4.0, "LOG:  started streaming WAL from primary at 0/5000000 on "
                                                  "timeline 2"),
             ("pg-b", "shutdown requested", SWITCH + 0.1, "LOG:  received fast shutdown request"),
             ("pg-b", "shut down", SWITCH + 0.4, "LOG:  database system is shut down"),
             ("pgpool", "failover command", SWITCH + 0.6, "LOG:  execute command: /etc/pgpool2/failover.sh 1 pg-b"),
             ("pg-a", "promotion", SWITCH + 0.7, "LOG:  received promote request"),
             ("pg-a", "new timeline", SWITCH + 0.8, "LOG:  selected new timeline ID: 3"),
             ("pgpool", "failover done", SWITCH + 1.0, "LOG:  failover done. shutdown host pg-b(5432)"))
    return [{"ts": ts, "host": h, "source": "pgpool" if h == "pgpool" else "postgresql", "label": label,
             "line": f"2026-12-01 10:32:{ts - T0 - 60:06.3f} UTC {text}"} for h, label, ts, text in lines]


def environment() -> dict:
    return {"provider": "local", "hypervisor": "", "profile": "fast", "cpu_slowdown": 0.95, "ssh_rtt_ms": 55.8,
            "machine_os": "Debian GNU/Linux 12 (bookworm)", "machine_kernel": "6.1.0-18-amd64", "machine_cpus": 2,
            "host_os": "Debian GNU/Linux 12 (bookworm)", "postgres": "15.14 (Debian 15.14-0+deb12u1)",
            "pgpool": "pgpool-II version 4.3.5 (tamahomeboshi)"}


def samples() -> dict:
    return {"host": "pg-a", "rows": {"accounts": [["1", "customer-1", "1012"], ["2", "customer-2", "987"]],
                                     "transfers": [["9", "6f1c0d9e-5b7a-4c8e-9a1b-2d3e4f5a6b7c", "w3", "17", "42",
                                                    "55", "10:32:30.120"]]}}


STEP_COMMANDS = (("pcp_health_check_stats", "timeout 3 /usr/sbin/pcp_health_check_stats -h localhost -p 9898 -U pgpool "
                                           "-w -v -n 0 || exit $?"),
                 ("probe node", "psql -X -q -At -F '|' -d postgres -c 'SELECT pg_is_in_recovery(), ...'"),
                 ("role", "cat /etc/postgresql/15/main/pglab-role 2>/dev/null || true"),
                 ("pg_stat_replication", "psql -X -q -At -c 'SELECT r.application_name, ... FROM pg_stat_replication'"),
                 ("row counts", "psql -X -q -At -d bank -c 'SELECT (SELECT count(*) FROM accounts), ...'"))


def commands() -> list[dict]:
    """SSH round trips and speed probes (timing noise), then each step's real commands."""
    out, rnd = [], random.Random(7)
    for k in range(300):
        out.append({"ts": T0 + 0.05 * k, "host": HOSTS[k % 3], "user": "root", "step": "ssh round trip",
                    "command": "true", "exit": 0, "seconds": round(0.2 + rnd.random() / 10, 3), "output_tail": ""})
    for s in stages():
        for k, (step, command) in enumerate(STEP_COMMANDS + ((f"{s['key']} action", f"pglab-node {s['key']}"),)):
            for j in range(4):
                out.append({"ts": s["start"] + 0.1 * (6 * j + k), "host": ("pgpool", *HOSTS)[k % 4], "user": "postgres",
                            "step": step, "command": command, "exit": 1 if step == "role" and j == 3 else 0,
                            "seconds": 0.3, "output_tail": ""})
    return sorted(out, key=lambda c: c["ts"])


CONNINFO = ("host=pg-a port=5432 user=replicator passfile=/var/lib/postgresql/.pgpass application_name={app} "
            "sslmode=verify-full sslrootcert=/etc/pglab/tls/ca.crt connect_timeout=2 keepalives_idle=2 "
            "tcp_user_timeout=5000")


def configuration() -> dict:
    settings = [("cluster_name", "{host}"), ("hot_standby", "on"), ("listen_addresses", "*"),
                ("max_replication_slots", "10"), ("max_wal_senders", "10"), ("password_encryption", "scram-sha-256"),
                ("primary_conninfo", "{conninfo}"), ("ssl_cert_file", "/etc/pglab/tls/server.crt"),
                ("recovery_min_apply_delay", "{delay}"), ("synchronous_commit", "remote_apply"),
                ("synchronous_standby_names", "pg_b"), ("wal_level", "replica"), ("wal_log_hints", "on"),
                ("wal_receiver_timeout", "5s")]
    nodes = [{"host": h, "role": role, "settings": [(k, v.format(host=h, delay="5000 ms" if h == "pg-c" else "0 ms",
                                                                  conninfo=CONNINFO.format(app=h.replace("-", "_"))
                                                                  if h != "pg-a" else ""))
                                                    for k, v in settings]}
             for h, role in zip(HOSTS, ("primary-sync-pg_b", "standby-of-pg-a", "standby-of-pg-a"), strict=True)]
    files = [{"host": "pgpool", "path": "/etc/pgpool2/pgpool.conf",
              "text": "backend_hostname0 = 'pg-a'\nhealth_check_period = 1\nfailover_command = 'x'\n"
                      "use_watchdog = off"},
             {"host": "pgpool", "path": "/etc/pgpool2/pool_hba.conf",
              "text": "local   all  all  scram-sha-256\nhostssl all  all  10.213.27.0/24  scram-sha-256\n"},
             {"host": "pg-a", "path": "/etc/postgresql/15/main/pg_hba.conf",
              "text": "# network logins only over TLS\nlocal all postgres peer\n"
                      "hostssl replication replicator 10.213.27.12/32 scram-sha-256\n"
                      "hostssl bank app 10.213.27.10/32 scram-sha-256\n"}]
    return {"nodes": nodes, "files": files}


def demo() -> dict:
    return {"probe_id": 1, "visible_on_b_after_s": 0.004, "visible_on_c_immediately": False,
            "visible_on_c_after_s": 5.62, "commit_wait_with_b_stopped_s": 5.004, "commit_with_c_stopped_s": 0.006,
            "commit_with_b_stopped_began": T0 + 45.0,  # pg-a's clock; failover.sh made C synchronous 0.9 s later:
            "b_stop_logs": [{"ts": T0 + 45.9, "host": "pg-a", "source": "pgpool", "label": "failover script",
                             "line": "2026-12-01 10:30:45.900 pglab-node[pg-a]: role set to primary-sync-pg_c"}],
            "sync_wait": {"waiting": True, "held_s": 2.21, "released_after_s": 0.012, "probe_id": 2,
                          "wait_event": "SyncRep", "waited_s": 2.003, "current_lsn": "0/3000148",
                          "flush_lsn": "0/3000148", "replay_lsn": "0/30000D8"},
            "lines": ["probe row 1 committed through pgpool at 10:30:40", "pg-b: visible 4 ms after the commit"]}


def verify(acknowledged: int) -> dict:
    nodes = [{"host": h, "checked": True, "transfers": acknowledged + 2, "missing": 0, "total_balance": 100_000,
              "checksums": {"accounts": "5d41402abc4b2a76", "transfers": "7d793037a0760186"}, "missing_sample": []}
             for h in HOSTS]
    return {"acknowledged": acknowledged, "indeterminate": 3, "indeterminate_present": 2, "indeterminate_absent": 1,
            "indeterminate_present_ids": ["u1-aaaaaaaa", "u2-bbbbbbbb"],
            "expected_total": 100_000, "nodes": nodes, "missing": 0, "invariant_held": True, "at_risk": 120,
            "at_risk_missing": 0,
            "at_risk_windows": [{"host": "pg-b", "start": FAILOVER_DONE - 0.5, "end": SWITCH - 3}],
            "checksums_equal": True, "ok": True}


UNKNOWN = [{"id": "u1-aaaaaaaa", "session": "w1", "ts": OFF + 0.01, "outcome": "unknown", "n": 901},
           {"id": "u2-bbbbbbbb", "session": "w2", "ts": OFF + 0.02, "outcome": "unknown", "n": 902},
           {"id": "u3-cccccccc", "session": "w3", "ts": SWITCH + 0.05, "outcome": "unknown", "n": 1501}]


def evidence() -> Evidence:
    journal, reads, errors, connects = client_records()
    acked = len(journal)
    journal = sorted(journal + UNKNOWN, key=lambda r: r["ts"])  # 3 commits whose outcome the client never learned
    return Evidence(stages=stages(), events=events(), journal=journal, reads=reads, errors=errors,
                    connects=connects, logs=logs(),
                    demo=demo(), verify=verify(acked), configuration=configuration(), commands=commands(),
                    recover_logs=recover_logs(), environment=environment(), samples=samples())


def write(home: Path) -> None:
    """The evidence as `fab lab` leaves it in a lab state folder (a local lab, no host needed)."""
    ev = evidence()
    state = LabState(home)
    state.ensure()
    (home / "lab.json").write_text(json.dumps({"provider": "local", "subnet": "10.213.27.0/24"}))
    for name, data in (("stages.json", ev.stages), ("journal.json", ev.journal), ("reads.json", ev.reads),
                       ("client_errors.json", ev.errors), ("client_connects.json", ev.connects),
                       ("logs.json", ev.logs), ("demo.json", ev.demo),
                       ("verify.json", ev.verify), ("configuration.json", ev.configuration),
                       ("commands.json", ev.commands), ("recover_logs.json", ev.recover_logs),
                       ("environment.json", ev.environment), ("sample_rows.json", ev.samples)):
        state.save_json(name, data)
    with open(home / "events.jsonl", "w") as fh:
        fh.writelines(json.dumps(e) + "\n" for e in ev.events)
