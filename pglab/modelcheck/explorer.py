"""Breadth-first search over the model's states, fewest faults first, with a `seen` set.

Faults (power, network, freeze, pgpool restart, a missed health check) count towards the depth;
the lab's own reactions (pgpool's failover, streaming catching up), clients' commits (bounded)
and `fab recover` do not. A 0-1 BFS: a state is expanded once, at the fewest faults that reach
it, so the trace printed for a violation is one of the shortest in faults.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from pglab.modelcheck.model import Policy, State, initial, transitions, violations


@dataclass
class Result:
    """What one search found: counts, and for each kind of violation its shortest trace."""

    policy: str
    depth: int
    violations: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (trace, what broke)
    states, transitions, seconds = 0, 0, 0.0
    forfeit_states = 0  # states where an availability-first promotion gave up commits only dead nodes held

    def summary(self) -> str:
        return (f"{self.policy}: depth {self.depth} faults, {self.states} states explored, {self.transitions} "
                f"transitions, {len(self.violations)} violations, {self.forfeit_states} states with commits given "
                f"up by an availability-first promotion, {self.seconds:.1f} s")


def trace(parents: dict[State, tuple[State | None, str]], st: State) -> list[str]:
    steps = []
    while True:
        prev, label = parents[st]
        if prev is None:
            return steps[::-1]
        steps.append(label)
        st = prev


def explore(policy: Policy, depth: int = 6, max_commits: int = 1, freeze: bool = False,
            max_violations: int = 1) -> Result:
    """Every sequence of up to `depth` faults from the set-up lab.

    A state that breaks an invariant is not expanded; the first (shortest) trace of each kind of
    violation is kept, and the search stops after `max_violations` kinds.
    """
    started = time.monotonic()
    result = Result(policy.name, depth)
    start = initial()
    faults: dict[State, int] = {start: 0}
    parents: dict[State, tuple[State | None, str]] = {start: (None, "")}
    queue: deque[State] = deque([start])
    seen: set[State] = set()
    while queue:
        st = queue.popleft()
        if st in seen:
            continue
        seen.add(st)
        broken = violations(st, policy)
        if broken:
            kinds = {b.split(" [")[0] for b in broken}
            if not any(kinds <= {b.split(" [")[0] for b in known} for _, known in result.violations):
                result.violations.append((trace(parents, st), broken))
            if len(result.violations) >= max_violations:
                break
            continue
        result.forfeit_states += bool(st.forfeit)
        used = faults[st]
        for label, nxt, is_fault in transitions(st, policy, max_commits, freeze):
            result.transitions += 1
            cost = used + is_fault
            if cost > depth or nxt in seen or faults.get(nxt, depth + 1) <= cost:
                continue
            faults[nxt], parents[nxt] = cost, (st, label)
            if is_fault:
                queue.append(nxt)
            else:
                queue.appendleft(nxt)
    result.states = len(seen)
    result.seconds = time.monotonic() - started
    return result


def replay(policy: Policy, steps: list[str], max_commits: int = 9) -> tuple[State, list[str]]:
    """Follow one sequence of events by their labels from the set-up lab; the state reached and, at the
    first step that breaks an invariant, what broke (else [])."""
    st = initial()
    for step in steps:
        st = next((nxt for label, nxt, _ in transitions(st, policy, max_commits, True) if label == step), None) \
            or _missing(step)
        broken = violations(st, policy)
        if broken:
            return st, broken
    return st, []


def _missing(step: str) -> State:
    raise ValueError(f"{step!r} is not enabled here")
