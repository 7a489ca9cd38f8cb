"""The vagrant provider: the lab's hosts are VMs (libvirt first) defined by the Vagrantfile.

Creating and booting VMs is Vagrant's job; execution goes over SSH like on every provider.
On libvirt, power states, addresses and links are asked of libvirt directly (providers/libvirt.py);
power-off is `virsh destroy` (a power cut) and power-on `virsh start` and a wait for sshd;
on VirtualBox they are `vagrant halt --force` and `vagrant up HOST`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from typing import TYPE_CHECKING

from pglab.errors import LabNotUpError, MissingToolError, PglabError, last_lines
from pglab.polling import wait_until
from pglab.providers import libvirt
from pglab.providers.base import PowerState, Provider, SshTarget, sshd_answers
from pglab.providers.gray import Degradation, parse_netem
from pglab.remote import fan_out
from pglab.state import REPO_ROOT

if TYPE_CHECKING:
    import vagrant

BOOT_TIMEOUT_S = 600  # the Vagrantfile's boot_timeout (vagrant waits as long): not the timing profile's to scale
DEFAULT_BOX = "debian/bookworm64"  # the Vagrantfile's default (PGLAB_BOX overrides it)

STATES = {"running": PowerState.RUNNING, "not_created": PowerState.ABSENT}
MACHINES = REPO_ROOT / ".vagrant" / "machines"
OFFLINE_BOX_HELP = ("build the offline Debian 12 box: sudo provision/build-box.sh && vagrant box add --name "
                    "pglab/debian12 build/box/pglab-debian12.box, then PGLAB_BOX=pglab/debian12")


def machines_of_this_checkout(hosts: tuple[str, ...]) -> list[str]:
    """The lab's hosts that `vagrant up` created from this checkout (no vagrant call: it is slow)."""
    return [h for h in hosts if any((MACHINES / h).glob("*/id"))]


