"""Run a node's pglab-node helper (provision/scripts/pglab-node) over SSH as postgres."""

from __future__ import annotations

from pglab.context import LabContext


def node_cmd(ctx: LabContext, host: str, args: str, step: str) -> str:
    """Run `pglab-node ARGS` on a PostgreSQL host; its stdout."""
    return ctx.shell(host).run(f"/etc/pglab/bin/pglab-node {args}", user="postgres", step=step).stdout
