"""Explore every sequence of faults up to --depth against the decision rules; exit 1 on any violation.

python -m pglab.modelcheck [--depth 6] [--commits 1] [--freeze] [--policy rules|legacy|...]
"""

from __future__ import annotations

import argparse
import sys

from pglab.modelcheck.explorer import explore
from pglab.modelcheck.model import POLICIES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pglab.modelcheck", description=__doc__)
    parser.add_argument("--depth", type=int, default=6, help="faults per sequence (default 6)")
    parser.add_argument("--commits", type=int, default=1, help="client commits per sequence (default 1)")
    parser.add_argument("--policy", choices=sorted(POLICIES), default="rules",
                        help="rules: pglab/cluster/rules.py; legacy: the rules before issue 16")
    parser.add_argument("--freeze", action="store_true",
                        help="freeze/thaw as events of their own (in the model a frozen node is an isolated one)")
    parser.add_argument("--violations", type=int, default=10, help="stop after this many kinds (default 10)")
    args = parser.parse_args(argv)
    result = explore(POLICIES[args.policy], args.depth, args.commits, args.freeze, args.violations)
    for steps, broken in result.violations:
        print("VIOLATION: " + "; ".join(broken))
        for n, step in enumerate(steps, 1):
            print(f"  {n:2}. {step}")
    print(result.summary())
    return 1 if result.violations else 0


if __name__ == "__main__":
    sys.exit(main())
