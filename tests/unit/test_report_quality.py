"""What a teacher returns a report for: English in the Russian text, decimal points, wrong noun forms,
orphan headings and split table rows in the PDF, unreadably small plot text, an empty title page.

The report is built from a whole recorded `fab lab` run (tests/unit/lab_evidence.py): the Markdown by
render_markdown, the PDF by the real `fab report --pdf`.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import asdict, replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from matplotlib.text import Text

from pglab.cluster import facts
from pglab.evidence import (
    appendix,
    availability,
    clocks,
    consistency,
    data,
    logs,
    plot,
    reconnects,
    rejoin,
    report,
    sequence,
    titlepage,
    verdicts,
)
from pglab.evidence.i18n import TEXT, WORDS, Phrase, data_size, duration, number, plural, quantity
from pglab.model import Lab, Timing
from tests.conftest import DATA, run_without_lab
from tests.unit import lab_evidence

NO_TITLE = dict.fromkeys(titlepage.FIELDS, "")
# Names that stay Latin in Russian prose: products, protocols, units of the trade, the assignment's own
# words (it says "failover", "Power Off", "postgres"), and the node letters A, B, C.
ALLOWED_LATIN = {"pgpool-II", "pgpool", "PostgreSQL", "Postgres", "postgres", "pg_rewind", "pglab", "UTC", "WAL",
                 "MD5", "SSH", "SFTP", "TLS", "Linux", "failover", "Power", "Off", "A", "B", "C", "p95", "TOML",
                 "STONITH", "psql", "split-brain", "QEMU", "KVM", "TCG", "Vagrant", "libvirt", "vagrant-libvirt",
                 "VirtualBox", "PCP", "SYN", "TCP", "libpq", "Python"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_]+)*")
UNIT_RU = r"(?:с|мс|%)(?![а-яё])"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdfinfo"),
                                   reason="poppler-utils (pdftotext, pdfinfo) is not installed")


def markdown(lang: str) -> str:
    return report.render_markdown(SimpleNamespace(lab=Lab()), lab_evidence.evidence(), lang, Path("timeline.png"),
                                  NO_TITLE)


def prose(text: str) -> str:
    """The text a reader reads as words: no code blocks or spans, HTML tags, link targets or image sources."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"<code>.*?</code>", " ", text)
    text = re.sub(r"<[^<>]*>", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def plain(text: str) -> str:
    """The text of a table cell's unbroken code (its word spans and break points taken out)."""
    return re.sub(r'</?span[^>]*>|\u200b', "", text)


def identifier(word: str, lab: Lab) -> bool:
    """A name, not a word: host, application and session names, anything with a digit, '_' or '.' in it."""
    names = {h.name for h in lab.hosts} | {h.app_name for h in lab.pg_hosts}
    return word in names or bool(re.search(r"[\d_.]", word))


def latin_words(text: str) -> set[str]:
    lab = Lab()
    return {w for w in LATIN_WORD.findall(text) if w not in ALLOWED_LATIN and not identifier(w, lab)}


# (a) English left in the Russian report

def test_russian_report_prose_has_no_english_word():
    assert latin_words(prose(markdown("ru"))) == set()


def test_russian_plot_has_no_english_word():
    fig = plot.figure(lab_evidence.evidence(), "ru")
    fig.canvas.draw()
    words = " ".join(t.get_text() for t in fig.findobj(Text))
    assert latin_words(words) == set()


def test_the_latin_check_catches_english():
    assert latin_words(prose("Шаг: probe row `fab up` pg-a w1 pgpool-II [задание](#task) pg_stat_replication")) == {
        "probe", "row"}


def test_every_log_kind_has_words_in_both_languages():
    for label, _ in logs.PGPOOL_PATTERNS + logs.POSTGRES_PATTERNS:
        assert "log_" + label.lower().replace(" ", "_") in WORDS, label


# (b) decimal comma and the non-breaking space before a unit

def test_russian_numbers_have_a_decimal_comma_and_a_fixed_space_before_units():
    text = prose(markdown("ru"))
    assert not re.findall(r"\d\.\d+\s*" + UNIT_RU, text)
    assert not re.findall(r"\d[ \t]" + UNIT_RU, text), "a unit on its own line: use a non-breaking space"
    assert re.search(r"\d,\d+\u00a0с(?![а-яё])", text)
    assert number(1.625, ".2f", "ru") == "1,62" and number(1.625, ".2f", "en") == "1.62"
    assert number(14444, "", "ru") == "14\u00a0444" and number(1000, "", "ru") == "1000"
    assert quantity(1.62, "с", "ru") == "1,62\u00a0с" and quantity(None, "с", "ru") == "\u2014"


def test_russian_sentences_format_numbers_the_russian_way():
    text = TEXT["ru"]["v2_3"].format(primary="pg-b", failover=clocks.words(TEXT["ru"], clocks.Span(3.42, 0.0), ".1f"),
                                     follower="pg-c", timeline=2, writers="-", readers="-", hits=13)
    assert "3,4\u00a0с" in text and "3.4" not in text
    assert TEXT["en"]["pause_one"].format(worst=1.5, session="w1") == "1.50 s (w1)"


# (c) a count and its noun agree

@pytest.mark.parametrize(("count", "ru", "en"), [(1, "коммит", "commit"), (2, "коммита", "commits"),
                                                 (5, "коммитов", "commits"), (11, "коммитов", "commits"),
                                                 (21, "коммит", "commits"), (22, "коммита", "commits")])
def test_plural_forms(count, ru, en):
    assert plural(count, ("коммит", "коммита", "коммитов"), "ru") == ru
    assert plural(count, ("commit", "commits"), "en") == en


@pytest.mark.parametrize(("sessions", "words"), [(1, "одна\u00a0долгоживущая сессия"),
                                                 (2, "две\u00a0долгоживущие сессии"),
                                                 (5, "пять\u00a0долгоживущих сессий"),
                                                 (11, "11\u00a0долгоживущих сессий"),
                                                 (21, "21\u00a0долгоживущая сессия"),
                                                 (22, "22\u00a0долгоживущие сессии")])
def test_counts_in_the_verdicts_agree(sessions, words):
    """A count agrees with its noun, and one of ten or fewer is written out, as a Russian engineer writes it."""
    text = TEXT["ru"]["v2_1"].format(sessions=sessions, writers=sessions, readers=0, commits=sessions, backs=0,
                                     reads=sessions)
    assert text.startswith(words)
    commits = f"{sessions}\u00a0" + plural(sessions, ("коммит", "коммита", "коммитов"), "ru")
    assert commits in text


@pytest.mark.parametrize(("n", "form", "said"), [(3, "wg", "трёх"), (1, "wn", "одно"), (2, "wf", "две"),
                                                (10, "wg", "десяти"), (11, "wg", "11")])
def test_small_counts_are_written_out_in_the_case_the_sentence_needs(n, form, said):
    assert Phrase(f"{{n:{form}}}", "ru").format(n=n) == said


def test_report_counts_agree():
    text = markdown("ru")
    assert "десять\u00a0долгоживущих сессий" in text
    assert not re.search(r"\b[2-4]\u00a0(?:долгоживущих сессий|коммитов|чтений)", text)


# (e) the plot's text at print size

def test_plot_text_is_at_least_8_pt_when_printed_and_marks_do_not_overlap():
    fig = plot.figure(lab_evidence.evidence(), "ru")
    fig.canvas.draw()
    scale = plot.PRINT_WIDTH_MM / plot.MM_PER_INCH / fig.get_size_inches()[0]
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    small = {t.get_text(): round(t.get_fontsize() * scale, 1) for t in texts if t.get_fontsize() * scale < 8}
    assert small == {}
    renderer = fig.canvas.get_renderer()
    marks = [t.get_bbox_patch().get_window_extent(renderer) for t in fig.axes[0].texts]  # the circles drawn
    assert len(marks) >= 5
    overlapping = [(a, b) for i, a in enumerate(marks) for b in marks[i + 1:] if a.overlaps(b)]
    assert overlapping == []
    ticks = [t.get_text() for t in fig.axes[-1].get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"\d\d:\d\d:\d\d", t) for t in ticks), ticks


def test_each_session_has_its_own_strip_so_equal_rates_do_not_hide_one_another():
    """A teacher could not tell w1, w2 and w3 apart: their equal rates drew one line over another. Each session gets
    a strip of its own on the shared clock axis, named by its session and unit, with its own errors only."""
    ev = lab_evidence.evidence()
    fig = plot.figure(ev, "en")
    drawn = plot.sessions_drawn(ev)
    assert len(drawn) >= 3 and len(fig.axes) == len(drawn)
    assert [ax.get_ylabel() for ax in fig.axes] == [name for name, _, _ in drawn]
    assert all(len(ax.get_lines()) >= 1 for ax in fig.axes)
    origin = plot.binned_span(ev)[0]
    erred = {e["session"] for e in ev.errors if e["ts"] >= origin}
    crossed = {name for ax, (name, _, _) in zip(fig.axes, drawn, strict=True)
               if any(len(c.get_offsets()) for c in ax.collections)}  # the scatter marks: errors (no broken read)
    assert erred and crossed == erred & {name for name, _, _ in drawn}


def test_plot_marks_of_events_a_moment_apart_do_not_touch():
    """On VMs the failover ended 12 s after the power-off on a 10-minute axis: the two numbers' circles touched,
    as the placement looked at the digits' extent only."""
    ev = lab_evidence.evidence()
    off = ev.first("poweroff")["ts"]
    marked = [e for e in ev.events if e["event"] in plot.EVENTS and e["ts"] > off]
    marked[0]["ts"] = off + (ev.journal[-1]["ts"] - ev.journal[0]["ts"]) * 0.02  # 2 % of the axis apart
    fig = plot.figure(ev, "ru")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    circles = [t.get_bbox_patch().get_window_extent(renderer) for t in fig.axes[0].texts]
    assert [(a, b) for i, a in enumerate(circles) for b in circles[i + 1:] if a.overlaps(b)] == []


# (f) the title page without report.toml

def test_plot_marks_stand_at_the_logged_times_named_with_their_clock_and_the_axis_has_clock_ticks():
    ev = lab_evidence.evidence()
    origin, end = plot.span(ev)
    marked = plot.marked_events(ev, origin, end)
    streaming = next(h["ts"] for h in ev.recover_logs if h["host"] == "pg-a" and h["label"] == "streaming")
    rejoined = next(e for e in marked if e["event"] == "rejoined" and e["host"] == "pg-a")
    assert (rejoined["ts"], rejoined["clock"]) == (streaming, "pg-a"), "pg-a's own line, not pglab's later check"
    names = plot.event_names(ev, "ru")
    assert any(f"({verdicts.clock(streaming)}, по часам pg-a)" in n for n in names)
    assert all(re.search(r"\(\d\d:\d\d:\d\d\.\d{3}, по часам ", n) for n in names)
    fig = plot.figure(ev, "ru")
    fig.canvas.draw()
    labels = [tick.get_text() for tick in fig.axes[-1].get_xticklabels() if tick.get_text()]
    assert len(labels) >= 6 and all(re.fullmatch(r"\d\d:\d\d(:\d\d)?", x) for x in labels), labels
    for seconds in (75, 11 * 60, 40 * 60):  # a local run, the VM run the teacher read (two labels), a long one
        locator, _ = plot.clock_ticks(seconds)
        first, last = (datetime.fromtimestamp(lab_evidence.T0 + d, UTC) for d in (0, seconds))
        ticks = [x for x in locator.tick_values(first, last) if plot._clock(first.timestamp()) <= x]
        assert 6 <= len(ticks) <= plot.MAX_TICKS + 1, (seconds, len(ticks))
    text = markdown("ru")
    assert TEXT["ru"]["see_figure"].format(bin=plot.binned_span(ev)[2]) in text, "the text says the plot's own bins"


def test_title_page_without_a_file_shows_placeholders_and_one_warning(monkeypatch, tmp_path):
    monkeypatch.setattr(titlepage, "DEFAULT", tmp_path / "report.toml")
    fields = titlepage.load(None)
    warning = titlepage.warning(fields)
    assert warning and "\n" not in warning
    assert "university" in warning and "authors" in warning and "copy report.example.toml to report.toml" in warning
    page = markdown("ru").split("## ")[0]
    assert "[университет]" in page and "[ФИО студентов]" in page and "[ФИО преподавателя]" in page
    assert titlepage.warning({k: "x" for k in titlepage.FIELDS}) is None


# (d) the real PDF: no orphan heading, no row split across pages; (f) the warning on stderr

class Headings(HTMLParser):
    """The texts of headings, table captions, lead-ins and the stages' task boxes (the blockquotes that open a
    stage, before its first line of work) to a list: what must not end a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.depth = 0
        self.after_heading = False  # the last element closed was a heading: a blockquote now is a task box

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("class") or "").split(" ")[0]
        if tag in ("h1", "h2", "h3", "h4", "h5") or kind in ("table-caption", "listing-caption", "lead-in") \
                or tag == "blockquote" and self.after_heading:
            self.found.append("")
            self.depth = 1
        elif self.depth:
            self.depth += tag not in ("br", "img")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
        self.after_heading = tag in ("h1", "h2", "h3", "h4", "h5")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1] += data


def pages(pdf: Path) -> list[list[str]]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            text=True, check=True).stdout).group(1))
    out = []
    for n in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        out.append([" ".join(line.split()) for line in text.splitlines() if line.strip()])
    return out


def orphans(page_lines: list[list[str]], headings: list[str]) -> list[str]:
    """Pages whose last line of text (the page number aside) is a heading or the end of one - the whole of it on
    that page (a task box ends with the words of a requirement that may end the task page too)."""
    found = []
    for page, lines in enumerate(page_lines, 1):
        body = lines[:-1] if lines and lines[-1] == str(page) else lines  # the page number at its foot
        last, text = (body[-1] if body else ""), " ".join(body)
        if any(h and (h == last or len(last) >= 8 and h.endswith(last) and " ".join(h.split())[:30] in text)
               for h in headings):
            found.append(last)
    return found


def laid_out(html: str) -> tuple[dict[int, set[int]], object]:
    """The pages each element is laid out on (by id), and the document's element tree - the same layout WeasyPrint
    writes the PDF from; a table header, repeated on each page by design, counts on none."""
    import weasyprint
    source = weasyprint.HTML(string=html, url_fetcher=report.embedded_only_fetcher())
    on: dict[int, set[int]] = {}

    def walk(box, page: int, header: bool) -> None:
        header = header or getattr(box, "element_tag", None) == "thead"
        if getattr(box, "element", None) is not None and not header:
            on.setdefault(id(box.element), set()).add(page)
        for child in getattr(box, "children", []) or []:
            walk(child, page, header)

    for number_, page in enumerate(source.render().pages):
        walk(page._page_box, number_, False)
    return on, source.etree_element


def split_rows(on: dict[int, set[int]], root) -> list[str]:
    """Table rows laid out on two pages."""
    return [" ".join("".join(tr.itertext()).split()) for tr in root.iter("tr") if len(on.get(id(tr), ())) > 1]


def stranded_items(on: dict[int, set[int]], root) -> list[str]:
    """Lists whose heading or lead-in does not share its page with the list's first two items (one item alone at a
    page's foot under its heading)."""
    found = []
    for parent in root.iter():
        children = list(parent)
        for lead, following in itertools.pairwise(children):
            leads = lead.tag in ("h3", "h4", "h5") or "lead-in" in (lead.get("class") or "").split()
            if leads and following.tag in ("ul", "ol") and id(lead) in on:
                page = max(on[id(lead)])
                if any(min(on.get(id(li), {page})) != page for li in list(following)[:2]):
                    found.append(" ".join("".join(lead.itertext()).split()))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """`fab report --pdf` in English and Russian from the recorded run, with a title page file that names
    only the university and the title (the rest: placeholders and a warning)."""
    root = tmp_path_factory.mktemp("report18")
    lab_evidence.write(root / "home")
    toml = root / "report.toml"
    toml.write_text('university = "Университет ИТМО"\nlab_title = "Отказоустойчивый кластер PostgreSQL"\n')
    out = {}
    for lang in ("en", "ru"):
        proc = run_without_lab("fab", "report", "--pdf", "--lang", lang, "--titlepage", str(toml), "--out",
                               str(root / lang), home=root / "home")
        assert proc.returncode == 0, proc.stderr
        out[lang] = {"dir": root / lang, "stderr": proc.stderr}
    return out


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_has_no_orphan_heading_and_no_split_row(built, lang):
    folder = built[lang]["dir"]
    html = (folder / "report.html").read_text()
    parser = Headings()
    parser.feed(html)
    headings = [" ".join(h.split()) for h in parser.found]
    assert len(headings) > 20
    page_lines = pages(folder / "report.pdf")
    assert orphans(page_lines, headings) == []
    on, root = laid_out(html)
    assert split_rows(on, root) == []
    assert stranded_items(on, root) == []
    contents = next(lines for lines in page_lines if lines and lines[0] in ("Contents", "Содержание"))
    assert any(re.search(r"(Stage 2|Этап 2)\..*\d+$", line) for line in contents), "Stage 2 with its page"
    assert sum(bool(re.search(r"\.{3,}\s*\d+$", line)) for line in contents) >= 10, "page numbers in the contents"


