"""The one table of pglab's commands and of the lab's steps.

Every user command is declared here once - name, help, parameters, the assignment section it
carries out - and `tasks.py` (Fabric), `pglab/cli.py` (click), `fab lab` and the report are
all built from it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pglab import commands, lab_run
from pglab.assignment import Pair
from pglab.context import LabContext
from pglab.errors import BadValueError
from pglab.workload.control import FULL_SPEED


@dataclass(frozen=True)
class Param:
    """One parameter of a command: a required positional argument, or an option with a default.

    Numbers are checked here, for Fabric, click and `fab lab` alike: `low` is the smallest value
    allowed (`above`: values must be greater than it), and `words` are spelled-out values."""

    name: str
    help: str
    default: Any = None
    required: bool = False
    type: type = str
    choices: tuple[str, ...] = ()
    for_context: bool = False  # goes to LabContext.load (the provider), not to the command function
    low: float | None = None
    above: bool = False
    words: tuple[tuple[str, Any], ...] = ()  # e.g. (("full", FULL_SPEED),) for --rate full

    @property
    def is_flag(self) -> bool:
        return self.type is bool

    @property
    def is_number(self) -> bool:
        return self.type in (int, float)

    def parse(self, value: Any) -> Any:
        """The value for the command function, or BadValueError: one line saying what is allowed."""
        if value is None or self.is_flag or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in dict(self.words):
            return dict(self.words)[value.strip().lower()]
        if self.choices and value not in self.choices:
            raise BadValueError(f"--{self.name} {value!r} is not one of {', '.join(self.choices)}")
        if not self.is_number:
            return self.type(value)
        try:
            number = self.type(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            number = None
        if self.type is int and isinstance(value, float) and not value.is_integer():
            number = None  # int(2.5) would quietly be 2
        if number is None or not math.isfinite(number):
            kind = "a whole number" if self.type is int else "a number"
            raise BadValueError(f"--{self.name} {value!r} is not {kind}: {self.allowed}")
        if self.low is not None and (number <= self.low if self.above else number < self.low):
            raise BadValueError(f"--{self.name} {value} is out of range: {self.allowed}")
        return number

    @property
    def allowed(self) -> str:
        """What values the parameter takes, in words."""
        kind = "a whole number" if self.type is int else "a number"
        bound = "" if self.low is None else f" {'above' if self.above else 'of at least'} {self.low:g}"
        spelled = "".join(f", or {word}" for word, _ in self.words)
        return f"use {kind}{bound}{spelled}"


@dataclass(frozen=True)
class Command:
    """A user command: `fab NAME ...` and `pglab NAME ...` run `run(ctx, *values)`."""

    name: str
    run: Callable[..., Any]
    help: str
    params: tuple[Param, ...] = ()
    section: str | None = None  # the assignment section it carries out, if any

    def split(self, values: dict[str, Any]) -> tuple[list[Any], str | None]:
        """Positional values for `run` in declared order (checked: BadValueError), and the provider if one
        was given."""
        args = [p.parse(values.get(p.name, p.default)) for p in self.params if not p.for_context]
        provider = next((values.get(p.name) for p in self.params if p.for_context), None)
        return args, provider

    def call(self, ctx: LabContext, **values: Any) -> Any:
        """Run the command with the given values checked as typed ones are (for `fab lab`'s steps)."""
        return self.run(ctx, *self.split(values)[0])


@dataclass(frozen=True)
class LabStep:
    """One step of `fab lab`, in the assignment's order."""

    key: str
    section: str
    title: Pair
    typed: str  # what a student types to run this step alone
    action: Callable[[LabContext], object]


HOST = Param("host", "a lab host: pg-a, pg-b, pg-c, pgpool or client", required=True)
RATE = Param("rate", "transactions per second per session, above 0, or `full` for full speed (default 20: a "
                     "readable timeline, and CPU left for the lab on 2 cores)", 20.0, type=float, low=0, above=True,
             words=(("full", FULL_SPEED),))

COMMANDS: tuple[Command, ...] = (
    Command("up", commands.up, "Create and boot the lab's five hosts.",
            (Param("provider", "local or vagrant (default: PGLAB_PROVIDER, else local)", choices=("local", "vagrant"),
                   for_context=True),)),
    Command("destroy", commands.destroy, "Remove every host, network and record of the lab."),
    Command("status", commands.status, "Hosts with their power state, and the cluster as pgpool and PostgreSQL "
            "see it."),
    Command("setup", commands.setup, "Stage 1: pg-a primary, pg-b synchronous, pg-c asynchronous (delayed), "
            "pgpool-II in front.", section="1"),
    Command("demo-replication", commands.demo_replication, "Stage 1 evidence: a row is on pg-b at once and on pg-c "
            "after the delay; stopped standbys.", section="1"),
    Command("clients", commands.clients, "Client sessions on the client host: start, stop, stats, pause, resume.",
            (Param("action", "start, stop, stats, pause or resume", "start",
                   choices=("start", "stop", "stats", "pause", "resume")),
             Param("writers", "writer sessions", 3, type=int, low=0),
             Param("readers", "reader sessions", 1, type=int, low=0), RATE),
            section="2.1"),
    Command("poweroff", commands.poweroff, "Hard power-off of a host: no shutdown, no flush, no FIN.", (HOST,),
            section="2.2"),
    Command("isolate", commands.isolate, "Network fault: cut a host off the lab network; it keeps running.",
            (HOST,)),
    Command("heal", commands.heal, "Reconnect an isolated host to the lab network.", (HOST,)),
    Command("freeze", commands.freeze, "Gray failure: stop every process of a host at once (a paused VM); it "
            "answers nothing but is not off.", (HOST,)),
    Command("thaw", commands.thaw, "Resume a frozen host where it stopped.", (HOST,)),
    Command("degrade", commands.degrade, "Gray failure: delay and loss on a host's lab link (tc netem); --clear "
            "takes them off.",
            (HOST, Param("delay", "added delay each direction, in milliseconds (0 or more)", 0.0, type=float, low=0),
             Param("loss", "packets dropped each direction, in percent (0 to 100)", 0.0, type=float, low=0),
             Param("clear", "take delay and loss off", False, type=bool))),
    Command("logs", commands.logs, "Relevant pgpool and PostgreSQL log messages since the last power-off, in time "
            "order.", section="2.3"),
    Command("failover", commands.failover, "Manual failover: detach a primary that does not answer; pgpool "
            "promotes the next node.", section="2.3"),
    Command("poweron", commands.poweron, "Power a host on again, with its disks as they were.", (HOST,),
            section="3"),
    Command("recover", commands.recover, "Stage 3: rejoin the failed node with pg_rewind, switch back to pg-a, "
            "restore sync/async.", section="3"),
    Command("verify", commands.verify, "Every acknowledged write on A, B and C; the bank invariant; table "
            "checksums; the read checks; commits of unknown outcome looked up.", section="3"),
    Command("watch", commands.watch, "Live view of nodes and client sessions, for a second terminal.",
            (Param("seconds", "stop after this many seconds (default: until Ctrl-C)", type=float, low=0,
                   above=True),)),
    Command("chaos", commands.chaos, "Jepsen-style run: random faults with clients running, each followed by "
            "recovery and checks; writes report/chaos.md.",
            (Param("faults", "how many faults", 10, type=int, low=1),
             Param("seed", "random seed (same seed, same faults)", 1, type=int),
             Param("kinds", "comma-separated fault kinds (default: all): poweroff, isolate, double-fault, "
                            "cut-during-recover, whole-lab, pgpool-cycle, freeze, degrade", ""))),
    Command("ssh", commands.ssh, "Run a command on a host as root: fab ssh pg-a --command 'ps -ef'.",
            (HOST, Param("command", "the command to run", "hostname"))),
    Command("dsn", commands.print_dsn, "Print a libpq URI to pgpool that works from this machine."),
    Command("psql", commands.psql, "Open psql on the client host, connected through pgpool."),
    Command("lab", lambda ctx: lab_run.run_and_report(ctx, LAB_STEPS), "The whole assignment in order on a fresh "
            "lab, then the report."),
    Command("report", commands.report, "Write report/report.md, report.html and timeline.png (and report.pdf) "
            "from what the lab recorded.",
            (Param("lang", "en or ru", "en", choices=("en", "ru")),
             Param("out", "output folder (default: report/)"),
             Param("pdf", "also write report.pdf (A4, page numbers)", False, type=bool),
             Param("titlepage", "a TOML file with the title page's fields (default: report.toml if present)"))),
)

LAB_STEPS: tuple[LabStep, ...] = (
    LabStep("up", "1", ("Five identical hosts on one network", "Пять одинаковых хостов в одной сети"),
            "fab up", commands.up),
    LabStep("setup", "1", ("A primary, B synchronous, C asynchronous, clients through pgpool-II",
                           "A\u00a0— основной, B\u00a0— синхронный, C\u00a0— асинхронный резервный, доступ через "
                           "pgpool-II"),
            "fab setup", lab_run.setup_and_check),
    LabStep("demo", "1", ("New data reaches B at once and C with a delay",
                          "Новые данные попадают на B сразу, на C\u00a0— с задержкой"),
            "fab demo-replication", commands.demo_replication),
    LabStep("clients", "2.1", ("Client sessions reading and writing", "Клиентские сессии читают и пишут"),
            "fab clients", lambda ctx: command("clients").call(ctx, action="start")),
    LabStep("poweroff", "2.2", ("Power off A; the cluster, read from when pgpool has detached A",
                                "Отключение питания A; кластер, прочитанный с момента, когда pgpool отключил A"),
            "fab poweroff pg-a", lab_run.power_off_primary),
    LabStep("failover", "2.3", ("After the failover: B primary, C follows B; the log messages",
                                "После переключения: B\u00a0— основной, C следует за B; сообщения журналов"),
            "fab logs", lab_run.await_failover),
    LabStep("poweron", "3", ("Power A on again", "Включение A"), "fab poweron pg-a", lab_run.poweron_fenced),
    LabStep("recover", "3", ("Rejoin A with pg_rewind, switch back, restore sync/async",
                             "Возврат A через pg_rewind, переключение обратно, восстановление репликации"),
            "fab recover", lab_run.recover_with_logs),
    LabStep("verify", "3", ("Clients stopped; nothing acknowledged was lost",
                            "Клиенты остановлены; ни одна подтверждённая запись не потеряна"),
            "fab clients --action stop; fab verify", lab_run.stop_clients_and_verify),
)


def command(name: str) -> Command:
    return next(c for c in COMMANDS if c.name == name)
