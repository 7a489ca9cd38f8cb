"""`fab report`: Markdown, self-contained HTML and (optionally) PDF from what the lab recorded.

The report follows the assignment's own structure (pglab/assignment.py): title page, contents,
the task, Stage 1, 2.1-2.3 and 3 with each step's command, evidence and a measured verdict, a
conclusion from the measured figures, and the configuration the lab used as an appendix.
"""

from __future__ import annotations

import base64
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from html import escape as html_escape
from pathlib import Path
from xml.etree import ElementTree

import jinja2
import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from pglab import assignment
from pglab.cluster.facts import lsn_to_int
from pglab.context import LabContext
from pglab.errors import ConfigError, PglabError, StageOrderError
from pglab.evidence import configuration, consistency, data, environment, plot, rejoin, titlepage
from pglab.evidence.environment import Environment
from pglab.evidence.i18n import TEXT, number, quantity
from pglab.evidence.logs import LogHit
from pglab.evidence.records import Evidence, Snapshot
from pglab.evidence.verdicts import clock, conclusion, figures, pauses_text, reads_by_node, session_rows, verdicts
from pglab.model import Lab

TEMPLATES = Path(__file__).with_name("templates")
COMMANDS_FILE = "commands.txt"  # every command over SSH, beside the report (Appendix B sums them up)
# Read-only looks at the hosts (and timing probes): Appendix B leaves them to the full log, commands.txt.
OBSERVATIONS = frozenset({"ssh round trip", "speed probe", "role", "probe node", "pcp_health_check_stats",
                          "pg_stat_replication", "row counts", "pglab-client stats", "collect log lines",
                          "transfer ids", "role log", "total", "sample rows", "pgpool set up?",
                          "follow child running?", "check packages", "check cluster", "environment", ""})
OBSERVATION_KINDS = ("checksum ", "disk facts of ", "demo: probe on ")  # one step name per table or host


def load_evidence(ctx: LabContext) -> Evidence:
    """The recorded evidence; the configuration is read from the hosts if it was not recorded yet."""
    stages = ctx.state.load_json("stages.json")
    if not stages:
        raise StageOrderError("nothing recorded yet: run `fab lab` before `fab report`")
    for name, save in (("configuration.json", configuration.save), ("environment.json", environment.save)):
        if ctx.state.load_json(name) is None:
            try:
                save(ctx)
            except PglabError:
                pass  # the lab is gone: the appendix says nothing was recorded; the run's place is in lab.json
    load = ctx.state.load_json
    return Evidence(stages=stages, events=ctx.state.events(), journal=load("journal.json", []),
                    reads=load("reads.json", []), errors=load("client_errors.json", []), logs=load("logs.json", []),
                    demo=load("demo.json", {}) or {}, verify=load("verify.json", {}) or {},
                    configuration=load("configuration.json", {}) or {}, commands=load("commands.json", []),
                    recover_logs=load("recover_logs.json", []), environment=load("environment.json", {}) or {},
                    samples=load("sample_rows.json", {}) or {})


def environment_of(ctx: LabContext, ev: Evidence) -> Environment:
    """Where the run happened: as recorded, else what lab.json says (provider, measured speed)."""
    if ev.environment:
        return Environment.from_dict(ev.environment)
    speed = ctx.speed() if hasattr(ctx, "speed") else {}  # a report rendered from evidence alone (tests)
    return Environment(ctx.lab.provider, "", speed.get("profile", ""), speed.get("cpu_slowdown"),
                       speed.get("ssh_rtt_ms"), "", "", 0, "", "", "")


def rates(ev: Evidence, start: float, end: float) -> dict[str, float]:
    """Commits/s and reads/s of all client sessions within a step ({} before the clients started)."""
    seconds = end - start
    commits = sum(start <= r["ts"] <= end for r in ev.journal if r["outcome"] == "ack")
    reads = sum(start <= r["ts"] <= end for r in ev.reader_reads)
    return {"commits": commits / seconds, "reads": reads / seconds} if seconds > 0 and commits + reads else {}


