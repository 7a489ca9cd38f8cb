"""The lab state folder: per-lab secrets, keys, recorded events and evidence.

Kept outside git (.pglab/ by default, PGLAB_HOME to move it); secrets are mode 0600.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from pglab.evidence.records import parse_jsonl

REPO_ROOT = Path(__file__).resolve().parent.parent
DB_ROLES = ("postgres", "replicator", "rewinder", "pgpool", "app", "pcp")
_GENERATE = threading.Lock()  # secrets and keys are generated once, even when hosts are set up in parallel
KNOWN_HOSTS_LOCK = threading.Lock()


def state_dir() -> Path:
    return Path(os.environ.get("PGLAB_HOME", REPO_ROOT / ".pglab")).resolve()


@dataclass(frozen=True)
class KeyPair:
    private_path: Path
    public_line: str


@dataclass(frozen=True)
class Secrets:
    """Passwords generated once per lab; never committed, never printed in full."""

    passwords: dict[str, str]
    pool_key: str  # pgpool's AES key for pool_passwd

    def password(self, role: str) -> str:
        return self.passwords[role]


class LabState:
    """Paths and records of one lab instance."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or state_dir()

    # -- layout ---------------------------------------------------------------
    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def known_hosts(self) -> Path:
        return self.root / "known_hosts"

    @property
    def hosts_dir(self) -> Path:
        return self.root / "hosts"

    @property
    def evidence_dir(self) -> Path:
        return self.root / "evidence"

    def ensure(self) -> None:
        for path in (self.root, self.keys_dir, self.evidence_dir):
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        gitignore = self.root / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")

    # -- secrets --------------------------------------------------------------
    def secrets(self) -> Secrets:
        """Load the lab's secrets, generating them on first use."""
        self.ensure()
        path = self.root / "secrets.json"
        with _GENERATE:
            if not path.exists():
                data = {"passwords": {r: secrets.token_hex(16) for r in DB_ROLES},  # no leading "-" for tools
                        "pool_key": secrets.token_hex(24)}
                _write_private(path, json.dumps(data, indent=2))
        data = json.loads(path.read_text())
        return Secrets(passwords=data["passwords"], pool_key=data["pool_key"])

    def key_pair(self, name: str) -> KeyPair:
        """An ed25519 key pair of the lab (e.g. 'lab' for root logins, 'postgres' for failover)."""
        self.ensure()
        private = self.keys_dir / f"{name}_ed25519"
        public = private.with_suffix(".pub")
        with _GENERATE:
            if not private.exists():
                self._generate_key(private, public, name)
        return KeyPair(private, public.read_text().strip())

    @staticmethod
    def _generate_key(private: Path, public: Path, name: str) -> None:
        pem, pub = new_ed25519_key()
        _write_private(private, pem)
        public.write_text(f"{pub} pglab-{name}\n")

    def add_known_host(self, names: list[str], public_key: str) -> None:
        """Record a host's SSH key under all its names (replacing an older entry for the host)."""
        self.ensure()
        path = self.known_hosts
        with KNOWN_HOSTS_LOCK:  # hosts are trusted side by side
            lines = [ln for ln in (path.read_text().splitlines() if path.exists() else [])
                     if not ln.startswith(f"{names[0]},")]
            lines.append(f"{','.join(names)} {public_key}")
            path.write_text("\n".join(lines) + "\n")

    # -- events ---------------------------------------------------------------
    def record_event(self, kind: str, ts: float | None = None, **details: object) -> dict:
        """Append a timestamped event (power-off, failover done, ...) to events.jsonl."""
        self.ensure()
        event = {"ts": ts or time.time(), "event": kind, **details}
        with open(self.root / "events.jsonl", "a") as fh:
            fh.write(json.dumps(event) + "\n")
        return event

    def events(self) -> list[dict]:
        path = self.root / "events.jsonl"
        if not path.exists():
            return []
        return parse_jsonl(path.read_bytes())

    def last_event(self, *kinds: str) -> dict | None:
        matching = [e for e in self.events() if e["event"] in kinds]
        return matching[-1] if matching else None

    def save_json(self, name: str, data: object) -> Path:
        self.ensure()
        path = self.evidence_dir / name
        path.write_text(json.dumps(data, indent=2, default=str))
        return path

    def load_json(self, name: str, default: object = None) -> object:
        path = self.evidence_dir / name
        return json.loads(path.read_text()) if path.exists() else default

    def reset_records(self) -> None:
        """Forget events and evidence of an earlier run (a new lab starts a new story)."""
        (self.root / "events.jsonl").unlink(missing_ok=True)
        for path in self.evidence_dir.glob("*") if self.evidence_dir.exists() else ():
            if path.is_file():
                path.unlink()


def new_ed25519_key() -> tuple[str, str]:
    """A fresh ed25519 key: (private key in OpenSSH PEM form, public key line)."""
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                            serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return pem.decode(), pub.decode()


def _write_private(path: Path, text: str) -> None:
    """Write a mode-0600 file atomically: readers see the old content or the whole new one."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)
