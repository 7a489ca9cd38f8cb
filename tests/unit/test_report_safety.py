"""Report inputs are data: a hostile report.toml gives no live HTML, and the PDF embeds nothing but the plot.

The report is built by the real `fab report --pdf` from the smallest recorded evidence (one stage,
no lab): title page, Markdown, HTML and PDF through the same functions as after `fab lab`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pglab.evidence import report
from pglab.state import LabState
from tests.conftest import run_without_lab

HOSTILE = '''university = "<img src=x onerror=alert(1)>"
faculty = "<script>alert(2)</script>"
discipline = "<a rel=\\"attachment\\" href=\\"file:///etc/hostname\\">hostname</a>"
lab_number = "<iframe src=\\"file:///etc/passwd\\"></iframe>"
lab_title = "[click](javascript:alert(3))"
authors = ["<svg onload=alert(4)>", "Student\\n\\n<img src=http://example.invalid/x.png>"]
group = "<object data=\\"file:///etc/hostname\\"></object>"
teacher = "</div><div onclick=alert(5)>"
city = "<style>body{display:none}</style>"
year = 2026
'''
needs_poppler = pytest.mark.skipif(not shutil.which("pdfdetach") or not shutil.which("pdfimages"),
                                   reason="poppler-utils (pdfdetach, pdfimages) is not installed")


class Tags(HTMLParser):
    """Every element and attribute of a page, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def live_html(page: str) -> list[str]:
    """What in the page would run or fetch anything: scripts, event handlers, foreign addresses."""
    parser = Tags()
    parser.feed(page)
    bad = []
    for tag, attrs in parser.found:
        if tag in ("script", "iframe", "object", "embed", "svg") or tag == "style" and page.count("<style") > 1:
            bad.append(tag)
        bad += [f"{tag} {name}" for name in attrs if name.startswith("on")]
        if tag == "a" and not (attrs.get("href") or "#").startswith("#"):
            bad.append(f"a href={attrs['href']}")
        if tag == "img" and not (attrs.get("src") or "").startswith("data:image/png;base64,"):
            bad.append(f"img src={attrs.get('src')}")
    return bad


def attachments(pdf: Path) -> str:
    return subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout


def images(pdf: Path) -> int:
    """Images drawn in the PDF (an image's alpha channel, its smask, is not counted)."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return sum(line.split()[2] == "image" for line in listing.splitlines()[2:])


def recorded_evidence(home: Path) -> None:
    """The smallest record `fab report` builds from: a local lab, one stage, nothing read from hosts."""
    state = LabState(home)
    state.ensure()
    (home / "lab.json").write_text(json.dumps({"provider": "local", "subnet": "10.213.27.0/24"}))
    start = time.time() - 60
    state.save_json("stages.json", [{"key": "up", "section": "1", "title": ["Five hosts", "Пять хостов"],
                                     "command": "fab up", "start": start, "end": start + 5, "snapshot": {}}])
    state.save_json("configuration.json", {})


@needs_poppler
def test_a_hostile_title_page_stays_text(tmp_path):
    home, out, toml = tmp_path / "state", tmp_path / "report", tmp_path / "report.toml"
    recorded_evidence(home)
    toml.write_text(HOSTILE)
    proc = run_without_lab("fab", "report", "--pdf", "--titlepage", str(toml), "--out", str(out), home=home)
    assert proc.returncode == 0, proc.stderr
    page = (out / "report.html").read_text()
    assert live_html(page) == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<h2" in page and 'class="title-page"' in page, "the template's own HTML is kept"
    markdown_text = (out / "report.md").read_text()
    assert "<script>" not in markdown_text and "<img src=x" not in markdown_text
    assert "0 embedded files" in attachments(out / "report.pdf")
    assert images(out / "report.pdf") == 1, "the plot, and only the plot"


@needs_poppler
def test_raw_html_in_the_markdown_is_shown_not_run_and_the_pdf_fetches_nothing(tmp_path):
    """Defence behind the escaping: evidence text that carries HTML, and a PDF asked to fetch files."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
    png = tmp_path / "timeline.png"
    pyplot.figure(figsize=(2, 1))
    pyplot.savefig(png)
    text = ("## Heading\n\n<a id=\"task\"></a>\n\nlog: <img src=x onerror=alert(1)> "
            "[x](javascript:alert(2)) <a rel=\"attachment\" href=\"file:///etc/hostname\">h</a>\n\n"
            f"![plot]({png.name})\n\n```\nhost all all 10.0.0.0/8 <scram> & more\n```\n")
    page = report.to_html(text, png, "en")
    assert live_html(page) == []
    assert '<a id="task"></a>' in page
    assert '<pre><code><span class="ln">host all all <span class="nw">10.0.0.0/8</span> &lt;scram&gt; &amp; ' \
           'more</span></code></pre>' in page, "code stays code (a line of it a span, a word with a '/' kept whole)"
    hostile_page = page.replace("</body>", '<a rel="attachment" href="file:///etc/hostname">h</a>'
                                           '<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png">'
                                           "</body>")
    pdf = report.to_pdf(hostile_page, tmp_path / "report.pdf")
    assert "0 embedded files" in attachments(pdf)
    assert images(pdf) == 1


def test_the_fetcher_serves_embedded_images_only():
    fetch = report.embedded_only_fetcher()
    for url in ("file:///etc/hostname", "http://127.0.0.1:9/x", "https://example.invalid/", "data:text/html,hi",
                "ftp://example.invalid/x"):
        with pytest.raises(ValueError):
            fetch(url)
    assert fetch("data:image/png;base64,iVBORw0KGgo=").read() == b"\x89PNG\r\n\x1a\n"
