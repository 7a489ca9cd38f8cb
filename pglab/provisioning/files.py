"""Which files each kind of host gets, rendered from the lab model (pure: no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pglab.cluster import rules
from pglab.model import HostSpec, Lab
from pglab.provisioning.auth import pcp_md5
from pglab.state import Secrets
from pglab.templates import render, script
from pglab.tls import HOST_TLS, CertKey

PG_HOME = "/var/lib/postgresql"
NODE_SSH = "/etc/pglab/bin/pglab-node-ssh"  # the one command pgpool's key may run on a node
PGLAB_ENV = "/etc/pglab/pglab.env"  # the facts host scripts source (the timing profile's SYN_TIMEOUT, ...)
SYSCTL_CONF = "/etc/pglab/sysctl.conf"  # the kernel's settings (tcp_retries2, ARP probes, SYN retries)
AUTHORIZED_KEYS = f"{PG_HOME}/.ssh/authorized_keys"


@dataclass(frozen=True)
class HostFile:
    path: str
    content: str
    mode: int = 0o644
    owner: str = "root"


def common_files(lab: Lab, ca_cert: str) -> list[HostFile]:
    """Every host: name resolution for the lab, the facts host scripts source and the lab CA."""
    return [HostFile("/etc/hosts", render("templates/hosts.j2", lab=lab)),
            HostFile(PGLAB_ENV, render("templates/pglab.env.j2", lab=lab, host_tls=HOST_TLS)),
            HostFile(HOST_TLS.ca, ca_cert),
            HostFile("/etc/pglab/boot", script("pglab-boot"), 0o755),
            HostFile(SYSCTL_CONF, render("templates/sysctl.conf.j2", lab=lab)),
            HostFile("/etc/pglab/bin/pglab-enable-boot", script("pglab-enable-boot"), 0o755),
            HostFile("/etc/pglab/pglab-boot.service", render("templates/pglab-boot.service.j2"))]


def sync_level(lab: Lab, standby: str) -> str:
    """How long a commit waits for this synchronous standby: until it replayed the commit if it serves
    reads (read-your-writes), else until it flushed it (C: its replay delay must not stall commits)."""
    return "remote_apply" if lab.serves_reads(standby) else "on"


def server_tls_files(pair: CertKey) -> list[HostFile]:
    """A server's certificate and its key: the key 0600 and owned by postgres, as PostgreSQL and pgpool demand."""
    return [HostFile(HOST_TLS.cert, pair.cert, 0o644, "postgres"), HostFile(HOST_TLS.key, pair.key, 0o600, "postgres")]


def role_files(lab: Lab, host: HostSpec) -> list[HostFile]:
    """The roles this node can take, pre-rendered; pglab-node installs one as conf.d/zz-role.conf."""
    others = [h for h in lab.pg_hosts if h.name != host.name]
    delay = lab.timing.replay_delay_s if host.name == lab.async_standby else 0

    def standby_role(upstream: HostSpec, replay_delay: float) -> str:
        return render("templates/postgres/pg-role-standby.conf.j2", lab=lab, host=host, upstream=upstream,
                      delay=replay_delay, host_tls=HOST_TLS)
    files = [HostFile("/etc/pglab/pg-roles/primary-alone.conf",
                      render("templates/postgres/pg-role-primary.conf.j2", sync="", level="remote_apply"))]
    for other in others:
        files.append(HostFile(f"/etc/pglab/pg-roles/primary-sync-{other.app_name}.conf",
                              render("templates/postgres/pg-role-primary.conf.j2", sync=other.app_name,
                                     level=sync_level(lab, other.name))))
        files.append(HostFile(f"/etc/pglab/pg-roles/standby-of-{other.name}.conf", standby_role(other, delay)))
        # The remaining standby made synchronous by a failover replays without its delay: it reaches the
        # fork point and streams on the new timeline at once, so the new primary's commits wait for no delay.
        files.append(HostFile(f"/etc/pglab/pg-roles/sync-standby-of-{other.name}.conf", standby_role(other, 0)))
    return files


def pgpool_key_line(lab: Lab, pgpool_public_key: str) -> str:
    """pgpool's key in a node's authorized_keys: from pgpool's address only, no forwarding or pty,
    and whatever it asks for goes through pglab-node-ssh, which runs only pglab-node's failover verbs."""
    return f'from="{lab.host("pgpool").address}",restrict,command="{NODE_SSH}" {pgpool_public_key}'


