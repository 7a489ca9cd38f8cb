"""Find the log messages that tell the story of a failure, by message (not line number)."""

from __future__ import annotations

import re
import shlex
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from pglab.context import LabContext
from pglab.errors import LabNotUpError
from pglab.providers import PowerState

# (label, regex) - pgpool-II 4.3 and PostgreSQL 15 wording; 4.4+ wraps some in "=== ... ===".
PGPOOL_PATTERNS = (
    ("backend unreachable", r"failed to connect to PostgreSQL server on"),
    ("health check retry", r"health check retrying on DB node"),
    ("health check failed", r"health check failed on node"),
    # The attempt under way when a node lost power, caught in its TLS handshake (no own timeout there in 4.3.5).
    ("health check handshake failed", r'health_check[0-9]+ pid [0-9]+: LOG: +pool_ssl: "SSL_connect"'),
    ("degenerate request", r"received degenerate backend request for node_id"),
    ("degeneration", r"starting degeneration\. shutdown host"),
    ("children restarted", r"Restart all children"),
    ("failover command", r"execute command: \S*failover\.sh"),
    ("follow primary command", r"execute command: \S*follow_primary\.sh"),
    ("primary found", r"find_primary_node: primary node is"),
    ("new primary", r"failover: set new primary node"),
    ("follow degeneration", r"starting follow degeneration"),
    ("failover done", r"failover done\. shutdown host"),
    ("failback done", r"failback done\. reconnect host"),
    ("backend read error", r"unable to read data from DB node"),
    ("failover script", r"(failover|follow_primary)\.sh: |pglab-node\["),
)
POSTGRES_PATTERNS = (
    ("WAL stream lost", r"terminating walreceiver due to timeout|could not receive data from WAL stream"),
    ("primary unreachable", r"could not connect to the primary server"),
    # Normal at a timeline switch; when a primary lost power it never says goodbye like this.
    ("stream ended by primary", r"replication terminated by primary server"),
    ("promotion", r"received promote request"),
    ("new timeline", r"selected new timeline ID"),
    ("accepting writes", r"database system is ready to accept connections"),
    ("following new timeline", r"new target timeline is"),
    ("streaming", r"started streaming WAL from primary"),
    ("crash recovery", r"was not properly shut down"),
    # Also the normal start-up after pg_rewind (its control file says "in recovery"): not a crash by itself.
    ("interrupted", r"database system was interrupted"),
    ("sync wait cancelled", r"canceling wait for synchronous replication"),
    # The switch-back: the current primary's clean shutdown, a node replaying WAL as it starts.
    ("shutdown requested", r"received fast shutdown request"),
    ("shut down", r"database system is shut down"),
    ("redo", r"redo starts at|redo done at"),
)
# pgpool's lines about its child processes (one per child and event: many, kept apart from the log tables):
# what each child did while pgpool ran a failover, which the sessions' reconnections depend on.
CHILD_PATTERNS = (
    ("child killed for the failed node", r"needs to restart because pool [0-9]+ uses backend"),
    ("child took a client", r"child pid [0-9]+: LOG: +selecting backend connection"),
    ("child restarts itself", r"child pid [0-9]+: LOG: +failover or failback event detected *$"),
    ("child exited", r"main pid [0-9]+: LOG: +child process with pid: [0-9]+ exits with status"),
    ("child forked", r"main pid [0-9]+: LOG: +fork a new child process with pid"),
)
TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)")
ANYWHERE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


@dataclass(frozen=True)
class LogHit:
    ts: float
    host: str
    source: str  # pgpool | postgresql
    label: str
    line: str

    @property
    def message(self) -> str:
        """The line without its timestamp."""
        return TIMESTAMP.sub("", self.line, count=1).lstrip(": ").removeprefix("UTC ").strip()

    @property
    def time(self) -> str:
        return datetime.fromtimestamp(self.ts, UTC).strftime("%H:%M:%S.%f")[:-3]


# What differs between two repetitions of one message: process ids ("[1234]", "pid 1234").
PIDS = re.compile(r"\[\d+\]|\bpid \d+")


@dataclass(frozen=True)
class LogRun:
    """A message a host logged once, or several times in a row (repetitions collapsed into one row)."""

    first: LogHit
    last: LogHit
    count: int


def collapse(hits: list[LogHit]) -> list[LogRun]:
    """A host's consecutive lines with the same message once pids and timestamps are removed: one run each, at
    the first line's place (other hosts' lines in between do not break a host's run, its own other lines do)."""
    runs: list[LogRun] = []
    latest: dict[str, int] = {}  # host -> index of its latest run
    for hit in hits:
        at = latest.get(hit.host)
        prev = runs[at] if at is not None else None
        if prev and PIDS.sub("", prev.first.message) == PIDS.sub("", hit.message):
            runs[at] = LogRun(prev.first, hit, prev.count + 1)
        else:
            latest[hit.host] = len(runs)
            runs.append(LogRun(hit, hit, 1))
    return runs


