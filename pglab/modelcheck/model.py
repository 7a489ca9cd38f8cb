"""The lab as a state machine: three PostgreSQL nodes, pgpool, clients' commits, faults and `fab recover`.

Every state is a frozen, hashable value; every transition is a pure function of a state that
names, in its docstring, the real code it models. Decisions are made by the same functions the
real code calls (pglab/cluster/rules.py), through a `Policy`, so the explorer checks those rules
- and, with `LEGACY`, the ones they replaced.

Abstractions (each keeps every decision the real code makes, and drops what no decision reads):
- WAL positions are small ints: a commit or a promotion's end-of-recovery record advances the
  writer's WAL by 1. A node's timeline history is a tuple of (timeline, position the timeline
  starts after); a commit (tl, lsn) is on a node when the node's WAL reaches lsn and its
  history puts lsn on tl.
- Replay is not modelled apart from flush: a promotion replays everything received first, and
  C's replay delay changes no decision of pgpool, the scripts or recover - only which reads are
  stale. (It is why C is never made a `remote_apply` synchronous standby.)
- No clocks: a frozen node is an isolated one that also makes no progress; pgpool's health
  check failing, its retries and timeouts are one event, enabled as long as the node does not
  answer; a missed check of a node that does answer is a fault of its own.
- `fab recover` is one atomic step (its outcome); a power cut during it is `fab chaos`'s business
  on real hosts. Its precondition is the real one: every host powered on and reachable.
- Clients write through pgpool only (pglab's clients do), so an isolated primary takes no commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from pglab.cluster import rules
from pglab.cluster.rules import NodeFacts, PoolStart

HOSTS = ("pg-a", "pg-b", "pg-c")
A, B, C = 0, 1, 2
ALL = (A, B, C)
SERVES_READS = (True, True, False)  # pgpool's backend weights: C, the delayed standby, serves no reads
History = tuple[tuple[int, int], ...]


class Node(NamedTuple):
    power: str = "on"  # on | off | frozen
    link: bool = True  # lab network link up
    signal: bool = True  # standby.signal on disk
    running: bool = True  # PostgreSQL's processes exist (a frozen node's too)
    hist: History = ((1, 0),)  # (timeline, position it starts after), oldest first
    flushed: int = 0  # WAL on disk
    upstream: int | None = None  # role file standby-of-X
    sync: int | None = None  # role file primary-sync-X (None: primary-alone)

    @property
    def timeline(self) -> int:
        return self.hist[-1][0]

    @property
    def reachable(self) -> bool:
        return self.power == "on" and self.link

    @property
    def alive(self) -> bool:
        return self.reachable and self.running

    @property
    def claims_primary(self) -> bool:
        return self.running and self.power != "off" and not self.signal

    def timeline_at(self, lsn: int) -> int:
        return next((tl for tl, start in reversed(self.hist) if start < lsn), self.hist[0][0])

    def holds(self, timeline: int, lsn: int) -> bool:
        return lsn <= self.flushed and self.timeline_at(lsn) == timeline

    def prefix_of(self, other: Node) -> bool:
        """This node's WAL is a prefix of `other`'s history: it can stream from it without a rewind."""
        return _prefix(self.hist, self.flushed, other.hist, other.flushed)


@cache
def _prefix(hist: History, flushed: int, other: History, other_flushed: int) -> bool:
    def at(h: History, lsn: int) -> int:
        return next((tl for tl, start in reversed(h) if start < lsn), h[0][0])
    return flushed <= other_flushed and all(at(hist, p) == at(other, p) for p in range(1, flushed + 1))


class Pool(NamedTuple):
    power: bool = True
    up: bool = True
    attached: tuple[bool, bool, bool] = (True, True, True)  # backend status up (else down/detached)
    primary: int | None = A  # the node pgpool routes writes to


class Ack(NamedTuple):
    timeline: int
    lsn: int
    by: int  # the primary that acknowledged it
    sync: bool  # a synchronous standby had flushed it (else acknowledged by a primary running alone)


class State(NamedTuple):
    nodes: tuple[Node, Node, Node]
    pool: Pool
    acks: frozenset[Ack] = frozenset()
    pending: frozenset[tuple[int, int, int]] = frozenset()  # (node, timeline, lsn) written, waiting for a sync flush
    forfeit: bool = False  # an availability-first promotion gave up commits no reachable node held
    commits: int = 0


def initial() -> State:
    """After `fab setup`: A primary with B synchronous, C asynchronous, all attached in pgpool."""
    return State(nodes=(Node(signal=False, sync=B), Node(upstream=A), Node(upstream=A)), pool=Pool())


@dataclass(frozen=True)
class Policy:
    """The decisions the transitions ask for: the rules module's functions, or others to compare."""

    name: str
    authoritative: Callable[..., NodeFacts] = rules.authoritative_primary
    may_start_pgpool: Callable[..., PoolStart | None] = rules.may_start_pgpool
    promotion: Callable[..., NodeFacts | None] = rules.failover_promotion
    may_boot_postgres: Callable[[NodeFacts], bool] = rules.may_boot_postgres
    # a primary left without its synchronous standby (or just promoted) waits for the remaining one
    # (rules.degraded_sync; at flush level for C); False: it runs alone, as the lab did before
    degraded_sync: bool = True


