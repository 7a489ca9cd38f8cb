"""The course assignment pglab carries out: its sections, in its own order and numbering.

The report is built on this structure; docs/assignment.md states the same in prose.
Each text is a pair (English, Russian); the course is taught in Russian.
"""

from __future__ import annotations

from dataclasses import dataclass

Pair = tuple[str, str]


@dataclass(frozen=True)
class Section:
    """One part of the assignment: its number, its title and what it asks for."""

    key: str  # "1", "2.1", ... - the assignment's own numbering
    title: Pair
    asks: Pair
    parent: Pair | None = None  # the stage a sub-step belongs to (Stage 2 for 2.1-2.3)

    def text(self, field: str, lang: str) -> str:
        pair = getattr(self, field)
        return pair[LANGUAGES.index(lang)] if pair else ""


LANGUAGES = ("en", "ru")

TITLE: Pair = ("Fault-tolerant PostgreSQL: replication, failover and recovery",
               "Отказоустойчивый PostgreSQL: репликация, переключение и восстановление")

GOAL: Pair = ("Learn the methods and tools for building fault-tolerant PostgreSQL setups, and practise bringing "
              "a system back after a failure.",
              "Ознакомиться с методами и средствами построения отказоустойчивых решений на базе СУБД Postgres; "
              "получить практические навыки восстановления работы системы после отказа.")

REQUIREMENTS: tuple[Pair, ...] = (
    ("The hosts are identical virtual machines.", "В качестве хостов использовать одинаковые виртуальные машины."),
    ("Network connectivity between the machines comes first.",
     "В первую очередь необходимо обеспечить сетевую связность между ВМ."),
    ("Clients connect to the DBMS (e.g. with psql) from a separate virtual or physical machine.",
     "Для подключения к СУБД (например, через psql) использовать отдельную виртуальную или физическую машину."),
    ("Filling and writing the database is shown on at least two tables, with columns, rows, transactions and "
     "client sessions.",
     "Демонстрировать наполнение базы и доступ на запись на примере не менее, чем двух таблиц, столбцов, строк, "
     "транзакций и клиентских сессий."),
)

STAGE_2: Pair = ("Stage 2. Failure simulation and handling", "Этап 2. Симуляция и обработка сбоя")

SECTIONS: tuple[Section, ...] = (
    Section("1", ("Stage 1. Configuration", "Этап 1. Конфигурация"),
            ("Set up PostgreSQL replication on three nodes: A primary, B and C standbys, managed by pgpool-II. "
             "Replication A -> B is synchronous, A -> C asynchronous. Show that new data reaches B synchronously "
             "and C with a delay.",
             "Настроить репликацию postgres на трёх узлах: A\u00a0— основной, B и C\u00a0— резервные; для управления "
             "использовать pgpool-II. Репликация с A на B синхронная, с A на C асинхронная. Продемонстрировать, "
             "что новые данные реплицируются на B в синхронном режиме, а на C с задержкой.")),
    Section("2.1", ("2.1 Preparation", "2.1 Подготовка"),
            ("Open several client connections to the DBMS. Show the state of the data and the clients working "
             "in read/write mode.",
             "Установить несколько клиентских подключений к СУБД. Продемонстрировать состояние данных и работу "
             "клиентов в режиме чтение/запись."), parent=STAGE_2),
    Section("2.2", ("2.2 Failure", "2.2 Сбой"),
            ("Simulate an unexpected loss of the primary node: power off its virtual machine.",
             "Симулировать неожиданное отключение основного узла\u00a0— выполнить Power Off виртуальной машины."),
            parent=STAGE_2),
    Section("2.3", ("2.3 Handling", "2.3 Обработка"),
            ("Find and show the relevant error messages in the logs. Fail over to a standby. Show the state of "
             "the data and the clients working in read/write mode.",
             "Найти и продемонстрировать в логах релевантные сообщения об ошибках. Выполнить переключение "
             "(failover) на резервный сервер. Продемонстрировать состояние данных и работу клиентов в режиме "
             "чтение/запись."), parent=STAGE_2),
    Section("3", ("Stage 3. Recovery", "Этап 3. Восстановление"),
            ("Power the primary's machine on again, bring its database up to date with every change made "
             "during 2.3, and restore the configuration of stage 1 (A primary, B sync, C async). Show the state "
             "of the data and the clients working in read/write mode.",
             "Восстановить работу основного узла\u00a0— откатить действие, выполненное с виртуальной машиной на "
             "этапе 2.2. Актуализировать состояние базы на основном узле\u00a0— накатить все изменения данных, "
             "выполненные на этапе 2.3. Восстановить исправную работу узлов в исходной конфигурации (в "
             "соответствии с этапом 1). Продемонстрировать состояние данных и работу клиентов в режиме "
             "чтение/запись.")),
)

SECTION_KEYS = tuple(s.key for s in SECTIONS)


def section(key: str) -> Section:
    return next(s for s in SECTIONS if s.key == key)
