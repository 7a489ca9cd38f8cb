"""Issues 3 and 4, read from PostgreSQL's and pgpool's own views, with clients running throughout.

Numbered scenarios: stage 1 built and demonstrated; then a hard power-off of the primary,
of the synchronous standby and of the asynchronous one, each followed by recovery and a
check that no acknowledged write was lost.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import psycopg
import pytest

from pglab.cluster import inspect, rules, sql
from pglab.cluster.operations import is_original_topology, streams_from, wait_for_new_primary
from pglab.context import LabContext
from pglab.evidence import availability
from pglab.evidence.demo import connect, seen
from pglab.tls import new_ca
from pglab.workload import control
from tests.conftest import fab, one_line_error
from tests.integration.checks import acks_after, assert_original_topology


@pytest.fixture(scope="module")
def cluster(fresh_lab):
    fab("up")
    fab("setup")
    ctx = LabContext.load()
    yield ctx
    ctx.close()


# -- stage 1 ------------------------------------------------------------------------------
def test_1_setup_builds_a_primary_a_sync_b_and_async_c(cluster):
    assert_original_topology(cluster)


def test_2_a_commit_is_on_b_at_once_and_on_c_only_after_the_delay(cluster):
    delay = cluster.lab.timing.replay_delay_s
    with connect(cluster) as pool:
        probe = pool.execute("INSERT INTO replication_probes (note) VALUES ('test') RETURNING id").fetchone()[0]
    committed = time.monotonic()  # the nodes are read on the nodes (SSH, psql as postgres): app logins come from pgpool
    assert seen(cluster, "pg-b", probe)  # no retry: remote_apply made it visible
    assert not seen(cluster, "pg-c", probe)
    while not seen(cluster, "pg-c", probe):
        assert time.monotonic() - committed < delay + 20
        time.sleep(0.05)
    assert time.monotonic() - committed >= delay * 0.9


def test_3_authentication_is_scram_and_the_nodes_take_the_app_from_pgpool_only(cluster):
    lab = cluster.lab
    with pytest.raises(psycopg.OperationalError, match="password authentication failed|authentication failed"):
        psycopg.connect(host=lab.host("pgpool").address, port=lab.pgpool_port, dbname=lab.database, user="app",
                        password="wrong", connect_timeout=3)
    for user in ("app", "replicator", "rewinder", "pgpool", "postgres"):  # from this machine, right password or not
        with pytest.raises(psycopg.OperationalError, match="no pg_hba.conf entry"):
            psycopg.connect(host=lab.host("pg-a").address, port=lab.pg_port, dbname=lab.database, user=user,
                            password=cluster.state.secrets().passwords.get(user, "wrong"), connect_timeout=3)
    refused = cluster.shell("client").run(f"psql -w -X -h pg-b -p {lab.pg_port} -U app -d {lab.database} -c 'SELECT 1'",
                                          check=False)
    assert not refused.ok and "no pg_hba.conf entry" in refused.stderr, refused.stderr  # the client host neither
    pool_passwd = cluster.shell("pgpool").read_text("/etc/pgpool2/pool_passwd")
    assert all(line.split(":", 1)[1].startswith("AES") for line in pool_passwd.splitlines())
    for host, path in (("pg-a", f"{lab.pg_conf_dir}/pg_hba.conf"), ("pgpool", "/etc/pgpool2/pool_hba.conf")):
        for line in cluster.shell(host).read_text(path).splitlines():
            fields = line.split()
            if fields and not line.startswith("#"):
                assert fields[-1] in ("scram-sha-256", "peer"), line
                assert fields[0] == "local" or fields[-1] == "scram-sha-256", line


def test_3a_pgpools_ssh_key_runs_only_pglab_node_on_the_nodes(cluster):
    """The reused connection (ControlMaster) pgpool opens runs the failover verbs and nothing else."""
    pgpool = cluster.shell("pgpool")

    def as_pgpool(command: str):
        return pgpool.run(f". /etc/pglab/pglab.env && runuser -u postgres -- ssh $SSH_OPTS postgres@pg-b {command}",
                          check=False, step="ssh as pgpool")
    assert as_pgpool("true").ok and "wal_end: " in as_pgpool("/etc/pglab/bin/pglab-node facts").stdout
    for command in ("id", "'bash -c id'", "'/etc/pglab/bin/pglab-node facts; id'", "/etc/pglab/bin/pglab-node stop",
                    "/etc/pglab/bin/pglab-node running",
                    "'/etc/pglab/bin/pglab-node follow evil-host'"):
        result = as_pgpool(command)
        assert result.exit_code == 1 and "refused" in result.stderr and "uid=" not in result.stdout, command
    log = cluster.shell("pg-b").read_text("/var/log/postgresql/pglab-node-ssh.log")
    assert "runs: pglab-node facts" in log and "refused: id" in log


def test_3c_failover_shs_quick_facts_find_the_wal_end_from_process_titles_without_a_query(cluster):
    """`pglab-node facts quick` (failover.sh, the primary lost) starts reading WAL at the walreceiver's position
    on a standby and the walsenders' on the primary: the end it finds lies between two full reads around it."""
    def read(host: str, how: str = "") -> tuple[dict[str, str], str]:
        done = cluster.shell(host).run(f"cd /tmp && bash -x /etc/pglab/bin/pglab-node facts {how}", user="postgres")
        return dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line), done.stderr

    for host in ("pg-a", "pg-b"):
        before, _ = read(host)
        quick, trace = read(host, "quick")
        after, _ = read(host)
        assert "receiving" in before and "receiving" not in quick and "psql" not in trace, (host, quick)
        ends = [rules.lsn_to_int(facts["wal_end"]) for facts in (before, quick, after)]
        assert ends[0] <= ends[1] <= ends[2] and quick["wal_timeline"] == after["wal_timeline"], (host, ends)


