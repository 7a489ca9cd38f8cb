"""The lab's own certificate authority and its servers' certificates (pure: PEM text in, PEM text out).

One CA per lab, made with the lab's other secrets and kept in its state folder; it signs one
certificate per PostgreSQL node and one for pgpool, each naming the host and its lab address
(subjectAltName), so libpq's `sslmode=verify-full` checks both the chain and the name.
Keys are ECDSA P-256: a handshake costs a fraction of an RSA one.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650  # the CA outlives any lab made with it
SERVER_DAYS = 825  # the longest server lifetime TLS clients accept without complaint


@dataclass(frozen=True)
class HostTls:
    """Where the TLS files are on every host (the same on namespaces and VMs)."""

    ca: str = "/etc/pglab/tls/ca.crt"  # every host: the lab CA, what clients and servers verify against
    cert: str = "/etc/pglab/tls/server.crt"  # PostgreSQL nodes and pgpool: the host's own certificate
    key: str = "/etc/pglab/tls/server.key"  # ... and its key, 0600, owned by postgres

    @property
    def libpq(self) -> str:
        """What every libpq connection between the lab's hosts adds to its conninfo."""
        return " ".join(f"{k}={v}" for k, v in verify_full(self.ca).items())


def verify_full(rootcert: str) -> dict[str, str]:
    """libpq parameters: TLS, the server's certificate checked against the lab CA and its name (or address)
    against the host connected to."""
    return {"sslmode": "verify-full", "sslrootcert": rootcert}


HOST_TLS = HostTls()


@dataclass(frozen=True)
class CertKey:
    cert: str  # PEM
    key: str  # PEM, PKCS#8, unencrypted (the servers read it at start without a passphrase)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def new_ca(lab_id: str) -> CertKey:
    """A self-signed CA certificate that may sign server certificates only (path length 0)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pglab"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"pglab lab CA {lab_id}")])
    start = _now() - datetime.timedelta(minutes=5)  # hosts' clocks may lag this machine's a little
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return CertKey(cert.public_bytes(serialization.Encoding.PEM).decode(), _key_pem(key))


def server_cert(ca: CertKey, name: str, address: str) -> CertKey:
    """A server certificate for one host, signed by the lab CA: subjectAltName = its name and address."""
    ca_cert = x509.load_pem_x509_certificate(ca.cert.encode())
    ca_key = serialization.load_pem_private_key(ca.key.encode(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    start = _now() - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pglab"),
                                     x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name),
                                                        x509.IPAddress(ipaddress.ip_address(address))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return CertKey(cert.public_bytes(serialization.Encoding.PEM).decode(), _key_pem(key))


def names_of(cert_pem: str) -> tuple[set[str], set[str]]:
    """(DNS names, IP addresses) a certificate is valid for."""
    san = x509.load_pem_x509_certificate(cert_pem.encode()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    return set(san.get_values_for_type(x509.DNSName)), {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
