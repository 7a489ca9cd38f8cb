"""Russian names of the step labels pglab gives its host commands, for the report's tables of commands.

A label is what pglab's code calls a command (`probe node`, `stop pg-b for switchover`); the English report
shows it as it is, the Russian one by these names. A label not listed here is shown as it is, in code."""

from __future__ import annotations

import re

HOST = r"(pg-[a-z]|pgpool|client|[AB])"

NAMES = {
    "probe node": "опрос узла", "role": "файл роли", "row counts": "подсчёт строк",
    "replication slots": "слоты репликации", "drop stale slot": "удаление лишнего слота",
    "pg_stat_replication before the stop": "pg_stat_replication перед остановкой",
    "guard switchover": "проверка перед возвратом", "restore synchronous standby": "восстановление синхронного узла",
    "synchronous standby": "синхронный узел", "collect log lines": "сбор строк журналов",
    "check cluster": "проверка кластера", "environment": "сведения об окружении",
    "pgpool's newest failover line": "последняя строка переключения в журнале pgpool", "set role": "установка роли",
    "start postgresql": "запуск PostgreSQL", "role log": "журнал ролей", "boot settings": "параметры загрузки",
    "bootstrap roles": "начальные роли", "check packages": "проверка пакетов",
    "checksum accounts": "контрольная сумма accounts", "checksum transfers": "контрольная сумма transfers",
    "client files": "файлы клиента", "clone standby": "копия для резервного узла",
    "connectivity check": "проверка связности", "create cluster": "создание кластера",
    "pglab-client start": "запуск pglab-client", "pglab-client stats": "счётчики pglab-client",
    "pglab-client stop": "остановка pglab-client", "pgpool files": "файлы pgpool",
    "pgpool fresh": "проверка: запущен ли pgpool заново", "pgpool set up?": "проверка: настроен ли pgpool",
    "postgres files": "файлы PostgreSQL", "postgresql config": "конфигурация PostgreSQL",
    "sample rows": "образцы строк", "schema": "схема", "speed probe": "замер скорости",
    "ssh round trip": "время ответа по SSH", "total": "итоговая сумма", "transfer ids": "идентификаторы переводов",
    "total and checksums": "итоговая сумма и контрольные суммы",
    "demo: commit waiting?": "демонстрация: ждёт ли коммит?",
    "open pgpool's SSH connections": "открытие SSH-соединений pgpool",
}
PATTERNS = tuple((re.compile(rf"^{english}$"), russian) for english, russian in (
    (rf"stop {HOST} for switchover", r"остановка \1 для возврата"),
    (rf"{HOST} synchronous before it serves reads", r"\1 становится синхронным, прежде чем обслуживать чтения"),
    (rf"{HOST} delayed again", r"задержка применения на \1 снова включена"),
    (rf"rejoin {HOST}", r"повторное подключение \1"),
    (rf"disk facts of {HOST}", r"состояние диска \1"),
    (rf"close pgpool's SSH connection to {HOST}", r"закрытие SSH-соединения pgpool с \1"),
    (rf"demo: commit on {HOST}", r"демонстрация: коммит на \1"),
    (rf"demo: probe on {HOST}", r"демонстрация: поиск пробной строки на \1"),
    (rf"demo: stop {HOST}", r"демонстрация: остановка \1"),
    (rf"demo: start {HOST}", r"демонстрация: запуск \1"),
    (rf"demo: pause replay on {HOST}", r"демонстрация: пауза применения WAL на \1"),
    (rf"demo: resume replay on {HOST}", r"демонстрация: возобновление применения WAL на \1"),
))


def russian(step: str) -> str | None:
    """The Russian name of a step label, or None when it has none (an identifier such as `pcp_attach_node`)."""
    if step in NAMES:
        return NAMES[step]
    return next((pattern.sub(name, step) for pattern, name in PATTERNS if pattern.match(step)), None)
