"""The lab's subnet: private, and used by nothing else on this machine (parsed from recorded output).

tests/data/ip_addr.json and ip_route.json are `ip -4 -j addr` and `ip -4 -j route show table all` of
a machine with a local lab up (its bridge pglab-br0 on 10.213.27.0/24); virsh_net_dumpxml.json holds
libvirt's default network, vagrant-libvirt's management network and the Vagrantfile's lab network.
"""

from __future__ import annotations

import json

import pytest

from pglab import subnets
from pglab.errors import ConfigError
from pglab.model import Lab
from tests.conftest import DATA

ADDRESSES = json.loads((DATA / "ip_addr.json").read_text())
ROUTES = json.loads((DATA / "ip_route.json").read_text())
LIBVIRT = json.loads((DATA / "virsh_net_dumpxml.json").read_text())


@pytest.mark.parametrize("subnet", ["8.8.8.0/24", "192.0.2.0/24", "100.64.0.0/24", "172.32.0.0/24", "11.0.0.0/24"])
def test_only_private_ranges(subnet):
    with pytest.raises(ConfigError, match="RFC 1918"):
        Lab(subnet=subnet)


@pytest.mark.parametrize("subnet", ["10.213.27.0/24", "172.16.5.0/24", "172.31.255.0/24", "192.168.77.0/25"])
def test_private_ranges_are_accepted(subnet):
    assert Lab(subnet=subnet).network.is_private


def test_the_labs_own_bridge_is_not_a_conflict():
    claims = subnets.claims_from_ip(ADDRESSES, ROUTES, {subnets.LAB_BRIDGE})
    assert subnets.conflicts("10.213.27.0/24", claims) == []
    subnets.check_free("10.213.27.0/24", claims=claims)


def test_the_machines_own_networks_conflict():
    claims = subnets.claims_from_ip(ADDRESSES, ROUTES, {subnets.LAB_BRIDGE})
    found = subnets.conflicts("192.0.2.0/24", claims)
    assert any(c.where.startswith("address 192.0.2.2/24 on eth0") for c in found)
    assert any(c.where == "route 192.0.2.0/24 dev eth0" for c in found)
    assert not any("default" in c.where for c in claims), "the default route overlaps everything: not a claim"


def test_another_bridge_on_the_subnet_conflicts():
    """The same recorded networks, seen by a lab whose bridge it is not (another tool's, say)."""
    claims = subnets.claims_from_ip(ADDRESSES, ROUTES, own_devices=())
    with pytest.raises(ConfigError, match="overlaps what this machine already uses.*pglab-br0"):
        subnets.check_free("10.213.0.0/16", claims=claims)


def test_a_vpn_route_conflicts():
    routes = [{"dst": "default", "gateway": "192.168.1.1", "dev": "wlan0"},
              {"dst": "10.0.0.0/8", "dev": "tun0", "scope": "link"},
              {"type": "blackhole", "dst": "172.20.0.0/16"}]
    claims = subnets.claims_from_ip([], routes)
    assert [c.where for c in subnets.conflicts("10.213.27.0/24", claims)] == ["route 10.0.0.0/8 dev tun0"]
    assert [c.where for c in subnets.conflicts("172.20.3.0/24", claims)] == ["route 172.20.0.0/16 (blackhole)"]
    assert subnets.conflicts("192.168.50.0/24", claims) == []


def test_libvirt_networks_conflict_except_the_labs_own():
    claims, own = subnets.claims_from_libvirt(LIBVIRT)
    assert own == {"virbr2"}
    assert {str(c.network): c.where for c in claims} == {"192.168.122.0/24": "libvirt network default",
                                                         "192.168.121.0/24": "libvirt network vagrant-libvirt"}
    assert subnets.conflicts("10.213.27.0/24", claims) == []
    assert [c.where for c in subnets.conflicts("192.168.121.0/25", claims)] == ["libvirt network vagrant-libvirt"]


def test_for_a_local_lab_the_vm_labs_network_is_someone_elses():
    claims, own = subnets.claims_from_libvirt(LIBVIRT, own=None)
    assert own == set()
    assert [c.where for c in subnets.conflicts("10.213.27.0/24", claims)] == ["libvirt network pglab"]


def test_same_network_in_two_spellings():
    assert subnets.same("10.213.27.0/24", "10.213.27.0/24 ")
    assert subnets.same("10.213.27.5/24", "10.213.27.0/24")
    assert not subnets.same("10.213.28.0/24", "10.213.27.0/24")