def sections(ev: Evidence, lang: str, found: dict) -> list[dict]:
    """The assignment's sections with the steps recorded for each and the verdict."""
    out, claimed = [], set()
    for sec in assignment.SECTIONS:
        steps = [dict(s, title=s["title"][assignment.LANGUAGES.index(lang)]) for s in ev.stages
                 if s["section"] == sec.key]
        for step in steps:
            step["snapshot"] = Snapshot.from_dict(step.get("snapshot") or {})  # the template reads typed objects
            mine = [i for i, c in enumerate(ev.commands)  # each command in one step only (windows may overlap)
                    if step["start"] <= c["ts"] <= step["end"] + 0.5 and i not in claimed]
            claimed.update(mine)
            step["commands"] = power_rows(ev, step) + command_summary([ev.commands[i] for i in mine])
            step["rates"] = rates(ev, step["start"], step["end"])
        out.append({"key": sec.key, "anchor": "s" + sec.key.replace(".", "-"), "title": sec.text("title", lang),
                    "parent": sec.parent[assignment.LANGUAGES.index(lang)] if sec.parent else None,
                    "parent_anchor": "s" + sec.key.split(".")[0],
                    "asks": sec.text("asks", lang), "steps": steps, "verdict": found[sec.key]})
    return out


UPLOAD = "mktemp "  # HostShell.put_private's first command: a private temp file for an upload


def power_rows(ev: Evidence, step: dict) -> list[dict]:
    """The power-off and power-on within a step: run by fab on this machine (local: namespaces; vagrant: the
    hypervisor), not over SSH, so absent from the command log; shown as what they do."""
    rows = []
    for e in ev.events:
        if e["event"] in ("poweroff", "poweron") and step["start"] - 0.5 <= e["ts"] <= step["end"] + 0.5:
            ns = f"pglab-{e['host']}"
            command = (POWER_LOCAL if e.get("provider", "local") == "local" else POWER_VM)[e["event"]]
            rows.append({"step": e["event"], "command": command.format(ns=ns, host=e["host"]),
                         "hosts": [e["host"]], "runs": 1, "failed": 0})
    return rows


POWER_LOCAL = {"poweroff": "ip link del {ns}; kill -KILL <init of {ns}'s pid namespace>; ip netns del {ns}",
               "poweron": "ip netns add {ns}; veth on pglab-br0; unshare --pid ... <init of {host}>"}
POWER_VM = {"poweroff": "virsh destroy <domain of {host}>", "poweron": "virsh start <domain of {host}>"}


def command_summary(commands: list[dict]) -> list[dict]:
    """A step's commands, each kind once in the order first run (with its first command line): on which hosts,
    how often, how many failed (read-only looks and timing probes left out: they are in the full log)."""
    runs: dict[str, dict] = {}
    for c in commands:
        if c["step"] in OBSERVATIONS or c["step"].startswith(OBSERVATION_KINDS):
            continue
        row = runs.setdefault(c["step"], {"step": c["step"], "command": "", "hosts": [], "runs": 0, "failed": 0})
        if not row["command"] and not str(c.get("command", "")).startswith(UPLOAD):  # the real command, not
            row["command"] = shorten(c.get("command", ""))                        # the upload's temp file
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


class Captions:
    """Numbered captions: 'Table 3. ...' above a table, 'Figure 1. ...' below a figure (Russian: 'Таблица 3 — ...',
    'Рисунок 1 — ...'), as raw HTML the print style keeps with its table or figure."""

    def __init__(self, t: dict) -> None:
        self.t, self.counts = t, Counter()

    def __call__(self, kind: str, text: str) -> str:
        self.counts[kind] += 1
        words = self.t[f"{kind}_caption"].format(n=self.counts[kind], text=text)
        return f'<p class="{kind}-caption">{inline_code(words)}</p>'

    def continued(self) -> str:
        """'Table 3 (continued)' above the next part of a table split in parts."""
        return f'<p class="table-caption">{inline_code(self.t["table_continued"].format(n=self.counts["table"]))}</p>'


def outage(lab: Lab, ev: Evidence) -> dict | None:
    """Step 2.2's snapshot in time: seconds after the cut it was taken, and after it pgpool detached A; what
    the synchronous standby was then."""
    off, snap = ev.first("poweroff", host=lab.primary), ev.snapshot("2.2")
    detached = detection(ev, off["ts"]) if off else None
    if not (off and detached and snap):
        return None
    probe = snap.get("probes", {}).get(lab.sync_standby, {})
    t_role = "role_standby" if probe.get("in_recovery") else "role_primary" if probe.get("running") else "down"
    return {"after": snap["ts"] - off["ts"], "detached": detached["ts"] - off["ts"], "host": lab.primary,
            "how": detached["source"],
            "sync": lab.sync_standby, "sync_role": t_role}


