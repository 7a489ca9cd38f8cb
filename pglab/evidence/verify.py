"""The checker: every write a client saw acknowledged is on every node; the bank still balances; every
read the clients journaled passes the read checks (pglab/evidence/read_checks.py); each commit whose
outcome a client never learned is looked up on the primary: present or absent."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from pglab.cluster import inspect, sql
from pglab.cluster.facts import NodeRole
from pglab.cluster.operations import wait_caught_up
from pglab.context import LabContext
from pglab.evidence.at_risk import ROLE_LOG, alone_windows, at_risk
from pglab.evidence.i18n import TEXT
from pglab.evidence.read_checks import ReadChecks, judge
from pglab.remote import fan_out
from pglab.workload import control

CHECKSUM_SQL = {
    "accounts": "SELECT md5(coalesce(string_agg(id || ':' || balance, ',' ORDER BY id), '')) FROM accounts",
    "transfers": "SELECT md5(coalesce(string_agg(id::text || ':' || amount, ',' ORDER BY id), '')) FROM transfers",
}
# The bank's total and both checksums in one query: one psql start per node (seconds on an emulated CPU)
TOTALS_SQL = "SELECT (SELECT coalesce(sum(balance), 0) FROM accounts), " + ", ".join(
    f"({q})" for q in CHECKSUM_SQL.values())


@dataclass
class NodeCheck:
    host: str
    checked: bool
    transfers: int = 0
    missing: int = 0
    total_balance: int = 0
    checksums: dict[str, str] = field(default_factory=dict)
    missing_sample: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set, repr=False)  # transfer ids found: reused, not reported


@dataclass
class VerifyResult:
    acknowledged: int
    indeterminate: int  # commits of unknown outcome (the client never learned whether they committed)
    indeterminate_present: int  # of them on the primary: they committed
    expected_total: int
    nodes: list[NodeCheck]
    at_risk: int = 0  # acknowledged while the primary had no synchronous standby (durable on one node)
    at_risk_missing: int = 0
    at_risk_windows: list[dict] = field(default_factory=list)  # {host, start, end}: a primary with no sync standby
    indeterminate_absent: int = 0  # of them not on the primary: they did not commit (0 with no primary)
    indeterminate_present_ids: list[str] = field(default_factory=list)  # which of them the primary holds
    reads: ReadChecks = field(default_factory=ReadChecks)

    @property
    def missing(self) -> int:
        return max((n.missing for n in self.nodes if n.checked), default=0)

    @property
    def invariant_held(self) -> bool:
        return all(n.total_balance == self.expected_total for n in self.nodes if n.checked)

    @property
    def checksums_equal(self) -> bool:
        sums = {tuple(sorted(n.checksums.items())) for n in self.nodes if n.checked}
        return len(sums) == 1

    @property
    def ok(self) -> bool:
        return self.missing == 0 and self.invariant_held and self.checksums_equal and self.reads.ok and all(
            n.checked for n in self.nodes)

    def summary(self, lang: str = "en") -> str:
        """`unknown outcome: N, of them present M, absent K; read checks: ... (expected 0)`."""
        t = TEXT[lang]
        return (t["unknown_outcome"].format(n=self.indeterminate, present=self.indeterminate_present,
                                            absent=self.indeterminate_absent) + "; "
                + t["read_checks"].format(**self.reads.violations))

    def as_dict(self) -> dict:
        nodes = [{k: v for k, v in asdict(n).items() if k != "ids"} for n in self.nodes]
        return {**asdict(self), "nodes": nodes, "missing": self.missing, "invariant_held": self.invariant_held,
                "checksums_equal": self.checksums_equal, "ok": self.ok}


def transfer_ids(ctx: LabContext, host: str) -> set[str]:
    """Every transfer id on a node: written to a file on the host and fetched over SFTP (hundreds of
    thousands of ids after a full-speed run come back in a second, not in a minute of command output)."""
    shell, path = ctx.shell(host), "/tmp/pglab-transfer-ids"
    shell.run(f"psql -X -q -d {ctx.lab.database} -c 'COPY (SELECT id FROM transfers) TO STDOUT' > {path}",
              user="postgres", step="transfer ids")
    data = shell.read_bytes(path) or b""
    shell.run(f"rm -f {path}", step="transfer ids")
    return set(data.decode().split())


def check_node(ctx: LabContext, host: str, acked: set[str]) -> NodeCheck:
    shell, db = ctx.shell(host), ctx.lab.database
    ids = transfer_ids(ctx, host)
    row = (sql.query(shell, TOTALS_SQL, db, step="total and checksums") or [["0", "", ""]])[0]
    total, sums = int(row[0] or 0), dict(zip(CHECKSUM_SQL, row[1:], strict=True))
    missing = sorted(acked - ids)
    return NodeCheck(host, True, len(ids), len(missing), total, sums, missing[:5], ids)


def role_logs(ctx: LabContext, hosts: list[str]) -> dict[str, str]:
    """Each running node's role log (when it held which role)."""
    texts = fan_out(hosts, lambda h: ctx.shell(h).run(f"cat {ROLE_LOG} 2>/dev/null || true", step="role log").stdout)
    return dict(zip(hosts, texts, strict=True))


def verify(ctx: LabContext) -> VerifyResult:
    """Pause writers, wait until every running standby has replayed the primary's WAL, compare."""
    lab = ctx.lab
    clients_running = control.running(ctx)
    if clients_running:
        ctx.state.record_event("verify-pause")
        control.pause(ctx)
    try:
        journal = control.journal(ctx)  # read while writers are paused: no commit lands unjournaled
        reads = control.reads(ctx)
        acked = {r["id"] for r in journal if r["outcome"] == "ack"}
        unknown = {r["id"] for r in journal if r["outcome"] == "unknown"} - acked
        view = inspect.view(ctx)
        primary = view.primary or next((p.host for p in view.probes.values() if p.role == NodeRole.PRIMARY), None)
        running = [h.name for h in lab.pg_hosts if view.probes[h.name].running]
        if primary:
            for host in running:
                if host != primary:
                    wait_caught_up(ctx, primary, host, timeout=lab.timing.replay_delay_s + lab.timing.state_s)
        checked = dict(zip(running, fan_out(running, lambda host: check_node(ctx, host, acked)), strict=True))
        nodes = [checked.get(h.name, NodeCheck(h.name, False)) for h in lab.pg_hosts]
        looked = next((n for n in nodes if n.host == primary and n.checked), None)  # the surviving primary
        on_primary = looked.ids if looked else set()
        present_unknown = len(unknown & on_primary)
        absent_unknown = len(unknown) - present_unknown if looked else 0
        windows = alone_windows(role_logs(ctx, running), time.time())
        risky = at_risk([r for r in journal if r["outcome"] == "ack"], windows)
    finally:
        if clients_running:
            control.resume(ctx)
    expected_total = lab.accounts * lab.initial_balance
    result = VerifyResult(len(acked), len(unknown), present_unknown, expected_total, nodes, at_risk=len(risky),
                          at_risk_missing=len(set(risky) - on_primary) if primary else 0,
                          at_risk_windows=[asdict(w) for w in windows],
                          indeterminate_absent=absent_unknown,
                          indeterminate_present_ids=sorted(unknown & on_primary),
                          reads=judge(reads, journal, expected_total, lab.host(lab.async_standby).app_name))
    ctx.state.save_json("verify.json", result.as_dict())
    ctx.state.record_event("verify", ok=result.ok, acknowledged=result.acknowledged, missing=result.missing)
    return result
