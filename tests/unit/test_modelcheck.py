"""The model checker: every sequence of up to 6 faults keeps the rules' promises, and broken rules are caught."""

from __future__ import annotations

from pglab.cluster import rules
from pglab.modelcheck import model
from pglab.modelcheck.__main__ import main
from pglab.modelcheck.explorer import explore, replay
from pglab.modelcheck.model import CURRENT, POLICIES, A, B, C, commit, failover, initial, power_off


def test_the_rules_survive_every_sequence_of_six_faults(capsys):
    result = explore(CURRENT, depth=6)
    print(result.summary())
    assert result.violations == []
    assert result.states > 50_000 and result.forfeit_states > 0  # a real search, double faults included


def broken(policy: str) -> list[tuple[list[str], list[str]]]:
    result = explore(POLICIES[policy], depth=6, max_violations=1)
    assert result.violations, f"{policy}: the explorer found nothing wrong with a broken rule"
    return result.violations


def test_only_the_running_primary_authoritative_loses_acknowledged_writes():
    """Issue 16's stale primary: isolated A keeps running, B promoted and written to, B loses power."""
    (steps, what), = broken("only-running-primary")
    assert steps == ["isolate pg-a", "pgpool: health check of pg-a fails, failover", "commit on pg-b",
                     "power off pg-b"]
    assert "not on the node recovery keeps" in what[0]


def test_pgpool_beside_any_primary_runs_two_primaries():
    steps, what = broken("pgpool-beside-any-primary")[0]
    assert what == ["two primaries up in pgpool"] and steps[-1] == "pgpool restart"


def test_promoting_pgpools_new_main_node_loses_what_a_live_node_holds():
    steps, what = broken("promote-new-main")[0]
    assert any(s.startswith("pgpool misses one health check") for s in steps)
    assert any("acknowledged commits" in w for w in what)


def test_commits_wait_for_the_synchronous_standby_and_failover_promotes_it():
    st = commit(initial())
    assert st.acks == {model.Ack(1, 1, A, True)} and st.nodes[B].flushed == 1 and st.nodes[C].flushed == 0
    st = failover(power_off(st, A), A, CURRENT)
    assert st.pool.primary == B and st.nodes[B].hist == ((1, 0), (2, 1)) and st.nodes[C].upstream == B
    isolated_sync = model.set_node(initial(), B, initial().nodes[B]._replace(link=False))
    waiting = commit(isolated_sync)
    assert waiting.acks == frozenset() and waiting.pending  # no acknowledgement without B ...
    handed = failover(waiting, B, CURRENT)  # ... failover.sh hands the role to C, which streams from A
    assert handed.nodes[A].sync == C and handed.acks == frozenset()
    released = model.replicate(handed, C)  # acknowledged once C has it: on two nodes
    assert released.acks == {model.Ack(1, 1, A, True)} and not released.pending
    alone = failover(failover(waiting, C, CURRENT), B, CURRENT)  # no standby left: the primary runs alone
    assert alone.acks == {model.Ack(1, 1, A, False)} and alone.nodes[A].sync is None
    promoted = failover(power_off(commit(initial()), A), A, CURRENT)
    assert promoted.nodes[B].sync == C  # the new primary waits for C from its first commit


def test_the_model_takes_the_rules_degraded_sync_choice():
    """The model's failover asks rules.degraded_sync, the function failover.sh runs on the pgpool host."""
    facts = model.all_facts(initial())
    assert rules.degraded_sync(facts, "pg-a", ["pg-b"], up={"pg-a", "pg-c"}) == "pg-c"
    assert rules.degraded_sync(facts, "pg-a", ["pg-b"], up={"pg-a"}) == ""


def test_command_line_prints_the_trace_and_fails(capsys):
    assert main(["--depth", "2", "--policy", "legacy"]) == 1
    out = capsys.readouterr().out
    assert "VIOLATION" in out and "1. power off pg-a" in out and "states explored" in out
    assert main(["--depth", "1"]) == 0


def test_a_synchronous_remaining_standby_gives_up_fewer_commits():
    """Durability while degraded (the lab's rules) against a primary running alone (the lab before)."""
    now, before = explore(CURRENT, depth=3), explore(POLICIES["primary-alone"], depth=3)
    assert now.violations == before.violations == []
    assert now.forfeit_states / now.states < before.forfeit_states / before.states


FAILOVER = "pgpool: health check of {} fails, failover"
HAND_FOUND = {  # issue 16's counterexamples, found by hand on real hosts
    "stale primary returns": ["isolate pg-a", FAILOVER.format("pg-a"), "commit on pg-b", "power off pgpool",
                              "power off pg-b", "heal pg-a", "power on pg-b", "power on pgpool"],
    "two primaries after a pgpool reboot": ["power off pg-a", FAILOVER.format("pg-a"), "isolate pg-b",
                                            FAILOVER.format("pg-b"), "heal pg-b", "pgpool restart"],
    "C promoted with less WAL than B": ["commit on pg-a", "pgpool misses one health check of pg-b",
                                       "power off pg-a", FAILOVER.format("pg-a")],
}


def test_the_hand_found_counterexamples_break_the_old_rules_and_not_the_new():
    for case, steps in HAND_FOUND.items():
        _, before = replay(POLICIES["legacy"], steps)
        after, now = replay(CURRENT, steps)
        assert before and not now, case
        if case != "C promoted with less WAL than B":
            assert not after.pool.up, case  # pgpool stays down until fab recover
        else:
            assert after.pool.primary is None  # no promotion: writes wait for fab recover