def detection(ev: Evidence, after: float) -> dict | None:
    """When pgpool decided the primary was down: its log line "starting degeneration" after the cut (the time
    pglab's poll saw the node down is later by up to a poll interval, and is used only without the log)."""
    hit = next((h for h in sorted(ev.logs, key=lambda h: h["ts"]) if h["label"] == "degeneration"
                and h["ts"] >= after), None)
    return {"ts": hit["ts"], "source": "log"} if hit else next(
        ({"ts": e["ts"], "source": "poll"} for e in ev.events if e["event"] == "detached" and e["ts"] >= after), None)


def run_date(ev: Evidence, lang: str) -> str:
    """When the run ended (its last event), as the language writes a date: '30.11.2026, 15:11 UTC'."""
    done = last_event(ev, "lab-done") or next((e for e in reversed(ev.events) if e["event"] != "report"), None)
    ts = done["ts"] if done else datetime.now(UTC).timestamp()  # not a later `fab report`'s own event
    return datetime.fromtimestamp(ts, UTC).strftime("%d.%m.%Y, %H:%M UTC" if lang == "ru" else "%Y-%m-%d %H:%M UTC")


def unknown_rows(ev: Evidence) -> list[dict]:
    """Each commit of unknown outcome: session, time, seconds after the power cut, the n its INSERT returned,
    and whether the final primary holds it (None: an older recording without the ids)."""
    off = ev.first("poweroff")
    present = ev.verify.get("indeterminate_present_ids")
    return [{"session": r["session"], "ts": r["ts"], "n": r.get("n", ""), "id": r["id"],
             "after_cut": r["ts"] - off["ts"] if off and r["ts"] >= off["ts"] else None,
             "present": None if present is None else r["id"] in present}
            for r in sorted(ev.journal, key=lambda r: r["ts"]) if r["outcome"] == "unknown"]


def last_event(ev: Evidence, kind: str) -> dict | None:
    return next((e for e in reversed(ev.events) if e["event"] == kind), None)


def pgpool_setting(ev: Evidence, name: str) -> str | None:
    """A setting's value in the pgpool.conf read back from the pgpool host (None if not recorded)."""
    for f in ev.configuration.get("files", []):
        if f["path"].endswith("pgpool.conf"):
            found = re.search(rf"^\s*{re.escape(name)}\s*=\s*'?([^'\s#]*)", f["text"], re.M)
            return found.group(1) if found else None
    return None


def promotion_choice(t: dict, ev: Evidence) -> str:
    """failover.sh's own log line naming the node it promotes (the script decides; the report quotes it)."""
    off = ev.first("poweroff")
    hit = next((h for h in sorted(ev.logs, key=lambda h: h["ts"]) if h["label"] == "failover script"
                and "promot" in h["line"] and (not off or h["ts"] >= off["ts"])), None)
    if not hit:
        return t["choice_unknown"]
    return "`" + shorten(LogHit(**hit).message, 150).replace("`", "'") + "`"


def follow_without_rewind(t: dict, lab: Lab, ev: Evidence) -> str:
    """Why C could follow the new primary without pg_rewind: its position in the outage vs the fork point."""
    c_lsn = ev.snapshot("2.2").get("probes", {}).get(lab.async_standby, {}).get("lsn")
    fork = next((r.diverged_lsn for r in rejoin.rewinds(ev) if r.diverged_timeline == 1 and r.diverged_lsn), None)
    if not (c_lsn and fork) or lsn_to_int(c_lsn) > lsn_to_int(fork):
        return ""
    return t["c_follow"].format(c_lsn=c_lsn, fork=fork)


