"""Issue 6: `fab lab` runs the whole assignment; the report shows every stage and renders in a browser."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import fab

STAGE_TITLES = ("Hosts", "Stage 1: A primary", "Stage 1: new data reaches B", "Stage 2.1", "Stage 2.2",
                "Stage 2.3", "Stage 3: power A on", "Stage 3: rejoin A", "Stage 3: nothing acknowledged")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def lab_report(fresh_lab, tmp_path_factory):
    started = time.monotonic()
    out = fab("lab", timeout=900).stdout
    seconds = time.monotonic() - started
    print(f"fab lab wall time: {seconds:.1f} s")
    report_dir = tmp_path_factory.mktemp("report")
    fab("report", "--out", str(report_dir))
    return out, report_dir


def test_fab_lab_runs_every_stage_and_verifies(lab_report):
    out, _ = lab_report
    for title in STAGE_TITLES:
        assert title in out, title
    assert re.search(r"OK: acknowledged \d+, missing 0", out)


def test_report_has_every_stage_a_plot_and_no_missing_write(lab_report):
    _, report_dir = lab_report
    text = (report_dir / "report.md").read_text()
    for title in STAGE_TITLES:
        assert re.search(rf"^## Stage \d+\. {re.escape(title)}", text, re.M), title
    assert "| Acknowledged writes missing | **0** |" in text
    assert "health check failed" in text and "promotion" in text
    width, height = png_size(report_dir / "timeline.png")
    assert width >= 800 and height >= 300
    html = (report_dir / "report.html").read_text()
    assert "data:image/png;base64," in html and "<table>" in html


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


def test_report_in_russian(lab_report, tmp_path):
    fab("report", "--lang", "ru", "--out", str(tmp_path))
    assert "## Итоги" in (tmp_path / "report.md").read_text()
    assert "unknown report language" in fab("report", "--lang", "fr", "--out", str(tmp_path), check=False).stderr
