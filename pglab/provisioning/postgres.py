"""Build the PostgreSQL side: the primary on pg-a, standbys cloned with pg_basebackup."""

from __future__ import annotations

from pglab.cluster import sql
from pglab.cluster.inspect import probe_node
from pglab.cluster.node import node_cmd
from pglab.context import LabContext
from pglab.model import HostSpec
from pglab.provisioning.auth import scram_verifier
from pglab.provisioning.files import cluster_config_files
from pglab.provisioning.installer import install_files
from pglab.templates import render

ROLE_ATTRIBUTES = (("replicator", "REPLICATION"), ("rewinder", ""), ("pgpool", ""), ("app", ""))


def ensure_cluster(ctx: LabContext, host: HostSpec) -> bool:
    """Create the Debian cluster if it is missing or is not pglab's; True if it was (re)created."""
    lab, shell = ctx.lab, ctx.shell(host.name)
    ours = shell.run(f"test -f {lab.pg_conf_dir}/pglab-role", check=False, step="check cluster").ok
    if ours:
        return False
    shell.run(f"pg_dropcluster --stop {lab.pg_version} {lab.pg_cluster} 2>/dev/null || true; "
              f"pg_createcluster --start-conf=manual --locale=C.UTF-8 --encoding=UTF8 {lab.pg_version} "
              f"{lab.pg_cluster} -- "
              f"--auth-local=peer --auth-host=scram-sha-256 --no-sync >/dev/null && sync -f {lab.pg_data}",
              step="create cluster")
    install_files(shell, cluster_config_files(lab, host), step="postgresql config")
    return True


def configure(ctx: LabContext, host: HostSpec, tls: bool = True) -> None:
    """Render the node's PostgreSQL configuration; reload if it changed and the server runs (`tls=False`
    accepts plain network logins: only while bench/pgpool_cost.py measures what TLS costs)."""
    changed = install_files(ctx.shell(host.name), cluster_config_files(ctx.lab, host, tls), step="postgresql config")
    if changed and probe_node(ctx, host.name).running:
        ctx.shell(host.name).run(f"pg_ctlcluster {ctx.lab.pg_version} {ctx.lab.pg_cluster} reload",
                                 step="reload postgresql")


def build_primary(ctx: LabContext, host: HostSpec) -> None:
    """The primary: cluster, configuration, roles, database, schema and seed rows."""
    created = ensure_cluster(ctx, host)
    configure(ctx, host)
    if created:
        node_cmd(ctx, host.name, "role primary-alone", "set role")
    node_cmd(ctx, host.name, "start", "start postgresql")
    secrets = ctx.state.secrets()
    verifiers = {role: scram_verifier(secrets.password(role)) for role, _ in ROLE_ATTRIBUTES}
    shell = ctx.shell(host.name)
    sql.run_script(shell, render("sql/bootstrap.sql.j2", comment="--", lab=ctx.lab, roles=ROLE_ATTRIBUTES,
                                 verifiers=verifiers), "postgres", "bootstrap roles")
    sql.run_script(shell, render("sql/schema.sql.j2", comment="--", lab=ctx.lab), ctx.lab.database, "schema")


def build_standby(ctx: LabContext, host: HostSpec, upstream: str) -> str:
    """Clone a standby from its upstream unless it already streams from it; say what was done."""
    probe = probe_node(ctx, host.name)
    if probe.running and probe.in_recovery and probe.role_file == f"standby-of-{upstream}":
        configure(ctx, host)
        return f"{host.name} already streams from {upstream}"
    ensure_cluster(ctx, host)
    configure(ctx, host)
    node_cmd(ctx, host.name, f"clone {upstream}", "clone standby")
    return f"{host.name} cloned from {upstream} with pg_basebackup"