def postgres_host_files(lab: Lab, host: HostSpec, secrets: Secrets, pgpool_public_key: str) -> list[HostFile]:
    """A PostgreSQL node: its helper scripts, roles, replication passwords, pgpool's restricted SSH key."""
    pgpass = [{"host": "*", "port": lab.pg_port, "database": db, "user": user, "password": secrets.password(user)}
              for user, db in (("replicator", "replication"), ("replicator", "*"), ("rewinder", "*"))]
    return [HostFile("/etc/pglab/bin/pglab-node", script("pglab-node"), 0o755),
            HostFile(NODE_SSH, script("pglab-node-ssh"), 0o755),
            *role_files(lab, host),
            HostFile(f"{PG_HOME}/.pgpass", render("templates/pgpass.j2", entries=pgpass), 0o600, "postgres"),
            HostFile(AUTHORIZED_KEYS, pgpool_key_line(lab, pgpool_public_key) + "\n", 0o600, "postgres")]


def cluster_config_files(lab: Lab, host: HostSpec, tls: bool = True) -> list[HostFile]:
    """PostgreSQL's own configuration, once the cluster's config folder exists (`tls=False`: see pg_hba_file)."""
    return [HostFile(f"{lab.pg_conf_dir}/conf.d/pglab.conf",
                     render("templates/postgres/postgresql.conf.j2", lab=lab, host=host, host_tls=HOST_TLS),
                     0o644, "postgres"),
            pg_hba_file(lab, tls)]


def pg_hba_file(lab: Lab, tls: bool = True) -> HostFile:
    """A node's pg_hba.conf: network logins over TLS only (`tls=False` only while bench/pgpool_cost.py measures)."""
    return HostFile(f"{lab.pg_conf_dir}/pg_hba.conf", render("templates/postgres/pg_hba.conf.j2", lab=lab, tls=tls),
                    0o640, "postgres")


def pgpool_config_files(lab: Lab, tls: bool = True) -> list[HostFile]:
    """pgpool.conf and pool_hba.conf: TLS on both sides (`tls=False` only while bench/pgpool_cost.py measures)."""
    return [HostFile("/etc/pgpool2/pgpool.conf", render("templates/pgpool/pgpool.conf.j2", lab=lab, tls=tls,
                                                        host_tls=HOST_TLS), 0o640, "postgres"),
            HostFile("/etc/pgpool2/pool_hba.conf", render("templates/pgpool/pool_hba.conf.j2", lab=lab, tls=tls),
                     0o640, "postgres")]


def pgpool_host_files(lab: Lab, secrets: Secrets, private_key: str, known_hosts: str,
                      tls: bool = True) -> list[HostFile]:
    """The pgpool host: pgpool's configuration, failover scripts, pcp password, SSH to the nodes."""
    pcppass = [{"host": "localhost", "port": lab.pcp_port, "database": "", "user": "pgpool",
                "password": secrets.password("pcp")}]
    return [*pgpool_config_files(lab, tls),
            HostFile("/etc/pgpool2/pcp.conf", render("templates/pgpool/pcp.conf.j2",
                                                     pcp_md5=pcp_md5(secrets.password("pcp"))), 0o640, "postgres"),
            HostFile("/etc/pgpool2/failover.sh", script("failover.sh"), 0o755, "postgres"),
            HostFile("/etc/pglab/bin/pglab-pgpool", script("pglab-pgpool"), 0o755),
            HostFile("/etc/pglab/bin/pglab-rules", rules_script(), 0o755),
            HostFile("/etc/pglab/start-pgpool", "pgpool-II starts at boot on this host\n"),
            HostFile(f"{PG_HOME}/.pcppass", render("templates/pgpass.j2", entries=pcppass), 0o600, "postgres"),
            HostFile(f"{PG_HOME}/.pgpoolkey", secrets.pool_key + "\n", 0o600, "postgres"),
            HostFile(f"{PG_HOME}/.ssh/id_ed25519", private_key, 0o600, "postgres"),
            HostFile(f"{PG_HOME}/.ssh/known_hosts", known_hosts, 0o644, "postgres")]


def rules_script() -> str:
    """pglab/cluster/rules.py as the pgpool host's /etc/pglab/bin/pglab-rules: the same rules, run by python3."""
    return "#!/usr/bin/env python3\n" + Path(rules.__file__).read_text()


def client_host_files(lab: Lab, secrets: Secrets, workload_source: str) -> list[HostFile]:
    """The client host: the workload program and the app's password for psql sessions."""
    pgpass = [{"host": "pgpool", "port": lab.pgpool_port, "database": lab.database, "user": "app",
               "password": secrets.password("app")}]
    return [HostFile("/etc/pglab/pgpass", render("templates/pgpass.j2", entries=pgpass), 0o600),
            HostFile("/etc/pglab/bin/pglab-client", workload_source, 0o755)]
