"""PID 1 of a local-provider host: mounts the host's own files, starts sshd and the boot script.

Runs inside fresh pid, mount, uts and ipc namespaces (and the host's network namespace).
Standard library only. Killing this process with SIGKILL from outside is the power cut:
the kernel then kills every process of the host at the same instant.
"""

from __future__ import annotations

import argparse
import os
import pwd
import socket
import subprocess
import sys
import time

# Paths each host owns (bind-mounted from its folder); everything else comes from the machine. /root too,
# as on a VM: the machine's root shell start-up (a pyenv's rehash lock, say) must not run in every SSH
# command on a host - a host powered off mid-rehash left the lock behind, and every later command on
# every host waited 60 s for it.
PER_HOST_DIRS = ("etc/pglab", "etc/postgresql", "etc/pgpool2", "var/lib/postgresql", "var/log", "home", "root")
PER_HOST_FILES = ("etc/hosts", "etc/hostname")
TMPFS_DIRS = ("run", "tmp", "dev/shm")


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} init: {message}", flush=True)


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def mount_host_files(root: str) -> None:
    for rel in PER_HOST_DIRS:
        os.makedirs("/" + rel, exist_ok=True)  # an empty mount point on the machine, e.g. /etc/pglab
    for rel in PER_HOST_DIRS + PER_HOST_FILES:
        mount("--bind", os.path.join(root, rel), "/" + rel)
    for rel in TMPFS_DIRS:
        mount("-t", "tmpfs", "-o", "mode=1777" if rel != "run" else "mode=755", "tmpfs", "/" + rel)
    postgres = pwd.getpwnam("postgres")
    for path, uid, gid, mode in (("/run/sshd", 0, 0, 0o755),
                                 ("/run/postgresql", postgres.pw_uid, postgres.pw_gid, 0o2775),
                                 ("/run/pglab", 0, 0, 0o755)):
        os.makedirs(path, exist_ok=True)
        os.chown(path, uid, gid)
        os.chmod(path, mode)


def spawn(argv: list[str], logfile: str) -> subprocess.Popen:
    out = open(logfile, "ab")
    return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def reap_forever(sshd_argv: list[str]) -> None:
    """Reap every orphan, as an init must; restart sshd if it dies."""
    sshd = spawn(sshd_argv, "/var/log/sshd.log")
    while True:
        try:
            pid, _ = os.waitpid(-1, 0)
        except ChildProcessError:
            time.sleep(1)
            continue
        if pid == sshd.pid:
            log("sshd exited; starting it again")
            time.sleep(0.5)
            sshd = spawn(sshd_argv, "/var/log/sshd.log")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hostname", required=True)
    parser.add_argument("--root", required=True, help="the host's folder of own files")
    args = parser.parse_args()
    socket.sethostname(args.hostname)
    mount("--make-rprivate", "/")
    mount_host_files(args.root)
    log(f"{args.hostname} booting; own files from {args.root}")
    boot = "/etc/pglab/boot"
    if os.access(boot, os.X_OK):
        log(f"running {boot}")
        spawn([boot], "/var/log/pglab-boot.log")
    reap_forever(["/usr/sbin/sshd", "-D", "-e", "-f", "/etc/pglab/sshd_config"])


if __name__ == "__main__":
    sys.exit(main())
