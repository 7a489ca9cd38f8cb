"""The lab CA and its certificates, and TLS in every rendered configuration and host script."""

from __future__ import annotations

import datetime
import re
import socket
import ssl
import stat
import threading
from pathlib import Path

import pytest
from cryptography import x509

from pglab import tls
from pglab.model import Lab
from pglab.provisioning import files
from pglab.state import LabState
from pglab.templates import script as host_script
from pglab.workload import program_source
from tests.unit.test_rendering import SECRETS, settings


@pytest.fixture(scope="module")
def lab_tls(tmp_path_factory) -> tuple[LabState, Lab]:
    state = LabState(tmp_path_factory.mktemp("state") / "lab")
    lab = Lab()
    for host in (*lab.pg_hosts, lab.host("pgpool")):
        state.server_tls(host.name, host.address)
    return state, lab


def cert(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


# -- the certificates ---------------------------------------------------------------------
def test_the_ca_is_made_once_per_lab_and_signs_only_server_certificates(lab_tls):
    state, _ = lab_tls
    ca = cert(state.ca().cert)
    assert state.ca() == state.ca()  # generated once, then read back
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    other = LabState(state.root.parent / "other")
    assert cert(other.ca().cert).public_key() != ca.public_key()  # another lab, another CA


def test_each_server_certificate_names_its_host_and_address_and_chains_to_the_lab_ca(lab_tls):
    state, lab = lab_tls
    ca = cert(state.ca().cert)
    for host in (*lab.pg_hosts, lab.host("pgpool")):
        pair = state.server_tls(host.name, host.address)
        assert tls.names_of(pair.cert) == ({host.name}, {host.address})
        server = cert(pair.cert)
        server.verify_directly_issued_by(ca)
        assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        now = datetime.datetime.now(datetime.UTC)
        assert server.not_valid_before_utc <= now < server.not_valid_after_utc
        assert datetime.timedelta(days=800) < server.not_valid_after_utc - now <= datetime.timedelta(days=825)
    assert datetime.timedelta(days=3600) < cert(state.ca().cert).not_valid_after_utc - now


def test_a_certificate_for_an_old_address_is_made_anew(lab_tls):
    state, _ = lab_tls
    first = state.server_tls("pg-x", "10.213.27.99")
    assert state.server_tls("pg-x", "10.213.27.99") == first
    moved = state.server_tls("pg-x", "10.213.27.98")
    assert tls.names_of(moved.cert) == ({"pg-x"}, {"10.213.27.98"})


def test_keys_on_this_machine_are_private_and_the_folder_is_pglabs(lab_tls):
    state, _ = lab_tls
    assert stat.S_IMODE(state.tls_dir.stat().st_mode) == 0o700
    keys = sorted(state.tls_dir.glob("*.key"))
    assert {k.stem for k in keys} >= {"ca", "pg-a", "pg-b", "pg-c", "pgpool"}
    assert all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)
    gone = LabState(state.root.parent / "destroyed")
    gone.ca()
    assert gone.remove() == [] and not gone.root.exists()  # destroy takes the CA along


def handshake(ca_pem: str, pair: tls.CertKey, server_name: str, tmp: Path) -> None:
    """A real TLS handshake over loopback: server with `pair`, client verifying chain and name like
    libpq's verify-full (OpenSSL hostname check, an address against the IP SANs)."""
    (tmp / "ca.crt").write_text(ca_pem)
    (tmp / "s.crt").write_text(pair.cert)
    (tmp / "s.key").write_text(pair.key)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp / "s.crt", tmp / "s.key")
    client_ctx = ssl.create_default_context(cafile=str(tmp / "ca.crt"))
    listener = socket.create_server(("127.0.0.1", 0))
    errors: list[Exception] = []

    def serve() -> None:
        conn, _ = listener.accept()
        try:
            server_ctx.wrap_socket(conn, server_side=True).close()
        except (ssl.SSLError, OSError) as exc:
            errors.append(exc)
    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with socket.create_connection(listener.getsockname()) as raw:
            client_ctx.wrap_socket(raw, server_hostname=server_name).close()
    finally:
        thread.join(5)
        listener.close()


def test_openssl_accepts_the_name_and_the_address_and_refuses_another_name_or_ca(lab_tls, tmp_path):
    state, lab = lab_tls
    pg_a = lab.host("pg-a")
    pair = state.server_tls(pg_a.name, pg_a.address)
    handshake(state.ca().cert, pair, "pg-a", tmp_path)
    handshake(state.ca().cert, pair, pg_a.address, tmp_path)
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch|IP address mismatch"):
        handshake(state.ca().cert, pair, "pg-b", tmp_path)
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"):
        handshake(tls.new_ca("another").cert, pair, "pg-a", tmp_path)


