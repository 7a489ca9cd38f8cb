"""Run commands on lab hosts over SSH (Fabric), the same way for every provider.

Every command is logged to the lab's commands.log with host, user, exit code, duration and
the tail of its output, so a failed step can be explained and a report can list what ran.
"""

from __future__ import annotations

import io
import json
import posixpath
import shlex
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TypeVar

import paramiko
from fabric import Config, Connection
from invoke.exceptions import CommandTimedOut

from pglab.errors import LabNotUpError, RemoteCommandError
from pglab.providers.base import SshTarget
from pglab.state import LabState

T = TypeVar("T")


@dataclass(frozen=True)
class Result:
    host: str
    command: str
    exit_code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


class HostShell:
    """Commands and files on one host, as root or another user, over one cached SSH connection.

    A host that loses power mid-command sends nothing more: SSH keepalives every second and
    TCP_USER_TIMEOUT on the socket make such a command fail after `dead_after_s` instead of
    hanging until the kernel's retransmissions give up (~15 minutes).
    """

    def __init__(self, target: SshTarget, state: LabState, dead_after_s: int = 10, command_s: float = 300) -> None:
        self.target, self.state, self.dead_after_s, self.command_s = target, state, dead_after_s, command_s
        self.name = target.host
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _socket(self) -> socket.socket:
        sock = socket.create_connection((self.target.address, self.target.port), timeout=self.dead_after_s)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, self.dead_after_s * 1000)
        return sock

    @property
    def connection(self) -> Connection:
        if self._conn is not None and not (self._conn.transport and self._conn.transport.is_active()):
            self._drop()  # died since its last use (the host was power-cycled): connect afresh
        if self._conn is None:
            config = Config(overrides={"load_ssh_configs": False, "run": {"hide": True, "warn": True}})
            conn = Connection(self.target.address, user=self.target.user, port=self.target.port, config=config,
                              connect_timeout=self.dead_after_s,
                              connect_kwargs={"key_filename": str(self.target.key_file), "look_for_keys": False,
                                              "allow_agent": False, "banner_timeout": self.dead_after_s,
                                              "auth_timeout": self.dead_after_s, "sock": self._socket()})
            if self.target.known_hosts is not None:
                conn.client.load_host_keys(str(self.target.known_hosts))
                conn.client.set_missing_host_key_policy(paramiko.RejectPolicy())
            else:
                conn.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
            conn.open()
            conn.transport.set_keepalive(1)
            self._conn = conn
        return self._conn

    @contextmanager
    def _reachable(self, step: str) -> Iterator[None]:
        """Turn a lost or refused connection into one line naming the host and what to do."""
        try:
            yield
        except (OSError, EOFError, paramiko.SSHException) as exc:
            self._drop()
            during = f" during '{step}'" if step else ""
            raise LabNotUpError(f"{self.name}: no SSH answer at {self.target.address}{during} ({exc or 'closed'}); "
                                f"powered off or cut off? `fab status`, `fab poweron {self.name}` if it is off, "
                                "then run the command again") from None

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is dropped either way
                pass

    def run(self, command: str, *, user: str = "root", step: str = "", check: bool = True,
            timeout: float | None = None, redact: tuple[str, ...] = ()) -> Result:
        """Run a shell command; raise RemoteCommandError (host, step, exit code, output tail) if it fails.

        It is given up after `timeout` seconds (default: the timing profile's `command_s`).

        Strings in `redact` (passwords) never reach the command log or error messages.
        """
        wrapped = command if user == "root" else f"runuser -l {user} -c {shlex.quote(command)}"
        timeout = timeout or self.command_s
        started = time.time()
        try:
            with self._lock, self._reachable(step):
                raw = self.connection.run(wrapped, timeout=timeout, in_stream=False)
                if raw.exited == -1 and not (self._conn and self._conn.is_connected):
                    raise EOFError("the connection died while the command ran")
            result = Result(self.name, command, raw.exited, raw.stdout, raw.stderr)
        except CommandTimedOut:
            result = Result(self.name, command, 124, "", f"timed out after {timeout} s")
            self._drop()
        logged = result
        for secret in redact:
            logged = Result(self.name, logged.command.replace(secret, "***"), logged.exit_code,
                            logged.stdout.replace(secret, "***"), logged.stderr.replace(secret, "***"))
        self._log(user, logged, time.time() - started, step)
        if check and not result.ok:
            raise RemoteCommandError(self.name, logged.command, result.exit_code, logged.stdout + logged.stderr, step)
        return result

    def _upload(self, data: bytes, path: str) -> None:
        """Bytes over SFTP into `path`. A new file would get sftp-server's 0666 & umask (0644): only
        put_private's files, created 0600 beforehand, are written this way (an existing file keeps its mode)."""
        with self._lock, self._reachable(f"upload {path}"):
            self.connection.put(io.BytesIO(data), path)

    def put_private(self, data: bytes, directory: str = "/tmp", *, step: str = "") -> str:
        """Upload into a new file only root can read, from its creation on (mktemp: 0600, O_EXCL, so
        safe in /tmp too); return its path. The caller moves or removes it."""
        path = self.run(f"mktemp {shlex.quote(directory.rstrip('/'))}/.pglab-XXXXXXXX", step=step or "temp file"
                        ).stdout.strip()
        try:
            self._upload(data, path)
        except Exception:
            with suppress(LabNotUpError):  # the host is gone: the empty or partial file is private anyway
                self.run(f"rm -f {shlex.quote(path)}", step=step, check=False)
            raise
        return path

    def put_text(self, text: str, path: str, *, mode: int = 0o644, owner: str = "root") -> None:
        """Write a file atomically with the given mode and owner: a private temp file beside it (never
        readable by others while it fills), then mode, owner and a rename."""
        step = f"install {path}"
        tmp = shlex.quote(self.put_private(text.encode(), posixpath.dirname(path) or "/", step=step))
        self.run(f"chmod {mode:o} {tmp} && chown {owner}: {tmp} && mv -f {tmp} {shlex.quote(path)}", step=step)

    def read_text(self, path: str) -> str:
        return self.run(f"cat {shlex.quote(path)}", step=f"read {path}").stdout

    def read_bytes(self, path: str) -> bytes | None:
        """A whole file over SFTP (far faster than a command's output for megabytes); None if absent."""
        buffer = io.BytesIO()
        with self._lock, self._reachable(f"download {path}"):
            try:
                self.connection.get(path, buffer)
            except FileNotFoundError:
                return None
        return buffer.getvalue()

    def close(self) -> None:
        self._drop()

    def _log(self, user: str, result: Result, seconds: float, step: str) -> None:
        self.state.ensure()
        entry = {"ts": round(time.time(), 3), "host": self.name, "user": user, "step": step,
                 "command": result.command, "exit": result.exit_code, "seconds": round(seconds, 3),
                 "output_tail": (result.stdout + result.stderr)[-400:]}
        with open(self.state.root / "commands.log", "a") as fh:
            fh.write(json.dumps(entry) + "\n")


def fan_out(items: Iterable[T], action: Callable[[T], object]) -> list[object]:
    """Run an action for several hosts at once; re-raise the first failure after all have finished."""
    items = list(items)
    with ThreadPoolExecutor(max_workers=max(1, len(items))) as pool:
        futures = [pool.submit(action, item) for item in items]
    errors = [f.exception() for f in futures if f.exception()]
    if errors:
        raise errors[0]  # type: ignore[misc]
    return [f.result() for f in futures]
