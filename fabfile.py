"""Fabric looks for `fabfile`; pglab's tasks live in tasks.py (the design card's layout)."""

from tasks import *  # noqa: F401,F403
