"""The lab state folder: per-lab secrets, keys, recorded events and evidence.

Kept outside git (.pglab/ by default, PGLAB_HOME to move it); secrets are mode 0600.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from pglab import tls
from pglab.errors import ConfigError
from pglab.evidence.records import parse_jsonl

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATE = REPO_ROOT / ".pglab"
DB_ROLES = ("postgres", "replicator", "rewinder", "pgpool", "app", "pcp")
_GENERATE = threading.Lock()  # secrets and keys are generated once, even when hosts are set up in parallel
KNOWN_HOSTS_LOCK = threading.Lock()

# Written into the state folder when pglab makes it its own: `fab destroy` removes only folders with it.
MARKER = ".pglab-state"
MARKER_TEXT = "This folder holds a pglab lab's state; `fab destroy` removes what pglab made in it.\n"
# Everything pglab writes at the top of a state folder: `fab destroy` removes these names and nothing else.
OWN_NAMES = frozenset({MARKER, ".gitignore", "lab.json", "secrets.json", "secrets.json.tmp", "keys", "known_hosts",
                       "hosts", "evidence", "events.jsonl", "commands.log", "pgpass", "tls"})


def state_dir() -> Path:
    """The lab's state folder: PGLAB_HOME, else .pglab/ in the checkout."""
    home = os.environ.get("PGLAB_HOME")
    if home is None:
        return DEFAULT_STATE.resolve()
    if not home.strip():
        raise ConfigError("PGLAB_HOME is set but empty: unset it (the lab's state then goes to .pglab/ in the "
                          "checkout) or set it to a folder for the lab's state")
    return Path(home).resolve()


def foreign_state_root(root: Path) -> str | None:
    """Why `root` cannot be a pglab state folder (pglab would write into or delete from it), or None.

    Refused: /, the home folder, the checkout and every folder holding one of them, a file, and an
    existing non-empty folder without pglab's marker. The checkout's own .pglab/ from before the
    marker existed is accepted while it holds nothing but names pglab writes."""
    root = root.resolve()
    home = _home()
    if root == root.parent:
        return "it is the root folder"
    if home and (root == home or root in home.parents):
        return "it is your home folder, or holds it"
    if root == REPO_ROOT or root in REPO_ROOT.parents:
        return "it is the pglab checkout, or holds it"
    if root.exists() and not root.is_dir():
        return "it is not a folder"
    if not root.is_dir() or not os.access(root, os.R_OK | os.W_OK | os.X_OK):
        return None  # new (pglab makes it), or another user's (LabState.check says whose)
    if (root / MARKER).exists():
        return None
    names = {p.name for p in root.iterdir()}
    if not names or (root == DEFAULT_STATE.resolve() and names <= OWN_NAMES):
        return None
    return f"it holds files pglab did not make (it has no {MARKER} marker)"


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
        self._checked = False

    # -- layout ---------------------------------------------------------------
    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def known_hosts(self) -> Path:
        return self.root / "known_hosts"

    @property
    def tls_dir(self) -> Path:
        return self.root / "tls"

    @property
    def ca_path(self) -> Path:
        """The lab CA's certificate on this machine: what `fab dsn`'s sslrootcert names."""
        return self.tls_dir / "ca.crt"

    @property
    def hosts_dir(self) -> Path:
        return self.root / "hosts"

    @property
    def evidence_dir(self) -> Path:
        return self.root / "evidence"

    def check(self) -> None:
        """Raise ConfigError, changing nothing, unless the folder is pglab's (or new, or empty) and usable."""
        if self._checked:
            return
        why = foreign_state_root(self.root)
        if why:
            raise ConfigError(f"refusing {self.root} as the lab's state folder, nothing changed: {why}; set "
                              "PGLAB_HOME to a new or empty folder, or unset it (.pglab/ in the checkout)")
        if self.root.exists() and not os.access(self.root, os.R_OK | os.W_OK | os.X_OK):
            owner = _owner(self.root)
            raise ConfigError(f"the lab's state folder {self.root} belongs to {owner} and you may not use it: run "
                              f"as {owner} (e.g. sudo fab ...) or set PGLAB_HOME to a folder of your own")
        self._checked = True

    def ensure(self) -> None:
        self.check()
        for path in (self.root, self.keys_dir, self.evidence_dir):
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name, text in ((MARKER, MARKER_TEXT), (".gitignore", "*\n")):
            if not (self.root / name).exists():
                (self.root / name).write_text(text)

    def remove(self) -> list[str]:
        """Delete what pglab made in the folder, and the folder if nothing else is left; the names kept.

        Only the names pglab writes are removed: files someone else put there stay (and so does the
        marker with them, so the folder is still known as pglab's)."""
        self.check()
        if not self.root.is_dir():
            return []
        for path in self.root.iterdir():
            if path.name in OWN_NAMES and path.name != MARKER:
                _delete(path)
        left = sorted(p.name for p in self.root.iterdir() if p.name != MARKER)
        if not left:
            (self.root / MARKER).unlink(missing_ok=True)
            self.root.rmdir()
        return left

    # -- secrets --------------------------------------------------------------
    def secrets(self) -> Secrets:
        """Load the lab's secrets, generating them on first use."""
        self.ensure()
        path = self.root / "secrets.json"
        with _GENERATE:
            if not path.exists():
                data = {"passwords": {r: secrets.token_hex(16) for r in DB_ROLES},  # no leading "-" for tools
                        "pool_key": secrets.token_hex(24)}
                write_private(path, json.dumps(data, indent=2))
        data = json.loads(path.read_text())
        return Secrets(passwords=data["passwords"], pool_key=data["pool_key"])

    def ca(self) -> tls.CertKey:
        """The lab's certificate authority, made on first use (its key never leaves this machine)."""
        return self._cert_key("ca", lambda: tls.new_ca(secrets.token_hex(4)))

    def server_tls(self, name: str, address: str) -> tls.CertKey:
        """A host's server certificate and key, signed by the lab CA, made on first use (or anew when
        the host's name or address is not what it names)."""
        ca = self.ca()
        pair = self._cert_key(name, lambda: tls.server_cert(ca, name, address))
        if tls.names_of(pair.cert) != ({name}, {address}):
            (self.tls_dir / f"{name}.crt").unlink()
            pair = self._cert_key(name, lambda: tls.server_cert(ca, name, address))
        return pair

    def libpq_tls(self) -> dict[str, str]:
        """libpq parameters for a connection from this machine: verify-full against the lab CA's file here."""
        self.ca()
        return tls.verify_full(str(self.ca_path))

    def _cert_key(self, name: str, make: Callable[[], tls.CertKey]) -> tls.CertKey:
        self.ensure()
        cert, key = self.tls_dir / f"{name}.crt", self.tls_dir / f"{name}.key"
        with _GENERATE:
            if not cert.exists():
                self.tls_dir.mkdir(mode=0o700, exist_ok=True)
                made = make()
                write_private(key, made.key)
                cert.write_text(made.cert)  # the key first: a certificate is never there without its key
        return tls.CertKey(cert.read_text(), key.read_text())

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
        write_private(private, pem)
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


def _delete(path: Path) -> None:
    """A file, a symlink (not what it points to) or a folder tree."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (KeyError, RuntimeError):  # no HOME and no passwd entry
        return None


def _owner(path: Path) -> str:
    try:
        return path.owner()
    except (KeyError, OSError):
        return f"user id {path.stat().st_uid}"


def write_private(path: Path, text: str) -> None:
    """Write a mode-0600 file atomically: readers see the old content or the whole new one."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)