def test_3b_pgpool_and_the_nodes_take_network_logins_over_verified_tls_only(cluster, tmp_path):
    """fab dsn's URI (verify-full against the lab CA here) works and is TLS up to the node; a plain login,
    a client that trusts another CA and one that expects another name are all refused."""
    lab, pgpool = cluster.lab, cluster.lab.host("pgpool").address
    uri = fab("dsn").stdout.strip()
    assert f"sslmode=verify-full&sslrootcert={cluster.state.ca_path}" in uri
    with psycopg.connect(uri) as conn:
        assert conn.pgconn.ssl_in_use  # this machine -> pgpool
        backend_tls = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0]
        assert backend_tls is True  # pgpool -> the node that ran it
    login = {"host": pgpool, "port": lab.pgpool_port, "dbname": lab.database, "user": "app",
             "password": cluster.state.secrets().password("app"), "connect_timeout": 3}
    with pytest.raises(psycopg.OperationalError, match="pool_hba.conf entry"):
        psycopg.connect(**login, sslmode="disable")
    (tmp_path / "other-ca.crt").write_text(new_ca("not the lab's").cert)
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(**login, sslmode="verify-full", sslrootcert=str(tmp_path / "other-ca.crt"))
    with pytest.raises(psycopg.OperationalError, match='does not match host name "pg-a"'):
        psycopg.connect(**{**login, "host": "pg-a"}, hostaddr=pgpool, sslmode="verify-full",
                        sslrootcert=str(cluster.state.ca_path))  # pgpool's certificate is pgpool's only
    plain = cluster.shell("pg-b").run(  # a replication login without TLS, from a node allowed to stream
        f"psql -X 'host=pg-a port={lab.pg_port} user=replicator replication=true sslmode=disable "
        "passfile=/var/lib/postgresql/.pgpass connect_timeout=3' -c IDENTIFY_SYSTEM", user="postgres", check=False)
    assert not plain.ok and "no pg_hba.conf entry" in plain.stderr and "no encryption" in plain.stderr, plain.stderr


