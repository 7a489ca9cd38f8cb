"""How far the hosts' clocks differ, and what an interval between two clocks can claim.

The hosts (VMs) are not synchronised. Two sources bound their skew:
- the run's own figures bound it from below: a standby applies a delayed commit when its own clock passes the
  primary's commit time plus `recovery_min_apply_delay`, and `now() - pg_last_xact_replay_timestamp()` compares
  its clock with the primary's, so a delayed commit seen sooner than the delay, or a negative apply age, shows
  a skew at least that large;
- `fab lab` measures each host's offset from the control machine (where `fab` runs and records its events):
  the host's `date` read over SSH between two readings of the control machine's clock, the half round trip being
  the error bound; read once the hosts are up, after A's power-on and at the end, the offset used is the middle
  of what the readings span and its error covers them all (steady drift, and a clock set again at boot). A run
  recorded before that has no offsets: an interval between two clocks has no known bound.
On the local provider every host is a set of namespaces on the control machine's kernel: one clock."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from pglab.evidence.i18n import lang_of, quantity
from pglab.evidence.records import Evidence
from pglab.model import Lab

CONTROL = "control"  # the control machine's clock: pglab's events (power-off, snapshots, rewind start)
# The power cut's start on the control machine's clock: the host stopped somewhere in the `cut_s` the cut command
# took (`virsh destroy`: ~1.8 s), so an interval from the power-off counts from that window's middle, ± half of it.
POWER_OFF = "power-off"


def delay_shortfall_ms(measured_s: float | None, delay_s: float) -> int:
    """How much sooner than the configured delay a delayed commit was applied (0 if not sooner; a wait more
    than a second away from the delay is not the delay, see the demo's bound)."""
    if measured_s is None or not 0 < delay_s - measured_s < 1:
        return 0
    return round((delay_s - measured_s) * 1000)


@dataclass(frozen=True)
class Skew:
    """The least skew between two hosts' clocks a measurement of the run implies, and which one: `c_early` (the
    async standby showed the demonstration's row sooner than its replay delay allows), `commit_early` (the commit
    with B stopped was released sooner than that delay), `negative_age` (a standby's apply delay below zero, in
    the snapshot of the step keyed `step`, `host` the standby, `primary` the primary then); ms 0, kind '' if none."""

    ms: int
    kind: str
    step: str = ""
    host: str = ""
    primary: str = ""


def negative_ages(ev: Evidence) -> list[Skew]:
    """The apply delays a standby reported below zero (its clock behind the primary's), each with its step."""
    out = []
    for stage in ev.stages:
        probes = (stage.get("snapshot") or {}).get("probes") or {}
        primary = next((h for h, p in probes.items() if p.get("running") and p.get("in_recovery") is False), "")
        out += [Skew(round(-p["replay_age_s"] * 1000), "negative_age", str(stage.get("key", "")), host, primary)
                for host, p in probes.items()
                if isinstance(p.get("replay_age_s"), (int, float)) and p["replay_age_s"] < 0]
    return out


def skew_ms(lab: Lab, ev: Evidence) -> int:
    """The least skew between the hosts' clocks the run's measurements imply (0: none seen)."""
    return skew_source(lab, ev).ms


def skew_source(lab: Lab, ev: Evidence) -> Skew:
    """The largest of the least skews the run's measurements imply, with its source (Skew(0, '') when none)."""
    delay, demo = lab.timing.replay_delay_s, ev.demo or {}
    found = [Skew(delay_shortfall_ms(demo.get("visible_on_c_after_s"), delay), "c_early"),
             Skew(delay_shortfall_ms(demo.get("commit_wait_with_b_stopped_s"), delay), "commit_early"),
             *negative_ages(ev)]
    best = max(found, key=lambda k: k.ms)
    return best if best.ms > 0 else Skew(0, "")


@dataclass(frozen=True)
class Offset:
    """A host's clock minus the control machine's, in seconds, within ± bound_s."""

    offset_s: float
    bound_s: float


def read_offset(before: float, host_clock: float, after: float) -> Offset:
    """The offset from one reading of a host's clock taken between two readings of the control machine's."""
    return Offset(round(host_clock - (before + after) / 2, 4), round((after - before) / 2, 4))


def timed_reading(run, host: str, command: str) -> tuple[Offset | None, list[str]]:
    """`run(host, command)` for a command whose output starts with the host's `date +%s.%N`, between two readings
    of the control machine's clock: the host's offset (None if it did not answer) and the output's words."""
    before = time.time()
    words = run(host, command).split()
    after = time.time()
    try:
        return read_offset(before, float(words[0]), after), words
    except (ValueError, IndexError):
        return None, words  # a host that did not answer has no offset: intervals with its clock stay unbounded


def measure(run, hosts: list[str]) -> dict[str, dict]:
    """Each host's offset from the control machine: `run(host, command)` returns the command's output there."""
    found = {host: timed_reading(run, host, "date +%s.%N")[0] for host in hosts}
    return {host: offset.__dict__ for host, offset in found.items() if offset}


def combine(readings: list[dict[str, dict]]) -> dict[str, dict]:
    """One offset per host from readings taken at several moments of the run: the middle of the range they span
    (each reading ± its own error), with an error covering all of them - a clock that drifted between the readings,
    or was set again at a power-on, is off by no more than that for any time between the first and the last."""
    combined = {}
    for host in dict.fromkeys(h for reading in readings for h in reading):
        ranges = [(r[host]["offset_s"] - r[host]["bound_s"], r[host]["offset_s"] + r[host]["bound_s"])
                  for r in readings if host in r]
        low, high = min(lo for lo, _ in ranges), max(hi for _, hi in ranges)
        combined[host] = {"offset_s": round((low + high) / 2, 4), "bound_s": round((high - low) / 2, 4),
                          "readings": len(ranges)}
    return combined


def allowed_skew_ms(recorded: dict | None) -> int | None:
    """The largest skew between two hosts' clocks that the measured offsets allow (None: not measured)."""
    items = list((recorded or {}).values())
    if len(items) < 2:
        return None
    return round(1000 * max(abs(a["offset_s"] - b["offset_s"]) + a["bound_s"] + b["bound_s"]
                            for i, a in enumerate(items) for b in items[i + 1:]))


@dataclass(frozen=True)
class Span:
    """An interval from a time on one clock to a time on another: the seconds (corrected by the measured
    offsets), and how far off they may be: 0 on one clock, None when the two clocks' offset is unknown."""

    seconds: float
    bound: float | None

    @property
    def established(self) -> bool:
        """Whether the sign of the interval (which came first) is known."""
        return self.bound is not None and abs(self.seconds) > self.bound


@dataclass(frozen=True)
class Clocks:
    """The run's clocks: one on the local provider; else each host's, with its offset when `fab lab` measured it."""

    single: bool
    offsets: dict[str, Offset]
    cut_s: float = 0.0  # how long the power cut took (POWER_OFF)

    @classmethod
    def of(cls, provider: str, recorded: dict | None, cut_s: float = 0.0) -> Clocks:
        return cls(provider == "local", {h: Offset(o["offset_s"], o["bound_s"]) for h, o in (recorded or {}).items()},
                   cut_s)

    def order_key(self, ts: float, host: str) -> tuple[float, float]:
        """How lines read on different clocks are put in order: by their times corrected for each clock's measured
        offset (a host whose clock is behind does not put its line before the command that caused it)."""
        return self.to_control(ts, host)[0], ts

    def to_control(self, ts: float, host: str) -> tuple[float, float | None]:
        """A time read on `host`'s clock as the control machine's clock would read it, and the error bound (for
        POWER_OFF: the middle of the cut, ± half its length)."""
        if host == POWER_OFF:
            return ts + self.cut_s / 2, self.cut_s / 2
        if self.single or host == CONTROL:
            return ts, 0.0
        found = self.offsets.get(host)
        return (ts - found.offset_s, found.bound_s) if found else (ts, None)

    def from_control(self, ts: float, host: str) -> tuple[float, float | None]:
        """A time on the control machine's clock as `host`'s clock would read it, and the error bound."""
        back, bound = self.to_control(ts, host)
        return 2 * ts - back, bound

    def ahead(self, host: str, other: str) -> Span | None:
        """How far `other`'s clock runs ahead of `host`'s by the measured offsets (None: not measured)."""
        if self.single:
            return Span(0.0, 0.0)
        a, b = self.offsets.get(host), self.offsets.get(other)
        return Span(round(b.offset_s - a.offset_s, 4), round(a.bound_s + b.bound_s, 4)) if a and b else None

    def span(self, start: float, start_clock: str, end: float, end_clock: str) -> Span:
        """end - start, each read on its own clock."""
        if start_clock == end_clock:
            return Span(end - start, 0.0)
        (a, ea), (b, eb) = self.to_control(start, start_clock), self.to_control(end, end_clock)
        return Span(b - a, None if ea is None or eb is None else ea + eb)


def of_run(lab: Lab, ev: Evidence) -> Clocks:
    """The clocks of a recorded run: its provider, and the offsets `fab lab` measured (none in older records)."""
    recorded, cut = ev.environment or {}, ev.first("poweroff", host=lab.primary) or {}
    return Clocks.of(recorded.get("provider") or lab.provider, recorded.get("clock_offsets"), cut.get("cut_s") or 0.0)


def words(t: dict, span: Span, spec: str = ".2f", ordered: bool = True) -> str:
    """An interval as the text may state it: on one clock as measured; across two clocks with their measured error
    ('2.07 s ± 0.08 s', saying so when the error is larger than the interval: which came first is then not
    established - unless not `ordered`: a size, such as a skew, has no order to establish, and cause and effect fix
    the order of a fault and what it caused), or saying that this run did not measure the two clocks' offset."""
    lang = lang_of(t)
    if span.bound and re.fullmatch(r"\.\d+f", spec):  # an error that rounds to nothing gets more digits:
        digits = int(spec[1:-1])  # '1.22 s ± 0.03 s', not '1.2 s ± 0.0 s'
        while round(span.bound, digits) == 0 and digits < 3:
            digits += 1
        spec = f".{digits}f"
    value = quantity(abs(span.seconds), t["seconds"], lang, spec)
    if span.bound == 0:
        return value
    if span.bound is None:
        return t["span_unknown"].format(s=value)
    bound = quantity(span.bound, t["seconds"], lang, spec)
    return t["span_bound" if span.established or not ordered else "span_within"].format(s=value, bound=bound)
