"""The local provider: each host is a set of Linux namespaces on this machine.

Network, mount, pid, uts and ipc namespaces per host, one bridge for the lab, binaries from
this machine (like identical VMs from one box) and the host's own files bind-mounted from
its folder under the lab state. Power-off deletes the host's link and SIGKILLs its pid
namespace's init: every process dies at once and no FIN or RST leaves the host.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from pglab.errors import LabNotUpError, MissingToolError, PglabError
from pglab.polling import wait_until
from pglab.providers import gray, local_init
from pglab.providers.base import PowerState, Provider, SshTarget, sshd_answers
from pglab.state import new_ed25519_key, write_private
from pglab.subnets import LAB_BRIDGE
from pglab.templates import render

PREFIX = "pglab"
BRIDGE = LAB_BRIDGE  # pglab-br0
REQUIRED_TOOLS = ("ip", "unshare", "nsenter", "mount", "/usr/sbin/sshd")


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def netns_name(host: str) -> str:
    return f"{PREFIX}-{host}"


def stable_mac(address: str) -> str:
    """A locally administered MAC derived from the IPv4 address: like a VM's NIC, it survives a
    power cycle, so peers' ARP caches stay right and reconnects are not delayed by stale entries."""
    return "02:00:" + ":".join(f"{int(octet):02x}" for octet in address.split("."))


def netns_pids(host: str) -> list[int]:
    """Every process living in the host's network namespace, seen from this machine."""
    result = _ip("netns", "pids", netns_name(host), check=False)
    return [int(p) for p in result.stdout.split()] if result.returncode == 0 else []


