"""Appendix B: the commands a reader runs to repeat the run, step by step, from the command log (every command
over SSH, with its time); the full log itself beside the report.

A command belongs to the step it began in (the last step begun by then); read-only looks, timing probes and
housekeeping are left to the full log; an upload's temporary file name, new every run, is not shown.
"""

from __future__ import annotations

import re
from pathlib import Path

from pglab.evidence import connectivity
from pglab.evidence.records import Evidence
from pglab.evidence.verdicts import clock

COMMANDS_FILE = "commands.txt"  # every command over SSH, beside the report (Appendix B sums them up)
# Read-only looks at the hosts (and timing probes): Appendix B leaves them to the full log, commands.txt.
OBSERVATIONS = frozenset({"ssh round trip", "speed probe", "role", "probe node", "pcp_health_check_stats",
                          "pg_stat_replication", "row counts", "pglab-client stats", "collect log lines",
                          "transfer ids", "role log", "total", "total and checksums", "sample rows", "pgpool set up?",
                          "follow child running?", "check packages", "check cluster", "environment", "",
                          "demo: commit waiting?", "replication slots", "pgpool's newest failover line",
                          "pg_stat_replication before the stop"})
# One step name per table or host; closing or opening pgpool's SSH connections is housekeeping, not the lab's work.
OBSERVATION_KINDS = ("checksum ", "disk facts of ", "demo: probe on ", "close pgpool's SSH connection",
                     "open pgpool's SSH connections",
                     connectivity.STEP)


def step_of(stages: list[dict], ts: float) -> int | None:
    """The step a moment belongs to: the last one begun by then (steps follow each other; their recorded
    windows touch, so a window with a tolerance would give a moment at the seam to two steps)."""
    begun = [i for i, s in enumerate(stages) if s["start"] <= ts]
    return max(begun, key=lambda i: stages[i]["start"]) if begun else (0 if stages else None)


# Commands that only look (a checksum before an upload, a test, a read), not what a reader repeats.
LOOKS = ("sha256sum ", "mktemp ", "test ", "cat ", "dpkg-query ", "true")
TEMP_FILE = re.compile(r"/tmp/\.pglab-[A-Za-z0-9]{8}")  # an upload's private temp file: a new name every run


def power_rows(ev: Evidence, index: int) -> list[dict]:
    """The power-off and power-on of a step (by the event's time): run by fab on this machine (local:
    namespaces; vagrant: the hypervisor), not over SSH, so absent from the command log; shown as what they do."""
    rows = []
    for e in ev.events:
        if e["event"] in ("poweroff", "poweron") and step_of(ev.stages, e["ts"]) == index:
            ns = f"pglab-{e['host']}"
            command = (POWER_LOCAL if e.get("provider", "local") == "local" else POWER_VM)[e["event"]]
            rows.append({"step": e["event"], "command": command.format(ns=ns, host=e["host"]),
                         "hosts": [e["host"]], "runs": 1, "failed": 0, "ts": e["ts"]})
    return rows


POWER_LOCAL = {"poweroff": "ip link del {ns}; kill -KILL <init of {ns}'s pid namespace>; ip netns del {ns}",
               "poweron": "ip netns add {ns}; veth on pglab-br0; unshare --pid ... <init of {host}>"}
POWER_VM = {"poweroff": "virsh destroy <domain of {host}>", "poweron": "virsh start <domain of {host}>"}


# The placeholders above and in command_summary, as the Russian report writes them
PLACEHOLDERS_RU = (("<uploaded file>", "<загруженный файл>"), ("<domain of ", "<домен ВМ "))


def placeholders_in(row: dict, lang: str) -> dict:
    """A command row with the words pglab puts in angle brackets for what differs per run (a temporary file's
    name, a VM's libvirt domain) in the report's language."""
    if lang != "ru":
        return row
    command = str(row.get("command", ""))
    for english, russian in PLACEHOLDERS_RU:
        command = command.replace(english, russian)
    return {**row, "command": command}


def repeats(command: dict) -> bool:
    """A command a reader repeats to do the run again: not a read-only look, a timing probe or housekeeping."""
    step, line = command["step"], str(command.get("command", "")).strip()
    return not (step in OBSERVATIONS or step.startswith(OBSERVATION_KINDS) or line.startswith(LOOKS))


def command_summary(commands: list[dict]) -> list[dict]:
    """A step's commands, each distinct command line of a kind once, in the order first run: on which hosts,
    how often, how many failed (read-only looks and timing probes left out: they are in the full log)."""
    runs: dict[tuple[str, str], dict] = {}
    for c in filter(repeats, commands):
        # The whole command, wrapped by the table (a cut command is one the reader cannot repeat); one row per
        # distinct command line of a kind (two slots dropped are two commands, not one shown twice).
        line = " ".join(TEMP_FILE.sub("<uploaded file>", str(c.get("command", ""))).split())
        row = runs.setdefault((c["step"], line), {"step": c["step"], "command": line, "hosts": [], "runs": 0,
                                                  "failed": 0, "ts": c.get("ts", 0.0) - c.get("seconds", 0)})
        row["hosts"] += [] if c["host"] in row["hosts"] else [c["host"]]
        row["runs"] += 1
        row["failed"] += c["exit"] != 0
    return list(runs.values())


def shorten(command: str, limit: int = 90) -> str:
    """A command or message on one line, at most `limit` characters, cut at a word boundary and marked with '…'
    (the full text is in the command log or the host's log)."""
    line = " ".join(str(command).split())
    if len(line) <= limit:
        return line
    cut = line[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:|") + "\u2026"


def write_commands(ev: Evidence, path: Path) -> Path:
    """Every command run over SSH, one a line: time (UTC), host, user, exit code, seconds, step, command."""
    lines = ["# time (UTC)\thost\tuser\texit\tseconds\tstep\tcommand"]
    lines += ["\t".join((clock(c["ts"]), c["host"], c.get("user", ""), str(c["exit"]), f"{c['seconds']:.3f}",
                         c["step"], " ".join(str(c.get("command", "")).split()))) for c in ev.commands]
    path.write_text("\n".join(lines) + "\n")
    return path