def only_running_primary(nodes: list[NodeFacts], preferred: str = "") -> NodeFacts:
    """The rule before issue 16 (coldstart.authoritative_primary): the only running primary is kept."""
    running = [n for n in nodes if n.claims_primary]
    return running[0] if len(running) == 1 else rules.authoritative_primary(nodes, preferred)


def any_running_primary(nodes: list[NodeFacts], preferred: str = "") -> PoolStart | None:
    """pglab-boot/pglab-pgpool before issue 16: start beside any running primary, every running node up."""
    claims = [n for n in nodes if n.claims_primary]
    if not claims:
        return None
    return PoolStart(claims[0].host, tuple((n.host, n.reachable and n.running) for n in nodes))


def promote_new_main(nodes: list[NodeFacts], failed: str, new_main: str, sync_holder: str = "",
                     up: object = None) -> NodeFacts | None:
    """failover.sh before issue 16: promote pgpool's new main node, whatever the others hold."""
    return next(n for n in nodes if n.host == new_main)


CURRENT = Policy("rules")
LEGACY = Policy("before issue 16", authoritative=only_running_primary, may_start_pgpool=any_running_primary,
                promotion=promote_new_main, degraded_sync=False)
POLICIES = {"rules": CURRENT, "legacy": LEGACY,  # and each old rule alone, beside the new others:
            "only-running-primary": Policy("the only running primary is authoritative",
                                           authoritative=only_running_primary),
            "pgpool-beside-any-primary": Policy("pgpool starts beside any running primary",
                                                may_start_pgpool=any_running_primary),
            "promote-new-main": Policy("failover.sh promotes pgpool's new main node", promotion=promote_new_main),
            "primary-alone": Policy("rules, but a primary without its synchronous standby runs alone",
                                    degraded_sync=False)}


# --- facts and helpers ---------------------------------------------------------------------------

def streaming(st: State, i: int) -> bool:
    """Node i streams from its upstream: both answer, the upstream is a primary, i's WAL a prefix of its."""
    return _streaming(st.nodes, i)


@lru_cache(maxsize=1 << 20)
def _streaming(nodes: tuple[Node, Node, Node], i: int) -> bool:
    n = nodes[i]
    if not (n.alive and n.signal and n.upstream is not None):
        return False
    up = nodes[n.upstream]
    return up.alive and up.claims_primary and n.prefix_of(up)


def all_facts(st: State, seen_from_lab: bool = True) -> list[NodeFacts]:
    """What `pglab-node facts` says of each node; `seen_from_lab` False: every disk read (recover powers all on)."""
    return _facts(st.nodes, seen_from_lab)