ATTACHED = re.compile(r"follow_primary\.sh: (\S+) attached as node")


def attached(hits: list[LogHit], host: str) -> LogHit | None:
    """follow_primary.sh's line saying it had pgpool attach `host` again after a failover (the first)."""
    return next((h for h in sorted(hits, key=lambda h: h.ts) if (m := ATTACHED.search(h.line)) and m[1] == host),
                None)


def parse_timestamp(line: str) -> float | None:
    """Timestamps of pgpool, PostgreSQL and pglab's scripts (all UTC on lab hosts)."""
    m = TIMESTAMP.match(line)
    if not m:
        return None
    stamp = m.group(1)
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in stamp else "%Y-%m-%d %H:%M:%S"
    return datetime.strptime(stamp, fmt).replace(tzinfo=UTC).timestamp()


RELAYED = re.compile(r"\bpglab-node\[([A-Za-z0-9_.-]+)\]: ")


def clock_host(line: str, host: str) -> str:
    """Whose clock stamped a line read from `host`'s log: pglab-node's lines reach pgpool's log through
    failover.sh, stamped by their node."""
    relayed = RELAYED.search(line)
    return relayed[1] if relayed else host


def classify(lines: list[str], host: str, source: str, patterns: tuple[tuple[str, str], ...],
             since: float = 0.0, until: float = float("inf")) -> list[LogHit]:
    """The lines matching a pattern, within [since, until], labelled."""
    compiled = [(label, re.compile(rx, re.IGNORECASE)) for label, rx in patterns]
    hits = []
    for line in lines:
        if not TIMESTAMP.match(line) and (found := ANYWHERE.search(line)):
            line = line[found.start():]  # pgpool sometimes prints a bare message before a log line
        ts = parse_timestamp(line)
        if ts is None or not since <= ts <= until:
            continue
        label = next((lb for lb, rx in compiled if rx.search(line)), None)
        if label:
            hits.append(LogHit(ts, clock_host(line, host), source, label, line.strip()))
    return hits


def relayed_to_their_nodes(hits: list[dict]) -> list[dict]:
    """Recorded hits with each relayed pglab-node line under its node (runs recorded before it was sorted so)."""
    return [{**h, "host": clock_host(h["line"], h["host"])} for h in hits]


def _grep(ctx: LabContext, host: str, path: str, patterns: tuple[tuple[str, str], ...]) -> list[str]:
    combined = "|".join(rx for _, rx in patterns).replace("\\.", "[.]")
    out = ctx.shell(host).run(f"grep -aiE {shlex.quote(combined)} {path} 2>/dev/null || true",
                              step="collect log lines").stdout
    return out.splitlines()


def collect(ctx: LabContext, since: float = 0.0, until: float = float("inf")) -> list[LogHit]:
    """Relevant lines from pgpool's log and every reachable node's PostgreSQL log, in time order."""
    lab, hits = ctx.lab, pgpool_hits(ctx, PGPOOL_PATTERNS, since, until)
    for node in lab.pg_hosts:
        if ctx.provider.power_state(node.name) is not PowerState.RUNNING:
            continue
        try:
            lines = _grep(ctx, node.name, lab.pg_log, POSTGRES_PATTERNS)
        except LabNotUpError:
            continue
        hits += classify(lines, node.name, "postgresql", POSTGRES_PATTERNS, since, until)
    return sorted(hits, key=lambda h: h.ts)


def pgpool_hits(ctx: LabContext, patterns: tuple[tuple[str, str], ...], since: float = 0.0,
                until: float = float("inf")) -> list[LogHit]:
    """pgpool's log lines matching `patterns` within [since, until] ([] if pgpool's host is off)."""
    if ctx.provider.power_state("pgpool") is not PowerState.RUNNING:
        return []
    return classify(_grep(ctx, "pgpool", ctx.lab.pgpool_log, patterns), "pgpool", "pgpool", patterns, since, until)


def collect_children(ctx: LabContext, since: float = 0.0) -> list[LogHit]:
    """pgpool's lines about its child processes since `since` ([] if pgpool's host is off)."""
    return pgpool_hits(ctx, CHILD_PATTERNS, since)


def failure_window(ctx: LabContext) -> tuple[float, float]:
    """From just before the last power-off to now (or everything, if nothing was powered off)."""
    event = ctx.state.last_event("poweroff")
    return ((event["ts"] - 2.0) if event else 0.0), float("inf")


def save(ctx: LabContext, hits: list[LogHit], name: str = "logs.json") -> None:
    ctx.state.save_json(name, [asdict(h) for h in hits])