def is_namespace_init(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    nspids = next((line.split()[1:] for line in status.splitlines() if line.startswith("NSpid:")), [])
    return len(nspids) > 1 and nspids[-1] == "1"


class LocalProvider(Provider):
    """Hosts as namespaces on this machine; needs root on Linux."""

    name = "local"

    def check_requirements(self) -> None:
        if sys.platform != "linux":
            raise MissingToolError("the local provider needs Linux namespaces: use PGLAB_PROVIDER=vagrant")
        if os.geteuid() != 0:
            raise MissingToolError("the local provider needs root (namespaces, bridges): run as root or use sudo")
        missing = [t for t in REQUIRED_TOOLS if not shutil.which(t)]
        if missing:
            raise MissingToolError(f"missing {', '.join(missing)}: apt-get install iproute2 util-linux "
                                   "openssh-server")

    # -- paths ----------------------------------------------------------------
    def host_root(self, host: str) -> Path:
        return self.state.hosts_dir / host

    # -- state ----------------------------------------------------------------
    def power_state(self, host: str) -> PowerState:
        self.lab.host(host)
        if any(is_namespace_init(pid) for pid in netns_pids(host)):
            return PowerState.RUNNING
        return PowerState.OFF if self.host_root(host).exists() else PowerState.ABSENT

    def ssh_target(self, host: str) -> SshTarget:
        spec = self.lab.host(host)
        return SshTarget(host, spec.address, 22, "root", self.state.key_pair("lab").private_path,
                         self.state.known_hosts)

    # -- lifecycle ------------------------------------------------------------
    def up(self) -> list[str]:
        self.check_requirements()
        self._ensure_bridge()
        booted = []
        for spec in self.lab.hosts:
            if self.power_state(spec.name) is not PowerState.RUNNING:
                self._prepare_host_files(spec.name)
                self._boot(spec.name)
                booted.append(spec.name)
        return booted

    def destroy(self) -> None:
        self.check_requirements()
        leftovers = {line.split()[0] for line in _ip("netns", "list", check=False).stdout.splitlines()
                     if line.startswith(PREFIX + "-")}
        hosts = set(self.lab.host_names) | {name[len(PREFIX) + 1:] for name in leftovers}
        for host in sorted(hosts):
            self._teardown_host(host)
        _ip("link", "del", BRIDGE, check=False)

    def _cut_power(self, host: str) -> None:
        # Link first, so the kernel's FIN/RST for the sockets of killed processes go nowhere.
        _ip("link", "del", netns_name(host), check=False)
        for pid in netns_pids(host):
            if is_namespace_init(pid):
                os.kill(pid, signal.SIGKILL)
        self._wait_no_processes(host)
        _ip("netns", "del", netns_name(host), check=False)

    def _boot(self, host: str) -> None:
        self._ensure_bridge()
        self._teardown_host(host)
        spec = self.lab.host(host)
        ns, prefix = netns_name(host), self.lab.network.prefixlen
        _ip("netns", "add", ns)
        _ip("link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns, "address", stable_mac(spec.address))
        _ip("link", "set", ns, "master", BRIDGE, "up")
        _ip("-n", ns, "addr", "add", f"{spec.address}/{prefix}", "dev", "eth0")
        _ip("-n", ns, "link", "set", "lo", "up")
        _ip("-n", ns, "link", "set", "eth0", "up")
        root = self.host_root(host)
        console = open(root / "console.log", "ab")
        launcher = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{ns}", "unshare", "--pid", "--fork", "--mount", "--uts", "--ipc",
             "--mount-proc", "--propagation", "private",
             sys.executable, local_init.__file__, "--hostname", host, "--root", str(root)],
            stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ssh(host, spec.address, launcher)

    def _set_link(self, host: str, up: bool) -> None:
        _ip("link", "set", netns_name(host), "up" if up else "down")

    def is_isolated(self, host: str) -> bool:
        shown = _ip("-br", "link", "show", netns_name(host), check=False)
        return shown.returncode == 0 and shown.stdout.split()[1:2] == ["DOWN"]

    def _set_frozen(self, host: str, frozen: bool) -> None:
        if frozen:
            gray.stop_all(netns_pids, host)
        else:
            gray.continue_all(netns_pids(host))

    def is_frozen(self, host: str) -> bool:
        return any(is_namespace_init(p) and gray.process_state(p) in ("T", "t") for p in netns_pids(host))

    def _set_degradation(self, host: str, degradation: gray.Degradation | None) -> None:
        if degradation is None:
            gray.clear(netns_name(host), netns_name(host))
        else:
            gray.apply(netns_name(host), netns_name(host), degradation)

    def degradation(self, host: str) -> gray.Degradation | None:
        return gray.current(netns_name(host))

    # -- helpers --------------------------------------------------------------
    def _ensure_bridge(self) -> None:
        if _ip("link", "show", BRIDGE, check=False).returncode != 0:
            _ip("link", "add", BRIDGE, "address", stable_mac(self.lab.gateway), "type", "bridge")
        gateway = f"{self.lab.gateway}/{self.lab.network.prefixlen}"
        if gateway.split("/")[0] not in _ip("-br", "addr", "show", BRIDGE).stdout:
            _ip("addr", "add", gateway, "dev", BRIDGE)
        _ip("link", "set", BRIDGE, "up")

    def _teardown_host(self, host: str) -> None:
        """Remove the host's processes, link and namespace; tolerate any of them missing."""
        _ip("link", "del", netns_name(host), check=False)
        for pid in netns_pids(host):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._wait_no_processes(host)
        _ip("netns", "del", netns_name(host), check=False)

    def _wait_no_processes(self, host: str) -> None:
        wait_until(f"every process of {host} to die (SIGKILL)", lambda: not netns_pids(host), self.lab.timing.boot_s,
                   0.02,
                   describe=lambda: f"processes {netns_pids(host)}", error=PglabError, hint="")

    def _wait_ssh(self, host: str, address: str, launcher: subprocess.Popen) -> None:
        console = self.host_root(host) / "console.log"

        def last_console_line() -> str:
            lines = console.read_text(errors="replace").strip().splitlines()
            return f"console: {lines[-1] if lines else 'nothing'}"

        def answers() -> bool:
            if launcher.poll() is not None and self.power_state(host) is not PowerState.RUNNING:
                raise LabNotUpError(f"{host}: its init exited before sshd answered; {last_console_line()} "
                                    f"(see {console})")
            return sshd_answers(address)
        wait_until(f"{host}'s sshd at {address}:22", answers, self.lab.timing.boot_s, 0.05, describe=last_console_line,
                   error=LabNotUpError, hint=f"see {console}")

    def _prepare_host_files(self, host: str) -> None:
        """At every boot the host's own folders and its sshd config; at the first also its log folders,
        pgpool's package defaults, hostname, hosts file, host key and root's authorized key."""
        root, spec = self.host_root(host), self.lab.host(host)
        for rel in local_init.PER_HOST_DIRS:
            (root / rel).mkdir(parents=True, exist_ok=True)
        if (root / "etc/pglab/sshd_config").exists():
            (root / "etc/pglab/sshd_config").write_text(render("templates/local/sshd_config.j2", address=spec.address))
            return
        for rel in ("var/log/postgresql", "var/log/pgpool2"):
            (root / rel).mkdir(parents=True, exist_ok=True)
        if Path("/etc/pgpool2").is_dir():  # the package's defaults, as on a VM with pgpool2 installed
            shutil.copytree("/etc/pgpool2", root / "etc/pgpool2", dirs_exist_ok=True)
        for rel in ("etc/postgresql", "etc/pgpool2", "var/lib/postgresql", "var/log/postgresql",
                    "var/log/pgpool2"):
            shutil.chown(root / rel, "postgres", "postgres")
        (root / "etc/hostname").write_text(f"{host}\n")
        (root / "etc/hosts").write_text(f"127.0.0.1 localhost\n{spec.address} {host}\n")
        pglab_dir = root / "etc/pglab"
        private, public = new_ed25519_key()
        write_private(pglab_dir / "ssh_host_ed25519_key", private)
        (pglab_dir / "ssh_host_ed25519_key.pub").write_text(public + "\n")
        (pglab_dir / "root_authorized_keys").write_text(self.state.key_pair("lab").public_line + "\n")
        (pglab_dir / "sshd_config").write_text(render("templates/local/sshd_config.j2", address=spec.address))
        self.state.add_known_host([spec.name, spec.address], public)
