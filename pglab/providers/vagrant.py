"""The vagrant provider: the lab's hosts are VMs (libvirt first) defined by the Vagrantfile.

Only bringing VMs up and switching their power is Vagrant's job (python-vagrant); execution
goes over SSH like on every provider. Power-off is `vagrant halt --force`: libvirt destroys
the domain, a power cut. Power-on is `vagrant up HOST`.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

import vagrant

from pglab.errors import LabNotUpError, MissingToolError
from pglab.providers.base import PowerState, Provider, SshTarget
from pglab.state import REPO_ROOT

STATES = {"running": PowerState.RUNNING, "not_created": PowerState.ABSENT}
LAB_NETWORK = "pglab"  # libvirt__network_name in the Vagrantfile


def machines_of_this_checkout(hosts: tuple[str, ...]) -> list[str]:
    """The lab's hosts that `vagrant up` created from this checkout (no vagrant call: it is slow)."""
    machines = REPO_ROOT / ".vagrant" / "machines"
    return [h for h in hosts if any((machines / h).glob("*/id"))]


class VagrantProvider(Provider):
    """VMs from the repository's Vagrantfile."""

    name = "vagrant"

    @property
    def machines(self) -> vagrant.Vagrant:
        return vagrant.Vagrant(root=str(REPO_ROOT), quiet_stdout=True, quiet_stderr=True)

    def check_requirements(self) -> None:
        if not shutil.which("vagrant"):
            raise MissingToolError("vagrant is not installed: apt-get install vagrant vagrant-libvirt "
                                   "(and start libvirtd), or use PGLAB_PROVIDER=local")
        try:
            self.machines.status()
        except subprocess.CalledProcessError as exc:
            raise MissingToolError(f"`vagrant status` failed ({exc.returncode}): is libvirtd running and the "
                                   "vagrant-libvirt plugin installed? (systemctl start libvirtd)") from None

    def power_state(self, host: str) -> PowerState:
        self.lab.host(host)
        state = self.machines.status(vm_name=host)[0].state
        return STATES.get(state, PowerState.OFF)  # poweroff, shutoff, shutdown, ...

    def states(self) -> dict[str, PowerState]:
        return {s.name: STATES.get(s.state, PowerState.OFF) for s in self.machines.status()}

    def ssh_target(self, host: str) -> SshTarget:
        conf = self.machines.conf(vm_name=host)
        return SshTarget(host, conf["HostName"], int(conf.get("Port", 22)), "root",
                         self.state.key_pair("lab").private_path, self.state.known_hosts)

    def up(self) -> list[str]:
        self.check_requirements()
        booted = [h for h, s in self.states().items() if s is not PowerState.RUNNING]
        try:
            self.machines.up()
        except subprocess.CalledProcessError:
            raise LabNotUpError("`vagrant up` failed: run it by hand to see why (box missing? "
                                "PGLAB_BOX, or build one with provision/build-box.sh)") from None
        for host in self.lab.host_names:
            self.trust(host)
        return booted

    def adopt(self) -> list[str]:
        """VMs from a plain `vagrant up`: the lab key for root, their host keys in known_hosts."""
        self.check_requirements()
        running = [h for h, s in self.states().items() if s is PowerState.RUNNING]
        for host in running:
            self.trust(host)
        return running

    def destroy(self) -> None:
        self.check_requirements()
        self.machines.destroy()
        if self.state.root.exists():
            shutil.rmtree(self.state.root)

    def _cut_power(self, host: str) -> None:
        """libvirt: `virsh destroy` of the VM's domain - a hard power-off. (vagrant-libvirt 0.11's
        `halt --force` first asks the guest to shut down and waits for it, which is no power cut.)"""
        domain = REPO_ROOT / ".vagrant" / "machines" / host / "libvirt" / "id"
        if domain.exists():
            subprocess.run(["virsh", "-c", "qemu:///system", "destroy", domain.read_text().strip()],
                           check=True, capture_output=True)
        else:  # VirtualBox: halt --force is controlvm poweroff
            self.machines.halt(vm_name=host, force=True)

    def _boot(self, host: str) -> None:
        try:
            self.machines.up(vm_name=host)
        except subprocess.CalledProcessError:
            raise LabNotUpError(f"{host} did not boot: `vagrant up {host}` shows why") from None

    def _libvirt_nic(self, host: str) -> tuple[str, str] | None:
        """(domain id, MAC) of the VM's NIC on the lab network; None when not on libvirt."""
        domain = REPO_ROOT / ".vagrant" / "machines" / host / "libvirt" / "id"
        if not domain.exists():
            return None
        dom = domain.read_text().strip()
        listing = subprocess.run(["virsh", "-c", "qemu:///system", "domiflist", dom], capture_output=True,
                                 text=True, check=True).stdout
        for line in listing.splitlines():
            fields = line.split()
            if len(fields) >= 5 and fields[2] == LAB_NETWORK:
                return dom, fields[4]
        raise LabNotUpError(f"{host}: no NIC on the libvirt network {LAB_NETWORK!r} (virsh domiflist {dom})")

    def _set_link(self, host: str, up: bool) -> None:
        """libvirt: `virsh domif-setlink` of the lab NIC; VirtualBox: the link state of NIC 2."""
        nic = self._libvirt_nic(host)
        if nic:
            subprocess.run(["virsh", "-c", "qemu:///system", "domif-setlink", nic[0], nic[1], "up" if up else "down"],
                           check=True, capture_output=True)
        else:
            subprocess.run(["VBoxManage", "controlvm", f"pglab-{host}", "setlinkstate2", "on" if up else "off"],
                           check=True, capture_output=True)

    def is_isolated(self, host: str) -> bool:
        nic = self._libvirt_nic(host)
        if not nic:
            return False
        state = subprocess.run(["virsh", "-c", "qemu:///system", "domif-getlink", nic[0], nic[1]],
                               capture_output=True, text=True, check=False).stdout
        return state.strip().endswith("down")

    def trust(self, host: str) -> None:
        """Root accepts the lab key; the VM's host key joins the lab's known_hosts."""
        key = self.state.key_pair("lab").public_line
        script = (f"sudo install -d -m 700 /root/.ssh && echo {shlex.quote(key)} | sudo tee "
                  "/root/.ssh/authorized_keys >/dev/null && sudo cat /etc/ssh/ssh_host_ed25519_key.pub")
        host_key = " ".join(self.machines.ssh(vm_name=host, command=script).split()[:2])
        address = self.machines.conf(vm_name=host)["HostName"]
        self.state.add_known_host([host, address, self.lab.host(host).address], host_key)