def reasoning_figures(lang: str, lab: Lab, ev: Evidence, figs: dict) -> dict:
    """What the reasoning paragraphs quote: the lab's settings and the checker's counts."""
    t, v, unknown = TEXT[lang], ev.verify, figs["unknown"]
    present = unknown["present"] or 0
    spans = [t["at_risk_window"].format(host=w["host"], start=clock(w["start"])[:8], end=clock(w["end"])[:8])
             for w in v.get("at_risk_windows", [])]
    n = unknown["n"] or 0
    kind = "none" if not n else "present" if present == n else "absent" if not present else "mixed"
    return {"unknown": t[f"unknown_{kind}"].format(n=n, present=present, absent=unknown["absent"] or 0),
            "choice": promotion_choice(t, ev), "c_follow": follow_without_rewind(t, lab, ev),
            "single_pgpool": t["single_pgpool"] if pgpool_setting(ev, "use_watchdog") == "off" else "",
            "sum": f": {number(figs['acknowledged'] or 0, '', lang)} + {present}" if present else "",
            "windows": f" ({'; '.join(spans)})" if spans else "",
            "delay": lab.timing.replay_delay_s, "port": lab.pgpool_port, "period": lab.timing.health_check_period,
            "connect_ms": lab.timing.connect_timeout_ms, "at_risk": v.get("at_risk", 0),
            "at_risk_missing": v.get("at_risk_missing", 0), "acknowledged": figs["acknowledged"] or 0,
            "present": present, "absent": unknown["absent"] or 0, "expected": (figs["acknowledged"] or 0) + present}


def render_markdown(ctx: LabContext, ev: Evidence, lang: str, png: Path, title_fields: dict) -> str:
    t = TEXT[lang]
    figs = figures(ctx.lab, ev)
    why = reasoning_figures(lang, ctx.lab, ev, figs)
    found = outage(ctx.lab, ev)
    if found:
        found["sync_role"], found["how"] = t[found["sync_role"]], t["how_" + found["how"]]
    i = assignment.LANGUAGES.index(lang)
    title = {k: html_escape(v, quote=False) for k, v in title_fields.items()}  # the user's text is data, not HTML
    context = {"t": t, "lab": ctx.lab, "figs": figs, "sections": sections(ev, lang, verdicts(t, ctx.lab, ev, figs)),
               "conclusion": conclusion(t, figs), "ev": ev, "session_rows": session_rows,
               "pauses": lambda window, kind: pauses_text(t, window, kind), "title": title, "clock": clock,
               "hms": lambda ts: clock(ts)[:8], "clip": shorten, "caption": Captions(t), "commands_file": COMMANDS_FILE,
               "num": lambda value, spec="": t["nothing"] if value is None else number(value, spec, lang),
               "secs": lambda value, spec=".2f": quantity(value, t["seconds"], lang, spec),
               "assignment": {"title": assignment.TITLE[i], "goal": assignment.GOAL[i],
                              "requirements": [r[i] for r in assignment.REQUIREMENTS]},
               "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "run_date": run_date(ev, lang),
               "png_name": png.name,
               "placeholders": {k: t.get("ph_" + k) for k in titlepage.FIELDS},
               "why": why, "outage": found, "slots": last_event(ev, "slots"), "unknown_rows": unknown_rows(ev),
               "reads_by_node": reads_by_node(t, ev),
               "event_names": plot.event_names(ev, lang),
               "fenced": last_event(ev, "fenced"), "probe_again": last_event(ev, "probe-again"),
               # notes said once, at their first table
               "flags": {"lag_said": False, "waiting_said": False, "roles_said": False},
               "rewinds": rejoin.rewinds(ev), "promotions": rejoin.promotions(ev),
               "fail_logs": [LogHit(**h) for h in ev.logs], "recover_logs": [LogHit(**h) for h in ev.recover_logs],
               "env": environment_of(ctx, ev), "schema": data.schema(ctx.lab, comments=lang == "en"),
               "tx_sql": data.transaction_sql(t), "sample_columns": data.COLUMNS,
               "samples": data.Samples(**ev.samples) if ev.samples else data.Samples(),
               "error_kinds": data.error_kinds(ev.errors),
               "abandoned_count": data.abandoned, "disagreements": consistency.disagreements(ev)}
    return _environment().get_template("report.md.j2").render(**context)


def printed_title(title_fields: dict, lang: str) -> str:
    """The title on the title page (and so in the PDF's metadata): the user's, else the assignment's."""
    return title_fields.get("lab_title") or assignment.TITLE[assignment.LANGUAGES.index(lang)]