def test_4_setup_twice_leaves_the_same_cluster(cluster):
    ident = "SELECT system_identifier FROM pg_control_system()"
    before = sql.value(cluster.shell("pg-a"), ident)
    rows_before = sql.value(cluster.shell("pg-a"), "SELECT count(*) FROM accounts", "bank")
    fab("degrade", "pg-c", "--loss", "20")  # an earlier command's leftover (no netem here): setup clears it, says so
    out = fab("setup").stdout
    assert "pg-c's link was degraded" in out and "cleared first" in out, out
    assert cluster.provider.degraded() == {}  # cleared, not only said
    assert "already streams" in out and "configuration unchanged" in out
    assert sql.value(cluster.shell("pg-a"), ident) == before
    assert sql.value(cluster.shell("pg-a"), "SELECT count(*) FROM accounts", "bank") == rows_before
    assert_original_topology(cluster)


def test_5_demo_replication_reads_as_evidence(cluster):
    out = fab("demo-replication").stdout
    assert "pg-c: not yet visible right after the commit" in out
    assert "pg-b stopped: a commit waited" in out and "pg-c stopped: a commit took" in out
    demo = json.loads((cluster.state.evidence_dir / "demo.json").read_text())
    assert demo["visible_on_b_after_s"] < 1 and not demo["visible_on_c_immediately"]
    assert demo["visible_on_c_after_s"] >= cluster.lab.timing.replay_delay_s * 0.9
    assert_original_topology(cluster)


# -- stages 2 and 3 -------------------------------------------------------------------------
def test_6_recover_with_nothing_failed_is_refused(cluster):
    assert "nothing to recover" in one_line_error(fab("recover", check=False))


def watch_the_pool(stop: threading.Event, busy: list[float]) -> None:
    """Look at the cluster every 0.3 s, as `fab status` or `fab watch` in a second terminal would; note
    when pgpool's PCP did not answer within the patience `fab status` gives it."""
    ctx = LabContext.load()
    try:
        while not stop.is_set():
            if inspect.view(ctx, pcp_patience=ctx.lab.timing.pcp_patience_s).pool_busy:
                busy.append(time.time())
            stop.wait(0.3)
    finally:
        ctx.close()


def test_7_power_off_the_primary_fails_over_to_b_and_c_follows(cluster):
    """Every session through pgpool - not just some - commits or reads again soon after pgpool reports the new
    primary, while someone keeps looking at the cluster (pgpool's PCP once stalled its main process then)."""
    ctx = cluster
    fab("clients", "--action", "start", "--writers", "6", "--readers", "2")
    acks_after(ctx, time.time())
    timeline = inspect.probe_node(ctx, "pg-b").timeline
    stop, busy = threading.Event(), []
    watcher = threading.Thread(target=watch_the_pool, args=(stop, busy))
    watcher.start()
    off = time.time()
    try:
        fab("poweroff", "pg-a")
        # B as a rule; C when it had received more WAL than B at the cut (rules.failover_promotion: the most WAL)
        new = wait_for_new_primary(ctx, "pg-a")
        assert new in ("pg-b", "pg-c")
        reported = time.time()
        time.sleep(5)
    finally:
        stop.set()
        watcher.join()
    other = "pg-c" if new == "pg-b" else "pg-b"
    assert inspect.probe_node(ctx, new).timeline == timeline + 1
    assert not busy, f"pgpool's PCP did not answer for {len(busy)} look(s) at the cluster: its main process stalled"
    window = availability.around_fault(availability.activity(control.journal(ctx), control.reads(ctx)), off,
                                       reported + 5)
    assert len(window.sessions) == 8 and not window.never_back, window.never_back
    bound = reported - off + 3
    late = {p.session: p.seconds for p in window.sessions if p.seconds > bound}
    assert not late, f"sessions paused longer than {bound:.1f} s: {late}"
    print(f"pgpool reported {new} {reported - off:.2f} s after the power-off; longest pause per session: "
          + ", ".join(f"{p.session} {p.seconds:.2f} s" for p in window.sessions))
    deadline = time.monotonic() + 30
    while not streams_from(ctx, other, new):
        assert time.monotonic() < deadline, f"{other} did not follow {new}"
        time.sleep(0.3)
    deadline = time.monotonic() + 30
    while next(n for n in inspect.pool_nodes(ctx) if n.host == other).status not in ("up", "waiting"):
        assert time.monotonic() < deadline, f"pgpool has {other} down (it keeps it attached: no follow_primary_command)"
        time.sleep(0.3)
    time.sleep(2)  # nothing after the failover (no attach of pg-c) may break the sessions either
    window = availability.around_fault(availability.activity(control.journal(ctx), control.reads(ctx)), off,
                                       time.time())
    assert not window.never_back and all(p.seconds <= bound for p in window.sessions), window.sessions
    logs = fab("logs").stdout
    for message in ("health check failed", "failover command", "failover done", "promotion", "new timeline"):
        assert message in logs, message
    assert new in logs.split("promotion")[0].splitlines()[-1]


