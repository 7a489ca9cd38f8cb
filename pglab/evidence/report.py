"""`fab report`: Markdown, self-contained HTML and (optionally) PDF from what the lab recorded.

The report follows the assignment's own structure (pglab/assignment.py): title page, contents,
the task, Stage 1, 2.1-2.3 and 3 with each step's command, evidence and a measured verdict, a
conclusion from the measured figures, and the configuration the lab used as an appendix.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import markdown

from pglab import assignment
from pglab.context import LabContext
from pglab.errors import ConfigError, PglabError, StageOrderError
from pglab.evidence import configuration, plot, titlepage
from pglab.evidence.i18n import TEXT
from pglab.evidence.records import Evidence
from pglab.evidence.verdicts import clock, conclusion, figures, pauses_text, session_rows, verdicts

TEMPLATES = Path(__file__).with_name("templates")
COMMANDS_PER_STEP = 25


def load_evidence(ctx: LabContext) -> Evidence:
    """The recorded evidence; the configuration is read from the hosts if it was not recorded yet."""
    stages = ctx.state.load_json("stages.json")
    if not stages:
        raise StageOrderError("nothing recorded yet: run `fab lab` before `fab report`")
    if ctx.state.load_json("configuration.json") is None:
        try:
            configuration.save(ctx)
        except PglabError:
            pass  # the lab is gone: the appendix says nothing was recorded
    load = ctx.state.load_json
    return Evidence(stages=stages, events=ctx.state.events(), journal=load("journal.json", []),
                    reads=load("reads.json", []), errors=load("client_errors.json", []), logs=load("logs.json", []),
                    demo=load("demo.json", {}) or {}, verify=load("verify.json", {}) or {},
                    configuration=load("configuration.json", {}) or {}, commands=load("commands.json", []))


def rates(ev: Evidence, start: float, end: float) -> dict[str, float]:
    """Commits/s and reads/s of all client sessions within a step ({} before the clients started)."""
    seconds = end - start
    commits = sum(start <= r["ts"] <= end for r in ev.journal if r["outcome"] == "ack")
    reads = sum(start <= r["ts"] <= end for r in ev.reads)
    return {"commits": commits / seconds, "reads": reads / seconds} if seconds > 0 and commits + reads else {}


def sections(ev: Evidence, lang: str, found: dict) -> list[dict]:
    """The assignment's sections with the steps recorded for each and the verdict."""
    out = []
    for sec in assignment.SECTIONS:
        steps = [dict(s, title=s["title"][assignment.LANGUAGES.index(lang)]) for s in ev.stages
                 if s["section"] == sec.key]
        for step in steps:
            step["commands"] = [c for c in ev.commands if step["start"] <= c["ts"] <= step["end"] + 0.5]
            step["rates"] = rates(ev, step["start"], step["end"])
        out.append({"key": sec.key, "anchor": "s" + sec.key.replace(".", "-"), "title": sec.text("title", lang),
                    "parent": sec.parent[assignment.LANGUAGES.index(lang)] if sec.parent else None,
                    "asks": sec.text("asks", lang), "steps": steps, "verdict": found[sec.key]})
    return out


def render_markdown(ctx: LabContext, ev: Evidence, lang: str, png: Path, title_fields: dict) -> str:
    t = TEXT[lang]
    figs = figures(ctx.lab, ev)
    i = assignment.LANGUAGES.index(lang)
    context = {"t": t, "lab": ctx.lab, "figs": figs, "sections": sections(ev, lang, verdicts(t, ctx.lab, ev, figs)),
               "conclusion": conclusion(t, figs), "ev": ev, "session_rows": session_rows,
               "pauses": lambda window, kind: pauses_text(t, window, kind), "title": title_fields, "clock": clock,
               "assignment": {"title": assignment.TITLE[i], "goal": assignment.GOAL[i],
                              "requirements": [r[i] for r in assignment.REQUIREMENTS]},
               "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "png_name": png.name,
               "commands_per_step": COMMANDS_PER_STEP}
    return _environment().get_template("report.md.j2").render(**context)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=jinja2.select_autoescape(["html.j2"]), undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def to_html(text: str, png: Path, lang: str) -> str:
    """Self-contained HTML: the plot embedded as a data URI."""
    data = base64.b64encode(png.read_bytes()).decode()
    inline = text.replace(f"]({png.name})", f"](data:image/png;base64,{data})")
    body = markdown.markdown(inline, extensions=["tables", "md_in_html", "fenced_code"])
    return _environment().get_template("report.html.j2").render(body=body, title=TEXT[lang]["title"], lang=lang)


def to_pdf(html: str, path: Path) -> Path:
    """A4 with page numbers, from the same HTML (WeasyPrint: CSS paged media, no browser needed)."""
    try:
        import weasyprint
    except ImportError:
        raise ConfigError("WeasyPrint is not installed: ./quickstart installs it (pip install weasyprint)") from None
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def build(ctx: LabContext, out_dir: Path, lang: str = "en", pdf: bool = False,
          title_file: Path | None = None) -> dict[str, Path]:
    """Write report.md, report.html (PNG embedded), timeline.png and, if asked, report.pdf; return their paths."""
    if lang not in TEXT:
        raise ConfigError(f"unknown report language {lang!r}: use one of {', '.join(TEXT)}")
    title_fields = titlepage.load(title_file)
    ev = load_evidence(ctx)
    out_dir.mkdir(parents=True, exist_ok=True)
    t = TEXT[lang]
    png = plot.timeline(ev, out_dir / "timeline.png", t["timeline"], lang)
    text = render_markdown(ctx, ev, lang, png, title_fields)
    paths = {"markdown": out_dir / "report.md", "html": out_dir / "report.html", "plot": png}
    paths["markdown"].write_text(text)
    html = to_html(text, png, lang)
    paths["html"].write_text(html)
    if pdf:
        paths["pdf"] = to_pdf(html, out_dir / "report.pdf")
    ctx.state.record_event("report", lang=lang, pdf=pdf)
    return paths
