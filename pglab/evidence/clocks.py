"""How far the hosts' clocks differ, as far as the run's own measurements show it. The hosts (VMs) are not
synchronised; a standby applies a delayed commit when its own clock passes the primary's commit time plus
`recovery_min_apply_delay`, and `now() - pg_last_xact_replay_timestamp()` compares its clock with the
primary's. So a delayed commit seen sooner than the delay, or a negative apply age, bounds the skew from below."""

from __future__ import annotations

from pglab.evidence.records import Evidence
from pglab.model import Lab


def delay_shortfall_ms(measured_s: float | None, delay_s: float) -> int:
    """How much sooner than the configured delay a delayed commit was applied (0 if not sooner; a wait more
    than a second away from the delay is not the delay, see the demo's bound)."""
    if measured_s is None or not 0 < delay_s - measured_s < 1:
        return 0
    return round((delay_s - measured_s) * 1000)


def negative_ages(ev: Evidence) -> list[float]:
    """The apply ages a standby reported below zero (its clock behind the primary's)."""
    return [p["replay_age_s"] for s in ev.stages for p in ((s.get("snapshot") or {}).get("probes") or {}).values()
            if isinstance(p.get("replay_age_s"), (int, float)) and p["replay_age_s"] < 0]


def skew_ms(lab: Lab, ev: Evidence) -> int:
    """The least skew between the hosts' clocks the run's measurements imply (0: none seen)."""
    delay, demo = lab.timing.replay_delay_s, ev.demo or {}
    found = [delay_shortfall_ms(demo.get("visible_on_c_after_s"), delay),
             delay_shortfall_ms(demo.get("commit_wait_with_b_stopped_s"), delay)]
    found += [round(-age * 1000) for age in negative_ages(ev)]
    return max(found, default=0)
