"""The lab model: which hosts exist, their addresses, ports and roles.

Every other part of pglab reads hosts and addresses from here only.
"""

from __future__ import annotations

import enum
import ipaddress
import json
import os
from dataclasses import dataclass, field, replace
from typing import ClassVar

from pglab.errors import ConfigError, UnknownHostError
from pglab.subnets import require_private

DEFAULT_SUBNET = "10.213.27.0/24"  # a /24 few home or office networks use
PG_NODES = ("pg-a", "pg-b", "pg-c")
ROOMY_PATIENCE = 3  # the roomy profile waits this many times as long as the fast one (each `_s` wait below)


class HostRole(enum.StrEnum):
    """What a machine of the lab is for."""

    POSTGRES = "postgres"
    PGPOOL = "pgpool"
    CLIENT = "client"


@dataclass(frozen=True)
class HostSpec:
    """One machine of the lab."""

    name: str
    address: str
    role: HostRole
    node_id: int | None = None  # pgpool backend number for PostgreSQL hosts

    @property
    def app_name(self) -> str:
        """The application_name this node streams under (pg-b -> pg_b); also its slot name."""
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class Timing:
    """Failure detection, replication and orchestration's waits; slow hypervisors need larger values.

    Two profiles: `fast` (namespaces, KVM) and `roomy` (software emulation). `fab up` measures
    the hosts' speed and records which one the lab uses (pglab/speed.py).
    """

    profile: str = "fast"
    health_check_period: int = 1
    health_check_timeout: int = 2
    health_check_max_retries: int = 1
    health_check_retry_delay: int = 0
    # pgpool's connect timeout: a health check gives a silent (powered-off) node this long, and so
    # does its search for the new primary after a failover. A live node's kernel answers a SYN in
    # microseconds, even on a busy machine.
    connect_timeout_ms: int = 200
    # failover.sh reads a failed node's facts only if its SSH port answers a SYN within this: a powered-off node
    # costs the whole wait on every failover. A live node that misses it only goes unread (the synchronous
    # standby's facts still bar any node with less WAL).
    syn_timeout_ms: int = 100
    wal_receiver_timeout_s: int = 5
    replay_delay_s: int = 5
    # Retransmissions before a connection with unacknowledged data is given up (see tcp_give_up_s). pgpool's health
    # check over TLS ignores its own timeout while in SSL_read: one caught mid-check by the power cut waits for this.
    tcp_retries2: int = 1
    # A peer that stops answering is given up after this long: libpq's tcp_user_timeout and
    # keepalives for clients, and the SSH connections pglab drives the hosts with.
    dead_peer_ms: int = 5000
    ssh_dead_after_s: int = 6
    # A client request or transaction stuck this long is given up (they take milliseconds): the
    # client abandons an unanswered request, the node ends a transaction left idle.
    stuck_request_ms: int = 1000
    # A new connection through pgpool (TLS and scram with pgpool, then pgpool's own TLS logins to every backend) may
    # take this long: milliseconds on fast hosts, seconds on emulated ones (2 s there failed fab's probe once). An
    # attempt made while pgpool has no child to take it waits in its listening socket's queue until one is forked,
    # then still needs its ~2.5 s of logins on emulated VMs: with 8 s the switch-back's queued attempts timed out
    # just before they would have got in, and each session began again 3 s later.
    login_timeout_s: int = 2
    # Orchestration's waits: how long pglab gives something before it says what it last saw.
    state_s: float = 60  # a node or pgpool reaching a state: streaming, caught up, promoted, a new primary
    follow_s: float = 120  # the third node following a new primary (failover.sh re-points it)
    pgpool_s: float = 30  # pgpool acting: PCP answering after a (re)start, every node up, a node attached
    pcp_patience_s: float = 3  # a look at the cluster: a PCP slower than this is being restarted (busy)
    boot_s: float = 15  # a local host: its processes gone after the power cut, its sshd up after power-on
    settle_s: float = 1  # after an action, before looking at its effect (sessions started, a fenced node)
    command_s: float = 300  # one command on a host over SSH
    # failover.sh's read of a node's facts (pg_controldata, pg_waldump near the end of WAL, one psql): a node
    # slower than this counts as unreachable. On emulated VMs a psql alone takes ~4 s and a node's facts 5-20 s
    # under load: 2 s there read every node as silent (pgpool promoted nobody), 30 s once read A as silent at
    # the switch-back (C was promoted instead of A).
    facts_s: float = 2
    # pgpool's pre-forked children. While pgpool-II 4.3.5 handles a failover, each child a client connects to
    # exits (sessions retry every 100 ms), and the main process forks replacements only after `failover done`
    # and the 1 s sleep that follows it: with 32 children, 10 sessions used them all up within the switch-back's
    # failover and waited that second. Each fork costs emulated CPU in every failover, so slow hosts keep 32: with
    # 96 on VMs (one run, 14x) `failover done` came 4.4 s after the new primary was set (1.5 s with 32), and the
    # sessions' longest pauses grew from 16.6-17.0 to 19.5-24.3 s at the failover and from 21.3-22.0 to ~49 s at
    # the switch-back.
    pool_children: int = 96

    WAITS: ClassVar[tuple[str, ...]] = ("state_s", "follow_s", "pgpool_s", "pcp_patience_s", "boot_s", "settle_s",
                                        "command_s")

    @property
    def tcp_waits_s(self) -> tuple[float, ...]:
        """Linux's waits on data never acknowledged: the 200 ms minimum RTO, each wait twice the last, a retransmission
        after each but the last - `tcp_retries2` + 1 waits (tcp_model_timeout() in net/ipv4/tcp_timer.c)."""
        return tuple(round(0.2 * 2 ** i, 1) for i in range(self.tcp_retries2 + 1))

    @property
    def tcp_give_up_s(self) -> float:
        """When Linux gives up on such data: 0.2 x (2^(n+1) - 1) s, 1 -> 0.6 s, 3 -> 3.0 s (measured between two
        namespaces: 0.64 / 1.48 / 3.13 s for 1 / 2 / 3)."""
        return round(sum(self.tcp_waits_s), 1)

    @property
    def libpq_liveness(self) -> dict[str, int]:
        """libpq parameters that make a connection to a host that lost power fail instead of hang."""
        return {"connect_timeout": self.login_timeout_s, "keepalives": 1, "keepalives_idle": 2,
                "keepalives_interval": 1, "keepalives_count": 3, "tcp_user_timeout": self.dead_peer_ms}

    @classmethod
    def named(cls, profile: str) -> Timing:
        """The `fast` profile (namespaces, KVM) or the `roomy` one (QEMU software emulation, ~10x slower)."""
        if profile == "roomy":
            # A silent VM is given 1 s to answer a SYN, twice in a row: detection ~2-3 s. An emulated
            # guest that is alive answers within milliseconds even with its host busy; the whole
            # check (scram authentication included) may take up to 5 s.
            roomy = cls(profile="roomy", health_check_period=1, health_check_timeout=5, health_check_max_retries=1,
                        health_check_retry_delay=0, connect_timeout_ms=1000, syn_timeout_ms=1000,
                        wal_receiver_timeout_s=30, replay_delay_s=10, tcp_retries2=3, dead_peer_ms=15000,
                        ssh_dead_after_s=20, stuck_request_ms=6000, login_timeout_s=15, facts_s=120,
                        pool_children=32)
            return replace(roomy, **{f: getattr(roomy, f) * ROOMY_PATIENCE for f in cls.WAITS})
        if profile != "fast":
            raise ConfigError(f"unknown timing profile {profile!r}: use fast or roomy")
        return cls()

    @classmethod
    def for_provider(cls, provider: str) -> Timing:
        """Before anything was measured: namespaces are fast; VMs are assumed emulated."""
        return cls.named("roomy" if provider == "vagrant" else "fast")


