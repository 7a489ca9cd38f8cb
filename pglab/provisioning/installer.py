"""Install rendered files on a host in one round trip: a tar with modes and owners, unpacked at /."""

from __future__ import annotations

import hashlib
import io
import shlex
import tarfile
import time

from pglab.provisioning.files import HostFile
from pglab.remote import HostShell


def _tar(files: list[HostFile]) -> bytes:
    buf = io.BytesIO()
    now = time.time()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for f in files:
            data = f.content.encode()
            info = tarfile.TarInfo(f.path.lstrip("/"))
            info.size, info.mode, info.uname, info.gname, info.mtime = len(data), f.mode, f.owner, f.owner, now
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def install_files(shell: HostShell, files: list[HostFile], step: str) -> list[str]:
    """Install files whose content differs from what the host has; return the paths changed."""
    wanted = {f.path: hashlib.sha256(f.content.encode()).hexdigest() for f in files}
    paths = " ".join(shlex.quote(p) for p in wanted)
    have = shell.run(f"sha256sum {paths} 2>/dev/null || true", step=step).stdout
    current = {line.split()[1]: line.split()[0] for line in have.splitlines() if len(line.split()) == 2}
    changed = [f for f in files if current.get(f.path) != wanted[f.path]]
    if changed:
        tmp = shell.put_private(_tar(changed), step=step)  # keys and passwords inside: root's eyes only
        parents = sorted({f.path.rsplit("/", 1)[0]: f.owner for f in changed}.items())
        mkdirs = " && ".join(f"install -d -m 700 -o {owner} -g {owner} {shlex.quote(d)}" if d.endswith("/.ssh")
                             else f"mkdir -p {shlex.quote(d)}" for d, owner in parents)  # sshd wants .ssh private
        shell.run(f"{mkdirs} && tar -xpmf {tmp} -C / --same-owner --overwrite; rc=$?; "
                  f"rm -f {tmp}; exit $rc", step=step)
    return [f.path for f in changed]
