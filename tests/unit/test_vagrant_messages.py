"""What vagrant says when a piece of the VM path is missing, turned into one line for the user."""

from __future__ import annotations

from pglab.providers.vagrant import explain_vagrant_failure

PLUGIN_MISSING = """The provider 'libvirt' could not be found, but was requested to
back the machine 'pg-a'. Please use a provider that exists.

Vagrant knows about the following providers: docker, hyperv, virtualbox"""

LIBVIRTD_DOWN = """Error while connecting to Libvirt: Error making a connection to libvirt URI qemu:///system:
Call to virConnectOpen failed: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"""

BOX_UNREACHABLE = """Bringing machine 'pg-a' up with 'libvirt' provider...
==> pg-a: Box 'pglab/no-such-box' could not be found. Attempting to find and install...
An error occurred while downloading the remote file. The error
message, if any, is reproduced below. Please fix this error and try
again.

Could not resolve host: vagrantcloud.com"""


def test_each_known_failure_gets_its_remedy():
    assert "apt-get install vagrant-libvirt" in explain_vagrant_failure(PLUGIN_MISSING)
    assert "systemctl start libvirtd" in explain_vagrant_failure(LIBVIRTD_DOWN)
    assert "provision/build-box.sh" in explain_vagrant_failure(BOX_UNREACHABLE)


def test_an_unknown_failure_quotes_vagrant_on_one_line():
    line = explain_vagrant_failure("something odd\nhappened here\n")
    assert line == "vagrant failed: something odd | happened here" and "\n" not in line
