"""Make sure each host has the Debian packages its role needs; apt only for what is missing."""

from __future__ import annotations

from pglab.errors import MissingToolError, RemoteCommandError
from pglab.model import HostRole, HostSpec, Lab
from pglab.remote import HostShell


def packages_for(lab: Lab, host: HostSpec) -> tuple[str, ...]:
    client = f"postgresql-client-{lab.pg_version}"
    return {HostRole.POSTGRES: (f"postgresql-{lab.pg_version}", client),
            HostRole.PGPOOL: ("pgpool2", client),
            HostRole.CLIENT: (client, "python3", "python3-psycopg")}[host.role]


def ensure_packages(shell: HostShell, lab: Lab, host: HostSpec) -> list[str]:
    """Install missing packages; return what was installed (nothing, and no network, if all are there)."""
    wanted = packages_for(lab, host)
    query = shell.run("dpkg-query -W -f='${Package} ${Status}\\n' " + " ".join(wanted) + " 2>/dev/null || true",
                      step="check packages").stdout
    present = {line.split()[0] for line in query.splitlines() if line.endswith("install ok installed")}
    missing = [p for p in wanted if p not in present]
    if not missing:
        return []
    try:
        shell.run("export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq "
                  + " ".join(missing), step="install packages",
                  timeout=shell.command_s * 3)  # downloads
    except RemoteCommandError as exc:
        hint = ("the local provider's hosts use this machine's packages: apt-get install " + " ".join(missing)
                if lab.provider == "local" else "check the VM's network and apt sources, then rerun fab setup")
        raise MissingToolError(f"{host.name}: cannot install {', '.join(missing)} ({exc.output.strip()[-80:]}); "
                               f"{hint}") from None
    return missing