@lru_cache(maxsize=1 << 20)
def _facts(nodes: tuple[Node, Node, Node], seen_from_lab: bool) -> list[NodeFacts]:
    return [NodeFacts(HOSTS[i], n.timeline, n.flushed, running=n.running and n.power != "off",
                      standby_signal=n.signal, was_primary=not n.signal,
                      streams_from=HOSTS[n.upstream] if _streaming(nodes, i) else "",  # type: ignore[index]
                      reachable=n.reachable or not seen_from_lab) for i, n in enumerate(nodes)]


def received(n: Node, up: Node, upto: int) -> Node:
    """n holds up's WAL to `upto`, on up's history (streaming, or pg_rewind then streaming)."""
    return n._replace(hist=tuple(e for k, e in enumerate(up.hist) if k == 0 or e[1] < upto), flushed=upto)


def promoted(n: Node) -> Node:
    """pg_ctl promote (pglab-node promote): a new timeline, one past the newest it knows; role primary-alone."""
    tl = max(t for t, _ in n.hist) + 1
    return n._replace(hist=(*n.hist, (tl, n.flushed)), flushed=n.flushed + 1, signal=False, upstream=None,
                      sync=None, running=True)


def set_node(st: State, i: int, node: Node) -> State:
    a, b, c = st.nodes
    return State((node, b, c) if i == A else (a, node, c) if i == B else (a, b, node), *st[1:])


def pool_started(st: State, policy: Policy) -> Pool:
    """pglab-boot / `pglab-pgpool from-facts` on the pgpool host: rules.may_start_pgpool over what answers."""
    start = policy.may_start_pgpool(all_facts(st), HOSTS[A])
    if start is None:
        return Pool(power=True, up=False, attached=(False, False, False), primary=None)
    attached = tuple(up for _, up in start.states)
    # pgpool-II 4.3's find_primary_node: the first node up that is not in recovery
    primary = next(i for i in ALL if attached[i] and st.nodes[i].claims_primary)
    return Pool(power=True, up=True, attached=attached, primary=primary)  # type: ignore[arg-type]


# --- transitions: (label, next state); faults and the lab's own reactions -------------------------

Transition = tuple[str, State]


def power_off(st: State, i: int) -> State:
    """A hard power cut of node i (faults/nemesis.py cut; providers/base.py poweroff): every process dies at once."""
    st = set_node(st, i, st.nodes[i]._replace(power="off", running=False))
    return st._replace(pending=frozenset(p for p in st.pending if p[0] != i))


def power_on(st: State, i: int, policy: Policy) -> State:
    """providers/base.py poweron; provision/scripts/pglab-boot starts PostgreSQL only if rules.may_boot_postgres."""
    n = st.nodes[i]._replace(power="on")
    return set_node(st, i, n._replace(running=policy.may_boot_postgres(NodeFacts(HOSTS[i], 0, 0,
                                                                                   standby_signal=n.signal))))


def link(st: State, i: int, up: bool) -> State:
    """`fab isolate` / `fab heal` (providers/base.py isolate, heal): the host's lab link down or up; its
    processes run on, but nothing reaches it - pgpool's health checks, SSH, streaming."""
    return set_node(st, i, st.nodes[i]._replace(link=up))


def frozen(st: State, i: int, freeze: bool) -> State:
    """A host that stops answering and resumes as it was (a paused VM, a stopped process tree, a long stall):
    no provider command does it; in this model it is an isolated host that also makes no progress."""
    return set_node(st, i, st.nodes[i]._replace(power="frozen" if freeze else "on"))


def pool_power(st: State, on: bool, policy: Policy) -> State:
    """Power cut / power-on of the pgpool host (pglab-boot: `pglab-pgpool from-facts` if the rules allow);
    "pgpool restart" is both at once (a reboot, or `pglab-pgpool from-facts` run by hand)."""
    st = st._replace(pool=Pool(power=False, up=False, attached=(False, False, False), primary=None))
    return st._replace(pool=pool_started(st, policy)) if on else st