@needs_poppler
def test_pdf_title_warning_captions_and_full_command_log(built):
    # a number never on a line apart from its word: "Table\u00a01"
    for lang, words in (("en", ("Figure\u00a01. ", "Table\u00a01. ")),
                        ("ru", ("Рисунок\u00a01\u00a0— ", "Таблица\u00a01\u00a0— "))):
        folder = built[lang]["dir"]
        info = subprocess.run(["pdfinfo", str(folder / "report.pdf")], capture_output=True, text=True,
                              check=True).stdout
        assert re.search(r"^Title:\s+Отказоустойчивый кластер PostgreSQL$", info, re.M), info
        warnings = [ln for ln in built[lang]["stderr"].splitlines() if ln.strip()]
        assert len(warnings) == 1 and warnings[0].startswith("pglab: warning: ") and "faculty" in warnings[0]
        assert "university" not in warnings[0]
        html = (folder / "report.html").read_text()
        assert all(w in html for w in words)
        # a teacher found the schema, the statements, pg_rewind's output and the files unnumbered: every listing
        # (a code block) has its numbered caption right before it
        assert len(re.findall("<pre", html)) >= 5
        blocks = [m.end() for m in re.finditer("<pre", html)]
        before = [html[:at].rsplit("</p>", 1)[0].rsplit("<p ", 1)[-1] for at in blocks]
        assert all(b.startswith('class="listing-caption') for b in before), [b[:80] for b in before]
        assert ("Listing\u00a01. " if lang == "en" else "Листинг\u00a01\u00a0— ") in html
        assert "<td></td>" not in html and "<code></code>" not in html and "<td>|" not in html
        assert "`" not in re.sub(r"<pre[^>]*>.*?</pre>", "", html, flags=re.S), "a code span left as backticks"
        full = (folder / report.COMMANDS_FILE).read_text().splitlines()
        assert len(full) == len(lab_evidence.commands()) + 1 and "ssh round trip" in full[1]
        assert "ssh round trip" not in html, "the appendix leaves timing probes to the full log"


def continued_tables(html: str) -> set[int]:
    """Pages (0-based) on which a table goes on from an earlier page (as WeasyPrint lays out the PDF)."""
    import weasyprint
    document = weasyprint.HTML(string=html, url_fetcher=report.embedded_only_fetcher()).render()
    first_page: dict[int, int] = {}
    continued = set()

    def walk(box, page: int) -> None:
        if getattr(box, "element_tag", None) == "table" and box.element is not None:
            if first_page.setdefault(id(box.element), page) < page:
                continued.add(page)
        for child in getattr(box, "children", []) or []:
            walk(child, page)

    for number_, page in enumerate(document.pages):
        walk(page._page_box, number_)
    return continued


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_table_that_runs_on_is_headed_continued_with_its_number(built, lang):
    """The header stands on exactly the pages where a table goes on from an earlier one (none when, in this
    recorded run's layout, no table crosses a page: then no page may carry one)."""
    folder = built[lang]["dir"]
    page_lines = pages(folder / "report.pdf")
    on = continued_tables((folder / "report.html").read_text())
    caption = re.compile(r"^(?:Таблица (\d+)\u00a0—|Table (\d+)\. )")
    header = TEXT[lang]["table_continued"]
    last = 0
    for page, lines in enumerate(page_lines):
        heads = [ln for ln in lines if re.fullmatch(header.format(n=r"\d+").replace("(", r"\(").replace(")", r"\)"),
                                                    ln.strip())]
        if page in on:
            assert heads == [header.format(n=last)], (page + 1, heads, last)
        else:
            assert heads == [], (page + 1, heads)
        last = max([last] + [int(m[1] or m[2]) for ln in lines if (m := caption.match(ln.replace(" — ", "\u00a0— ")))])


def test_the_row_check_finds_a_row_split_across_pages():
    tall = "<br>".join(f"line {i}" for i in range(200))
    html = f"<html><body><table><tr><td>first</td><td>{tall}</td></tr></table></body></html>"
    (row,) = split_rows(*laid_out(html))
    assert row.startswith("first")


def test_the_list_check_finds_one_item_left_under_its_lead_in_and_the_style_keeps_two():
    """The demonstration's lead-in once ended a page with its first item only (teacher's 15th and 16th reads)."""
    template = Path(report.__file__).parent / "templates/report.html.j2"
    style = re.search(r"@media print \{(.*?)\n  \}", template.read_text(), re.S)[1]
    items = "".join(f"<li>item {i} {'word ' * 12}</li>" for i in range(6))
    for filler in range(1, 9):
        body = "<p>filler text</p>" * (filler * 7) + f"<p class='lead-in'>Lead</p><ul>{items}</ul>"
        plain = f"<html><head><style>@page {{ size: A6; }} .lead-in {{ break-after: avoid }}</style></head>" \
                f"<body>{body}</body></html>"
        kept = plain.replace("</style>", style.replace("{{", "{").replace("}}", "}") + "</style>")
        assert stranded_items(*laid_out(kept)) == [], filler
        if stranded_items(*laid_out(plain)) == ["Lead"]:
            return
    pytest.fail("no page break fell after the lead-in's first item without the style: the check was not tried")


# (g) every count agrees between the text, the tables and the checker

def test_counts_agree_between_conclusion_session_tables_rows_and_checker():
    ev = lab_evidence.evidence()
    assert consistency.disagreements(ev) == []
    figs = verdicts.figures(Lab(), ev)
    final = consistency.final_snapshot(ev)
    writers = sum(s["commits"] for s in final.clients.sessions.values() if s["kind"] == "writer")
    readers = sum(s["reads"] for s in final.clients.sessions.values() if s["kind"] == "reader")
    assert figs["acknowledged"] == writers == ev.verify["acknowledged"] and figs["reads"] == readers
    text = markdown("en")
    conclusion = text.split('id="conclusion"')[1]
    assert f"| {report.number(figs['acknowledged'])} |" in conclusion
    assert "do NOT agree" not in text


@pytest.mark.parametrize(("change", "what"), [
    (lambda ev: ev.verify.update(acknowledged=ev.verify["acknowledged"] - 1), "acknowledged"),
    (lambda ev: ev.verify["nodes"][1].update(transfers=ev.verify["nodes"][1]["transfers"] + 118), "transfers"),
    (lambda ev: ev.stages[-1]["snapshot"]["clients"]["sessions"]["w1"].update(commits=0), "acknowledged"),
    (lambda ev: ev.stages[-1]["snapshot"]["rows"]["pg-c"].update(transfers=1), "transfers"),
    (lambda ev: ev.verify.update(indeterminate_absent=0), "unknown"),
    (lambda ev: ev.reads.pop(), "reader_reads")])
def test_a_count_that_disagrees_is_found_and_printed(change, what):
    ev = lab_evidence.evidence()
    change(ev)
    found = consistency.disagreements(ev)
    assert [d.what for d in found] == [what]
    text = report.render_markdown(SimpleNamespace(lab=Lab()), ev, "en", Path("timeline.png"), NO_TITLE)
    assert "do NOT agree" in text


# (h) the verdict of the failover names each session's pause, not one pooled figure

def test_the_failover_verdict_shows_a_session_that_stalled_though_others_went_on():
    ev = lab_evidence.evidence()
    ev.journal = [r for r in ev.journal if not (r["session"] == "w2" and lab_evidence.FAILOVER_DONE < r["ts"]
                                                < lab_evidence.FAILOVER_DONE + 10)]
    figs = verdicts.figures(Lab(), ev)
    verdict = verdicts.verdicts(TEXT["en"], Lab(), ev, figs)["2.3"]
    assert re.search(r"worst 1\d\.\d\d s \(w2\), median [0-5]\.\d\d s", verdict.text), verdict.text
    assert figs["windows"]["failover"].pooled_s < 4  # the pooled figure alone would have hidden w2
    ev.journal = [r for r in ev.journal if not (r["session"] == "w2" and r["ts"] > lab_evidence.OFF)]
    verdict = verdicts.verdicts(TEXT["en"], Lab(), ev, verdicts.figures(Lab(), ev))["2.3"]
    assert not verdict.ok and "1 of 8 sessions never came back (w2)" in verdict.text


# (i) stage 3's evidence: pg_rewind's divergence point, A's crash recovery, the switch-back, timeline 3

def test_stage_3_shows_the_rewind_the_crash_recovery_the_switch_back_and_the_timelines():
    for lang in ("en", "ru"):
        text = markdown(lang)
        stage_3 = plain(text.split('id="s3"')[1].split('id="conclusion"')[0])
        assert "`0/5000F48`" in stage_3 and "pg_rewind: servers diverged" in stage_3
        assert "redo starts at 0/4000028" in stage_3 and "database system was interrupted" in stage_3
        assert "received fast shutdown request" in stage_3 and "selected new timeline ID: 3" in stage_3
        assert re.search(r"\| 3 \| pg-a \| ", stage_3)
        start, end = (verdicts.clock(ts)[:8] for ts in (lab_evidence.FAILOVER_DONE - 0.5, lab_evidence.SWITCH - 3))
        window = TEXT[lang]["at_risk_window"].format(host="pg-b", start=start, end=end)
        assert TEXT[lang]["why_at_risk"].format(at_risk=120, acknowledged=lab_evidence.evidence().verify[
            "acknowledged"], at_risk_missing=0, windows=f" ({window})", delay=Lab().timing.replay_delay_s) in stage_3


def test_the_outage_snapshot_is_inside_the_outage_and_the_data_and_errors_are_shown():
    text = markdown("en")
    outage = text.split('id="s2-2"')[1].split('id="s2-3"')[0]
    # from the power cut's middle (its command took 12 ms: ± 6 ms)
    pm = "\u00a0±\u00a0"
    assert f"pglab saw pgpool detach pg-a 2.29 s{pm}0.01 s after the power cut and read the cluster from then on: " \
           f"its reading of pgpool and the nodes ended 2.39 s{pm}0.01 s after the cut (0.10 s - " in outage
    assert f"pgpool began detaching pg-a 2.24 s{pm}0.01 s after the cut (its log line `starting degeneration`). pg-b " \
           "at that moment: still a standby; it was promoted at 11:51:37.700 UTC by pg-b's clock (its log line " \
           "`selected new timeline ID: 2`), 0.30 s after the reading ended." in outage
    data = text.split('id="data"')[1].split('id="s1"')[0]
    assert "CREATE TABLE IF NOT EXISTS transfers" in data and "RETURNING n" in data and "customer-1" in data
    assert re.search(r"\| `server closed the connection unexpectedly` \| \d+ \| w1, w2", data)


# (j) where the run happened: the provider and hypervisor from the lab's records, for VMs too

@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_vm_run_says_its_hypervisor_and_what_its_power_off_does_not_simulate(lang):
    ev = lab_evidence.evidence()
    ev.environment = {**ev.environment, "provider": "vagrant", "hypervisor": "libvirt/qemu", "profile": "roomy"}
    text = report.render_markdown(SimpleNamespace(lab=Lab()), ev, lang, Path("timeline.png"), NO_TITLE)
    place = text.split('id="environment"')[1].split("![")[0]
    assert "`qemu`" in place and TEXT[lang]["domain_qemu"] in place and TEXT[lang]["not_simulated_vagrant"] in place
    assert TEXT[lang]["not_simulated_local"] not in text
    if lang == "ru":
        assert latin_words(prose(text)) == set()


def test_without_a_recorded_environment_the_provider_still_shows():
    ev = lab_evidence.evidence()
    ev.environment = {}
    text = markdown_of(ev, "en")
    assert 'id="environment"' in text and TEXT["en"]["not_simulated_local"] in text


def markdown_of(ev, lang: str) -> str:
    return report.render_markdown(SimpleNamespace(lab=Lab()), ev, lang, Path("timeline.png"), NO_TITLE)


def test_rewind_output_is_read_for_its_divergence_point_and_crash_recovery():
    rewind = rejoin.Rewind.parse("pg-a", "pg-b", lab_evidence.REWIND)
    assert (rewind.diverged_lsn, rewind.diverged_timeline, rewind.checkpoint_lsn) == ("0/5000F48", 1, "0/4000060")
    assert rewind.crash_recovery[0].startswith("database system was interrupted")
    assert rewind.crash_recovery[-1] == "redo done at 0/5000F10"
    nothing = rejoin.Rewind.parse("pg-b", "pg-a", ["pg_rewind: servers diverged at WAL location 0/50F9AC0 on "
                                                   "timeline 2", "pg_rewind: no rewind required"])
    assert nothing.diverged_timeline == 2 and not nothing.checkpoint_lsn and not nothing.crash_recovery
    text = markdown_of(lab_evidence.evidence(), "en")
    assert "redo done at 0/5000F10" in text.split('id="s3"')[1]


