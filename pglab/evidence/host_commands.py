"""The commands a node's helper runs on the host itself for the steps a reader repeats - pg_rewind (inside
`pglab-node follow`) and the promotion (failover.sh's `pglab-node promote`) - which the command log does not
hold (it logs `pglab-node follow pg-b`, and failover.sh runs on the pgpool host). They are read from
provision/scripts/pglab-node as it is installed, with the values of the rendered /etc/pglab/pglab.env put in,
so Appendix B shows the script's own command lines, not a copy of them."""

from __future__ import annotations

import re
import shlex

from pglab.evidence import rejoin
from pglab.evidence.appendix import step_of
from pglab.evidence.records import Evidence
from pglab.model import Lab
from pglab.templates import render, script
from pglab.tls import HOST_TLS

ASSIGNMENT = re.compile(r'^([A-Z_]+)=(?:"([^"]*)"|(\S*))', re.M)
VARIABLE = re.compile(r"\$\{?([A-Za-z_]+)\}?")


def node_env(lab: Lab) -> dict[str, str]:
    """The variables of the hosts' /etc/pglab/pglab.env, as pglab renders it for this lab."""
    text = render("templates/pglab.env.j2", lab=lab, host_tls=HOST_TLS)
    return {m[1]: m[2] if m[2] is not None else m[3] for m in ASSIGNMENT.finditer(text)}


def expand(line: str, values: dict[str, str]) -> str:
    """A shell command with its $VARIABLES replaced by their values, quoted again as one a reader can paste (an
    unknown variable is left as written)."""
    text = VARIABLE.sub(lambda m: values.get(m[1], m[0]), line)
    return shlex.join(shlex.split(text))


def rewind_command(lab: Lab, source: str) -> str | None:
    """pglab-node's pg_rewind command line for a rewind from `source` (None if the script has none)."""
    found = re.search(r'("\$PG_BIN/pg_rewind".*?)\s*2>&1\)', script("pglab-node").replace("\\\n", " "), re.S)
    return expand(found[1], {**node_env(lab), "upstream": source}) if found else None


def promote_command(lab: Lab) -> str | None:
    """pglab-node's promotion: its pgctl() function (pg_ctl -D PGDATA) with `promote`."""
    found = re.search(r'^pgctl\(\) \{ (.*?) "\$@"', script("pglab-node"), re.M)
    return expand(found[1] + " promote", node_env(lab)) if found else None


def rows(lab: Lab, ev: Evidence, index: int) -> list[dict]:
    """Appendix B's rows for step `index`: each pg_rewind (at the time its output was recorded, when it was done)
    and each promotion (at its node's log line) that happened in it."""
    out = []
    rewinds = [e for e in ev.events if e["event"] == "rewind-output" and step_of(ev.stages, e["ts"]) == index]
    for e in rewinds:
        command = rewind_command(lab, e["source"])
        if command:
            out.append({"step": "pg_rewind (pglab-node follow)", "command": command, "hosts": [e["host"]],
                        "runs": 1, "failed": 0, "ts": e["ts"]})
    command = promote_command(lab)
    for p in rejoin.promotions(ev):
        if command and step_of(ev.stages, p.ts) == index:
            out.append({"step": "promote (failover.sh: pglab-node promote)", "command": command, "hosts": [p.host],
                        "runs": 1, "failed": 0, "ts": p.ts})
    return out