@dataclass(frozen=True)
class Lab:
    """The whole lab: hosts on one subnet, the PostgreSQL layout and the intended topology."""

    subnet: str = DEFAULT_SUBNET
    provider: str = "local"
    timing: Timing = field(default_factory=Timing)
    pg_version: int = 15
    pg_cluster: str = "main"
    pg_port: int = 5432
    pgpool_port: int = 9999
    pcp_port: int = 9898
    database: str = "bank"
    primary: str = "pg-a"
    sync_standby: str = "pg-b"
    async_standby: str = "pg-c"
    accounts: int = 100
    initial_balance: int = 1000

    def __post_init__(self) -> None:
        try:
            net = ipaddress.IPv4Network(self.subnet)
        except ValueError as exc:
            raise ConfigError(f"lab subnet {self.subnet!r} is not an IPv4 network: {exc}") from None
        if net.prefixlen > 27:
            raise ConfigError(f"lab subnet {self.subnet} is too small: use a /27 or larger")
        require_private(net)

    def serves_reads(self, host: str) -> bool:
        """Whether pgpool balances reads to `host` (weight > 0): every node but the delayed standby."""
        return host != self.async_standby

    @property
    def read_hosts(self) -> list[str]:
        return [h.name for h in self.pg_hosts if self.serves_reads(h.name)]

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.subnet)

    @property
    def gateway(self) -> str:
        """The controlling machine's address on the lab network."""
        return str(self.network.network_address + 1)

    @property
    def hosts(self) -> tuple[HostSpec, ...]:
        base = self.network.network_address
        pg = tuple(HostSpec(n, str(base + 11 + i), HostRole.POSTGRES, i) for i, n in enumerate(PG_NODES))
        return pg + (HostSpec("pgpool", str(base + 10), HostRole.PGPOOL),
                     HostSpec("client", str(base + 20), HostRole.CLIENT))

    @property
    def host_names(self) -> tuple[str, ...]:
        return tuple(h.name for h in self.hosts)

    @property
    def pg_hosts(self) -> tuple[HostSpec, ...]:
        return tuple(h for h in self.hosts if h.role == HostRole.POSTGRES)

    def host(self, name: str) -> HostSpec:
        for spec in self.hosts:
            if spec.name == name:
                return spec
        raise UnknownHostError(f"unknown host {name!r}: the lab's hosts are {', '.join(self.host_names)}")

    @property
    def pg_data(self) -> str:
        return f"/var/lib/postgresql/{self.pg_version}/{self.pg_cluster}"

    @property
    def pg_conf_dir(self) -> str:
        return f"/etc/postgresql/{self.pg_version}/{self.pg_cluster}"

    @property
    def pg_log(self) -> str:
        return f"/var/log/postgresql/postgresql-{self.pg_version}-{self.pg_cluster}.log"

    @property
    def pgpool_log(self) -> str:
        return "/var/log/pgpool2/pgpool.log"