def test_client_errors_are_grouped_by_message_most_frequent_first():
    errors = [{"ts": 3.0, "session": "w2", "error": "server closed the connection\nThis probably means"},
              {"ts": 1.0, "session": "w1", "error": "server closed the connection"},
              {"ts": 2.0, "session": "r1", "error": "no answer within 1000 ms"}]
    kinds = data.error_kinds(errors)
    assert [(k.message, k.count, k.sessions, k.first, k.last) for k in kinds] == [
        ("server closed the connection", 2, ("w1", "w2"), 1.0, 3.0), ("no answer within 1000 ms", 1, ("r1",), 2.0, 2.0)]
    by_phase = data.error_kinds(errors, [data.Phase("w_failover", 0.5, 1.5), data.Phase("w_switchback", 2.5, 9)])
    assert [(k.phase, k.message, k.count) for k in by_phase] == [
        ("w_failover", "server closed the connection", 1), ("w_switchback", "server closed the connection", 1),
        ("", "no answer within 1000 ms", 1)]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_switch_back_errors_are_explained_by_bs_shutdown_before_pgpool_detached_it(lang):
    ev = lab_evidence.evidence()
    gap = data.switch_gap(Lab(), ev)
    assert gap and round(gap.detached - gap.stopping, 2) == 0.5, "B's shutdown request to pgpool's failover command"
    text = markdown(lang)
    assert "`received fast shutdown request`" in text and TEXT[lang]["w_switchback"] in text.split('id="data"')[1]
    assert not gap.degeneration and TEXT[lang]["detach_request"] in text  # the fixture logs only the request
    ev.recover_logs.append({**ev.recover_logs[3], "ts": lab_evidence.SWITCH + 0.65, "label": "degeneration",
                            "line": "LOG:  starting degeneration. shutdown host pg-b(5432)"})
    later = data.switch_gap(Lab(), ev)
    assert later.degeneration and round(later.detached - later.stopping, 2) == 0.55, "pgpool's own degeneration"
    ev.recover_logs = []  # an older run without those log lines: no claim
    assert data.switch_gap(Lab(), ev) is None


# (k) teacher's note 1: few sessions get their values, not a p95; the failover's detection from pgpool's log;
# messages cut at a word; the client snapshot's time to the millisecond; stale slots found

def test_with_fewer_than_five_sessions_each_value_is_printed_not_a_p95():
    ev = lab_evidence.evidence()
    few = {"w1", "w2", "w3", "r1"}
    ev.journal = [r for r in ev.journal if r["session"] in few]
    ev.reads = [r for r in ev.reads if r["session"] in few]
    ev.stages[-1]["snapshot"]["clients"]["sessions"] = {
        k: v for k, v in ev.stages[-1]["snapshot"]["clients"]["sessions"].items() if k in few}
    window = verdicts.figures(Lab(), ev)["windows"]["failover"]
    text = verdicts.pauses_text(TEXT["en"], window, "writer")
    assert "p95" not in text and "median" not in text
    assert re.fullmatch(r"\d\.\d\d s \(w1\), \d\.\d\d s \(w2\), \d\.\d\d s \(w3\)", text), text
    eight = verdicts.pauses_text(TEXT["en"], verdicts.figures(Lab(), lab_evidence.evidence())["windows"]["failover"],
                                 "writer")
    assert "p95" in eight and "over 8 sessions" in eight


def test_the_outage_note_says_from_bs_log_whether_b_was_promoted_before_the_snapshot():
    """The sentence about B follows B's promotion line against the snapshot's time, and says why C shows current
    rows when failover.sh made it B's synchronous standby (no replay delay) before C was counted."""
    ev = lab_evidence.evidence()
    assert report.outage(Lab(), ev)["sync_role"] == "promoted_after"
    for hit in ev.logs:
        if hit["label"] == "new timeline" and hit["host"] == "pg-b":
            hit["ts"] = lab_evidence.OFF + 1.0
    snap = ev.snapshot("2.2")
    ev.logs.append({"ts": lab_evidence.OFF + 1.1, "host": "pgpool", "label": "failover script",
                    "line": "2026-12-01 10:31:36.100 pglab-node[pg-c]: role set to sync-standby-of-pg-b"})
    found = report.outage(Lab(), ev)
    assert found["sync_role"] == "promoted_before_probe_standby" and round(found["gap"].seconds, 2) == 1.4
    assert found["undelayed"] == {"host": "pg-c", "clock": verdicts.clock(lab_evidence.OFF + 1.1),
                                  "role": "sync-standby-of-pg-b"}
    snap["rows"]["pg-c"] = {**snap["rows"]["pg-c"], "ts": lab_evidence.OFF + 1.05}  # counted before the role
    assert report.outage(Lab(), ev)["undelayed"] is None


def test_detection_time_is_pgpools_log_line_not_the_poll():
    ev = lab_evidence.evidence()
    found = report.outage(Lab(), ev)
    assert (round(found["detached"].seconds, 2), found["how"]) == (2.24, "log")  # from the 12 ms cut's middle
    ev.logs = [h for h in ev.logs if h["label"] != "degeneration"]
    found = report.outage(Lab(), ev)
    assert (round(found["detached"].seconds, 2), found["how"]) == (2.29, "poll")


def test_long_messages_are_cut_at_a_word_with_an_ellipsis():
    message = "server closed the connection unexpectedly This probably means the server terminated abnormally"
    cut = report.shorten(message, 40)
    assert cut == "server closed the connection\u2026" and len(cut) <= 40
    assert report.shorten("short one", 40) == "short one"
    text = markdown("en")
    assert "server closed the co\u2026" not in text and "This probably means th\u2026" not in text


def test_the_client_snapshot_time_has_milliseconds():
    text = markdown("ru")
    assert re.search(r"Клиентские сессии на \d\d:\d\d:\d\d\.\d{3}[\u00a0 ]UTC", text)