def inline_code(text: str) -> str:
    """Text for the template's raw HTML (Markdown leaves that alone): escaped, its `code` as <code> tags."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", html_escape(text, quote=False))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html.j2"]), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["inline_code"] = inline_code
    return env


# The only raw HTML the Markdown may carry is the template's own (the title page's blocks and placeholders,
# its line break, the section anchors, the captions) and the code blocks Markdown makes of fenced text. Any
# other tag (from recorded evidence, say) is shown as text.
TEMPLATE_TAG = re.compile(r'</?(?:div|p|span|h1|br|a|pre|code)(?:\s+(?:class|id)="[\w-]*")*\s*/?>')
EMBEDDED = "data:image/"  # the report's own assets: the plot, embedded as a data URI


class _TemplateHtmlOnly(Postprocessor):
    """Escape every raw HTML tag that is not one of the template's (runs before raw HTML is put back)."""

    def run(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        for i, block in enumerate(stash):
            if isinstance(block, str):
                stash[i] = "".join(part if TEMPLATE_TAG.fullmatch(part) else part.replace("<", "&lt;")
                                   .replace(">", "&gt;") for part in re.split(r"(<[^<>]*>)", block))
        return text


class _OwnLinksOnly(Treeprocessor):
    """Links only within the report, images only embedded: no javascript:, file: or web address survives."""

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            for attribute, allowed in (("href", "#"), ("src", EMBEDDED)):
                if attribute in element.attrib and not element.get(attribute, "").startswith(allowed):
                    del element.attrib[attribute]


class ReportMarkup(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's name
        md.postprocessors.register(_TemplateHtmlOnly(md), "template_html_only", 35)  # raw_html is 30
        md.treeprocessors.register(_OwnLinksOnly(md), "own_links_only", 0)


def to_html(text: str, png: Path, lang: str, title: str | None = None) -> str:
    """Self-contained HTML: the plot embedded as a data URI; no raw HTML but the template's. `title`: the
    printed title, which the PDF's metadata carries too."""
    data = base64.b64encode(png.read_bytes()).decode()
    inline = text.replace(f"]({png.name})", f"]({EMBEDDED}png;base64,{data})")
    body = markdown.markdown(inline, extensions=["tables", "md_in_html", "fenced_code", ReportMarkup()])
    return _environment().get_template("report.html.j2").render(body=body, title=title or TEXT[lang]["title"],
                                                                lang=lang)


def to_pdf(html: str, path: Path) -> Path:
    """A4 with page numbers, from the same HTML (WeasyPrint: CSS paged media, no browser needed). WeasyPrint
    fetches only the report's embedded assets: no file, no web address, no attachment from elsewhere."""
    try:
        import weasyprint
    except ImportError:
        raise ConfigError("WeasyPrint is not installed: ./quickstart installs it (pip install weasyprint)") from None
    weasyprint.HTML(string=html, url_fetcher=embedded_only_fetcher()).write_pdf(path)
    return path


def embedded_only_fetcher():
    """A WeasyPrint URL fetcher that serves data:image/ URIs and refuses everything else (file:, http(s):,
    data of other types): a refused resource is left out of the PDF."""
    def refuse_foreign(url: str) -> None:
        if not url.startswith(EMBEDDED):
            raise ValueError(f"the report fetches only its own embedded images, not {url[:60]}")

    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before the URLFetcher class: a function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            refuse_foreign(url)
            return default_url_fetcher(url, *args, **kwargs)
        return fetch

    class EmbeddedOnly(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None):
            refuse_foreign(url)
            return super().fetch(url, headers)

    return EmbeddedOnly(allowed_protocols=("data",))


def build(ctx: LabContext, out_dir: Path, lang: str = "en", pdf: bool = False,
          title_file: Path | None = None) -> dict[str, Path]:
    """Write report.md, report.html (PNG embedded), timeline.png and, if asked, report.pdf; return their paths."""
    if lang not in TEXT:
        raise ConfigError(f"unknown report language {lang!r}: use one of {', '.join(TEXT)}")
    title_fields = titlepage.load(title_file)
    ev = load_evidence(ctx)
    out_dir.mkdir(parents=True, exist_ok=True)
    warning = titlepage.warning(title_fields, title_file)
    if warning:
        print(f"pglab: warning: {warning}", file=sys.stderr)
    png = plot.timeline(ev, out_dir / "timeline.png", lang=lang)
    text = render_markdown(ctx, ev, lang, png, title_fields)
    paths = {"markdown": out_dir / "report.md", "html": out_dir / "report.html", "plot": png,
             "commands": write_commands(ev, out_dir / COMMANDS_FILE)}
    paths["markdown"].write_text(text)
    html = to_html(text, png, lang, printed_title(title_fields, lang))
    paths["html"].write_text(html)
    if pdf:
        paths["pdf"] = to_pdf(html, out_dir / "report.pdf")
    ctx.state.record_event("report", lang=lang, pdf=pdf)
    return paths