def run_vagrant(*args: str) -> subprocess.CompletedProcess:
    """`vagrant ARGS` in this checkout, output captured (the caller explains a failure)."""
    return subprocess.run(["vagrant", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False)


def explain_vagrant_failure(output: str) -> str:
    """One line for what `vagrant status` or `vagrant up` complained about."""
    if "provider 'libvirt' could not be found" in output:
        return "the vagrant-libvirt plugin is missing: apt-get install vagrant-libvirt (or vagrant plugin install)"
    if "VirtualBox" in output and ("not installed" in output or "could not be found" in output):
        return "VirtualBox is not installed and no other Vagrant provider is usable: apt-get install vagrant-libvirt"
    libvirt_says = libvirt.explain_libvirt_failure(output)
    if libvirt_says:
        return libvirt_says
    if "box" in output.lower() and ("could not be found" in output or "not found" in output.lower()
                                    or "resolve host" in output.lower()):
        return f"the Vagrant box is missing and could not be downloaded: {OFFLINE_BOX_HELP}"
    return f"vagrant failed: {last_lines(output) or 'no output'}"


class VagrantProvider(Provider):
    """VMs from the repository's Vagrantfile."""

    name = "vagrant"

    @property
    def machines(self) -> vagrant.Vagrant:
        import vagrant  # imported only once vagrant is known to exist: without it the module prints a warning
        return vagrant.Vagrant(root=str(REPO_ROOT), quiet_stdout=True, quiet_stderr=True)

    def on_libvirt(self) -> bool:
        """Whether this checkout's machines live in libvirt (then `virsh` answers for them): a machine's id,
        not the empty folder `vagrant destroy` leaves behind."""
        return any((MACHINES / h / "libvirt" / "id").exists() for h in self.lab.host_names)

    def hypervisor(self) -> str:
        """libvirt's domain type of the primary's VM (`kvm` or `qemu`), or VirtualBox."""
        domain = libvirt.domain_of(MACHINES, self.lab.primary) if self.on_libvirt() else None
        return f"libvirt/{libvirt.domain_type(domain)}" if domain else "VirtualBox"

    def check_requirements(self) -> None:
        """vagrant installed, a provider plugin that loads, and for libvirt a running libvirtd."""
        if not shutil.which("vagrant"):
            raise MissingToolError("vagrant is not installed: apt-get install vagrant vagrant-libvirt "
                                   "(and start libvirtd), or use PGLAB_PROVIDER=local")
        proc = run_vagrant("status", "--machine-readable")
        if proc.returncode != 0:
            raise MissingToolError(explain_vagrant_failure(proc.stdout + proc.stderr))
        if ",provider-name,libvirt" in proc.stdout:
            libvirt.require_libvirtd()

    def power_state(self, host: str) -> PowerState:
        self.lab.host(host)
        return self.states()[host]

    def states(self) -> dict[str, PowerState]:
        if not self.on_libvirt():
            return {s.name: STATES.get(s.state, PowerState.OFF) for s in self.machines.status()}
        running = libvirt.running_domains() | libvirt.paused_domains()
        domains = {h: libvirt.domain_of(MACHINES, h) for h in self.lab.host_names}
        return {h: PowerState.ABSENT if d is None else PowerState.RUNNING if d in running else PowerState.OFF
                for h, d in domains.items()}

    def ssh_target(self, host: str) -> SshTarget:
        """libvirt: the VM's lease on the management network; otherwise what `vagrant ssh-config` says."""
        domain = libvirt.domain_of(MACHINES, host)
        address, port = (domain and libvirt.management_address(domain, self.lab.subnet)), 22
        if not address:
            conf = self.machines.conf(vm_name=host)
            address, port = conf["HostName"], int(conf.get("Port", 22))
        return SshTarget(host, address, port, "root", self.state.key_pair("lab").private_path, self.state.known_hosts)

    def up(self) -> list[str]:
        self.check_requirements()
        booted = [h for h, s in self.states().items() if s is not PowerState.RUNNING]
        proc = run_vagrant("up")
        if proc.returncode != 0:
            raise LabNotUpError(self.explain_up_failure(proc.stdout + proc.stderr))
        fan_out(self.lab.host_names, self.trust)
        return booted

    def explain_up_failure(self, output: str) -> str:
        """`vagrant up` failed: the box (the usual cause offline), else what vagrant said."""
        box = os.environ.get("PGLAB_BOX", DEFAULT_BOX)
        boxes = run_vagrant("box", "list", "--machine-readable").stdout
        if f",box-name,{box}\n" not in boxes + "\n":
            return f"`vagrant up` failed: box {box} is not installed and could not be downloaded; {OFFLINE_BOX_HELP}"
        return f"`vagrant up` failed: {explain_vagrant_failure(output)}"

    def adopt(self) -> list[str]:
        """VMs from a plain `vagrant up`: the lab key for root, their host keys in known_hosts."""
        self.check_requirements()
        running = [h for h, s in self.states().items() if s is PowerState.RUNNING]
        fan_out(running, self.trust)
        return running

    def destroy(self) -> None:
        self.check_requirements()
        self.machines.destroy()

    def _cut_power(self, host: str) -> None:
        """libvirt: `virsh destroy` of the VM's domain - a hard power-off. (vagrant-libvirt 0.11's
        `halt --force` first asks the guest to shut down and waits for it, which is no power cut.)"""
        domain = libvirt.domain_of(MACHINES, host)
        if domain:
            libvirt.destroy(domain)
        else:  # VirtualBox: halt --force is controlvm poweroff
            self.machines.halt(vm_name=host, force=True)

    def _boot(self, host: str) -> None:
        """libvirt: `virsh start`, then wait for sshd (its network setup is on its disk from the
        first `vagrant up`; `vagrant up HOST` would configure it again, a minute under emulation)."""
        domain = libvirt.domain_of(MACHINES, host)
        if domain:
            libvirt.start(domain)

            def sshd_up() -> bool:
                address = libvirt.management_address(domain, self.lab.subnet)
                return bool(address) and sshd_answers(address)
            wait_until(f"{host} to boot (its sshd to answer)", sshd_up, BOOT_TIMEOUT_S, interval=1,
                       error=LabNotUpError, hint=f"virsh console {domain} shows why")
            return
        proc = run_vagrant("up", host)
        if proc.returncode != 0:
            raise LabNotUpError(f"{host} did not boot: {explain_vagrant_failure(proc.stdout + proc.stderr)} "
                                f"(`vagrant up {host}` shows it all)")

    def _set_link(self, host: str, up: bool) -> None:
        """libvirt: `virsh domif-setlink` of the lab NIC; VirtualBox: the link state of NIC 2."""
        domain = libvirt.domain_of(MACHINES, host)
        if domain:
            libvirt.set_link(domain, libvirt.lab_nic(domain, host), up)
        else:
            subprocess.run(["VBoxManage", "controlvm", f"pglab-{host}", "setlinkstate2", "on" if up else "off"],
                           check=True, capture_output=True)

    def is_isolated(self, host: str) -> bool:
        domain = libvirt.domain_of(MACHINES, host)
        return bool(domain) and libvirt.link_is_down(domain, libvirt.lab_nic(domain, host))

    def _set_frozen(self, host: str, frozen: bool) -> None:
        """libvirt: `virsh suspend` / `virsh resume` (a paused VM: its kernel answers nothing either)."""
        libvirt.virsh("suspend" if frozen else "resume", self._domain(host, "freeze"))

    def is_frozen(self, host: str) -> bool:
        domain = libvirt.domain_of(MACHINES, host)
        return bool(domain) and libvirt.virsh("domstate", domain, check=False).stdout.strip() == "paused"

    def _set_degradation(self, host: str, degradation: Degradation | None) -> None:
        """tc netem on the guest's lab NIC (found by its lab address), over SSH on the management network."""
        dev = f"$(ip -o -4 addr show to {self.lab.host(host).address} | awk '{{print $2}}')"
        command = (f"tc qdisc del dev {dev} root 2>/dev/null; true" if degradation is None else
                   f"tc qdisc replace dev {dev} root {' '.join(degradation.netem_args())}")
        self._guest(host, command)

    def degradation(self, host: str) -> Degradation | None:
        dev = f"$(ip -o -4 addr show to {self.lab.host(host).address} | awk '{{print $2}}')"
        return parse_netem(self._guest(host, f"tc qdisc show dev {dev}"))

    def _guest(self, host: str, command: str) -> str:
        target = self.ssh_target(host)
        known = target.known_hosts or "/dev/null"
        proc = subprocess.run(["ssh", "-i", str(target.key_file), "-p", str(target.port), "-o", "BatchMode=yes",
                               "-o", "ConnectTimeout=10", "-o", f"UserKnownHostsFile={known}",
                               f"{target.user}@{target.address}", command], capture_output=True, text=True)
        if proc.returncode != 0:
            raise PglabError(f"{host}: `{command}` failed: {proc.stderr.strip() or proc.stdout.strip()}")
        return proc.stdout

    def _domain(self, host: str, action: str) -> str:
        domain = libvirt.domain_of(MACHINES, host)
        if not domain:
            raise MissingToolError(f"fab {action} needs libvirt on the vagrant provider (virsh suspend/resume)")
        return domain

    def trust(self, host: str) -> None:
        """Root accepts the lab key; the VM's host key joins the lab's known_hosts."""
        key = self.state.key_pair("lab").public_line
        script = (f"sudo install -d -m 700 /root/.ssh && echo {shlex.quote(key)} | sudo tee "
                  "/root/.ssh/authorized_keys >/dev/null && sudo cat /etc/ssh/ssh_host_ed25519_key.pub")
        host_key = " ".join(self.machines.ssh(vm_name=host, command=script).split()[:2])
        address = self.ssh_target(host).address
        self.state.add_known_host([host, address, self.lab.host(host).address], host_key)