def failover(st: State, failed: int, policy: Policy) -> State:
    """pgpool detaches node `failed` and runs provision/scripts/failover.sh (it detaches no other node).

    failover.sh reads every node's facts and which nodes pgpool has up (pool_up).
    A failed standby: if it was the primary's synchronous one, `pglab-node drop-sync` hands the role
    to the standby rules.degraded_sync names (streaming from the primary), or turns it off; the
    waiting commits are released once the new one has them, or at once for a primary alone.
    A failed primary: rules.failover_promotion chooses the node (the failed primary's synchronous
    standby read from its role file when it answers, else unknown), `pglab-node promote SYNC` makes
    it wait for the standby rules.degraded_sync names from its first commit. Each other node pgpool has
    up is re-pointed by failover.sh (`repoint`, then `follow`): one that runs is rewound onto the new
    primary and stays attached, unless it serves reads and the new primary does not wait for it; the
    rest are detached (and dropped as synchronous standby). A node pgpool had down is left as it was,
    for fab recover. ASSUMPTION (pgpool-II 4.3 docs): with no follow_primary_command pgpool detaches
    no other node, and it finds a promoted node other than its new main node.
    """
    pool = st.pool
    attached = tuple(False if k == failed else a for k, a in enumerate(pool.attached))
    st = st._replace(pool=pool._replace(attached=attached))  # type: ignore[arg-type]
    facts, up = all_facts(st), pool_up(st)
    if failed != pool.primary:
        if pool.primary is not None:
            p = st.nodes[pool.primary]
            if p.alive and p.sync == failed:
                st = set_node(st, pool.primary, p._replace(sync=degraded_standby(facts, up, pool.primary, failed,
                                                                                  policy)))
                st = release(st, pool.primary)
        return st
    new_main = next((k for k in ALL if attached[k]), None)
    old = st.nodes[failed]
    holder = HOSTS[old.sync] if old.sync is not None and old.reachable else ""  # type: ignore[index]
    chosen = policy.promotion(facts, HOSTS[failed], HOSTS[new_main], holder, up) if new_main is not None else None
    if chosen is None or not st.nodes[HOSTS.index(chosen.host)].alive or \
            not st.nodes[HOSTS.index(chosen.host)].signal:
        return st._replace(pool=st.pool._replace(primary=None))
    new_main = HOSTS.index(chosen.host)
    sync = degraded_standby(facts, up, new_main, failed, policy, promoted=True)
    st = set_node(st, new_main, promoted(st.nodes[new_main]))
    new = st.nodes[new_main]
    # availability first: what only unreachable nodes hold is given up (and counted); what a node that
    # answers holds stays acknowledged, so losing it later is a violation
    gone = frozenset(a for a in st.acks if not new.holds(a.timeline, a.lsn)
                     and not any(n.reachable and n.holds(a.timeline, a.lsn) for n in st.nodes))
    st = st._replace(acks=st.acks - gone, forfeit=st.forfeit or bool(gone),
                     pending=frozenset(p for p in st.pending if p[0] == new_main))
    kept = attached
    attached = tuple(k == new_main for k in ALL)
    for k in ALL:
        n = st.nodes[k]
        if k != new_main and n.alive and kept[k]:
            st = set_node(st, k, received(n, new, new.flushed)._replace(signal=True, upstream=new_main, sync=None))
            attached = tuple(a or (j == k and (k == sync or not SERVES_READS[k])) for j, a in enumerate(attached))
    st = st._replace(pool=Pool(power=True, up=True, attached=attached, primary=new_main))  # type: ignore[arg-type]
    if sync is not None and not attached[sync]:
        sync = None  # failover.sh: it did not follow, the new primary stops waiting for it
    return set_node(st, new_main, new._replace(sync=sync))


def pool_up(st: State) -> set[str]:
    """The nodes pgpool has up, as failover.sh reads them from pgpool's status file."""
    return {HOSTS[i] for i in ALL if st.pool.attached[i]}


def degraded_standby(facts: list[NodeFacts], up: set[str], p: int, lost: int, policy: Policy,
                     promoted: bool = False) -> int | None:
    """The synchronous standby primary p takes when it has lost (or never had) one: rules.degraded_sync
    over what failover.sh read; None with policy.degraded_sync off (primary-alone, the lab before)."""
    if not policy.degraded_sync:
        return None
    host = rules.degraded_sync(facts, HOSTS[p], [HOSTS[lost]], promoted=promoted, up=up)
    return HOSTS.index(host) if host else None


