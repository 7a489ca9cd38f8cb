"""The configuration the lab actually used, read back from the hosts for the report's appendix.

Secrets are masked twice: every password pglab generated is replaced wherever it appears,
and any `password = '...'` / `password=...` value is replaced too.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from pglab.cluster import sql
from pglab.context import LabContext
from pglab.errors import PglabError
from pglab.provisioning.files import PGLAB_ENV, SYSCTL_CONF
from pglab.remote import fan_out

MASK = "********"
PG_SETTINGS = ("cluster_name", "listen_addresses", "wal_level", "wal_log_hints", "max_wal_senders",
               "max_replication_slots", "max_slot_wal_keep_size", "synchronous_commit", "synchronous_standby_names",
               "hot_standby", "hot_standby_feedback", "primary_conninfo", "primary_slot_name",
               "recovery_min_apply_delay", "recovery_target_timeline", "wal_receiver_timeout",
               "password_encryption", "ssl", "ssl_cert_file")
POOL_KEYS = ("backend_clustering_mode", "listen_addresses", "port", "backend_", "enable_pool_hba", "pool_passwd",
             "allow_clear_text_frontend_auth", "load_balance_mode", "sr_check_", "health_check_", "connect_timeout",
             "failover_", "follow_primary_command", "detach_false_primary", "search_primary_node_timeout",
             "auto_failback", "num_init_children", "use_watchdog", "ssl")
_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.I)


@dataclass
class ConfigFile:
    host: str
    path: str
    text: str


@dataclass
class NodeSettings:
    host: str
    role: str  # pglab's role file: primary-sync-pg_b, standby-of-pg-a, ...
    settings: list[tuple[str, str]]


def mask(text: str, secrets: list[str]) -> str:
    """The text with every known secret and every password value replaced by a mask."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return _PASSWORD.sub(lambda m: m.group(1) + (m.group(2) if m.group(2) in ("''", '""') else MASK), text)


def without_comments(text: str) -> str:
    """The lines that say something: no comments, no blank lines."""
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def essential_pgpool(text: str) -> str:
    """pgpool.conf's lines about backends, authentication, health checks and failover."""
    keep = [line for line in without_comments(text).splitlines()
            if line.split("=", 1)[0].strip().startswith(POOL_KEYS)]
    return "\n".join(keep)


def _node_settings(ctx: LabContext, host: str) -> NodeSettings:
    shell = ctx.shell(host)
    names = ", ".join(f"'{n}'" for n in PG_SETTINGS)
    rows = sql.query(shell, f"SELECT name, setting || coalesce(' ' || unit, '') FROM pg_settings "
                            f"WHERE name IN ({names}) ORDER BY name", step="read settings")
    role = shell.run(f"cat {ctx.lab.pg_conf_dir}/pglab-role", check=False, step="read role").stdout.strip()
    return NodeSettings(host, role, [(name, value) for name, value in rows])


def collect(ctx: LabContext) -> dict:
    """Settings of each running PostgreSQL node and the essential files, secrets masked."""
    lab = ctx.lab
    secrets = list(ctx.state.secrets().passwords.values()) + [ctx.state.secrets().pool_key]

    def node(host: str) -> NodeSettings | None:
        try:
            return _node_settings(ctx, host)
        except PglabError:
            return None

    nodes = [n for n in fan_out([h.name for h in lab.pg_hosts], node) if n is not None]
    wanted = [(lab.primary, f"{lab.pg_conf_dir}/pg_hba.conf", without_comments),
              ("pgpool", "/etc/pgpool2/pgpool.conf", essential_pgpool),
              ("pgpool", "/etc/pgpool2/pool_hba.conf", without_comments),
              ("pgpool", "/etc/pgpool2/failover.sh", str),
              # The kernel's and the host scripts' timeouts the report names (tcp_retries2, SYN_TIMEOUT, ...)
              ("pgpool", SYSCTL_CONF, without_comments), ("pgpool", PGLAB_ENV, without_comments)]
    files = []
    for host, path, shape in wanted:
        try:
            files.append(ConfigFile(host, path, mask(shape(ctx.shell(host).read_text(path)), secrets)))
        except PglabError:
            continue
    return {"nodes": [{**asdict(n), "settings": [(k, mask(v, secrets)) for k, v in n.settings]} for n in nodes],
            "files": [asdict(f) for f in files]}


def save(ctx: LabContext) -> None:
    """Record the configuration in the evidence folder (the report reads it from there)."""
    ctx.state.save_json("configuration.json", collect(ctx))
