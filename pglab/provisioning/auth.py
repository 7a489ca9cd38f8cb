"""Password forms the servers store: SCRAM-SHA-256 verifiers for PostgreSQL, md5 for pcp.conf."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os


def scram_verifier(password: str, iterations: int = 4096, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL keeps in pg_authid (RFC 5803 form)."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored_key = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def pcp_md5(password: str) -> str:
    """pcp.conf accepts only md5(password) in hex."""
    return hashlib.md5(password.encode()).hexdigest()