def release(st: State, p: int) -> State:
    """Commits waiting on primary p for a synchronous flush (PostgreSQL's SyncRepWaitForLSN): acknowledged once
    p's synchronous standby has them, or once p runs alone (`pglab-node drop-sync`: synchronous_standby_names
    emptied, the waiting backends released)."""
    n = st.nodes[p]
    done = set()
    for node, tl, lsn in st.pending:
        if node != p:
            continue
        if n.sync is None:
            done.add((node, tl, lsn, False))
        elif streaming(st, n.sync) and st.nodes[n.sync].holds(tl, lsn):
            done.add((node, tl, lsn, True))
    if not done:
        return st
    return st._replace(acks=st.acks | {Ack(tl, lsn, node, sync) for node, tl, lsn, sync in done},
                       pending=st.pending - {(node, tl, lsn) for node, tl, lsn, _ in done})


def commit(st: State) -> State | None:
    """A client's commit through pgpool (pglab/workload): on pgpool's primary; with a synchronous standby it
    is acknowledged only once that standby flushed it (synchronous_commit = remote_apply; flush suffices here)."""
    p = st.pool.primary
    if not st.pool.up or p is None or not st.pool.attached[p]:
        return None
    n = st.nodes[p]
    if not (n.alive and n.claims_primary):
        return None
    lsn, tl = n.flushed + 1, n.timeline
    st = set_node(st, p, n._replace(flushed=lsn))._replace(pending=st.pending | {(p, tl, lsn)},
                                                           commits=st.commits + 1)
    if n.sync is not None and streaming(st, n.sync) and st.nodes[n.sync].flushed == n.flushed:
        st = set_node(st, n.sync, received(st.nodes[n.sync], st.nodes[p], lsn))
    return release(st, p)


def replicate(st: State, i: int) -> State | None:
    """walreceiver of a lagging standby catches up with its upstream (asynchronous streaming)."""
    n = st.nodes[i]
    if not streaming(st, i) or n.flushed == st.nodes[n.upstream].flushed:  # type: ignore[index]
        return None
    up = n.upstream
    return release(set_node(st, i, received(n, st.nodes[up], st.nodes[up].flushed)), up)  # type: ignore[arg-type]


def lab_powered_and_healed(st: State, policy: Policy) -> State:
    """What the operator does before `fab recover`: `fab poweron`, `fab heal`, thaw (boot rules apply)."""
    for i in ALL:
        n = st.nodes[i]
        if n.power == "off":
            st = power_on(st, i, policy)
        st = set_node(st, i, st.nodes[i]._replace(power="on", link=True))
    if not st.pool.power:
        st = pool_power(st, True, policy)
    return st


def recover(st: State, policy: Policy) -> State:
    """`fab recover` (pglab/cluster/operations.py recover, coldstart.cold_start), as its outcome.

    The kept node is policy.authoritative over every node's disk facts (coldstart.authoritative_primary
    and cold_start); other primaries are fenced (rules.fenced); the kept node is promoted if it was a
    standby (make_primary); every other node is rewound onto it (converge_standbys); if it is not A,
    switch_back makes A its synchronous standby, stops it cleanly and promotes A; restore_sync: A
    primary, B synchronous, C asynchronous, all attached in a pgpool restarted from facts.
    """
    keep = HOSTS.index(policy.authoritative(all_facts(st, seen_from_lab=False), HOSTS[A]).host)
    k = st.nodes[keep]
    if k.signal:
        k = promoted(k)
    if keep != A:
        k = promoted(received(st.nodes[A], k, k.flushed))
    nodes = tuple(k._replace(sync=B, running=True, upstream=None) if i == A else
                  received(st.nodes[i], k, k.flushed)._replace(signal=True, running=True, upstream=A, sync=None)
                  for i in ALL)
    return st._replace(nodes=nodes, pool=Pool(), pending=frozenset())  # type: ignore[arg-type]