# -- what the hosts get ---------------------------------------------------------------------
def test_keys_land_on_hosts_0600_owned_by_postgres_and_every_host_has_the_ca(lab_tls):
    state, lab = lab_tls
    server = {f.path: f for f in files.server_tls_files(state.server_tls("pg-a", lab.host("pg-a").address))}
    assert (server[tls.HOST_TLS.key].mode, server[tls.HOST_TLS.key].owner) == (0o600, "postgres")
    assert "PRIVATE KEY" in server[tls.HOST_TLS.key].content
    assert server[tls.HOST_TLS.cert].mode == 0o644 and "PRIVATE" not in server[tls.HOST_TLS.cert].content
    common = {f.path: f for f in files.common_files(lab, state.ca().cert)}
    assert common[tls.HOST_TLS.ca].content == state.ca().cert and "PRIVATE" not in common[tls.HOST_TLS.ca].content
    assert all(state.ca().key not in f.content for f in common.values())  # the CA's key stays on this machine


def test_postgresql_takes_network_logins_over_tls_only():
    lab = Lab()
    conf = settings(files.cluster_config_files(lab, lab.host("pg-b"))[0].content)
    assert conf["ssl"] == "on"
    assert (conf["ssl_cert_file"], conf["ssl_key_file"]) == (tls.HOST_TLS.cert, tls.HOST_TLS.key)
    rules = [ln.split() for ln in files.pg_hba_file(lab).content.splitlines() if ln.strip() and ln[0] != "#"]
    assert {r[0] for r in rules} == {"local", "hostssl"}
    plain = [ln.split() for ln in files.pg_hba_file(lab, tls=False).content.splitlines() if ln.strip() and ln[0] != "#"]
    assert {r[0] for r in plain} == {"local", "host"}  # the benchmark's switch, and nothing but the kind changes
    assert [r[1:] for r in plain] == [r[1:] for r in rules]


def test_pgpool_serves_tls_and_verifies_the_backends_against_the_lab_ca():
    lab = Lab()
    conf_file, hba_file = files.pgpool_config_files(lab)
    conf = settings(conf_file.content)
    assert conf["ssl"] == "on" and conf["ssl_ca_cert"] == tls.HOST_TLS.ca
    assert (conf["ssl_cert"], conf["ssl_key"]) == (tls.HOST_TLS.cert, tls.HOST_TLS.key)
    rules = [ln.split() for ln in hba_file.content.splitlines() if ln.strip() and ln[0] != "#"]
    assert {r[0] for r in rules} == {"local", "hostssl"}
    assert settings(files.pgpool_config_files(lab, tls=False)[0].content)["ssl"] == "off"
    on_host = {f.path for f in files.pgpool_host_files(lab, SECRETS, "KEY", "")}
    assert {conf_file.path, hba_file.path} <= on_host


def test_replication_rewind_and_clone_connections_verify_the_server():
    lab = Lab()
    for host in lab.pg_hosts:
        for role in files.role_files(lab, host):
            if "standby-of" in role.path:
                conninfo = settings(role.content)["primary_conninfo"]
                assert f"sslmode=verify-full sslrootcert={tls.HOST_TLS.ca}" in conninfo, role.path
    env = next(f.content for f in files.common_files(lab, "CA") if f.path == "/etc/pglab/pglab.env")
    assert f'PG_TLS="sslmode=verify-full sslrootcert={tls.HOST_TLS.ca}"' in env
    node = host_script("pglab-node")
    remote = [ln for ln in node.splitlines() if re.search(r"host=\$", ln)]  # every libpq connection to another node
    assert len(remote) == 5 and all("$PG_TLS" in ln for ln in remote), remote
    assert "pg_basebackup -h" not in node  # its connection string carries $PG_TLS too


def test_the_clients_verify_pgpool():
    conninfo = re.search(r'CONNINFO = \((.*?)\)\n', program_source(), re.S).group(1)
    assert "sslmode={sslmode} sslrootcert={sslrootcert}" in conninfo
    assert '"--sslmode", default="verify-full"' in program_source()
    assert f'"--sslrootcert", default="{tls.HOST_TLS.ca}"' in program_source()
