"""Issues 6 and 11: `fab lab` runs the whole assignment; the report a student hands in follows the
assignment's structure in English and Russian, carries a title page, comes as PDF, shows the
configuration used (secrets masked) and the reader sessions, and renders in a browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import fab

STEP_HEADINGS = ("Stage 1: Five identical hosts", "Stage 1: A primary", "Stage 1: New data reaches B",
                 "Stage 2.1:", "Stage 2.2:", "Stage 2.3:", "Stage 3: Power A on", "Stage 3: Rejoin A",
                 "Stage 3: Clients stopped")
STRUCTURE = {
    "en": ("## Contents", "## Task", "## Execution", "### Stage 1. Configuration",
           "### Stage 2. Failure simulation and handling", "#### 2.1 Preparation", "#### 2.2 Failure",
           "#### 2.3 Handling", "### Stage 3. Recovery", "## Conclusion", "## Appendix A. Configuration used"),
    "ru": ("## Содержание", "## Задание", "## Выполнение", "### Этап 1. Конфигурация",
           "### Этап 2. Симуляция и обработка сбоя", "#### 2.1 Подготовка", "#### 2.2 Сбой", "#### 2.3 Обработка",
           "### Этап 3. Восстановление", "## Вывод", "## Приложение А. Использованная конфигурация"),
}
VERDICT = {"en": "**Verdict: met", "ru": "**Итог: выполнено"}  # stages 1 and 2.2 add "on the local provider"
TITLE = {"university": "Test University of Lab Reports", "faculty": "Faculty of Failover",
         "discipline": "Distributed data storage systems", "lab_number": 4, "authors": ["Ada Lovelace", "Alan Turing"],
         "group": "P3310", "teacher": "Edgar Codd", "city": "Petrograd", "year": 2026}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def lab_report(fresh_lab, tmp_path_factory):
    started = time.monotonic()
    out = fab("lab", timeout=900).stdout
    print(f"fab lab wall time: {time.monotonic() - started:.1f} s")
    report_dir = tmp_path_factory.mktemp("report")
    fab("report", "--out", str(report_dir))
    return out, report_dir


def plain(text: str) -> str:
    """The report's Markdown without the anchors its headings carry (`## <a id="task"></a>Task`)."""
    return re.sub(r'<a id="[^"]*"></a>', "", text)


def headings_in_order(text: str, headings: tuple[str, ...]) -> None:
    text = plain(text)
    positions = []
    for heading in headings:
        match = re.search(rf"^{re.escape(heading)}\s*$", text, re.M)
        assert match, f"missing heading {heading!r}"
        positions.append(match.start())
    assert positions == sorted(positions), "sections out of the assignment's order"


def test_fab_lab_runs_every_step_and_verifies(lab_report):
    out, _ = lab_report
    for heading in STEP_HEADINGS:
        assert heading in out, heading
    assert re.search(r"OK: acknowledged \d+, missing 0", out)


def test_report_follows_the_assignment_with_measured_verdicts(lab_report):
    _, report_dir = lab_report
    text = (report_dir / "report.md").read_text()
    headings_in_order(text, STRUCTURE["en"])
    assert text.count(VERDICT["en"]) == 5, re.findall(r"\*\*Verdict: .*", text)
    assert re.search(r"\| Acknowledged writes missing \| \*\*0\*\* \|", text)
    reads = re.search(r"\| Reads done by reader sessions \(invariant checked in each\) \| (\d+) \|", text)
    assert reads and int(reads.group(1)) > 0
    assert "health check failed" in text and "promotion" in text
    # Issue 18: stage 3's evidence recorded as it happened, the data shown, and every final count agreeing.
    stage_3 = text[text.index('id="s3"'):text.index('id="conclusion"')]  # the data come before the stages
    stage_3 = re.sub(r"<[^>]+>", "", stage_3)  # log messages are set word by word (<span class="nw">) for the PDF
    assert "pg_rewind: servers diverged at WAL location" in stage_3 and "selected new timeline ID: 3" in stage_3
    assert "redo starts at" in stage_3 and "received fast shutdown request" in stage_3
    # B's pg_stat_replication read just before its stop: A streaming as its synchronous standby
    assert "Just before the stop, one query on pg-b" in stage_3 and "| pg_a | `streaming` | `sync` |" in stage_3
    assert "pg-a streams as pg-b's synchronous standby" in stage_3, stage_3
    assert "Connected: attempt began (took)" in text and "Its connection attempt that got in began" in text
    assert "pglab saw pgpool detach pg-a" in text and "CREATE TABLE IF NOT EXISTS transfers" in text
    assert "do NOT agree" not in text and "Where the run happened" in text
    assert "of 0 writes" not in text and "Of " in text  # the conclusion is written from the figures
    width, height = png_size(report_dir / "timeline.png")
    assert width >= 1400 and height >= 600  # the A4 text width at print resolution
    html = (report_dir / "report.html").read_text()
    assert "data:image/png;base64," in html and "<table>" in html and 'href="#s2-3"' in html


def test_configuration_appendix_shows_what_ran_with_secrets_masked(lab_report):
    _, report_dir = lab_report
    text = plain((report_dir / "report.md").read_text())
    appendix = text[text.index("## Appendix A."):]
    for expected in ("synchronous_commit", "remote_apply", "recovery_min_apply_delay", "primary_slot_name",
                     "backend_hostname0", "health_check_period", "failover_command", "follow_primary_command",
                     "scram-sha-256", "pglab-node promote"):
        assert expected in appendix, expected
    secrets = json.loads((Path(os.environ["PGLAB_HOME"]) / "secrets.json").read_text())
    for secret in [*secrets["passwords"].values(), secrets["pool_key"]]:
        assert secret not in text


def test_russian_report_and_pdf_with_title_page(lab_report, tmp_path):
    title = tmp_path / "title.toml"
    title.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in TITLE.items()))
    out = tmp_path / "ru"
    started = time.monotonic()
    fab("report", "--lang", "ru", "--pdf", "--titlepage", str(title), "--out", str(out))
    print(f"fab report --pdf: {time.monotonic() - started:.1f} s")
    text = (out / "report.md").read_text()
    headings_in_order(text, STRUCTURE["ru"])
    assert text.count(VERDICT["ru"]) == 5
    pdf = out / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert "595.276 x 841.89" in info  # A4
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages and pages >= 8
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    for value in ("Test University of Lab Reports", "Faculty of Failover", "Ada Lovelace, Alan Turing", "P3310",
                  "Edgar Codd", "Petrograd, 2026", "Лабораторная работа № 4"):
        assert value in first, value
    assert first.strip().splitlines()[-1] != "1"  # no page number on the title page
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    assert second.strip().splitlines()[-1] == "2" and "Содержание" in second  # the page's number at its foot


def test_report_html_renders_in_headless_chromium(lab_report, tmp_path):
    _, report_dir = lab_report
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (./quickstart installs it)")
    shot = tmp_path / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2400",
                    f"--screenshot={shot}", (report_dir / "report.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert png_size(shot) == (1200, 2400)
    assert shot.stat().st_size > 50_000  # a rendered page with tables and the plot, not a blank one
    shutil.copy(shot, report_dir / "screenshot.png")


def test_report_refuses_bad_input(lab_report, tmp_path):
    assert "is not one of en, ru" in fab("report", "--lang", "fr", "--out", str(tmp_path), check=False).stderr
    missing = fab("report", "--titlepage", str(tmp_path / "nope.toml"), "--out", str(tmp_path), check=False)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
