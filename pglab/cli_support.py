"""Run a command function with a lab context; turn pglab's errors into one line and exit 1."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from pglab.context import LabContext
from pglab.errors import PglabError


def run_command(func: Callable[..., Any], *args: Any, provider: str | None = None) -> Any:
    ctx = None
    try:
        ctx = LabContext.load(provider, adopt=getattr(func, "__name__", "") != "destroy")
        result = func(ctx, *args)
    except PglabError as exc:
        print(f"pglab: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("pglab: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        if ctx is not None:
            ctx.close()
    if isinstance(result, int) and not isinstance(result, bool) and result != 0:
        raise SystemExit(result)
    return result
