"""Configure and start pgpool-II on its host."""

from __future__ import annotations

import shlex

from pglab.cluster.facts import NodeRole
from pglab.cluster.inspect import pool_nodes
from pglab.context import LabContext
from pglab.errors import RemoteCommandError
from pglab.polling import wait_until
from pglab.provisioning.files import PG_HOME, pgpool_host_files
from pglab.provisioning.installer import install_files
from pglab.state import Secrets

POOL_USERS = ("app", "pgpool")
POOL_PASSWD = "/etc/pgpool2/pool_passwd"


def install(ctx: LabContext, tls: bool = True) -> list[str]:
    """pgpool's files; return the paths that changed (`tls=False`: plain connections on both sides of pgpool,
    only while bench/pgpool_cost.py measures what TLS costs)."""
    secrets = ctx.state.secrets()
    key = ctx.state.key_pair("postgres")
    known = ctx.state.known_hosts.read_text() if ctx.state.known_hosts.exists() else ""
    files = pgpool_host_files(ctx.lab, secrets, key.private_path.read_text(), known, tls)
    changed = install_files(ctx.shell("pgpool"), files, step="pgpool files")
    write_pool_passwd(ctx)
    return changed


def pool_passwd_input(secrets: Secrets) -> str:
    """pg_enc's input file: user:password lines (read from a file, never from its command line)."""
    return "".join(f"{user}:{secrets.password(user)}\n" for user in POOL_USERS)


def pool_passwd_command(input_path: str) -> str:
    """Rewrite pool_passwd from a private input file (owned by postgres, 0600), then remove that file."""
    pg_enc = f"/usr/sbin/pg_enc -m -k {PG_HOME}/.pgpoolkey -f /etc/pgpool2/pgpool.conf -i {input_path} >/dev/null"
    return (f"chown postgres: {input_path} && : > {POOL_PASSWD} && chown postgres: {POOL_PASSWD} && "
            f"chmod 600 {POOL_PASSWD} && runuser -l postgres -c {shlex.quote(pg_enc)}; rc=$?; "
            f"rm -f {input_path}; exit $rc")


def write_pool_passwd(ctx: LabContext) -> None:
    """AES-encrypted entries in pool_passwd (pg_enc), never plain text."""
    secrets, shell = ctx.state.secrets(), ctx.shell("pgpool")
    path = shlex.quote(shell.put_private(pool_passwd_input(secrets).encode(), step="pool_passwd"))
    shell.run(pool_passwd_command(path), step="pool_passwd", redact=tuple(secrets.password(u) for u in POOL_USERS))


def close_ssh(ctx: LabContext, node: str) -> None:
    """Close pgpool's reused SSH connection to a node (ControlPersist keeps it open otherwise), so the
    next one authenticates afresh under the node's authorized_keys (nothing to close: no error)."""
    ctx.shell("pgpool").run(f"runuser -u postgres -- ssh -o ControlPath=%d/.ssh/cm-%C -O exit postgres@{node} "
                            ">/dev/null 2>&1 || true", step=f"close pgpool's SSH connection to {node}")


def start(ctx: LabContext, restart: bool) -> None:
    """Start pgpool (restart, discarding remembered node states, when its configuration changed)."""
    action = "fresh" if restart else "start"
    ctx.shell("pgpool").run(f"/etc/pglab/bin/pglab-pgpool {action}", step=f"pgpool {action}")


def wait_all_up(ctx: LabContext) -> None:
    """Wait until pgpool reports every backend up with the lab's primary as primary."""
    last = "no answer"

    def all_up() -> bool:
        nonlocal last
        try:
            nodes = pool_nodes(ctx)
        except RemoteCommandError as exc:
            last = str(exc)
            return False
        last = ", ".join(f"{n.host}={n.status}/{n.role}" for n in nodes)
        return all(n.status.attached for n in nodes) and any(
            n.host == ctx.lab.primary and n.role == NodeRole.PRIMARY for n in nodes)
    wait_until("pgpool to report every node up", all_up, ctx.lab.timing.pgpool_s, describe=lambda: last,
               hint=f"see {ctx.lab.pgpool_log} on pgpool: fab logs")
