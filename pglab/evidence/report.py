"""`fab report`: Markdown and self-contained HTML from what the lab recorded (nothing is re-run)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import markdown

from pglab.context import LabContext
from pglab.errors import StageOrderError
from pglab.evidence import outage, plot
from pglab.evidence.i18n import TEXT

TEMPLATES = Path(__file__).with_name("templates")


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S.%f")[:-3]


def summary(ctx: LabContext, journal: list[dict], events: list[dict]) -> dict:
    """The figures of the summary table, computed from the journal and the events."""
    times = outage.ack_times(journal)
    first = {e["event"]: e for e in events}
    off, recovered = first.get("poweroff"), first.get("recovered")
    rejoin = next((e for e in events if e["event"] == "rejoined" and e.get("host") == ctx.lab.primary), None)
    switch = first.get("switchover")
    done = first.get("failover-done")
    horizon = (done["ts"] - off["ts"] + 2) if off and done else 30.0
    failover_gap = outage.longest_gap(times, off["ts"], off["ts"] + horizon) if off else (0, 0)
    switch_gap = outage.longest_gap(times, switch["ts"] - 5, recovered["ts"]) if switch and recovered else (0, 0)
    verify = ctx.state.load_json("verify.json", {}) or {}
    lab_done = first.get("lab-done")
    return {"rto": outage.recovery_time(times, off["ts"], horizon) if off else None,
            "failover_outage": failover_gap[1] - failover_gap[0],
            "switchback_outage": switch_gap[1] - switch_gap[0],
            "acknowledged": verify.get("acknowledged", len(times)), "missing": verify.get("missing"),
            "indeterminate": verify.get("indeterminate"),
            "rejoin": f"{rejoin['method']}, {rejoin['seconds']:.1f} s" if rejoin else "-",
            "invariant": verify.get("invariant_held"), "checksums": verify.get("checksums_equal"),
            "wall": lab_done["seconds"] if lab_done else None}


def build(ctx: LabContext, out_dir: Path, lang: str = "en") -> dict[str, Path]:
    """Write report.md, report.html (PNG embedded) and timeline.png; return their paths."""
    if lang not in TEXT:
        raise StageOrderError(f"unknown report language {lang!r}: use one of {', '.join(TEXT)}")
    stages = ctx.state.load_json("stages.json")
    if not stages:
        raise StageOrderError("nothing recorded yet: run `fab lab` (or the stages) before `fab report`")
    journal = ctx.state.load_json("journal.json", []) or []
    errors = ctx.state.load_json("client_errors.json", []) or []
    events = ctx.state.events()
    out_dir.mkdir(parents=True, exist_ok=True)
    t = TEXT[lang]
    png = plot.timeline(journal, errors, events, out_dir / "timeline.png", t["timeline"])
    logs = ctx.state.load_json("logs.json", []) or []
    commands = ctx.state.load_json("commands.json", []) or []
    for stage in stages:
        stage["commands"] = [c for c in commands if stage["start"] <= c["ts"] <= stage["end"] + 0.5]
        stage["logs"] = logs if stage["key"] == "failover" else []
    context = {"t": t, "lab": ctx.lab, "stages": stages, "summary": summary(ctx, journal, events),
               "demo": ctx.state.load_json("demo.json", {}), "verify": ctx.state.load_json("verify.json", {}),
               "clock": _clock, "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
               "png_name": png.name, "png_data": base64.b64encode(png.read_bytes()).decode()}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html.j2"]), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    paths = {"markdown": out_dir / "report.md", "html": out_dir / "report.html", "plot": png}
    text = env.get_template("report.md.j2").render(**context)
    paths["markdown"].write_text(text)
    inline = text.replace(f"]({png.name})", f"](data:image/png;base64,{context['png_data']})")
    body = markdown.markdown(inline, extensions=["tables", "md_in_html"])
    paths["html"].write_text(env.get_template("report.html.j2").render(body=body, title=t["title"], lang=lang))
    ctx.state.record_event("report", lang=lang)
    return paths
