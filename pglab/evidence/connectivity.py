"""Who reaches whom, and how: the evidence for the assignment's first requirement (network connectivity between
the hosts), recorded once after `fab setup` in `fab lab` and shown in Stage 1.

Live: the client host opens a session through pgpool (TLS, `sslmode=verify-full`) and asks for its own
connection (`\\conninfo`) and for pgpool's connection to the node that answered (`pg_stat_ssl`); the primary
lists its standbys' replication connections with their TLS. From the recorded files: whether pgpool and the
nodes admit network logins only over TLS (`hostssl`) and only with scram-sha-256.
"""

from __future__ import annotations

import re
import shlex

from pglab.cluster import sql
from pglab.context import LabContext
from pglab.errors import PglabError
from pglab.tls import HOST_TLS

STEP = "connectivity check"  # read-only: Appendix B leaves it to the full command log
NODE_TLS_SQL = ("SELECT current_setting('cluster_name'), s.ssl, coalesce(s.version, '') FROM pg_stat_ssl s "
                "WHERE s.pid = pg_backend_pid()")
WALSENDERS_SQL = ("SELECT a.application_name, host(a.client_addr), s.ssl, coalesce(s.version, '') "
                  "FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.backend_type = 'walsender' "
                  "ORDER BY 1")
SSL_LINE = re.compile(r"^SSL connection \(.*\)$", re.M)


def record(ctx: LabContext) -> dict:
    """The live check, saved as the event `connectivity` (a failed look is recorded as such, not raised)."""
    lab = ctx.lab
    found: dict = {"client": "", "via_pgpool": {}, "walsenders": []}
    command = (f"PGPASSFILE=/etc/pglab/pgpass PGSSLMODE=verify-full PGSSLROOTCERT={HOST_TLS.ca} PGCONNECT_TIMEOUT=5 "
               f"psql -X -q -A -t -F '|' -h pgpool -p {lab.pgpool_port} -U app -d {lab.database} "
               f"-c '\\conninfo' -c {shlex.quote(NODE_TLS_SQL)}")
    try:
        out = ctx.shell("client").run(command, check=False, step=STEP)
        ssl = SSL_LINE.search(out.stdout)
        found["client"] = ssl.group(0) if out.ok and ssl else ""
        rows = [line.split("|") for line in out.stdout.splitlines() if line.count("|") == 2]
        if rows:
            node, on, version = rows[-1]
            found["via_pgpool"] = {"node": node, "ssl": on == "t", "version": version}
        found["walsenders"] = [{"app": app, "addr": addr, "ssl": on == "t", "version": version}
                               for app, addr, on, version in sql.query(ctx.shell(lab.primary), WALSENDERS_SQL,
                                                                       check=False, step=STEP)]
    except PglabError as exc:
        found["error"] = str(exc)
    ctx.state.record_event("connectivity", **found)
    return found


def network_logins(text: str) -> tuple[bool, bool]:
    """From an hba file: (every network line is hostssl, every network line asks scram-sha-256)."""
    lines = [ln.split() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    network = [ln for ln in lines if ln[0].startswith("host")]
    return (bool(network) and all(ln[0] == "hostssl" for ln in network),
            bool(network) and all(ln[-1] == "scram-sha-256" for ln in network))
