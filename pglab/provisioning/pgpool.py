"""Configure and start pgpool-II on its host."""

from __future__ import annotations

import shlex
import time

from pglab.cluster.inspect import pool_nodes
from pglab.context import LabContext
from pglab.errors import ClusterStateError, RemoteCommandError
from pglab.provisioning.files import pgpool_host_files
from pglab.provisioning.installer import install_files

POOL_USERS = ("app", "pgpool")


def install(ctx: LabContext) -> list[str]:
    """pgpool's files; return the paths that changed."""
    secrets = ctx.state.secrets()
    key = ctx.state.key_pair("postgres")
    known = ctx.state.known_hosts.read_text() if ctx.state.known_hosts.exists() else ""
    files = pgpool_host_files(ctx.lab, secrets, key.private_path.read_text(), known)
    changed = install_files(ctx.shell("pgpool"), files, step="pgpool files")
    write_pool_passwd(ctx)
    return changed


def write_pool_passwd(ctx: LabContext) -> None:
    """AES-encrypted entries in pool_passwd (pg_enc), never plain text."""
    secrets, shell = ctx.state.secrets(), ctx.shell("pgpool")
    shell.run(": > /etc/pgpool2/pool_passwd && chown postgres: /etc/pgpool2/pool_passwd && "
              "chmod 600 /etc/pgpool2/pool_passwd", step="pool_passwd")
    for user in POOL_USERS:
        shell.run(f"/usr/sbin/pg_enc -m -k /var/lib/postgresql/.pgpoolkey -f /etc/pgpool2/pgpool.conf -u {user} "
                  f"{shlex.quote(secrets.password(user))} >/dev/null", user="postgres", step=f"pool_passwd {user}",
                  redact=(secrets.password(user),))


def start(ctx: LabContext, restart: bool) -> None:
    """Start pgpool (restart, discarding remembered node states, when its configuration changed)."""
    action = "fresh" if restart else "start"
    ctx.shell("pgpool").run(f"/etc/pglab/bin/pglab-pgpool {action}", step=f"pgpool {action}")


def wait_all_up(ctx: LabContext, timeout: float = 30.0) -> None:
    """Wait until pgpool reports every backend up with the lab's primary as primary."""
    deadline, last = time.monotonic() + timeout, "no answer"
    while time.monotonic() < deadline:
        try:
            nodes = pool_nodes(ctx)
            last = ", ".join(f"{n.host}={n.status}/{n.role}" for n in nodes)
            if all(n.status in ("up", "waiting") for n in nodes) and any(
                    n.host == ctx.lab.primary and n.role == "primary" for n in nodes):
                return
        except RemoteCommandError as exc:
            last = str(exc)
        time.sleep(0.3)
    raise ClusterStateError(f"pgpool did not report all nodes up within {timeout:.0f} s: {last} "
                            f"(see {ctx.lab.pgpool_log} on pgpool: fab logs)")
