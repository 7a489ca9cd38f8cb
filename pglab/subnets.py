"""Which subnets the lab may use: private ones (RFC 1918) that no network of this machine uses.

The parsing is pure (JSON of `ip -j addr` / `ip -j route`, XML of `virsh net-dumpxml`) and tested
against recorded output in tests/data; `check_free` reads this machine's own.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from pglab.errors import ConfigError

PRIVATE = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
LAB_BRIDGE = "pglab-br0"  # the local provider's bridge: its address and routes are the lab's own
LAB_LIBVIRT_NETWORK = "pglab"  # the Vagrantfile's lab network (libvirt__network_name)


@dataclass(frozen=True)
class Claim:
    """A network this machine already uses, and where it was seen."""

    network: ipaddress.IPv4Network
    where: str


def require_private(net: ipaddress.IPv4Network) -> None:
    if not any(net.subnet_of(p) for p in PRIVATE):
        raise ConfigError(f"lab subnet {net} is not a private range (RFC 1918): use one inside "
                          f"{', '.join(map(str, PRIVATE))} (PGLAB_SUBNET)")


def same(a: str, b: str) -> bool:
    """Whether two spellings name the same network (a spelling that is no network is compared as text)."""
    try:
        return ipaddress.ip_network(a, strict=False) == ipaddress.ip_network(b, strict=False)
    except ValueError:
        return a.strip() == b.strip()


def claims_from_ip(addresses: list[dict], routes: list[dict], own_devices: Iterable[str] = ()) -> list[Claim]:
    """IPv4 networks of this machine's addresses and routes (`ip -j addr`, `ip -j route`), except the
    default route and whatever is on the lab's own devices."""
    own = set(own_devices)
    claims = []
    for link in addresses:
        if link.get("ifname") in own:
            continue
        for info in link.get("addr_info", []):
            if info.get("family") == "inet":
                net = ipaddress.IPv4Interface(f"{info['local']}/{info['prefixlen']}").network
                claims.append(Claim(net, f"address {info['local']}/{info['prefixlen']} on {link.get('ifname')}"))
    for route in routes:
        dst = route.get("dst", "default")
        if dst == "default" or route.get("dev") in own:
            continue
        try:
            net = ipaddress.IPv4Network(dst, strict=False)
        except ValueError:
            continue  # IPv6, or a form that is no IPv4 network
        via = f" dev {route['dev']}" if route.get("dev") else f" ({route.get('type', 'route')})"
        claims.append(Claim(net, f"route {dst}{via}"))
    return claims


def claims_from_libvirt(networks: dict[str, str],
                        own: str | None = LAB_LIBVIRT_NETWORK) -> tuple[list[Claim], set[str]]:
    """libvirt networks (name -> `virsh net-dumpxml` XML): the ranges of all but the lab's own network
    `own`, and that network's bridge (its routes are the lab's)."""
    claims, own_bridges = [], set()
    for name, xml in networks.items():
        root = ET.fromstring(xml)
        bridge = root.find("bridge")
        if name == own:
            if bridge is not None and bridge.get("name"):
                own_bridges.add(bridge.get("name"))
            continue
        for ip in root.findall("ip"):
            if ip.get("family", "ipv4") != "ipv4" or not ip.get("address"):
                continue
            mask = ip.get("prefix") or ip.get("netmask") or "24"
            net = ipaddress.IPv4Interface(f"{ip.get('address')}/{mask}").network
            claims.append(Claim(net, f"libvirt network {name}"))
    return claims, own_bridges


def conflicts(subnet: str, claims: Iterable[Claim]) -> list[Claim]:
    net = ipaddress.IPv4Network(subnet)
    return [c for c in claims if c.network.overlaps(net)]


def _run(*argv: str) -> str | None:
    try:
        proc = subprocess.run(list(argv), capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def machine_claims(provider: str) -> list[Claim]:
    """The networks this machine uses now, but the lab's own: the bridge pglab-br0 for the local provider,
    the libvirt network `pglab` for VMs (nothing from a tool that is missing or refuses)."""
    networks = {}
    for name in (_run("virsh", "-c", "qemu:///system", "net-list", "--all", "--name") or "").split():
        xml = _run("virsh", "-c", "qemu:///system", "net-dumpxml", name)
        if xml:
            networks[name] = xml
    vms = provider == "vagrant"
    claims, own_bridges = claims_from_libvirt(networks, LAB_LIBVIRT_NETWORK if vms else None)
    addresses, routes = _run("ip", "-4", "-j", "addr"), _run("ip", "-4", "-j", "route", "show", "table", "all")
    if addresses and routes:
        claims += claims_from_ip(json.loads(addresses), json.loads(routes), own_bridges if vms else {LAB_BRIDGE})
    return claims


def check_free(subnet: str, provider: str = "local", claims: list[Claim] | None = None) -> None:
    """Raise ConfigError if a network of this machine (not the lab's own) overlaps the lab's subnet."""
    found = conflicts(subnet, machine_claims(provider) if claims is None else claims)
    if found:
        seen = "; ".join(list(dict.fromkeys(c.where for c in found))[:3])
        raise ConfigError(f"lab subnet {subnet} overlaps what this machine already uses ({seen}): choose another "
                          "private range with PGLAB_SUBNET, e.g. PGLAB_SUBNET=10.213.99.0/24")
