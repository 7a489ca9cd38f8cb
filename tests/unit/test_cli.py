"""The pglab click command: every stage is there; bad input is one line and exit 1."""

from __future__ import annotations

from click.testing import CliRunner

from pglab.cli import main


def test_help_lists_every_stage():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("up", "setup", "demo-replication", "clients", "poweroff", "logs", "recover", "verify", "lab",
                 "report", "watch"):
        assert name in result.output


def test_unknown_host_is_one_line_and_exit_1():
    result = CliRunner().invoke(main, ["poweroff", "pg-z"])
    assert result.exit_code == 1
    assert "unknown host 'pg-z'" in result.output
    assert "Traceback" not in result.output


def test_unknown_provider_is_refused():
    result = CliRunner().invoke(main, ["--provider", "hyperv", "status"])
    assert result.exit_code == 2 and "hyperv" in result.output