def lab_from_env(provider: str | None = None, profile: str | None = None) -> Lab:
    """Build the lab model from PGLAB_* environment variables (provider, subnet, replay delay) and the
    timing profile measured at `up` (if any)."""
    provider = provider or os.environ.get("PGLAB_PROVIDER", "local")
    if provider not in ("local", "vagrant"):
        raise ConfigError(f"unknown provider {provider!r}: use 'local' or 'vagrant' (PGLAB_PROVIDER)")
    timing = Timing.named(profile) if profile else Timing.for_provider(provider)
    if "PGLAB_REPLAY_DELAY" in os.environ:
        try:
            delay = int(os.environ["PGLAB_REPLAY_DELAY"])
        except ValueError:
            raise ConfigError("PGLAB_REPLAY_DELAY must be a whole number of seconds") from None
        timing = Timing(**{**timing.__dict__, "replay_delay_s": delay})
    return Lab(subnet=os.environ.get("PGLAB_SUBNET", DEFAULT_SUBNET), provider=provider, timing=timing)


if __name__ == "__main__":  # the Vagrantfile reads the hosts from here: one source of addresses
    lab = lab_from_env("local")
    print(json.dumps({"subnet": lab.subnet, "hosts": [{"name": h.name, "address": h.address, "role": h.role}
                                                      for h in lab.hosts]}))