def test_8_a_powered_on_stays_fenced_until_recover(cluster):
    ctx = cluster
    assert "powered off" in one_line_error(fab("recover", check=False))
    fab("poweron", "pg-a")
    ctx.forget_shell("pg-a")
    time.sleep(1)
    assert not inspect.probe_node(ctx, "pg-a").running
    with pytest.raises(OSError):
        socket.create_connection((ctx.lab.host("pg-a").address, ctx.lab.pg_port), timeout=2)
    assert next(n for n in inspect.pool_nodes(ctx) if n.host == "pg-a").status == "down"
    acks_after(ctx, time.time())  # writes go on, to pg-b


def test_9_recover_rewinds_a_and_restores_the_original_topology(cluster):
    """Recovery and the switch-back cost every session a short pause at most, none a stall."""
    ctx = cluster
    started = time.time()
    out = fab("recover").stdout
    assert "pg_rewind" in out and "BASE BACKUP" not in out
    assert_original_topology(ctx)
    acks_after(ctx, time.time())
    window = availability.around_fault(availability.activity(control.journal(ctx), control.reads(ctx)), started,
                                       time.time())
    assert not window.never_back and all(p.seconds < 5 for p in window.sessions), window.sessions
    verify = fab("verify").stdout
    assert "OK: acknowledged" in verify and "missing 0" in verify and "checksums equal" in verify


def test_9a_every_client_and_replication_connection_is_encrypted(cluster):
    """After failover, rewind and switch-back, as the primary sees them: the client sessions (through pgpool),
    pgpool's health checks and both standbys' WAL streams are all TLS."""
    ctx = cluster
    acks_after(ctx, time.time())  # the sessions are at work
    primary = ctx.shell(ctx.lab.primary)
    remote = sql.query(primary, "SELECT a.usename, a.application_name, host(a.client_addr), a.backend_type, s.ssl, "
                                "s.version FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) "
                                "WHERE a.client_addr IS NOT NULL")
    sessions = {r[1] for r in remote if r[0] == "app"}
    assert {f"pglab-w{i}" for i in range(1, 7)} <= sessions, remote
    assert {r[0] for r in remote} >= {"app", "replicator"}
    plain = [r for r in remote if r[4] != "t" or not r[5].startswith("TLSv1.")]
    assert not plain, f"connections without TLS on {ctx.lab.primary}: {plain}"
    replication = sql.query(primary, "SELECT r.application_name, s.ssl FROM pg_stat_replication r "
                                     "JOIN pg_stat_ssl s USING (pid) ORDER BY 1")
    assert replication == [["pg_b", "t"], ["pg_c", "t"]], replication


@pytest.mark.parametrize("standby", ["pg-b", "pg-c"])
def test_10_power_off_a_standby_no_promotion_writes_go_on_nothing_lost(cluster, standby):
    ctx = cluster
    fab("poweroff", standby)
    off = time.time()
    acks_after(ctx, off + 5, timeout=60)  # well after pgpool noticed: writes go on
    assert inspect.view(ctx).primary == "pg-a"
    fab("poweron", standby)
    ctx.forget_shell(standby)
    fab("recover")
    assert_original_topology(ctx)
    verify = fab("verify")
    assert "missing 0" in verify.stdout and "checksums equal" in verify.stdout
    assert is_original_topology(ctx, inspect.view(ctx))