def test_stale_slots_are_the_inactive_ones_no_standby_of_the_primary_uses():
    from pglab.cluster.slots import Slot, stale
    slots = [Slot("pg-a", "pg_b", True, "0/7"), Slot("pg-a", "pg_c", False, "0/7"),  # C reconnecting: kept
             Slot("pg-a", "old", False, "0/1"), Slot("pg-b", "pg_c", False, "0/5"),  # left from B's time as primary
             Slot("pg-b", "pg_a", False, "0/5"), Slot("pg-c", "pg_x", True, "0/7")]
    assert [(s.host, s.name) for s in stale(slots, "pg-a", {"pg_b", "pg_c"})] == [
        ("pg-a", "old"), ("pg-b", "pg_c"), ("pg-b", "pg_a")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_sync_demonstration_shows_a_commit_held_in_syncrep_with_lsns(lang):
    text = markdown(lang)
    stage_1 = text.split('id="s1"')[1].split('id="s2"')[0]
    assert "`wait_event = SyncRep`" in stage_1 and "`0/3000148`" in stage_1 and "`0/30000D8`" in stage_1
    assert "pg_wal_replay_resume()" in stage_1 and "recovery_min_apply_delay" in stage_1
    ev = lab_evidence.evidence()
    ev.demo["sync_wait"] = {"waiting": False, "held_s": 2.0, "released_after_s": None}
    assert TEXT[lang]["demo_sync_not_waiting"].format(host="pg-b") in markdown_of(ev, lang)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_stage_3_shows_every_nodes_slots_at_the_end_and_what_was_dropped(lang):
    stage_3 = markdown(lang).split('id="s3"')[1].split('id="conclusion"')[0]
    assert "pg-b:pg_c" in stage_3 and "(pg_replication_slots)" in stage_3
    assert re.search(r"\| pg-a \| `pg_b` \| (yes|да) \| `0/7000148` \|", stage_3)
    for host in ("pg-b", "pg-c"):  # a node without a slot has a row saying so
        assert re.search(rf"\| {host} \| (no slots|слотов нет) \|", stage_3), host


def test_cs_apply_delay_is_measured_on_c_and_replay_lag_explained_once():
    text = markdown("ru")
    assert re.search(r"\| pg_c \| `streaming` \| `async` \| 5,20\u00a0с \| 5,10\u00a0с \|", text)
    assert text.count("pg_last_xact_replay_timestamp()") == 1
    assert text.count(TEXT["ru"]["waiting_note"][:40]) <= 1


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_failover_reasoning_quotes_the_scripts_choice_and_why_c_needed_no_rewind(lang):
    stage = markdown(lang).split('id="s2-3"')[1].split('id="s3"')[0]
    assert "`failover.sh: primary pg-a failed: promoting pg-b | with a 'pipe'`" in stage
    said = TEXT[lang]["c_follow"].split("`")[0]
    assert said in stage and "`0/5000F48`" in stage  # from C's own `new target timeline is 2` and the fork point
    ev = lab_evidence.evidence()
    ev.logs = [h for h in ev.logs if h["label"] not in ("failover script", "following new timeline")]
    stage = markdown_of(ev, lang).split('id="s2-3"')[1].split('id="s3"')[0]
    assert TEXT[lang]["choice_unknown"] in stage and said not in stage


def test_error_entries_have_one_definition_abandoned_requests_apart():
    ev = lab_evidence.evidence()
    ev.errors = [*ev.errors, {"ts": lab_evidence.OFF + 1, "session": "r1", "phase": "read",
                              "error": "no answer within 1000 ms: request abandoned, reconnecting"}]
    assert data.abandoned(ev.errors) == 1
    text = markdown_of(ev, "en")
    assert f"{len(ev.errors)} entries in all, of them {len(ev.errors) - 1} errors" in text
    assert "and 1 request the client abandoned" in text


def test_appendix_b_counts_each_command_once_shows_real_commands_and_the_power_off():
    ev = lab_evidence.evidence()
    ev.commands = [*ev.commands, {"ts": lab_evidence.T0 + 30, "host": "pg-a", "user": "root", "step": "schema",
                                  "command": "mktemp /tmp/.pglab-XXXXXXXX", "exit": 0, "seconds": 0.1},
                   {"ts": lab_evidence.T0 + 30.1, "host": "pg-a", "user": "root", "step": "schema",
                    "command": "runuser -l postgres -c 'psql -d bank' < /tmp/.pglab-1", "exit": 0, "seconds": 0.1}]
    secs = report.sections(ev, "en", verdicts.verdicts(TEXT["en"], Lab(), ev, verdicts.figures(Lab(), ev)), Lab())
    rows = [(step["title"], c["step"], c["runs"]) for s in secs for step in s["steps"] for c in step["commands"]]
    counted = sum(runs for _, kind, runs in rows if kind not in ("poweroff", "poweron")
                  and not kind.startswith(("pg_rewind", "promote")))
    summarised = appendix.command_summary(ev.commands)
    assert counted == sum(r["runs"] for r in summarised), "a command counted in two steps"
    commands = [c for s in secs for step in s["steps"] for c in step["commands"]]
    assert all(not c["command"].startswith("mktemp") for c in commands)
    power = [c for c in commands if c["step"] == "poweroff"]
    assert len(power) == 1 and "ip link del pglab-pg-a" in power[0]["command"] and power[0]["hosts"] == ["pg-a"]


def test_appendix_b_shows_the_rewind_and_the_promotion_and_each_distinct_command():
    """What a reader needs to repeat stage 3: pg_rewind's command line and the promotion (run on the node, not in
    the command log), each where it happened; two slots dropped are two command lines, not one shown twice."""
    ev = lab_evidence.evidence()
    drop = "psql -c 'SELECT pg_drop_replication_slot(''{}'')'"
    ev.commands = [*ev.commands, *({"ts": lab_evidence.RECOVERED - 1 + i / 10, "host": "pg-b", "user": "postgres",
                                    "step": "drop stale slot", "command": drop.format(slot), "exit": 0,
                                    "seconds": 0.05} for i, slot in enumerate(("pg_a", "pg_c")))]
    secs = report.sections(ev, "en", verdicts.verdicts(TEXT["en"], Lab(), ev, verdicts.figures(Lab(), ev)), Lab())
    rows = {step["key"] if "key" in step else step["title"]: step["commands"] for s in secs for step in s["steps"]}
    everything = [c for commands in rows.values() for c in commands]
    rewind = [c for c in everything if c["step"].startswith("pg_rewind")]
    assert len(rewind) == 1 and rewind[0]["hosts"] == ["pg-a"]
    assert rewind[0]["command"].startswith("/usr/lib/postgresql/15/bin/pg_rewind -D /var/lib/postgresql/15/main ")
    assert "'--source-server=host=pg-b port=5432 user=rewinder" in rewind[0]["command"]
    assert "$" not in rewind[0]["command"], "every variable of the script has its value"
    promotions = [c for c in everything if c["step"].startswith("promote")]
    assert [c["hosts"] for c in promotions] == [["pg-b"], ["pg-a"]]
    assert all(c["command"].endswith("/bin/pg_ctl -D /var/lib/postgresql/15/main promote") for c in promotions)
    dropped = [c["command"] for c in everything if c["step"] == "drop stale slot"]
    assert len(dropped) == 2 and "pg_a" in dropped[0] and "pg_c" in dropped[1]
    for commands in rows.values():
        assert [c["ts"] for c in commands] == sorted(c["ts"] for c in commands), "in the order they ran"
    assert TEXT["ru"]["commands_on_node"] in markdown("ru")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_stage_3_shows_a_down_after_power_on_the_fencing_limits_and_the_probe_repeated(lang):
    stage_3 = markdown(lang).split('id="s3"')[1].split('id="conclusion"')[0]
    assert "`pglab-node facts`" in stage_3 and TEXT[lang]["state_in_production"] in stage_3 and "`0/5000F10`" in stage_3
    assert "`use_watchdog = off`" in stage_3 and "STONITH" in stage_3
    assert TEXT[lang]["probe_again"].format(id=3, b=duration(61, lang),
                                            c=quantity(5.34, TEXT[lang]["seconds"], lang),
                                            at_once=TEXT[lang]["probe_c_not_yet"], sync="pg-b",
                                            lagging="pg-c") in stage_3
    ev = lab_evidence.evidence()
    ev.configuration["files"][0]["text"] = "use_watchdog = on"
    assert "STONITH" not in markdown_of(ev, lang)


def test_reads_have_one_basis_and_are_counted_by_the_node_that_answered():
    ev = lab_evidence.evidence()
    ev.reads = [*ev.reads, {"ts": lab_evidence.CLIENTS + 1, "session": "w1", "kind": "writer", "node": "pg_b",
                            "standby": True, "n": 3, "total": 100_000, "invariant": True}]
    text = markdown_of(ev, "en")
    readers = sum(r["kind"] == "reader" for r in ev.reads)
    assert f"reader sessions: pg-b {readers} (as a standby: {readers}); writers' read-backs: pg_b 1 (as a standby: 1)" \
        in text  # a teacher: which read-backs ran on a synchronous standby, the case read-your-writes is about
    verdict = verdicts.verdicts(TEXT["en"], Lab(), ev, verdicts.figures(Lab(), ev))["2.1"].text
    assert re.search(r"\d+ reads by the reader sessions and \d+ read-backs of their own writes", verdict), verdict


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_rewind_shows_what_it_copied_against_a_full_copy(lang):
    rewind = rejoin.Rewind.parse("pg-a", "pg-b", lab_evidence.REWIND)
    assert (rewind.copy_mb, rewind.total_mb) == (52, 73)
    stage_3 = markdown(lang).split('id="s3"')[1]
    assert TEXT[lang]["rewind_copied"].format(copy=52, total=73, source="pg-b") in stage_3


def test_the_task_page_keeps_each_stage_apart_and_the_requirements_whole():
    task = markdown("ru").split('id="task"')[1].split('id="execution"')[0]
    assert "(например, через psql)" in task
    stage_1 = next(line for line in task.splitlines() if "Этап 1" in line)
    stage_3 = next(line for line in task.splitlines() if "Этап 3" in line)
    assert not stage_1.startswith("- ") and not stage_3.startswith("- "), "a stage listed as an item"
    assert re.search(r"^- \*\*2\.1 ", task, re.M)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_conclusion_states_the_price_of_availability_first(lang):
    ev = lab_evidence.evidence()
    conclusion = markdown(lang).split('id="conclusion"')[1].split('id="appendix-config"')[0]
    assert TEXT[lang]["concluded_at_risk"].format(at_risk=120, acknowledged=ev.verify["acknowledged"],
                                                  missing=0) in conclusion
    assert f"| {TEXT[lang]['at_risk_row']} | 120; 0 |" in conclusion


def test_each_commit_of_unknown_outcome_is_listed_with_its_time_and_whether_it_survived():
    stage_3 = markdown("en").split('id="s3"')[1].split('id="conclusion"')[0]
    cut = "\u00a0±\u00a00\\.01 s"  # the power cut's half window
    assert re.search(rf"\| w1 \| \d\d:\d\d:\d\d\.\d{{3}} \| Failover \| 0\.00 s{cut} \(within [^|]*\| 901 \| "
                     r"`u1-aaaaa` \| yes \|", stage_3)
    assert re.search(rf"\| w3 \| \d\d:\d\d:\d\d\.\d{{3}} \| Recovery and switch-back \| 33\.04 s{cut} \| 1501 \| "
                     r"`u3-ccccc` \| no \|", stage_3)  # its part of the run: not the power cut's
    t = TEXT["en"]
    assert t["unknown_text"] in stage_3 and t["unknown_text_cut"].split("{wal}")[0] in stage_3
    assert t["unknown_text_other"] in stage_3  # one at the cut, one at the switch-back: both explained


def test_a_run_whose_only_unknown_commit_came_at_the_switch_back_is_not_told_about_the_power_cut():
    """A teacher read the power cut's explanation under a table whose one row was at the switch-back."""
    ev = lab_evidence.evidence()
    cut = ev.first("poweroff")["ts"]
    ev.journal = [r for r in ev.journal if r["outcome"] != "unknown" or r["ts"] > cut + 30]
    stage_3 = markdown_of(ev, "en").split('id="s3"')[1].split('id="conclusion"')[0]
    t = TEXT["en"]
    assert t["unknown_text_other"] in stage_3 and t["unknown_text_cut"].split("{wal}")[0] not in stage_3


def test_the_run_date_is_the_runs_end_not_a_later_reports():
    ev = lab_evidence.evidence()
    ev.events = [*ev.events, {"ts": lab_evidence.END + 3600, "event": "report"}]
    assert report.run_date(ev, "ru") == datetime.fromtimestamp(lab_evidence.END, UTC).strftime("%d.%m.%Y, %H:%M UTC")


def test_the_russian_schema_has_no_english_comments():
    data_ru = markdown("ru").split('id="data"')[1].split('id="s1"')[0]
    assert "CREATE TABLE IF NOT EXISTS transfers" in data_ru and "-- " not in data_ru.split("```sql")[1]
    assert "-- A commit order of sorts" in markdown("en")


# (l) teacher's third read: Appendix B by the steps' own times, sums that add up, layout, Russian leftovers

def test_appendix_b_gives_each_command_and_power_event_to_the_step_it_began_in():
    ev = lab_evidence.evidence()
    steps = {s["key"]: s for s in ev.stages}
    steps["demo"]["end"] = steps["clients"]["start"]  # fab lab's steps touch: one ends as the next begins
    steps["clients"]["end"] = steps["poweroff"]["start"]
    steps["failover"]["end"] = steps["poweron"]["start"] = lab_evidence.ON - 0.2
    begin = steps["clients"]["start"]
    ev.commands = [*ev.commands,  # begun 0.1 s into the clients step, logged when it ended
                   {"ts": begin + 0.3, "seconds": 0.2, "host": "client", "user": "root", "step": "pglab-client start",
                    "command": "/etc/pglab/bin/pglab-client start --writers 8", "exit": 0},
                   {"ts": lab_evidence.T0 + 21, "seconds": 0.1, "host": "pg-a", "user": "root",
                    "step": "postgres files", "command": "sha256sum /etc/hosts", "exit": 0},
                   {"ts": lab_evidence.T0 + 22, "seconds": 0.1, "host": "pg-a", "user": "root", "step": "schema",
                    "command": "runuser -l postgres -c 'psql -d bank' < /tmp/.pglab-Ab3dE6gH; rc=$?", "exit": 0},
                   {"ts": lab_evidence.T0 + 40, "seconds": 0.1, "host": "pg-a", "user": "postgres",
                    "step": "demo: commit waiting?", "command": "psql -c 'SELECT wait_event'", "exit": 0},
                   {"ts": lab_evidence.T0 + 23, "seconds": 0.1, "host": "pgpool", "user": "root",
                    "step": "close pgpool's SSH connection to pg-a", "command": "runuser -u postgres -- ssh -O exit",
                    "exit": 0}]
    ev.commands.sort(key=lambda c: c["ts"])
    secs = report.sections(ev, "en", verdicts.verdicts(TEXT["en"], Lab(), ev, verdicts.figures(Lab(), ev)))
    by_step = {step["key"]: step["commands"] for s in secs for step in s["steps"]}
    kinds = {key: [c["step"] for c in rows] for key, rows in by_step.items()}
    assert "pglab-client start" in kinds["clients"] and "pglab-client start" not in kinds["demo"]
    assert [k for k, v in kinds.items() if "poweroff" in v] == ["poweroff"]
    assert [k for k, v in kinds.items() if "poweron" in v] == ["poweron"]
    shown = [c for rows in by_step.values() for c in rows]
    assert not [c for c in shown if c["command"].startswith(appendix.LOOKS) or "/tmp/.pglab-" in c["command"]]
    assert not [c for c in shown if c["step"] in ("demo: commit waiting?", "postgres files", "role")
                or c["step"].startswith("close pgpool's SSH")]
    assert any(c["command"].endswith("< <uploaded file>; rc=$?") for c in by_step["setup"])


def numbers(pattern: str, text: str) -> list[tuple[float, ...]]:
    return [tuple(float(g.replace(",", ".").replace("\u00a0", "")) for g in m)
            for m in re.findall(pattern, text)]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_stated_parts_add_up_to_stated_totals(lang):
    ev = lab_evidence.evidence()
    text = markdown(lang)
    s = r"[\u00a0 ]"
    if lang == "en":
        held = numbers(r"replay was resumed (\d+\.\d+) s after the commit was sent, and the commit was acknowledged "
                       r"(\d+\.\d+) s later, (\d+\.\d+) s after", text)
        held += numbers(r"on pg-b, (\d+\.\d+) s after the commit was sent, released it: acknowledged (\d+\.\d+) s "
                        r"later, "
                        r"(\d+\.\d+) s after", text)
        steps = re.findall(r"Command `[^`]+`, (\d+\.\d+) s \(from (\S+) to (\S+) UTC\)", text)
    else:
        held = numbers(rf"возобновлено через (\d+,\d+){s}с после отправки коммита, подтверждение пришло ещё через "
                       rf"(\d+,\d+){s}с, всего через (\d+,\d+){s}с", text)
        held += numbers(rf"на pg-b через (\d+,\d+){s}с после отправки освободил коммит: подтверждение пришло ещё "
                        rf"через (\d+,\d+){s}с, всего через (\d+,\d+){s}с", text)
        steps = [(a.replace(",", "."), b, c) for a, b, c in
                 re.findall(rf"Команда `[^`]+`, (\d+,\d+){s}с \(с (\S+) до (\S+) UTC\)", text)]
    assert len(held) == 2, "the verdict and the demonstration both state the held commit"
    assert all(round(resume * 1000) + round(released * 1000) == round(total * 1000)
               for resume, released, total in held), held
    assert len(steps) == len(ev.stages)
    assert all(abs(seconds_of(end) - seconds_of(start) - float(secs)) < 0.006 for secs, start, end in steps), steps


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_step_rates_are_the_stated_counts_over_the_stated_seconds(lang):
    text = markdown(lang)
    s = r"[\u00a0 ]"
    if lang == "en":
        found = re.findall(r"From ([\d:.]+) to ([\d:.]+) \((\d+\.\d+) s\) the client sessions made (\d+) "
                           r"commits? \((\d+\.\d) per second\) and the reader sessions (\d+) reads? \((\d+\.\d) per",
                           text)
    else:
        found = re.findall(rf"С ([\d:.]+) до ([\d:.]+) \((\d+,\d+){s}с\) клиентские сессии сделали (\d+){s}"
                           rf"коммит\w* \((\d+,\d) в секунду\), читающие сессии\u00a0— (\d+){s}чтени\w+ \((\d+,\d) в",
                           text)
    assert len(found) >= 4
    for start, end, secs, commits, commit_rate, reads, read_rate in [tuple(x.replace(",", ".") for x in f)
                                                                      for f in found]:
        assert round(int(commits) / float(secs), 1) == float(commit_rate)
        assert round(int(reads) / float(secs), 1) == float(read_rate)
        assert round(seconds_of(end) - seconds_of(start), 3) == float(secs), "the seconds between the printed times"
    ev = lab_evidence.evidence()
    index = [s_["key"] for s_ in ev.stages].index("clients")
    rate = report.rates(ev, index)
    sessions = ev.stages[index]["snapshot"]["clients"]["sessions"]
    assert rate["from"] == verdicts.clock(lab_evidence.CLIENTS), "from the clients' start, not the step's"
    assert rate["basis"] == "start", "the first session table has no previous one to subtract"
    assert "since the clients started" in text if lang == "en" else "с запуска клиентов" in text
    assert rate["commits"] == sum(c["commits"] for c in sessions.values()), "the count the session table shows"


def seconds_of(clock_: str) -> float:
    h, m, sec = clock_.split(":")
    return int(h) * 3600 + int(m) * 60 + float(sec)


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_tables_wrap_between_words_and_log_tables_keep_one_header_per_page(built, lang):
    page_lines = [[ln.replace("\u200b", "") for ln in lines] for lines in pages(built[lang]["dir"] / "report.pdf")]
    text = "\n".join(ln for lines in page_lines for ln in lines)
    cells = [v for node in lab_evidence.configuration()["nodes"] for _, v in node["settings"]]
    words = Counter(piece for v in cells for word in v.split()
                    for piece in (re.split(r"(?<==)", word) if len(word) > report.LONG_PAIR else [word]) if piece)
    broken = {w: n for w, n in words.items() if sum(line.count(w) for line in text.splitlines()) < n}
    assert broken == {}, "a setting's value broken inside a word"
    header = [TEXT[lang][k] for k in ("time", "host", "what", "message")]  # pdftotext: a cell a line
    per_page = [sum(lines[i:i + 4] == header for i in range(len(lines))) for lines in page_lines]
    assert sum(per_page) >= 2 and max(per_page) == 1, per_page


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_never_breaks_a_host_name_at_its_hyphen(built, lang):
    lines = [ln for page in pages(built[lang]["dir"] / "report.pdf") for ln in page]
    assert sum(ln.count("pg-b") for ln in lines) > 20
    assert [ln for ln in lines if re.search(r"(^|\W)pg-$", ln)] == []


def test_prose_names_tables_by_their_numbers_next_and_previous():
    cap = report.Captions(TEXT["en"])
    text = "\n".join([cap("table", "one", "sessions"), "see table ⟦next:sessions⟧ and ⟦prev:sessions⟧",
                      cap("table", "two"), cap("table", "three", "sessions")])
    assert "see table 3 and 1" in cap.numbered(text)
    assert cap.numbered("in table ⟦prev:cluster⟧" + text).startswith("in table above")


def test_every_step_says_which_session_tables_its_rates_come_from():
    for lang in ("en", "ru"):
        text = markdown(lang)
        assert "⟦" not in text and not re.search(r"\((below|above|ниже|выше)\)", text)
        refs = re.findall(r"(?:tables?|таблиц\w*) (\d+) \((?:this step's sessions|сессии этого шага)\)", text)
        captions = dict(re.findall(r'id="table-(\d+)">[^<]*?((?:Client sessions|Клиентские сессии)[^<]*)<', text))
        assert len(refs) >= 4 and all(n in captions for n in refs), (refs, captions)


def test_an_apply_delay_far_above_cs_delay_is_explained_by_when_c_answered():
    ev = lab_evidence.evidence()
    first = min(r["ts"] for r in ev.journal if r["outcome"] == "ack")
    clients = next(s for s in ev.stages if s["key"] == "clients")["snapshot"]
    assert "had applied none of theirs" not in markdown_of(ev, "en")
    clients["probes"]["pg-c"].update(replay_age_s=49.9, ts=first + 4)
    text = markdown_of(ev, "en")
    assert "pg-c's apply delay of 49.90 s is the age of the last transaction it had applied when it answered" in text
    assert "first commit was then only 4.00 s old, and pg-c applies a commit no sooner than" in text
    # A teacher saw 45.99 s beside a first commit 10.27 s old - just past the delay, which the note did not cover
    clients["probes"]["pg-c"].update(replay_age_s=45.99, ts=first + Lab().timing.replay_delay_s + 0.27)
    assert "had applied none of theirs" in markdown_of(ev, "en")
    clients["probes"]["pg-c"].update(ts=first + 40)  # C should have applied the clients' commits by then: no excuse
    assert "had applied none of theirs" not in markdown_of(ev, "en")


def test_a_node_row_says_when_it_was_read_and_a_stopped_postgresql_is_not_down():
    text = markdown("en")
    assert "| Read at (UTC) |" in text and "PostgreSQL stopped" not in text
    ev = lab_evidence.evidence()
    for stage in ev.stages:  # A's host up but its PostgreSQL stopped (fenced after power-on): not "down"
        if stage["key"] == "poweron":
            stage["snapshot"]["power"]["pg-a"] = "running"
    assert "| PostgreSQL stopped |" in markdown_of(ev, "en")


def test_a_code_line_breaks_only_between_words():
    line = '  timeout 5 ssh "${ssh_args[@]}" postgres@pg-b facts 2>/dev/null || echo "unreachable: yes"'
    assert report.whole_words(line) == ('  timeout 5 ssh "${ssh_args[@]}" <span class="nw">postgres@pg-b</span> facts '
                                        '<span class="nw">2>/dev/null</span> || echo "unreachable: yes"')
    long_path = "/" + "x" * report.UNBROKEN_MAX
    assert report.whole_words(long_path) == long_path  # may break rather than run off the page


def test_the_report_explains_a_run_by_its_own_settings_not_todays_model():
    """A VM run made with 96 pgpool children was reported with the model's 32 when the model had changed back."""
    ev = lab_evidence.evidence()
    assert report.as_recorded(Lab(), ev).timing == Lab().timing  # nothing recorded beyond the model: the model
    ev.configuration["files"][0]["text"] += "\nnum_init_children = 7\n"
    ev.events = [{**e, "login_timeout_s": 15} if e["event"] == "clients-start" else e for e in ev.events]
    timing = report.as_recorded(Lab(), ev).timing
    assert (timing.pool_children, timing.login_timeout_s) == (7, 15)


def test_host_names_are_kept_whole_in_text_and_code_but_not_in_tags():
    html = '<p id="pg-a">pg-a, pg-b.</p><pre><code>ssh pg-c xpg-a pg-ab</code></pre>'
    assert report.hosts_whole(html, ("pg-a", "pg-b", "pg-c", "client")) == (
        '<p id="pg-a"><span class="nw">pg-a</span>, <span class="nw">pg-b</span>.</p>'
        '<pre><code>ssh <span class="nw">pg-c</span> xpg-a pg-ab</code></pre>')


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_data_come_before_the_stages_and_in_the_contents(lang):
    text = markdown(lang)
    assert text.index('id="environment"') < text.index('id="data"') < text.index('id="s1"')
    contents = text.split('class="toc"')[1].split("</div>")[0]
    assert contents.index("(#environment)") < contents.index("(#data)") < contents.index("(#s1)")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_setup_shows_the_connectivity_over_tls_with_scram(lang):
    t = TEXT[lang]
    setup = plain(markdown(lang).split('id="s1"')[1].split('id="s2"')[0])
    logins = re.sub("⟦prev:conn⟧", r"\\d+", re.escape(t["conn_logins"]))  # the table's number, once rendered
    assert "SSL connection (protocol: TLSv1.3" in setup and re.search(logins, setup)
    assert t["conn_via"].format(host="pg-a", tls=t["conn_tls"].format(version="TLSv1.3")) in setup
    assert t["conn_walsender"].format(app="pg_c", tls=t["conn_tls"].format(version="TLSv1.3")) in setup
    ev = lab_evidence.evidence()
    ev.configuration["files"][-1]["text"] += "host bank app 10.213.27.10/32 md5\n"  # a plain login admitted
    assert not re.search(logins, markdown_of(ev, lang))
    ev.events = [e for e in ev.events if e["event"] != "connectivity"]  # a run recorded before the check
    assert t["conn_table"] not in markdown_of(ev, lang)


def test_russian_report_translates_states_labels_and_profile_names():
    text = markdown("ru")
    words = prose(text)
    # a Latin word or code span standing for a Russian one: at a cell's start or a parenthesis, before ':' or ','
    bare = re.sub(r"`([^`]*)`", lambda m: m.group(1) if m.group(1).isalpha() else " ",  # a lone code word stays
                  re.sub(r"```.*?```|<code>.*?</code>", " ", text, flags=re.S))
    leftovers = {w for pair in re.findall(r"(?:\||\()\s*([A-Za-z]+)\s*[:,]|,\s*([A-Za-z]+)\s*:", bare)
                 for w in pair if w and w not in ALLOWED_LATIN}
    assert leftovers == set()
    assert "Шаг pglab" not in words and "тайм-аутов pglab" not in words
    assert re.search(r"\| pg-a \| отключён, основной \|", text) and TEXT["ru"]["detached_note"] in text
    assert TEXT["ru"]["profile_fast"] in text and "(`fast`)" not in text, "the profile in words, not its English name"
    assert not re.search(r"\| `(up|down|waiting)`", text)
    assert latin_words(words) == set()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_rewind_says_where_its_interval_starts_and_what_it_copied(lang):
    t = TEXT[lang]
    stage_3 = markdown(lang).split('id="s3"')[1]
    setup = next(s for s in lab_evidence.stages() if s["key"] == "setup")
    size = "16\u00a0МБ" if lang == "ru" else "16 MB"  # 0x5000F48 - 0x4000060: 16.0 MB
    known_up = t["checkpoint_known_up"].format(size=size, clock="10:31:20", host="pg-a")
    assert known_up in stage_3, "dated by the rewound node's own control file, not the long way round"
    ev = lab_evidence.evidence()
    for e in ev.events:
        if e["event"] == "rewind-output":
            e["lines"] = [line for line in e["lines"] if "last known up" not in line]
    dated = t["checkpoint_dated"].format(size=size, clock=verdicts.clock(setup["end"])[:8],
                                         step=setup["title"][0 if lang == "en" else 1], setup=t["checkpoint_setup"])
    assert dated in markdown_of(ev, lang).split('id="s3"')[1]
    assert t["rewind_copied"].format(copy=52, total=73, source="pg-b") in stage_3


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_rejoin_time_is_the_difference_of_the_two_times_shown(lang):
    """The rejoin figure is what its two printed ends give: the start of `fab recover` and A's own log line
    'started streaming WAL' (not pglab's later check, which the event's seconds measure)."""
    text = markdown(lang)
    row = re.search(r"pg_rewind, (\d+[.,]\d+)[\u00a0 ](?:s|с): \w+ ([\d:.]+) .*? \w+ ([\d:.]+) UTC", text)
    assert row, "the rejoin row shows both ends"
    seconds, start, end = float(row.group(1).replace(",", ".")), row.group(2), row.group(3)
    assert round(seconds_of(end) - seconds_of(start), 2) == seconds
    assert verdicts.clock(lab_evidence.RECOVER) == start
    # The start is the rejoin's (recorded after the checks of `fab recover`), named so, with the command's own
    # start beside it; the plot's recovery band starts at the same event.
    command = next(s["start"] for s in lab_evidence.stages() if s["key"] == "recover")
    assert command < lab_evidence.RECOVER and f"{verdicts.clock(command)}) " in row.group(0)
    assert ("recover-start", "recovered") in [(a, b) for _, a, b, _ in plot.WINDOWS]
    ev = lab_evidence.evidence()
    assert verdicts.rejoin_span(Lab(), ev).logged
    ev.recover_logs = []  # an older run without A's log line: the end is pglab's check
    span = verdicts.rejoin_span(Lab(), ev)
    assert not span.logged and span.seconds == round(ev.first("rejoined", host="pg-a")["seconds"], 3)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_wal_positions_have_one_format_and_sub_second_waits_one_unit(lang):
    """pglab-node facts gives A's WAL end zero-padded ('0/05000F10'); the report writes it as PostgreSQL does.
    B's visibility is in milliseconds in stage 1 and in its repetition alike."""
    text = markdown(lang)
    assert facts.lsn_printed("0/040208B0") == "0/40208B0" and facts.lsn_printed("-") == "-"
    assert "`0/5000F10`" in text and "0/05000F10" not in text
    ms = "ms" if lang == "en" else "мс"
    repeated = re.search(rf"(?:after|через) (\d+)\u00a0?[ ]?{ms}; (?:on|на) pg-c", text)
    assert repeated, "the repeated probe's B visibility in milliseconds"


CALQUES = ("под риском", "Надёжность при деградации", "Как сходятся", "читает обратно", "прочитали обратно",
           "брошенные клиентом", "совпавшие с образцами", "Инвариант банка", "чтения своих записей\u00a0—",
           "этой машин", "не терялась", "При `on`", "подтверждены, когда", "по ответившему узлу",
           "при числе сессий меньше", "(`waiting`)", "«работает», `up`", "(`fast`)", "`in production`",
           "в этот момент: резервный", "А\u00a0— основной", "В и С")


def test_russian_report_has_none_of_the_teachers_calques_and_no_capital_after_a_colon():
    text = markdown("ru")
    assert [c for c in CALQUES if c in text] == []
    assert not re.search(r"\*\*Задание требует:\*\* [А-ЯЁ]", text)
    assert "A\u00a0— основной, B и C\u00a0— резервные" in text, "the task names the hosts in Latin, as the body does"


def test_headings_have_no_capital_after_a_colon_and_no_second_colon():
    """'Шаг: Пять одинаковых хостов', 'Шаг: После переключения: B …': steps are numbered, not introduced by a colon."""
    for lang in ("en", "ru"):
        headings = [ln for ln in markdown(lang).splitlines() if ln.startswith("#")]
        assert len(headings) > 20
        assert [h for h in headings if h.count(":") > 1 or re.search(r":\s+[А-ЯЁ]", h)] == []
    assert re.search(r"^#### Шаг 1\. ", markdown("ru"), re.M)


def test_russian_wording_the_teacher_returned_is_gone():
    text = markdown("ru")
    for returned in ("Вход:", "инвариант банка", "Брошенных запросов", "целый WAL", "Тогда стенд сохраняет",
                     "тайм-ауты, для", "всего записей\u00a0— "):
        assert returned not in text, returned


RIGHT_MARGIN_PT = 14 / 25.4 * 72  # the print style's @page right margin, 14 mm


def words_past_the_text_block(pdf: Path) -> list[tuple[int, str, float]]:
    """(page, word, its right edge in pt) of every word right of the text block (pdftotext -bbox)."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found, page, limit = [], 0, 0.0
    for line in bbox.splitlines():
        if (size := re.search(r'<page width="([\d.]+)"', line)):
            page, limit = page + 1, float(size.group(1)) - RIGHT_MARGIN_PT + 1.5  # rounding and a border's width
        elif (word := re.search(r'xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)) and float(word[1]) > limit:
            found.append((page, word[2], float(word[1])))
    return found


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_table_or_code_runs_past_the_text_block(built, lang):
    """A table's columns with their padding add up to the text width (box-sizing), so none runs off the page
    (the teacher found headers clipped at 601 pt on a 595 pt page)."""
    assert words_past_the_text_block(built[lang]["dir"] / "report.pdf") == []


def test_code_lines_get_a_hanging_indent_of_their_own():
    html = report.code_lines('<p>x</p><pre><code class="language-sh">a &lt;b&gt;\n\n  c\n</code></pre>')
    assert html == ('<p>x</p><pre><code class="language-sh"><span class="ln">a &lt;b&gt;</span><span class="ln">'
                    '\u200b</span><span class="ln">  c</span></code></pre>' + report.CONT_END)
    long = report.code_lines("<pre><code>" + "word " * 30 + "</code></pre>")  # 150 characters: wrapped, marked
    assert long.count('<span class="ln">') == 2 and '<span class="ln">\u21aa word' in long


def test_the_printed_code_blocks_are_line_spans_with_a_hanging_indent(built):
    html = (built["ru"]["dir"] / "report.html").read_text()
    assert re.search(r"pre \.ln \{[^}]*text-indent: -", html) and html.count('<span class="ln">') > 20


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_failover_step_says_when_pgpool_attached_c_again(lang):
    """Its snapshot shows C detached; follow_primary.sh's attach line came 0.2 s later: the reader sees when."""
    stage = markdown(lang).split('id="s2-3"')[1].split('id="s3"')[0]
    assert TEXT[lang]["c_attached_later"].format(host="pg-c", clock=verdicts.clock(lab_evidence.OFF + 8.2),
                                                 after=quantity(0.2, TEXT[lang]["seconds"], lang)) in stage
    ev = lab_evidence.evidence()
    ev.logs = [h for h in ev.logs if "attached as node" not in h["line"]]  # an older run: not collected
    stage = markdown_of(ev, lang).split('id="s2-3"')[1].split('id="s3"')[0]
    assert TEXT[lang]["c_not_attached"].format(host="pg-c") in stage


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_b_logged_no_loss_of_its_primary_because_it_was_promoted_before_its_receiver_timed_out(lang):
    ev = lab_evidence.evidence()
    silent = report.silent_standby(Lab(), ev)
    assert silent and silent["timeout"] == 5.0 and silent["after"].seconds < 5.0 and silent["detection"] is None
    assert "`wal_receiver_timeout`" in markdown(lang).split('id="s2-3"')[1].split('id="s3"')[0]
    ev.logs = [*ev.logs, {"ts": lab_evidence.OFF + 1, "host": "pg-b", "source": "postgresql",
                          "label": "WAL stream lost",
                          "line": "2026-12-01 10:31:36.000 UTC LOG:  terminating walreceiver due to timeout"}]
    assert report.silent_standby(Lab(), ev) is None, "it did log one: nothing to explain"


def test_each_sessions_longest_pause_is_told_from_its_own_records_readers_too():
    ev = lab_evidence.evidence()
    window = verdicts.availability_windows(ev)["failover"]
    stories = availability.pause_stories(window, ev.errors)
    assert {s.session for s in stories} == {p.session for p in window.sessions} and any(
        s.session.startswith("r") for s in stories), "the readers have their row too"
    for s, p in zip(stories, window.sessions, strict=True):
        assert (s.last_before, s.first_after) == (p.since, p.resumed)
        mine = [e for e in ev.errors if e["session"] == s.session and s.last_before <= e["ts"] <= s.first_after]
        assert s.errors + s.abandoned == len(mine)
        assert s.abandoned == sum("request abandoned" in e["error"] for e in mine)
    failover = markdown("ru").split('id="s2-3"')[1].split('id="s3"')[0]
    w1 = stories[[s.session for s in stories].index("w1")]
    assert TEXT["ru"]["cut_note"].split("{watchdog}")[0].format(ms=Lab().timing.stuck_request_ms) in failover
    step = TEXT["ru"]["cstep_" + w1.first_error["phase"].replace(" ", "_")]
    assert f"| w1 | {verdicts.clock(w1.last_before)} | {verdicts.clock(w1.first_error['ts'])}; {step}: `" in failover


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_older_run_without_the_newer_records_still_renders(lang):
    """A run recorded before the rejoin's log line, the switch-back's log lines, C's attach line, the recorded
    settings, the slots and the probe repetition were kept: the report falls back instead of failing."""
    ev = lab_evidence.evidence()
    ev.recover_logs, ev.configuration = [], {}
    ev.logs = [h for h in ev.logs if "attached as node" not in h["line"]]
    ev.events = [e for e in ev.events if e["event"] not in ("switchover", "slots", "probe-again", "recover-start")]
    text = markdown_of(ev, lang)
    assert TEXT[lang]["rejoin_checked"].format(host="pg-a") in text
    assert TEXT[lang]["c_not_attached"].format(host="pg-c") in text and "`received fast shutdown request`" not in text
    ev.verify = {}  # a run that stopped before `fab verify` (a VM run failed in stage 3 so): no 'None' shown
    assert "None" not in prose(markdown_of(ev, lang))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_commit_with_b_stopped_is_said_to_wait_for_cs_delayed_replay_only_when_it_did(lang):
    """A commit on A with B stopped keeps remote_apply: C, made synchronous, releases it after its replay delay -
    or after the switch, when failover.sh made C synchronous later than that; the two apart by the commit's own
    start and A's own log line (one clock)."""
    t = TEXT[lang]
    by = {k: t[k].format(lagging="pg-c") for k in ("demo_b_by_delay", "demo_b_by_switch", "demo_b_by_either")}
    assert by["demo_b_by_delay"] in markdown(lang)  # C synchronous 0.9 s after the commit began, its delay 5 s
    ev = lab_evidence.evidence()
    ev.demo["b_stop_logs"][0]["ts"] = ev.demo["commit_with_b_stopped_began"] + 7.5
    assert by["demo_b_by_switch"] in markdown_of(ev, lang)
    ev.demo["b_stop_logs"][0]["ts"] = ev.demo["commit_with_b_stopped_began"] + 5.2
    assert by["demo_b_by_either"] in markdown_of(ev, lang)
    del ev.demo["commit_with_b_stopped_began"]  # an older run: no claim either way
    assert not any(words in markdown_of(ev, lang) for words in by.values())


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_failover_reasoning_says_an_attach_ends_sessions_too(lang):
    """pgpool-II 4.3.5 ends every child given a query while it handles a failover or a failback (its
    pool_virtual_main_db_node_id exits when Req_info->switching is set): a recorded VM run showed every session's
    EOF at C's attach. The report must not claim that sessions carry on across an attach."""
    text = markdown(lang)
    assert "restarts no child" not in text and "дочерние процессы не перезапускает" not in text
    assert ("`failback`) ends sessions too" if lang == "en" else "`failback`) тоже обрывает сессии") in text


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_clock_skew_between_vms_is_said_and_negative_apply_ages_are_not_printed(lang):
    """On VMs the clocks are not synchronised: a delayed commit seen sooner than the delay gives a lower bound
    of the skew, said beside it and under "Where the run happened"; a negative apply age shows as < 0.1 s."""
    t = TEXT[lang]
    ev = lab_evidence.evidence()
    assert clocks.skew_ms(Lab(), ev) == 0 and t["env_clocks"] not in markdown_of(ev, lang)  # local: one clock
    ev.environment = {**ev.environment, "provider": "vagrant", "hypervisor": "libvirt/qemu"}
    ev.demo = {**ev.demo, "visible_on_c_after_s": Lab().timing.replay_delay_s - 0.22}
    probe = next(iter(ev.stages[-1]["snapshot"]["probes"].values()))
    probe["replay_age_s"] = -0.06
    assert clocks.skew_ms(Lab(), ev) == 220 and clocks.skew_source(Lab(), ev) == clocks.Skew(220, "c_early")
    text = markdown_of(ev, lang)
    # the skew's source named, with its clocks (a teacher found "the measurements below" pointing elsewhere)
    how = t["skew_c_early"].format(ms=220, lagging="pg-c", primary="pg-a", sync="pg-b")
    assert t["env_clocks"] in text and t["env_clocks_seen"].format(ms=220, where=t["skew_where_demo"], how=how) in text
    probe["replay_age_s"] = -1.1  # larger than the demonstration's: its step, standby and primary named
    skew = clocks.skew_source(Lab(), ev)
    assert (skew.ms, skew.kind, skew.step, skew.host) == (1100, "negative_age", ev.stages[-1]["key"], probe["host"])
    how = t["skew_negative_age"].format(ms=1100, host=skew.host, then=skew.primary)
    title = ev.stages[-1]["title"][0 if lang == "en" else 1]  # named by its title: a stage has several steps
    assert t["env_clocks_seen"].format(ms=1100, where=t["skew_where_step"].format(step=title), how=how) \
        in markdown_of(ev, lang)
    probe["replay_age_s"] = -0.06
    assert t["skew_below_delay"].format(ms=220) in text
    assert "-0,06" not in text and "-0.06" not in text and t["negative_age_note"] in text
    assert ("since the last transaction was replayed" if lang == "en" else "последней применённой транзакции") \
        in text  # an idle standby's lag is the age of its last transaction


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_whole_runs_time_is_the_difference_of_the_times_shown(lang):
    """The total is what the first step's printed start and the last step's printed end give, not the lab's own
    count (which includes work after the last step), and both ends are shown."""
    text = markdown(lang)
    pattern = r"\| " + re.escape(TEXT[lang]["wall"]) + r" \| ([\d.,]+)[\u00a0 ](?:s|с) \S+ ([\d:.]+)\D+([\d:.]+) UTC"
    row = re.search(pattern, text)
    assert row, "the total shows both ends"
    assert round(seconds_of(row.group(3)) - seconds_of(row.group(2)), 1) == float(row.group(1).replace(",", "."))
    steps = lab_evidence.stages()
    assert row.group(2) == verdicts.clock(min(s["start"] for s in steps))


def with_script_lines(ev):
    """failover.sh's start, decision and promotion lines at the failover (0.5 s to decide) and at the switch-back
    (1.7 s)."""
    for base, hits, failed, target, decide in ((ev.first("poweroff")["ts"] + 2.42, ev.logs, "pg-a", "pg-b", 0.5),
                                               (ev.first("switchover")["ts"] + 0.65, ev.recover_logs, "pg-b", "pg-a",
                                                1.7)):
        lines = ((0, f"failover.sh: failed node 1 ({failed}); old primary 1 ({failed}); new main 0 ({target})"),
                 (decide, f"failover.sh: primary {failed} failed: promoting {target} (pgpool's choice: {target})"),
                 (decide + 0.5, f"failover.sh: promoted {target}"))
        hits[:] = [h for h in hits if not re.search(r": promoting |failover\.sh: (failed node|facts of)", h["line"])
                   and h["label"] != "failover command"]
        hits += [{"ts": base + d, "host": "pgpool", "source": "pgpool", "label": "failover script",
                  "line": f"2026-12-01 10:32:00.000 {line}"} for d, line in lines]
        hits.append({"ts": base - 0.1, "host": "pgpool", "source": "pgpool", "label": "failover command",
                     "line": "2026-12-01 10:32:00.000: main pid 9: LOG:  execute command: /etc/pgpool2/failover.sh"})
    return ev


def test_the_failover_and_the_switch_back_are_each_timed_from_their_own_lines():
    """Where each fault's seconds went, read from its own lines, in its own section: not one sentence with two sets
    of numbers, and not in the data section."""
    ev = with_script_lines(lab_evidence.evidence())
    t = TEXT["ru"]
    text = markdown_of(ev, "ru")
    data_part = text.split('id="data"')[1].split('id="s1"')[0]
    failover = text.split('id="s2-3"')[1].split('id="s3"')[0]
    stage_3 = text.split('id="s3"')[1].split('id="conclusion"')[0]
    assert "failover.sh" not in prose(data_part)
    startup = t["seq_startup"].format(startup="100\u00a0мс")  # pgpool's `execute command` to the script's own line
    assert t["seq_decide"].format(decide="0,60\u00a0с", startup=startup, nodes=t["seq_nodes_poweroff"].format(
        failed="pg-a", syn="0,1"), each=t["seq_facts_unlogged"]) in failover
    assert t["seq_decide"].format(decide="1,80\u00a0с", startup=startup, nodes=t["seq_nodes_switchover"].format(
        failed="pg-b", before="0,60\u00a0с", own=""), each=t["seq_facts_unlogged"]) in stage_3
    assert t["seq_table"].format(phase=t["seq_switchback"]) in stage_3
    assert t["pause_table"].format(phase=t["seq_switchback"]) in stage_3
    marks = sequence.marks(Lab(), ev, "switchover", verdicts.availability_windows(ev)["switchback"])
    assert [m.what for m in marks if m.clock == "pgpool"][:3] == ["seq_script_start", "seq_script_log", "seq_decision"]
    for clock_ in {m.clock for m in marks}:  # each interval is taken on one clock only
        mine = [m for m in marks if m.clock == clock_]
        assert mine[0].since is None
        assert all(round(b.ts - a.ts, 3) == b.since for a, b in zip(mine, mine[1:], strict=False))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_timelines_show_where_each_branched_off_and_the_history_files(lang):
    stage_3 = plain(markdown(lang).split('id="s3"')[1].split('id="conclusion"')[0])
    assert re.search(r"\| 2 \| pg-b \| [\d:.]+ \| `0/5000F48` \| ", stage_3), "timeline 2 starts at the fork"
    fork = TEXT[lang]["tl_fork_item"].format(next=2, timeline=1, lsn="0/5000F48")
    assert "`00000003.history`" in stage_3 and fork in stage_3


@pytest.mark.parametrize(("sender", "key"), [("health_check1 pid 1026", "seq_detached_by"),
                                             ("pcp_child pid 658", "seq_detached_by_pcp")])
def test_who_detached_b_at_the_switch_back_is_read_from_pgpools_line(sender, key):
    """pcp_detach_node ended with code 0 either way: which process asked pgpool to detach B is in its log line."""
    ev = lab_evidence.evidence()
    switch = ev.first("switchover")["ts"]
    ev.recover_logs += [{"ts": switch + 0.3, "host": "pgpool", "source": "pgpool", "label": "degenerate request",
                         "line": f"2026-12-01 10:32:00.000: {sender}: LOG:  received degenerate backend request for "
                                 f"node_id: 1 from pid [{sender.split()[-1]}]"}]
    ev.commands = [*ev.commands, {"ts": switch + 0.5, "host": "pgpool", "user": "postgres", "step": "pcp_detach_node",
                                  "command": "/usr/sbin/pcp_detach_node -h localhost -p 9898 -U pgpool -w -n 1",
                                  "exit": 0, "seconds": 0.2}]
    t = TEXT["ru"]
    stage_3 = markdown_of(ev, "ru").split('id="s3"')[1]
    assert t[key].format(failed="pg-b", pid=sender.split()[-1], rc="0") in stage_3
    other = "seq_detached_by_pcp" if key == "seq_detached_by" else "seq_detached_by"
    assert t[other].format(failed="pg-b", pid=sender.split()[-1], rc="0") not in stage_3


def test_stage_3_tells_its_evidence_in_the_order_it_happened():
    """The rewind's output, then what it shows, the switch-back, B's rejoin, the timelines and the final state."""
    t = TEXT["ru"]
    stage_3 = markdown_of(with_script_lines(lab_evidence.evidence()), "ru").split('id="s3"')[1]
    recover = stage_3[stage_3.rfind(t["step"] + " ", 0, stage_3.find("pg_rewind: servers diverged")):]
    order = ["pg_rewind: servers diverged", t["diverged"].split("{")[0], t["switch_logs"],
             t["seq_table"].format(phase=t["seq_switchback"]), t["timelines"], t["final_state"],
             t["cluster"]]
    found = [recover.find(w) for w in order]
    assert -1 not in found and found == sorted(found), list(zip(order, found, strict=True))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_emulated_vm_run_says_so_before_its_figures_and_drops_the_local_wording(lang):
    t = TEXT[lang]
    ev = lab_evidence.evidence()
    local = markdown_of(ev, lang)
    assert t["demo_b_local"] in local and t["concluded_emulated"].split("{")[0] not in local
    ev.environment = {**ev.environment, "provider": "vagrant", "hypervisor": "libvirt/qemu", "cpu_slowdown": 13.2}
    text = markdown_of(ev, lang)
    conclusion = text.split('id="conclusion"')[1]
    said = t["concluded_emulated"].format(slowdown=13.2, why=t["emulated_why"])
    assert said in conclusion and conclusion.index(said) < conclusion.index(t["concluded"].split("{")[0][:30])
    assert t["demo_b_local"] not in text and t["demo_b_vm"] in text


def test_a_hosts_repeated_log_message_is_one_row_with_its_count_and_span():
    """pg-a and pg-c each retrying the primary every ~0.2 s made 170 identical rows on the VMs: a host's run of
    one message (pids aside) is one row, even with another host's lines in between; its other lines end it."""
    def hit(ts, host, text):
        return logs.LogHit(ts, host, "postgresql", "primary unreachable", f"2026-12-01 10:00:00.000 UTC {text}")
    refused = "FATAL:  could not connect to the primary server: Connection refused"
    hits = [hit(1, "pg-a", f"[61{i}] {refused}") if i % 2 == 0 else hit(1 + i / 10, "pg-c", f"[7{i}] {refused}")
            for i in range(6)] + [hit(2, "pg-a", "[70] LOG:  started streaming WAL"), hit(3, "pg-a", f"[71] {refused}")]
    runs = logs.collapse(hits)
    assert [(r.first.host, r.count) for r in runs] == [("pg-a", 3), ("pg-c", 3), ("pg-a", 1), ("pg-a", 1)]
    assert (runs[1].first.ts, runs[1].last.ts) == (1.1, 1.5)
    assert sum(r.count for r in runs) == len(hits)


def test_the_plots_bin_grows_with_the_run_and_is_aligned_to_whole_seconds():
    """A 10-minute run in 1 s steps merges into a blob: 1 s bins up to 2 min, 5 s up to 10 min, 10 s beyond."""
    assert [plot.bin_width(s) for s in (60, 120, 121, 600, 601, 1225)] == [1, 1, 5, 5, 10, 10]
    assert plot.per_second([100.2, 104.9, 105.0, 119.99], 100.0, 5) == Counter({0: 2, 5: 1, 15: 1})
    ev = lab_evidence.evidence()
    origin, end, width = plot.binned_span(ev)
    assert origin == int(origin) and width == plot.bin_width(end - origin)
    assert TEXT["ru"]["timeline_caption"].format(bin=width) in markdown("ru")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_speed_ratio_at_most_one_says_the_hosts_are_not_slower(lang):
    t = TEXT[lang]
    ev = lab_evidence.evidence()
    ev.environment = {**ev.environment, "cpu_slowdown": 0.84}
    text = markdown_of(ev, lang)
    speed = next(line for line in text.splitlines() if t["speed_not_slower"] in line)
    assert "noise" not in speed and "погрешность" not in speed
    ev.environment = {**ev.environment, "cpu_slowdown": 1.4}
    assert t["speed_slower"] in markdown_of(ev, lang)


def test_appendix_commands_are_whole_and_host_names_never_break():
    """Appendix B shows each command whole (wrapped by the table, not cut with '…'); a host name in its hosts
    column is kept on one line; prose names hosts (pg-b), the app names (pg_b) only in code."""
    long = "psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres -c '" + "SELECT 1, " * 30 + "2'"
    rows = appendix.command_summary([{"step": "probe twice", "host": "pg-a", "command": long, "exit": 0}])
    assert rows[0]["command"] == " ".join(long.split()) and "\u2026" not in rows[0]["command"]
    text = markdown("ru")
    appendix_part = text.split('id="appendix-commands"')[1]
    assert '<span class="nw">pg-a</span>' in appendix_part
    assert "узел pg-b (`pg_b`) синхронный" in text


@pytest.mark.parametrize(("lang", "read", "silent"), [
    ("en", "`failover.sh` has read pg-c's facts (38\u00a0ms by its own line)",
     "`failover.sh` gave up on pg-a: no answer to a SYN within `SYN_TIMEOUT`, its facts not read (its line: "
     "103\u00a0ms in all, with the script's own work around the wait)"),
    ("ru", "`failover.sh` прочитал состояние pg-c (по его собственной строке\u00a0— за 38\u00a0мс)",
     "`failover.sh` не дождался от pg-a ответа на SYN за `SYN_TIMEOUT`, его состояние не читалось (по его строке "
     "всего 103\u00a0мс, вместе с работой сценария вокруг ожидания)")])
def test_the_sequence_table_says_each_facts_read_once_and_the_powered_off_node_as_unread(lang, read, silent):
    """A teacher read "failover.sh has read one node's facts: failover.sh: facts of pg-a ..." - twice the same, and
    untrue for the powered-off A, whose SYN went unanswered."""
    rows = [plain(line) for line in markdown(lang).splitlines() if line.startswith("| ")]
    said = [row for row in rows if read in row or silent in row]
    assert len(said) == 2 and not any("facts of pg-" in row for row in said), said


def test_the_decision_names_each_nodes_facts_time_from_failover_shs_own_lines():
    """A teacher found "how long each node's facts took is not logged" beside the very lines that log it."""
    mark = sequence.Mark
    found = [mark(10.0, "pgpool", "seq_script_start"),
             mark(10.2, "pgpool", "seq_facts", "failover.sh: facts of pg-b read in 118 ms"),
             mark(10.6, "pgpool", "seq_facts", "failover.sh: facts of pg-a read in 13513 ms"),
             mark(10.62, "pgpool", "seq_decision", "failover.sh: primary pg-b failed: promoting pg-a (pgpool's)")]
    english = " ".join(sequence.explain(TEXT["en"], Lab(), "switchover", found, [], lambda v: f"{v:.2f} s"))
    assert "pg-b 118\u00a0ms, pg-a 13.51 s; the last, pg-a's, came 20\u00a0ms before the decision" in english, english
    cut = " ".join(sequence.explain(TEXT["en"], Lab(), "poweroff", found, [], lambda v: f"{v:.2f} s"))
    assert "pg-a 13.51 s (its SYN unanswered within `SYN_TIMEOUT`: not read;" in cut, cut
    russian = " ".join(sequence.explain(TEXT["ru"], Lab(), "switchover", found, [], lambda v: f"{v:.2f} с"))
    assert "pg-b\u00a0— 118\u00a0мс, pg-a\u00a0— 13,51\u00a0с" in russian and "не записано" not in russian, russian
    hits = [{"ts": 10.3, "host": "pgpool", "source": "pgpool", "label": "failover script",
             "line": "2026-12-01 04:57:39.464 failover.sh: facts of pg-c read in 5284 ms"},
            {"ts": 11.0, "host": "pgpool", "source": "pgpool", "label": "failover script",
             "line": "2026-12-01 04:57:40.000 failover.sh: facts of pg-c read in 1 ms"}]  # after the decision
    assert [m.detail for m in sequence.facts_marks(hits, found)] == ["failover.sh: facts of pg-c read in 5284 ms"]

def test_the_decision_shows_the_facts_pglab_rules_weighed_from_failover_shs_lines():
    """A teacher found the failover decision not backed by its inputs: failover.sh logs, with each node's read time,
    the facts the rule weighs (WAL end and timeline, running, a standby), and the report says them in words."""
    mark = sequence.Mark
    found = [mark(10.0, "pgpool", "seq_script_start"),
             mark(10.2, "pgpool", "seq_facts", "failover.sh: facts of pg-a read in 103 ms: unreachable=yes"),
             mark(10.4, "pgpool", "seq_facts", "failover.sh: facts of pg-b read in 380 ms: running=yes "
                  "standby_signal=yes cluster_state=in_archive_recovery wal_timeline=1 wal_end=0/5031EF0"),
             mark(10.5, "pgpool", "seq_facts", "failover.sh: facts of pg-c read in 470 ms: running=yes "
                  "standby_signal=yes cluster_state=in_archive_recovery wal_timeline=1 wal_end=0/5031E00"),
             mark(10.9, "pgpool", "seq_decision", "failover.sh: primary pg-a failed: promoting pg-b (pgpool's choice)")]
    assert sequence.weighed(found)["pg-c"]["wal_end"] == "0/5031E00"
    english = " ".join(sequence.explain(TEXT["en"], Lab(), "poweroff", found, [], lambda v: f"{v:.2f} s"))
    assert ("pg-a not read; pg-b running as a standby, `wal_end` `0/5031EF0` on timeline 1; pg-c running as a "
            "standby, `wal_end` `0/5031E00` on timeline 1") in english, english
    assert english.rstrip().endswith("acknowledged commit: pg-b.")
    russian = " ".join(sequence.explain(TEXT["ru"], Lab(), "poweroff", found, [], lambda v: f"{v:.2f} с"))
    assert "pg-b\u00a0— работает как резервный, `wal_end` = `0/5031EF0` на линии времени 1" in russian
    older = [m if m.what != "seq_facts" else mark(m.ts, m.clock, m.what, m.detail.split(":", 2)[0] + ":"
                                                     + m.detail.split(":", 2)[1]) for m in found]
    assert sequence.weighed(older) == {}  # a run before failover.sh logged them: no sentence


OLD_PROBE = 'timeout "$SYN_TIMEOUT" bash -c "</dev/tcp/$node/22"'  # the probe of runs before syn_answered()


@pytest.mark.parametrize(("said", "own", "script"), [
    (": unreachable=yes", "seq_switchover_own_unknown", OLD_PROBE),
    (": unreachable=yes unread=no_syn_answer", "seq_switchover_own_syn", OLD_PROBE),
    (": unreachable=yes unread=no_syn_answer", "seq_switchover_own_syn_builtin", "syn_answered \"$node\""),
    (": unreachable=yes unread=ssh_failed", "seq_switchover_own_ssh", ""),
    (": running=no standby_signal=no cluster_state=shut_down wal_timeline=2 wal_end=0/4168138",
     "seq_switchover_own_read", "")])
def test_the_switch_backs_decision_says_whether_the_stopped_node_was_read_as_its_line_says(said, own, script):
    """A teacher read "failover.sh read the facts of all three nodes" beside B's own line `unreachable=yes`: the
    sentence, the sequence table's row and the list of reads follow the logged facts."""
    mark = sequence.Mark
    found = [mark(10.0, "pgpool", "seq_script_start"),
             mark(12.0, "pgpool", "seq_facts", "failover.sh: facts of pg-b read in 1998 ms" + said),
             mark(16.0, "pgpool", "seq_facts", "failover.sh: facts of pg-a read in 6515 ms: running=yes "
                  "standby_signal=yes cluster_state=in_archive_recovery wal_timeline=2 wal_end=0/04168138"),
             mark(19.0, "pgpool", "seq_decision", "failover.sh: primary pg-b failed: promoting pg-a (pgpool's)")]
    before = [mark(1.0, "pgpool", "seq_script_start"), mark(5.0, "pgpool", "seq_decision", found[-1].detail)]
    for lang in ("en", "ru"):
        t = TEXT[lang]
        text = " ".join(sequence.explain(t, Lab(), "switchover", found, before, lambda v: f"{v:.2f} s", script))
        assert t[own].format(failed="pg-b", syn=number(0.1, ".1f", lang), took=duration(1998, lang)) in text, text
        unread = own != "seq_switchover_own_read"
        assert (t["seq_weighed_unread"].format(node="pg-b") in text) == unread
        rows = sequence.rows(Lab(), "switchover", found, lang)
        assert (rows[1][1] != "seq_facts") == unread and rows[2][1] == "seq_facts"



@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_first_cluster_table_says_its_rows_are_read_one_after_another(lang):
    """A teacher saw a standby ahead of its primary in one table: the nodes are read in turn, not at one instant."""
    text = markdown(lang)
    first_table = text.index(TEXT[lang]["pool_note"])
    assert text.count(TEXT[lang]["probes_note"]) == 1 and text.index(TEXT[lang]["probes_note"]) > first_table


def test_tcp_gives_up_on_unacknowledged_data_as_linux_computes_it():
    """0.2 x (2^(n+1) - 1) s (measured 0.64 / 1.48 / 3.13 s for n = 1 / 2 / 3); README said 1.4 and 6.2 s."""
    assert Timing.named("fast").tcp_give_up_s == 0.6 and Timing.named("roomy").tcp_give_up_s == 3.0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_failovers_detection_is_told_from_pgpools_own_lines_for_the_failed_node(lang):
    """A teacher read "checks every 1 s, connect timeout 1000 ms, one retry" beside a 7.7 s detection: the paragraph
    names every timeout that bounds it and when each of pgpool's lines about A came - not another node's, not older."""
    t, lab = TEXT[lang], Lab()
    line = "2026-12-01 08:52:{:06.3f}: {}"

    def hit(ts: float, label: str, text: str) -> dict:
        return {"ts": 100.0 + ts, "host": "pgpool", "source": "pgpool", "label": label, "line": line.format(ts, text)}
    hits = [hit(-1.0, "backend read error", "pglab-w2 pid 7: ERROR:  unable to read data from DB node 0"),
            hit(2.0, "backend read error", "pglab-w2 pid 7: ERROR:  unable to read data from DB node 1"),
            hit(3.1, "backend read error", "pglab-w1 pid 9: ERROR:  unable to read data from DB node 0"),
            hit(4.6, "health check handshake failed", 'health_check0 pid 3: LOG:  pool_ssl: "SSL_connect": "x"'),
            hit(5.0, "backend unreachable", 'health_check0 pid 3: LOG:  failed to connect to PostgreSQL server on "x"'),
            hit(6.5, "health check retry", "health_check0 pid 3: LOG:  health check retrying on DB node: 0 (round:1)"),
            hit(7.5, "backend unreachable", 'health_check0 pid 3: LOG:  failed to connect to PostgreSQL server on "x"'),
            hit(7.6, "backend unreachable", 'health_check2 pid 4: LOG:  failed to connect to PostgreSQL server on "y"'),
            hit(7.6, "degenerate request", "health_check0 pid 3: LOG:  received degenerate backend request for "
                                           "node_id: 0 from pid [3]"),
            hit(9.0, "backend unreachable", 'health_check0 pid 3: LOG:  failed to connect to PostgreSQL server on "z"')]
    found = [sequence.Mark(100.0, "control", "seq_poweroff"), *sequence.detection_marks(lab, hits, 100.0, "pg-a"),
             sequence.Mark(107.6, "pgpool", "seq_detach_request")]
    assert [(m.what, round(m.ts - 100, 1)) for m in found] == [
        ("seq_poweroff", 0.0), ("seq_read_error", 3.1), ("seq_hc_handshake", 4.6), ("seq_hc_first_unreachable", 5.0),
        ("seq_hc_retry", 6.5), ("seq_hc_unreachable", 7.5), ("seq_detach_request", 7.6)]  # not 9.0: after the request
    secs = lambda value, spec=".2f": quantity(value, t["seconds"], lang, spec)  # noqa: E731
    text = sequence.detection(t, lab, found, lambda a, b: secs(b.ts - a.ts), secs)
    # the figures, then the fast profile's TCP give-up and connect timeout
    for figure in ("7.60", "3.10", "4.60", "5.00", "6.50", "7.50", "0.6", "200"):
        assert (figure.replace(".", ",") if lang == "ru" else figure) in text, (figure, text)
    assert "`health_check_timeout` (2" in text.replace("\u00a0", " ")
    # how the first attempt ended is logged here: its handshake failed 1.9 s before the retry, more than TCP's give-up
    # (0.6 s) - the alarm cut the handshake and TCP ended the unencrypted startup packet (teacher's 16th read)
    assert t["seq_detect_handshake_alarm"].format(gap=secs(1.9), give_up=secs(0.6, ".1f")) in text
    assert t["seq_detect_unlogged"] not in text and "not established" not in text and "не установлено" not in text
    at_once = [replace(m, ts=106.45) if m.what == "seq_hc_handshake" else m for m in found]  # TCP gave up on it
    assert t["seq_detect_handshake_tcp"].format(gap=secs(0.05)) in sequence.detection(
        t, lab, at_once, lambda a, b: secs(b.ts - a.ts), secs)
    late = t["seq_detect_late"].format(hc_timeout=2, connect_ms=200)  # the retry at 6.5 s: later than 2 s + 0.2 s
    quiet = [m for m in found if m.what != "seq_hc_handshake"]
    assert t["seq_detect_unlogged"] + late in sequence.detection(t, lab, quiet, lambda a, b: secs(b.ts - a.ts), secs)


def test_a_commit_of_unknown_outcome_is_timed_by_its_error_as_the_pause_table_times_it():
    """A teacher found w3's COMMIT error at 44.449 in one table and 44.448 in the other: the journal line of the
    unknown outcome is written a moment before the error record both tables name."""
    ev = lab_evidence.evidence()
    first = next(r for r in ev.journal if r["outcome"] == "unknown")
    ev.errors.append({"ts": first["ts"] + 0.0007, "session": first["session"], "phase": "commit", "error": "EOF"})
    ev.errors.append({"ts": first["ts"] + 0.5, "session": first["session"], "phase": "commit", "error": "later"})
    rows = report.unknown_rows(Lab(), ev)
    assert rows[0]["ts"] == first["ts"] + 0.0007
    assert rows[1]["ts"] == next(r for r in ev.journal if r["outcome"] == "unknown" and r["id"] == rows[1]["id"])["ts"]


@pytest.mark.parametrize(("lang", "said"), [("en", "the command returned 0.012 s later"),
                                            ("ru", "команда вернулась через 0,012\u00a0с")])
def test_the_power_off_says_within_what_time_the_host_stopped(lang, said):
    """The event is stamped when the cut began; on VMs `virsh destroy` takes a moment, which bounds the cut."""
    assert said in verdicts.stage_2_2(TEXT[lang], Lab(), lab_evidence.evidence()).text


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_two_paragraphs_run_together(lang):
    """A teacher found run-in headings ("What the two logs show.") glued to the end of the paragraph before: the
    template's block tag ate the blank line between them. Every prose paragraph is one line, so a prose line
    followed directly by another is two paragraphs run together."""
    def prose_line(line: str) -> bool:
        return bool(line) and not line.startswith(("|", "-", "#", "<", "`", ">", "*", " ", "!", "```")) \
            and not line[0].isdigit()
    lines = [line for line in markdown(lang).split("```")[0::2] for line in line.splitlines()]
    glued = [(a[:60], b[:60]) for a, b in zip(lines, lines[1:], strict=False) if prose_line(a) and prose_line(b)]
    assert not glued


def test_sessions_that_waited_out_a_connection_attempt_are_named_with_when_the_attempts_began():
    """A teacher found three writers back 3.5 s after the reader at the switch-back, and the report's own table of
    client errors holding the reason (`connection timeout expired` for exactly those three) never linked to it."""
    story = availability.AtTheCut("w2", 10.0, None, 2, 30.0, 0, (21.0,))
    def said_of(stories: list, marks: tuple = ()) -> str:
        return reconnects.login_timeouts(TEXT["en"], Lab(), stories, [], list(marks), clocks.Clocks(True, {}), str)

    said = said_of([story, availability.AtTheCut("r1", 10.0, None, 1, 20.0)])
    assert ": w2;" in said and "2 s" in said and verdicts.clock(19.0) in said and "r1" not in said
    assert TEXT["en"]["pause_why_unknown"] in said  # neither a log nor the errors say why
    assert said_of([availability.AtTheCut("r1", 10.0, None, 1, 20.0)]) == ""
    assert TEXT["en"]["pause_timeouts_all"] in said_of([story])  # no "others"


def test_the_switch_backs_closed_connections_are_counted_against_pgpools_children():
    """A teacher read 4 x 8 failed reconnections as pgpool's 32 children used up, a guess the report left open, and
    then found the sessions' own lost connections counted too (pgpool replaces those children at once, before the
    failover begins): the report counts the attempts a child took and closed in each session's pause, and says
    whether they reach the children or, if not, what the attempts that got in show."""
    def story(name: str, abandoned: int = 0) -> availability.AtTheCut:
        return availability.AtTheCut(name, 10.0, None, 0, 30.0, abandoned, (), (18.0, 28.0))
    def errors(name: str, attempts: int) -> list[dict]:
        lost = [{"session": name, "ts": 11.0, "error": "consuming input failed: EOF detected"}]
        return lost + [{"session": name, "ts": 12.0 + i, "error": "connection failed: SSL SYSCALL error: EOF detected"}
                       for i in range(attempts)] + [{"session": name, "ts": 40.0, "error": "connection failed: x"}]
    lab = Lab(timing=Timing(pool_children=6))
    done = [sequence.Mark(25.0, "pgpool", "seq_failover_done")]
    def said(stories: list, errs: list[dict], marks: list = done) -> str:
        return reconnects.children_spent(TEXT["en"], lab, stories, errs, marks, clocks.Clocks(True, {}),
                                         lambda v: f"{v:.2f} s")
    used_up = said([story("w1"), story("w2")], errors("w1", 3) + errors("w2", 3))
    assert "attempts 6 times" in used_up and "none was left" in used_up and "took 10.00 s" in used_up
    quiet = said([story("w1"), story("w2")], errors("w1", 3) + errors("w2", 2))  # 5: the lost ones not counted
    assert "5 times" in quiet and "no attempt was closed after" in quiet and "11.00 s longer" in quiet, quiet
    assert "live ones were left" in said([story("w1"), story("w2")], errors("w1", 3) + errors("w2", 2),
                                         [sequence.Mark(17.0, "pgpool", "seq_failover_done")])  # got in after it
    assert said([story("w1", abandoned=1)], errors("w1", 9)) == ""  # the client closed a socket itself
    assert said([story("w1")], errors("w1", 0)) == ""


def test_the_switch_backs_children_are_accounted_for_from_pgpools_own_lines():
    """A teacher found the '32 closed attempts >= 32 children' argument without margin and the text's order of
    pgpool's kills wrong: where pglab collected pgpool's lines on its children (vm-32's switch-back here), the
    report says what they show - no child killed for using B, which children took a client during the failover,
    every child that ran before it reaped as exited after `failover done`, the replacements that restarted
    themselves, and when the last one that stayed was forked."""
    lines = (DATA / "pgpool_switchback_children.log").read_text().splitlines()
    children = [asdict(h) for h in logs.classify(lines, "pgpool", "pgpool", logs.CHILD_PATTERNS)]
    start, done = logs.parse_timestamp("2026-12-01 21:06:57.634"), logs.parse_timestamp("2026-12-01 21:07:15.231")
    seen = reconnects.children_seen(children, start, done)
    assert (seen.killed, len(seen.took), seen.before, seen.restarted, seen.flagged) == (0, 18, 32, 32, [])
    assert verdicts.clock(seen.settled) == "21:07:20.489"
    assert reconnects.children_seen([], start, done) is None  # a run that did not collect them
    marks = [sequence.Mark(start, "pgpool", "seq_degeneration"), sequence.Mark(done, "pgpool", "seq_failover_done")]
    story = availability.AtTheCut("w1", start - 1, None, 0, done + 8.5, 0, (), (done - 3.3, done + 7.4))
    errors = [{"session": "w1", "ts": start + 2 + i, "error": "connection failed: SSL SYSCALL error: EOF detected"}
              for i in range(9)]
    for lang in ("en", "ru"):
        text = reconnects.children_spent(TEXT[lang], Lab(timing=Timing(pool_children=32)), [story], errors, marks,
                                         clocks.Clocks(True, {}), lambda v: f"{v:.2f} s", seen)
        t = TEXT[lang]
        assert t["seen_killed_none"].split("{gone}")[0].format(failed="pg-b") in text, text
        assert Phrase(t["seen_gone"].split(",")[0], lang).format(n=len(seen.gone_before)) in text  # the
        # sessions' children, gone before it
        assert t["seen_every"].format(children=32) in text and "21:07:20.489" in text
        assert t["seen_took"].format(n=18, first="21:06:57.852", last="21:07:10.304") in text
        assert t["seen_queue"].split("{")[0] in text


def test_the_longest_failover_pause_is_added_up_from_its_parts():
    """A teacher could not reconcile 'failover in 15.9 s' with pauses of 18.9-19.6 s: the report adds one up - a
    last success may come after the mark (the cut takes a moment), so it says which side it is on."""
    bound = r"(?:\u00a0±\u00a0[\d.]+ s)?"  # the power cut's half window
    said = re.search(rf"The longest pause, \w+'s ([\d.]+) s, ran from its last success, ([\d.]+) s{bound} "
                     rf"(before|after) the power-off, to its first success, ([\d.]+) s after pgpool's `failover done`, "
                     rf"which came ([\d.]+) s{bound} after the power-off", markdown("en"))
    assert said, "no sum of the longest pause"
    total, before, rel, after, failover = said.groups()
    assert abs((float(before) if rel == "before" else -float(before)) + float(failover) + float(after)
               - float(total)) <= 0.011


@pytest.mark.parametrize(("lang", "said"), [("en", "its `sshd` answered 1.25 s later"),
                                            ("ru", "его `sshd` ответил через 1,25\u00a0с")])
def test_the_power_on_says_how_long_the_boot_took(lang, said):
    """A teacher could not tell the boot time from the power-on step (the event is stamped once sshd answers)."""
    assert said in markdown(lang).split('id="s3"')[1]


def test_a_writers_rate_is_counted_from_its_first_commit():
    """A teacher found '1034 ms per transaction' was the step's time over its commits, the clients' start-up
    included: the rate is each writer's commits since its first one, the median over the writers."""
    ev = lab_evidence.evidence()
    ev.journal = [{"session": "w1", "ts": 10.0 + i * 0.5, "outcome": "ack"} for i in range(5)] + \
                 [{"session": "w2", "ts": 12.0 + i * 0.25, "outcome": "ack"} for i in range(9)] + \
                 [{"session": "w3", "ts": 15.0 + i, "outcome": "ack"} for i in range(3)]
    assert report.writer_rate(ev, 0.0, 100.0) == 2.0  # 2, 4 and 1 per second
    assert report.writer_rate(ev, 100.0, 200.0) is None


def test_an_amount_of_wal_is_never_said_as_0_mb():
    """A teacher read «отстоит от точки расхождения на 0 МБ WAL» for 45,776 bytes."""
    assert data_size(45_776, "ru") == "45\u00a0КБ" and data_size(45_776, "en") == "45 kB"
    assert data_size(3.2 * 2**20, "ru") == "3,2\u00a0МБ" and data_size(94 * 2**20, "en") == "94 MB"


def test_an_error_that_would_round_to_nothing_gets_more_digits():
    """A teacher read '1,2 с ± 0,0 с' in the local report's conclusion where the text said 1,22 с ± 0,03 с."""
    assert clocks.words(TEXT["ru"], clocks.Span(1.22, 0.03), ".1f") == "1,22\u00a0с\u00a0±\u00a00,03\u00a0с"
    assert clocks.words(TEXT["en"], clocks.Span(1.22, 0.3), ".1f") == "1.2 s\u00a0±\u00a00.3 s"
    assert clocks.words(TEXT["en"], clocks.Span(1.22, 0.0), ".1f") == "1.2 s"


def test_a_size_across_two_clocks_is_said_with_its_error_not_as_an_order():
    """A skew of 0.90 s ± 1.12 s is a size; only an interval's sign can be 'not established'."""
    span = clocks.Span(0.9, 1.12)
    assert clocks.words(TEXT["en"], span, ordered=False) == TEXT["en"]["span_bound"].format(s="0.90 s", bound="1.12 s")
    assert clocks.words(TEXT["en"], span) == TEXT["en"]["span_within"].format(s="0.90 s", bound="1.12 s")
    run = clocks.Clocks(False, {"pg-a": clocks.Offset(-0.63, 0.61), "pg-c": clocks.Offset(0.27, 0.51)})
    said = report.skew_words(TEXT["en"], run, "pg-a", "pg-c")
    assert "pg-c's clock 0.90 s\u00a0±\u00a01.12 s ahead of pg-a's" in said
    assert Timing.named("roomy").tcp_waits_s == (0.2, 0.4, 0.8, 1.6)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_switch_back_shows_a_synchronous_and_caught_up_before_b_stops(lang):
    """The read of B just before its stop is a numbered table; the text says what it shows of A, and says so
    differently when A was not B's synchronous standby (a planted row), and says nothing for a run without it."""
    t = TEXT[lang]
    text = markdown(lang)
    tail = t["bs_caption"].split("{current}")[1]
    table = re.search(r'id="table-(\d+)">[^\n]*' + re.escape(tail), text)
    assert table, "no numbered table of pg_stat_replication before the stop"
    lead = t["bs_lead"].split("{current}")[0]
    assert lead in text and "⟦" not in text
    assert text.index(lead) < table.start()
    assert t["bs_sync"].format(home="pg-a", current="pg-b", replay="0/60019B8",
                               behind=t["bs_behind"].format(bytes=136, home="pg-a")) in text  # 0x6001A40 - 0x60019B8
    ev = lab_evidence.evidence()
    peers = ev.first("switchover")["before_stop"]["peers"]
    peers[0]["sync_state"] = "async"
    planted = markdown_of(ev, lang)
    assert t["bs_not_sync"].split("{home}")[0] in planted and t["bs_sync"].split("{home}")[1][:20] not in planted
    del ev.first("switchover")["before_stop"]
    assert lead not in markdown_of(ev, lang)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_pause_names_the_connection_attempt_that_got_in_and_how_long_it_took(lang):
    """A teacher could not tell where 3-5 s between pgpool's `failover done` and the sessions' return went: each
    session's attempt that got in is a column, and the longest pause is broken down by it; an older run without
    the attempts' journal shows neither."""
    t = TEXT[lang]
    text = markdown(lang)
    assert t["pause_login"] in text
    assert t["pause_sum_login"].split("{began}")[0] in text
    took = quantity(0.03, t["seconds"], lang)  # the fixture's attempts: began 0.04 s before, ended 0.01 s before
    assert f"({took})" in text
    ev = lab_evidence.evidence()
    done = ev.first("failover-done")["ts"]
    for c in ev.connects:  # attempts begun 2 s before `failover done` (they wait in pgpool's queue): 'before'
        if abs(c["ts"] - done) < 5:
            c["began"] = done - 2.0
    queued = markdown_of(ev, lang)
    began = t["pause_sum_login"].split("{began}")[0] + t["pause_rel_before"].format(
        s=quantity(2.0, t["seconds"], lang)) + " `failover done`"
    assert began in queued, began  # the teacher's sign error: 'began 1.91 s after' for an attempt begun before
    ev.connects = []
    older = markdown_of(ev, lang)
    assert t["pause_login"] not in older and t["pause_sum_login"].split("{began}")[0] not in older


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_reader_paused_by_the_power_off_is_explained_by_begin_going_to_the_primary(lang):
    """A teacher asked why a reader whose reads go to the live B paused from the power-off: pgpool sends BEGIN to
    the primary too. Said once, at the failover (the switch-back stops B cleanly)."""
    sentence = TEXT[lang]["pause_readers_begin"].format(primary="pg-a", sync="pg-b")
    assert markdown(lang).count(sentence) == 1


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_rewound_nodes_slots_are_shown_as_the_rejoin_left_them(lang):
    """A teacher asked what became of A's own slots after pg_rewind: the slots read right after the rejoin, and
    why (pg_rewind removes pg_replslot's contents); a run that did not read them says nothing."""
    t = TEXT[lang]
    def numbered(text: str) -> str:  # the report puts the slots table's number in place of the reference
        return re.sub(r"⟦next:slots⟧", lambda _: re.search(r'id="table-(\d+)">[^<]*(?:slots|слоты)', markdown(lang),
                                                          re.I)[1], text)
    said = numbered(t["rewind_slots"].format(host="pg-a", slots=t["rewind_no_slot"]))
    assert said in markdown(lang)
    ev = lab_evidence.evidence()
    ev.first("rejoined", host="pg-a")["slots"] = [{"host": "pg-a", "name": "pg_c", "active": False,
                                                   "restart_lsn": "0/5000000"}]
    assert numbered(t["rewind_slots"].format(host="pg-a", slots="`pg_c`")) in markdown_of(ev, lang)
    del ev.first("rejoined", host="pg-a")["slots"]
    assert t["rewind_slots"].split("{host}")[0] not in markdown_of(ev, lang)



def test_the_sequence_puts_a_line_after_the_command_that_caused_it_by_the_measured_offsets():
    """A teacher saw B's 'fast shutdown requested' (16:29:52.947 on pg-b's clock, 0.98 s behind) listed before the
    command that stopped B (16:29:53.159 on the control machine's): rows go by the times corrected for the offsets."""
    mark = sequence.Mark
    run = clocks.Clocks(False, {"pg-b": clocks.Offset(-0.98, 0.05)})
    found = [mark(52.947, "pg-b", "seq_b_shutdown"), mark(53.159, clocks.CONTROL, "seq_stop")]
    assert [m.what for m in sequence.with_intervals(found, run)] == ["seq_stop", "seq_b_shutdown"]
    assert [m.what for m in sequence.with_intervals(found, clocks.Clocks(True, {}))] == ["seq_b_shutdown", "seq_stop"]


def test_one_commit_of_unknown_outcome_is_spoken_of_in_the_singular_and_placeholders_are_russian():
    """A teacher read 'Коммитов с неизвестным исходом: 1; все всё же зафиксированы' and '<uploaded file>' in the
    Russian appendix."""
    lab, ev = Lab(), lab_evidence.evidence()
    figs = report.figures(lab, ev)
    figs["unknown"] = {"n": 1, "present": 1, "absent": 0}
    assert report.reasoning_figures("ru", lab, ev, figs)["unknown"] == TEXT["ru"]["unknown_present_one"]
    figs["unknown"] = {"n": 1, "present": 0, "absent": 1}
    assert report.reasoning_figures("ru", lab, ev, figs)["unknown"] == TEXT["ru"]["unknown_absent_one"]
    row = {"command": "install -m 0644 <uploaded file> /etc/x; virsh destroy <domain of pg-a>"}
    assert appendix.placeholders_in(row, "ru")["command"] == \
        "install -m 0644 <загруженный файл> /etc/x; virsh destroy <домен ВМ pg-a>"
    assert appendix.placeholders_in(row, "en") == row


def test_the_log_tables_keep_failover_shs_facts_lines_whole():
    """A teacher found the log tables cutting failover.sh's facts lines before `wal_end`, the value the decision
    turns on; other long lines are still cut."""
    line = ("failover.sh: facts of pg-b read in 2530 ms: unreachable=no running=yes standby_signal=yes "
            "cluster_state=in_archive_recovery wal_timeline=1 wal_end=0/0403B978")
    assert len(line) > 140 and report.log_message(line) == line
    assert report.log_message("x " * 100).endswith("\u2026")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_what_the_looks_read_is_shown_not_only_said(lang):
    """A teacher found evidence narrated: the probe row's count(*) reads, psql's `\\timing` of the commits with a
    standby stopped, A's facts before the rejoin and its empty slot list after it - each is now shown as read, with
    its time, from the command log."""
    t, ev = TEXT[lang], lab_evidence.evidence()
    sent = ev.first("demo-replication")["ts"]
    look = "psql -X -A -t -q -d bank -c 'SELECT count(*) FROM replication_probes WHERE id = {}'"
    ev.commands = [*ev.commands,
                   {"ts": sent + 1.0, "host": "pg-b", "user": "postgres", "step": "demo: probe on pg-b", "exit": 0,
                    "seconds": 0.5, "command": look.format(1), "output_tail": "1\n"},
                   {"ts": sent + 2.0, "host": "pg-c", "user": "postgres", "step": "demo: probe on pg-c", "exit": 0,
                    "seconds": 0.5, "command": look.format(1), "output_tail": "0\n"},
                   {"ts": sent + 2.6, "host": "pg-c", "user": "postgres", "step": "demo: probe on pg-c", "exit": 0,
                    "seconds": 0.4, "command": look.format(1), "output_tail": "0\n"},  # the same result: one row
                   {"ts": sent + 3.0, "host": "pg-a", "user": "postgres", "step": "demo: commit on pg-a", "exit": 0,
                    "seconds": 10.1, "command": "psql -c '\\timing on' -c 'INSERT ...'",
                    "output_tail": "INSERT 0 1\nTime: 10011.979 ms (00:10.012)\n"}]
    text = markdown_of(ev, lang)
    assert report.inline_code(t["probe_reads"].format(id=1)) in text
    # the acknowledgement is where the demonstration measured B's read from: 0.004 s before B's read ended
    assert re.search(r"\| pg-c \| 2 \| (\S+ )?0[.,]400 \S+ 0[.,]500[ \u00a0]\S+ \| "
                     r"(\S+ )?1[.,]004 \S+ 1[.,]604[ \u00a0]\S+ \| 0 \|", text)
    assert "Time: 10011.979 ms (00:10.012)" in text and "$ psql -c '\\timing on'" in text
