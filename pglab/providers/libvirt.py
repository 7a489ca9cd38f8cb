"""Direct questions to libvirt about the VMs vagrant-libvirt made (`virsh`, milliseconds).

`vagrant status` and `vagrant ssh-config` start Ruby and load every plugin: seconds per call,
tens of seconds on a host busy emulating five VMs. Power states, management addresses and the
lab NIC's link come from libvirt itself; Vagrant stays the tool that creates and boots VMs.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
from pathlib import Path

from pglab.errors import LabNotUpError, MissingToolError, PglabError, last_lines
from pglab.subnets import LAB_LIBVIRT_NETWORK

URI = "qemu:///system"
LAB_NETWORK = LAB_LIBVIRT_NETWORK  # libvirt__network_name in the Vagrantfile


def virsh(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`virsh -c qemu:///system ARGS`; with `check`, a failure is one line saying why (no access, no libvirtd)."""
    try:
        proc = subprocess.run(["virsh", "-c", URI, *args], capture_output=True, text=True, check=False, timeout=30)
    except FileNotFoundError:
        raise MissingToolError("virsh is missing: apt-get install libvirt-clients") from None
    if check and proc.returncode != 0:
        output = proc.stdout + proc.stderr
        explained = explain_libvirt_failure(output)
        if explained:
            raise MissingToolError(explained)
        raise PglabError(f"`virsh {' '.join(args)}` failed: {last_lines(output) or 'no output'}")
    return proc


def explain_libvirt_failure(output: str) -> str | None:
    """One line for libvirt refusing this user or not running (what virsh or vagrant-libvirt printed); None
    if the output says neither."""
    low = output.lower()
    if "libvirt" not in low and "hypervisor" not in low:
        return None
    if "permission denied" in low or "authentication" in low or "not authorized" in low:
        return (f"no access to libvirt ({URI}) for this user: add it to the libvirt group (sudo adduser $USER "
                "libvirt, then log in again) or run as root")
    if "connect" in low or "socket" in low:
        return "libvirtd is not running: systemctl start libvirtd, then try again"
    return None


def domain_of(machines: Path, host: str) -> str | None:
    """The libvirt domain (UUID) vagrant-libvirt made for `host` from this checkout; None if none."""
    path = machines / host / "libvirt" / "id"
    return path.read_text().strip() if path.exists() else None


def require_libvirtd() -> None:
    """libvirtd runs and lets this user in."""
    virsh("uri")


def running_domains() -> set[str]:
    """UUIDs of the running domains, in one call."""
    return set(virsh("list", "--uuid", "--state-running").stdout.split())


def paused_domains() -> set[str]:
    """UUIDs of the paused (`virsh suspend`ed, frozen) domains: powered on, running nothing."""
    return set(virsh("list", "--uuid", "--state-paused").stdout.split())


def management_address(domain: str, lab_subnet: str) -> str | None:
    """The VM's address on Vagrant's management network (its DHCP lease), the one SSH reaches."""
    lab = ipaddress.ip_network(lab_subnet)
    for line in virsh("domifaddr", domain, "--source", "lease", check=False).stdout.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] == "ipv4":
            address = fields[3].split("/")[0]
            if ipaddress.ip_address(address) not in lab:
                return address
    return None


def lab_nic(domain: str, host: str) -> str:
    """MAC of the VM's NIC on the lab network."""
    for line in virsh("domiflist", domain).stdout.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[2] == LAB_NETWORK:
            return fields[4]
    raise LabNotUpError(f"{host}: no NIC on the libvirt network {LAB_NETWORK!r} (virsh domiflist {domain})")


def set_link(domain: str, mac: str, up: bool) -> None:
    virsh("domif-setlink", domain, mac, "up" if up else "down")


def link_is_down(domain: str, mac: str) -> bool:
    return virsh("domif-getlink", domain, mac, check=False).stdout.strip().endswith("down")


def start(domain: str) -> None:
    virsh("start", domain)


def destroy(domain: str) -> None:
    """A hard power-off: QEMU is killed, the guest gets no chance to flush or shut down."""
    virsh("destroy", domain)


def domain_type(domain: str) -> str:
    """The hypervisor libvirt runs a domain on: `kvm` (hardware virtualisation) or `qemu` (software emulation)."""
    found = re.search(r"<domain type='(\w+)'", virsh("dumpxml", domain).stdout)
    return found.group(1) if found else "?"