def recovered(st: State, policy: Policy) -> State:
    """`fab recover` as an event: its outcome (`recover`), in canonical form.

    After it all three nodes share one history and hold every acknowledged commit (`violations`
    checks that from the state before); no later fork can lie before their common end, so those
    commits stay on every node and the shared history only numbers what comes next. Shifting
    timelines and positions back to 1 and 0 gives the set-up lab again: the state is `initial()`,
    with the commits and forfeits counted so far.
    """
    done = recover(st, policy)
    if any(not done.nodes[A].holds(a.timeline, a.lsn) for a in st.acks):
        return done  # a violation, reported from `st` already
    return initial()._replace(commits=st.commits, forfeit=st.forfeit)


def transitions(st: State, policy: Policy, max_commits: int, freeze: bool) -> list[tuple[str, State, bool]]:
    """Every event enabled in `st`: (label, next state, is it a fault)."""
    out: list[tuple[str, State, bool]] = []
    for i in ALL:
        n, h = st.nodes[i], HOSTS[i]
        if n.power != "off":
            out.append((f"power off {h}", power_off(st, i), True))
        else:
            out.append((f"power on {h}", power_on(st, i, policy), True))
        if not n.link or n.power != "off":
            out.append((f"{'heal' if not n.link else 'isolate'} {h}", link(st, i, not n.link), True))
        if freeze and n.power != "off":
            out.append((f"{'thaw' if n.power == 'frozen' else 'freeze'} {h}", frozen(st, i, n.power == "on"), True))
        if st.pool.up and st.pool.attached[i]:
            if n.alive:
                out.append((f"pgpool misses one health check of {h}", failover(st, i, policy), True))
            else:
                out.append((f"pgpool: health check of {h} fails, failover", failover(st, i, policy), False))
        nxt = replicate(st, i)
        if nxt is not None:
            out.append((f"{h} catches up", nxt, False))
    out.append((f"power {'off' if st.pool.power else 'on'} pgpool", pool_power(st, not st.pool.power, policy), True))
    if st.pool.power:
        out.append(("pgpool restart", pool_power(st, True, policy), True))
    if st.commits < max_commits:
        nxt = commit(st)
        if nxt is not None:
            out.append((f"commit on {HOSTS[st.pool.primary]}", nxt, False))  # type: ignore[index]
    if st.pool.power and all(n.reachable for n in st.nodes):
        out.append(("fab recover", recovered(st, policy), False))
    return out


def violations(st: State, policy: Policy) -> list[str]:
    """The invariants: one writable primary behind pgpool; every acknowledged commit on the node recovery
    keeps; recovery (after power-on and heal) reaches A primary, B sync, C async with every commit on A."""
    found = []
    if st.pool.up and sum(1 for i in ALL if st.pool.attached[i] and st.nodes[i].claims_primary) > 1:
        found.append("two primaries up in pgpool")
    keep, recovered, topology = _recovery(st.nodes, policy)
    lost = sorted(a for a in st.acks if not keep.holds(a.timeline, a.lsn))
    if lost:
        found.append(f"acknowledged commits not on the node recovery keeps {lost}")
    if not topology:
        found.append("recover does not reach A primary, B sync, C async")
    if any(not recovered.holds(k.timeline, k.lsn) for k in st.acks):
        found.append("recover loses acknowledged commits")
    return found


@lru_cache(maxsize=1 << 20)
def _recovery(nodes: tuple[Node, Node, Node], policy: Policy) -> tuple[Node, Node, bool]:
    """The node recovery keeps, A after `fab recover` from these nodes powered on and healed, topology reached."""
    st = State(nodes, Pool())
    keep = nodes[HOSTS.index(policy.authoritative(all_facts(st, seen_from_lab=False), HOSTS[A]).host)]
    done = recover(lab_powered_and_healed(st, policy), policy)
    a = done.nodes[A]
    topology = (a.claims_primary and a.sync == B and streaming(done, B) and streaming(done, C)
                and done.pool.primary == A)
    return keep, a, topology
