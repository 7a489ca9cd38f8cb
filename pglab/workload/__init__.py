"""The client workload: long-lived sessions on the client host, and their control from fab."""

from __future__ import annotations

from pathlib import Path

PROGRAM = Path(__file__).with_name("client_program.py")


def program_source() -> str:
    """The client program as installed on the client host (/etc/pglab/bin/pglab-client)."""
    return PROGRAM.read_text()
