"""Least privilege on the hosts (issue 17, item 4): who may log in to a node, what pgpool's SSH key may
run there, and that secrets reach hosts only in private files, never on a command line."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from pglab.cluster import sql
from pglab.errors import RemoteCommandError
from pglab.evidence.demo import commit_command
from pglab.model import Lab
from pglab.providers.base import SshTarget
from pglab.provisioning import files, pgpool
from pglab.provisioning.installer import install_files
from pglab.remote import HostShell, Result
from pglab.state import LabState, Secrets
from pglab.templates import render
from pglab.templates import script as host_script

SECRETS = Secrets(passwords={r: f"pw-{r}-s3cret" for r in ("postgres", "replicator", "rewinder", "pgpool", "app",
                                                             "pcp")}, pool_key="pool-key-s3cret")
PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPglabTestKey pglab-postgres"


# -- pg_hba: each role from the one host that needs it -------------------------------------
def hba_rules(lab: Lab) -> list[list[str]]:
    text = files.pg_hba_file(lab).content
    return [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("subnet", ["10.213.27.0/24", "192.168.50.0/26"])
def test_pg_hba_takes_each_role_only_from_the_hosts_that_need_it(subnet):
    lab = Lab(subnet=subnet)
    nodes = {f"{h.address}/32" for h in lab.pg_hosts}
    pool = f"{lab.host('pgpool').address}/32"
    network = [r for r in hba_rules(lab) if r[0] != "local"]
    by_user: dict[str, set[tuple[str, str]]] = {}
    for kind, database, user, address, method in network:
        assert kind == "hostssl" and method == "scram-sha-256"  # TLS only
        by_user.setdefault(user, set()).add((database, address))
    assert by_user == {"replicator": {("replication", a) for a in nodes},
                       "rewinder": {("postgres", a) for a in nodes},
                       "pgpool": {("postgres", pool)},
                       "app": {(lab.database, pool)}}
    local = [r for r in hba_rules(lab) if r[0] == "local"]
    assert local == [["local", "all", "postgres", "peer"], ["local", "all", "all", "peer"]]  # superuser: peer only
    for other in (lab.host("client").address, lab.gateway, lab.subnet, "127.0.0.1/32"):
        assert not any(r[3].split("/")[0] == other.split("/")[0] for r in network), other


# -- pgpool's SSH key: forced command, from pgpool only ------------------------------------
def test_pgpools_key_on_a_node_is_restricted_to_the_forced_command():
    lab = Lab()
    node = {f.path: f for f in files.postgres_host_files(lab, lab.host("pg-b"), SECRETS, PUBLIC_KEY)}
    line = node[files.AUTHORIZED_KEYS].content
    pool = lab.host("pgpool").address
    assert line == f'from="{pool}",restrict,command="/etc/pglab/bin/pglab-node-ssh" {PUBLIC_KEY}\n'
    assert len(line.splitlines()) == 1 and node[files.AUTHORIZED_KEYS].mode == 0o600
    wrapper = node[files.NODE_SSH]
    assert wrapper.mode == 0o755 and wrapper.owner == "root"  # postgres cannot rewrite its own gate
    assert "set -euo pipefail" in wrapper.content and "eval" not in wrapper.content


@pytest.fixture
def gate(tmp_path: Path):
    """The wrapper installed as on a node (beside a fake pglab-node, under the lab's pglab.env), with a
    trap on PATH for every program a refused command names."""
    etc = tmp_path / "etc" / "pglab"
    (etc / "bin").mkdir(parents=True)
    lab = Lab()
    (etc / "pglab.env").write_text(next(f.content for f in files.common_files(lab, "CA") if f.path.endswith(".env")))
    wrapper = etc / "bin" / "pglab-node-ssh"
    wrapper.write_text(host_script("pglab-node-ssh"))
    ran = tmp_path / "ran"
    fake = f'#!/bin/sh\necho "pglab-node $*" >> {ran}\necho "fake pglab-node $*"\n'
    (etc / "bin" / "pglab-node").write_text(fake)
    traps = tmp_path / "traps"
    traps.mkdir()
    for name in ("id", "bash", "sh", "pglab-node", "touch", "true"):
        (traps / name).write_text(f'#!/bin/sh\necho "TRAP {name} $*" >> {ran}\n')
    for path in [*traps.iterdir(), *(etc / "bin").iterdir()]:
        path.chmod(0o755)
    log = tmp_path / "pglab-node-ssh.log"

    def run(command: str | None) -> tuple[subprocess.CompletedProcess, list[str]]:
        env = {"PATH": f"{traps}:/usr/bin:/bin", "PGLAB_NODE_SSH_LOG": str(log),
               "SSH_CLIENT": "10.213.27.10 40000 22"}
        if command is not None:
            env["SSH_ORIGINAL_COMMAND"] = command
        if ran.exists():
            ran.unlink()
        done = subprocess.run([str(wrapper)], env=env, capture_output=True, text=True, timeout=10)
        return done, ran.read_text().splitlines() if ran.exists() else []
    run.log = log  # type: ignore[attr-defined]
    return run


@pytest.mark.parametrize(("command", "runs"), [
    ("/etc/pglab/bin/pglab-node promote", "pglab-node promote"),
    ("/etc/pglab/bin/pglab-node follow pg-b", "pglab-node follow pg-b"),
    ("pglab-node follow pg-b", "pglab-node follow pg-b"),
    ("pglab-node follow pg-b sync", "pglab-node follow pg-b sync"),
    ("/etc/pglab/bin/pglab-node facts", "pglab-node facts"),
    ("/etc/pglab/bin/pglab-node facts quick", "pglab-node facts quick"),
    ("/etc/pglab/bin/pglab-node drop-sync pg_c", "pglab-node drop-sync pg_c"),
    ("/etc/pglab/bin/pglab-node drop-sync pg_b pg_c", "pglab-node drop-sync pg_b pg_c"),
    ("/etc/pglab/bin/pglab-node promote pg_c", "pglab-node promote pg_c"),
    ("/etc/pglab/bin/pglab-node repoint pg-b", "pglab-node repoint pg-b"),
])
def test_the_gate_runs_pglab_nodes_failover_verbs(gate, command, runs):
    done, ran = gate(command)
    assert done.returncode == 0 and ran == [runs] and done.stdout == f"fake {runs}\n"
    assert f"runs: {runs}" in gate.log.read_text()


def test_the_gate_answers_true_for_the_reused_connection_without_running_anything(gate):
    done, ran = gate("true")
    assert done.returncode == 0 and ran == []


@pytest.mark.parametrize("command", [
    "id", "bash -c id", "bash -c 'id'", "sh", "pglab-node promote; id", "/etc/pglab/bin/pglab-node promote && id",
    "pglab-node promote | id", "pglab-node follow pg-b; id", "pglab-node follow $(id)", "pglab-node follow `id`",
    "pglab-node promote\nid", "pglab-node follow pg-b pg-c", "pglab-node follow evil", "pglab-node drop-sync pg-b",
    "pglab-node follow pg-b async", "pglab-node follow pg-b sync sync",
    "pglab-node facts pg-a", "pglab-node facts quick quick", "pglab-node facts slow",
    "pglab-node is-primary", "pglab-node running", "pglab-node clone pg-a",
    "pglab-node role primary-alone",
    "pglab-node stop", "pglab-node promote pg-c", "pglab-node promote pg_c pg_b", "pglab-node drop-sync pg_b evil",
    "pglab-node drop-sync pg_b pg_c pg_a", "pglab-node repoint", "pglab-node repoint pg_b",
    "pglab-node repoint pg-b sync",
    "/tmp/pglab-node promote", "../pglab-node promote", " pglab-node promote", "pglab-node promote ",
    "true; id", "scp -t /var/lib/postgresql/.ssh/authorized_keys", "internal-sftp", "", None,
])
def test_the_gate_refuses_and_logs_everything_else(gate, command):
    done, ran = gate(command)
    assert done.returncode != 0 and ran == [], (command, ran)
    assert "refused" in done.stderr
    last = gate.log.read_text().splitlines()[-1]
    assert "pglab-node-ssh[10.213.27.10]: refused: " in last  # one line, whoever sent what


def test_the_gate_lets_through_every_verb_pgpools_scripts_send(gate):
    """Each `ssh ... pglab-node VERB` in failover.sh, pglab-pgpool and pglab-boot (failover.sh sends its verbs
    through its `on_node HOST VERB` helper, whose own ssh line carries "$@")."""
    sent = set()
    for name in ("failover.sh", "pglab-pgpool", "pglab-boot"):
        for line in host_script(name).splitlines():
            if 'ssh "${ssh_args[@]}"' in line and '"$@"' not in line:  # SSH_OPTS, one word each
                sent.add(re.search(r'"postgres@\$\w+" (true|/etc/pglab/bin/pglab-node [a-z-]+)', line).group(1))
            elif called := re.search(r'\bon_node "\$\w+" ([a-z-]+)', line):
                sent.add(f"/etc/pglab/bin/pglab-node {called.group(1)}")
    assert sent == {"true", "/etc/pglab/bin/pglab-node promote",
                    "/etc/pglab/bin/pglab-node facts", "/etc/pglab/bin/pglab-node follow",
                    "/etc/pglab/bin/pglab-node drop-sync", "/etc/pglab/bin/pglab-node repoint"}
    args = {"follow": " pg-a", "drop-sync": " pg_b", "repoint": " pg-b"}
    for command in sent:
        done, _ = gate(command + args.get(command.rsplit(" ", 1)[-1], ""))
        assert done.returncode == 0, command


# -- secrets: private files from their creation, never on a command line -------------------
class LocalShell(HostShell):
    """A HostShell whose 'host' is this machine: commands run in bash, and an upload opens its file the way
    OpenSSH's sftp-server does (O_CREAT|O_TRUNC, 0666 less the umask), noting the mode it had while filled."""

    def __init__(self, tmp_path: Path) -> None:
        super().__init__(SshTarget("pg-a", "127.0.0.1", 22, "root", tmp_path / "key", None), LabState(tmp_path))
        self.commands: list[str] = []
        self.uploads: list[tuple[str, int]] = []

    def run(self, command: str, *, user: str = "root", step: str = "", check: bool = True,
            timeout: float | None = 300, redact: tuple[str, ...] = ()) -> Result:
        self.commands.append(command)
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
        result = Result(self.name, command, done.returncode, done.stdout, done.stderr)
        if check and not result.ok:
            raise RemoteCommandError(self.name, command, result.exit_code, result.stderr, step)
        return result

    def _upload(self, data: bytes, path: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        self.uploads.append((path, stat.S_IMODE(os.stat(path).st_mode)))


class RecordingShell(LocalShell):
    """Records commands without running them (they name runuser, pg_enc, psql); mktemp answers a path."""

    def run(self, command: str, **kwargs: object) -> Result:  # type: ignore[override]
        self.commands.append(command)
        out = f"/tmp/.pglab-{len(self.commands):08d}\n" if command.startswith("mktemp ") else ""
        return Result(self.name, command, 0, out, "")

    def _upload(self, data: bytes, path: str) -> None:
        self.uploads.append((path, 0))
        self.data = getattr(self, "data", b"") + data


def test_put_text_fills_a_file_only_its_owner_can_read_then_gives_it_its_mode(tmp_path):
    shell, user = LocalShell(tmp_path), os.environ.get("USER") or subprocess.run(
        ["id", "-un"], capture_output=True, text=True).stdout.strip()
    target = tmp_path / "etc" / "pglab.env"
    target.parent.mkdir()
    old = os.umask(0o022)
    try:
        shell.put_text("PG_PORT=5432\n", str(target), mode=0o644, owner=user)
        shell.put_text("secret\n", str(tmp_path / "etc" / "pgpass"), mode=0o600, owner=user)
    finally:
        os.umask(old)
    assert [mode for _, mode in shell.uploads] == [0o600, 0o600]  # even the world-readable one, while it filled
    assert all(Path(p).parent == target.parent and Path(p).name.startswith(".pglab-") for p, _ in shell.uploads)
    assert target.read_text() == "PG_PORT=5432\n" and stat.S_IMODE(target.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "etc" / "pgpass").stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["pglab.env", "pgpass"]  # no temp file left


def test_put_private_is_private_even_in_a_shared_temp_folder(tmp_path):
    shared = tmp_path / "tmp"
    shared.mkdir(mode=0o1777)
    shared.chmod(0o1777)
    shell = LocalShell(tmp_path)
    path = shell.put_private(b"key material", str(shared))
    assert Path(path).parent == shared and Path(path).read_bytes() == b"key material"
    assert shell.uploads == [(path, 0o600)]


def test_pool_passwd_gets_the_passwords_from_a_private_file_not_pg_encs_command_line():
    shell = RecordingShell(Path("/nonexistent"))
    ctx = SimpleNamespace(state=SimpleNamespace(secrets=lambda: SECRETS), shell=lambda name: shell)
    pgpool.write_pool_passwd(ctx)  # type: ignore[arg-type]
    assert shell.data == b"app:pw-app-s3cret\npgpool:pw-pgpool-s3cret\n"
    (upload, _), = shell.uploads
    assert shell.commands[0].startswith("mktemp /tmp/.pglab-")
    pg_enc = shell.commands[-1]
    assert f"-i {upload}" in pg_enc and "rm -f " + upload in pg_enc and " -p" not in pg_enc
    assert not any("s3cret" in c for c in shell.commands)


def test_sql_scripts_and_installed_files_travel_in_private_files_only():
    shell = RecordingShell(Path("/nonexistent"))
    verifier = "SCRAM-SHA-256$4096:c2FsdA==$s3cret:s3cret"
    script = render("sql/bootstrap.sql.j2", comment="--", lab=Lab(), roles=(("app", ""),), verifiers={"app": verifier})
    sql.run_script(shell, script, "postgres", "bootstrap roles")
    lab = Lab()
    install_files(shell, files.postgres_host_files(lab, lab.host("pg-a"), SECRETS, PUBLIC_KEY), step="files")
    assert verifier.encode() in shell.data and b"pw-rewinder-s3cret" in shell.data  # in the uploads ...
    assert not any("s3cret" in c for c in shell.commands)  # ... never in a command
    made = [c.split()[1].rsplit("/", 1)[0] for c in shell.commands if c.startswith("mktemp ")]
    assert made == ["/tmp", "/tmp"] and len(shell.uploads) == 2
    for path, _ in shell.uploads:
        assert path.startswith("/tmp/.pglab-") and any(f"rm -f {path}" in c for c in shell.commands)
    assert shell.commands[1].startswith("runuser -l postgres -c 'psql ") and "< /tmp/.pglab-" in shell.commands[1]


def test_the_demos_commit_on_a_node_carries_no_password():
    command = commit_command("stage 1 demonstration", "bank")
    assert "password" not in command.lower() and "PGPASS" not in command
    assert "-c 'SET ROLE app'" in command and "\\timing on" in command
