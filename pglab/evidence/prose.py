"""The report's reasoning: a paragraph per stage, as an engineer explains the lab to students (English,
Russian). Placeholders are filled from the lab model and the measured figures (pglab/evidence/i18n.py
merges these into its WORDS, so each is formatted the language's way)."""

from __future__ import annotations

NB = "\u00a0"

PROSE: dict[str, tuple[str, str]] = {
    "why": ("Why it is done this way", "Почему сделано именно так"),
    "why_1": (
        "B is the synchronous standby with `synchronous_commit = remote_apply`: the primary acknowledges a commit "
        "only after B has replayed it, so a read that pgpool balances to B already sees that commit (the "
        "demonstration below measures it). With `synchronous_commit = on` the primary would only wait until B had "
        "flushed the WAL to disk, and a read on B could still miss the row; with `remote_write` not even that. There "
        "is one synchronous standby only: were C synchronous too, every commit would wait for its replay delay. C is "
        "asynchronous and replays {delay} s late (`recovery_min_apply_delay`). The delay is artificial: on a local "
        "network an idle asynchronous standby trails by milliseconds, and without it asynchrony could not be seen at "
        "all. It protects from nothing: against a human mistake such as a wrong `DELETE` (a synchronous standby "
        "replays it at once) a delay of hours would be needed. Because C is behind, pgpool gives it load-balance "
        "weight 0: no "
        "client read is ever sent to C, so no client reads stale data. Each standby streams through its own "
        "physical replication slot on the node it follows: that node keeps the WAL the standby has not received "
        "yet, so a standby that was away catches up by streaming instead of needing a new copy "
        "(`max_slot_wal_keep_size` caps how much is kept). Slots are not carried over a failover: a standby "
        "makes its slot anew on its new upstream, and slots left behind are dropped at the end of stage 3. "
        "`wal_log_hints = on` makes PostgreSQL log a full page "
        "image the first time a page changes after a checkpoint even when only hint bits changed; pg_rewind "
        "needs it (or data checksums) to find every page the old primary changed after the histories diverged, and "
        "refuses to run on a data directory that has neither.",
        "B\u00a0— синхронный резервный узел с `synchronous_commit = remote_apply`: основной узел подтверждает "
        "коммит только после того, как B его применил, поэтому чтение, которое pgpool направит на B, уже видит "
        "этот коммит (демонстрация ниже это измеряет). При значении `on` основной узел ждал бы лишь записи WAL "
        "на диск B, и чтение на B могло бы ещё не увидеть строку; при `remote_write`\u00a0— даже не записи на диск. "
        "Синхронный узел только один: будь синхронным и C, каждый коммит ждал бы его задержки применения. "
        "C\u00a0— асинхронный и применяет изменения с задержкой {delay}\u00a0с (`recovery_min_apply_delay`). "
        "Задержка искусственная: в локальной сети асинхронный узел отстаёт на миллисекунды, и без неё "
        "асинхронность нельзя было бы увидеть. Ни от чего она не защищает: чтобы успеть заметить ошибку "
        "человека, например ошибочный `DELETE` (синхронный узел применяет его сразу), нужна задержка в часы. "
        "Поскольку C отстаёт, в pgpool у "
        "него вес балансировки 0: ни одно клиентское чтение не направляется на C, и клиенты не читают "
        "устаревшие данные. Каждый резервный узел получает WAL через собственный физический слот репликации на "
        "том узле, за которым следует: этот узел хранит WAL, пока резервный его не получил, и узел, который был "
        "недоступен, догоняет потоковой репликацией, а не новой полной копией (`max_slot_wal_keep_size` "
        "ограничивает объём хранимого WAL). При переключении слоты не переносятся: резервный узел заново "
        "создаёт слот на новом вышестоящем узле, а оставшиеся лишние слоты удаляются в конце этапа 3. `wal_log_hints "
        "= on` заставляет PostgreSQL записывать в WAL полный "
        "образ страницы при первом её изменении после контрольной точки, даже если изменились только биты "
        "подсказок; по этим записям pg_rewind находит все страницы, которые бывший основной узел изменил после "
        "расхождения историй, а без них (и без контрольных сумм данных) pg_rewind отказывается работать."),
    "why_2.1": (
        "The client host runs long-lived sessions, each with its own connection to pgpool (port {port}), never "
        "to a node directly. A writer's transaction moves an amount from one account to another and records the "
        "transfer (the statements are under “The data” above); the client journals it as acknowledged only after "
        "`COMMIT` has returned, so the journal never claims a write the database did not confirm. A reader reads, "
        "in one statement, the bank's total balance - which every transfer keeps equal to the initial total (the "
        "invariant) - and which node served it. pgpool sends writes to the primary and balances reads over A and "
        "B: it draws a session's read node by the nodes' weights when the session connects and keeps it until the "
        "session reconnects (`statement_level_load_balance = off`), so how many reads each node serves depends on "
        "the nodes the few sessions drew (the conclusion counts them by node). After each commit a writer reads its "
        "own write back: each read-back that pgpool sends to B checks that B already shows that acknowledged commit "
        "(the conclusion says how many B served).",
        "На клиентском хосте работают долгоживущие сессии, у каждой своё соединение с pgpool (порт {port}), "
        "напрямую к узлам клиенты не подключаются. Транзакция пишущей сессии переводит сумму с одного счёта на "
        "другой и записывает перевод (операторы приведены выше, в разделе «Данные»); клиент заносит её в журнал "
        "как подтверждённую только после того, как вернулся `COMMIT`, поэтому журнал никогда не приписывает базе "
        "запись, которую она не подтвердила. Читающая сессия одним запросом читает сумму всех балансов, которую "
        "каждый перевод сохраняет равной начальной (инвариант), и имя узла, который ответил. pgpool направляет "
        "запись на основной узел и распределяет чтения между A и B: узел для чтений сессии он выбирает по весам "
        "узлов, когда сессия подключается, и сохраняет до её переподключения (`statement_level_load_balance = "
        "off`), поэтому сколько чтений обслужил каждый узел, зависит от того, какой узел достался каждой из немногих "
        "сессий (вывод считает их по узлам). После каждого коммита пишущая сессия читает свою запись обратно: каждое "
        "такое "
        "чтение, которое pgpool направил на B, проверяет, что B уже показывает этот подтверждённый коммит (сколько "
        "их обслужил B, сказано в выводе)."),
    "why_2.2": (
        "The primary's host loses power without warning: every process dies at the same instant, nothing is "
        "shut down and no process gets to write out what it holds in its own memory (what the kernel's page cache "
        "holds: see “Where the run happened”), and no packet leaves the host, so pgpool and the standbys are "
        "told nothing - they simply get no more answers. A `COMMIT` in flight at that instant has an unknown outcome "
        "for its client: it may "
        "or may not have reached B before the cut (such commits are looked up at the end). The snapshot below is "
        "taken once pglab has seen pgpool mark A down - on slow hosts that look itself takes seconds, and the "
        "failover may be over by then; the paragraph before its tables says, from the logs, when it was taken and "
        "whether B "
        "had already been promoted.",
        "Хост основного узла обесточивается без предупреждения: все процессы прекращаются в один и тот же момент, "
        "ничего не останавливается штатно, ни один процесс не успевает записать то, что держит в своей памяти "
        "(о страничном кэше ядра см. «Где выполнялась работа»), ни один пакет не уходит с хоста, поэтому pgpool "
        "и резервные узлы не получают никакого уведомления: ответы просто перестают приходить. Исход `COMMIT`, "
        "отправленного, но ещё не подтверждённого в этот момент, клиенту неизвестен: коммит мог дойти до B, а мог "
        "и не дойти (такие коммиты "
        "проверяются в конце). Снимок ниже сделан, когда pglab увидел, что pgpool пометил A "
        "недоступным; на медленных хостах сам этот опрос занимает секунды, и переключение к тому времени может "
        "уже закончиться. Абзац перед таблицами снимка по журналам говорит, когда он сделан и был ли B уже повышен."),
    "why_2.3": (
        "pgpool checks every node every {period} s (`connect_timeout` {connect_ms} ms, `health_check_timeout` "
        "{hc_timeout} s, one retry; how long it took here is told below table ⟦next:seq⟧, the time of the failover "
        "step by step); "
        "when A fails the retry too, pgpool detaches it and runs `failover.sh`. Which standby is promoted is that "
        "script's decision, and its own log line in this run says which and why: {choice}. The synchronous "
        "standby holds every commit acknowledged while the primary waited for it (none was acknowledged before "
        "it had replayed it); commits acknowledged while a primary ran without a synchronous standby are counted "
        "as at risk in stage 3. A node promoted to primary starts a new timeline (2): its WAL from then on "
        "carries the new number, so what it writes after the promotion can never be confused with WAL that A "
        "may have written on timeline 1 and never sent. Whether the new primary then waits for another "
        "standby, the role file in table ⟦next:cluster⟧ says: with `primary-sync-pg_c` it waits for C's flush "
        "(durability while degraded, see stage 3), with `primary-alone` it runs alone and each write is on its "
        "disk only until C has received it. The same script re-points C to the new primary while B is promoted "
        "(`pglab-node repoint`){c_follow}; pgpool keeps C attached throughout, because pglab gives it no "
        "`follow_primary_command` (with one, pgpool detaches every standby at a failover, and each must be attached "
        "again). "
        "At a failover of a primary that is pgpool's main node (its lowest-numbered node up: A here) pgpool-II 4.3 "
        "restarts all its child processes (its log line `Restart all children`; the switch-back in stage 3 takes "
        "another branch), so every client session loses its connection there (the client errors are listed "
        "in table ⟦prev:errors⟧), reconnects and gets a new child. Attaching a node again (`pcp_attach_node`, pgpool's "
        "`failback`) ends sessions too: while pgpool-II 4.3.5 handles any failover or failback, each of its "
        "children that is given a query exits (`pool_virtual_main_db_node_id()` in its source exits while "
        "`Req_info->switching` is set), so every session that sends one meanwhile loses its connection and "
        "reconnects. That is why no node is attached during the failover (in this run pglab attaches nodes in "
        "the stage 1 demonstration, when a standby pgpool detached while it was stopped starts again - see "
        "Appendix B - and in stage 3, where A and B must be), and why clients reconnect after the failover rather "
        "than carry on: their "
        "pgpool child was ended, not their database lost.",
        "pgpool проверяет каждый узел раз в {period}\u00a0с (`connect_timeout`\u00a0— {connect_ms}\u00a0мс, "
        "`health_check_timeout`\u00a0— {hc_timeout}\u00a0с, одна повторная попытка; сколько это заняло в этой "
        "работе, сказано под таблицей ⟦next:seq⟧); когда не удаётся и повтор, pgpool "
        "отключает A и запускает `failover.sh`. Какой "
        "резервный узел повысить, решает этот сценарий; в этой работе он записал в журнал: {choice}. На "
        "синхронном резервном узле есть каждый коммит, подтверждённый, пока основной узел его ждал (каждый такой "
        "коммит подтверждался только после того, как резервный узел его применил); коммиты, "
        "подтверждённые, когда основной узел работал без синхронного резервного, учитываются на этапе 3 как "
        "коммиты, подтверждённые без синхронной копии. Узел, повышенный до основного, начинает новую линию времени "
        "(2): его WAL отныне "
        "несёт новый номер, и то, что он пишет после повышения, невозможно спутать с WAL, который A мог записать "
        "на линии времени 1 и не успел передать. Ждёт ли новый основной узел после этого другой резервный, "
        "показывает файл роли в таблице ⟦next:cluster⟧: при `primary-sync-pg_c` он ждёт записи WAL на диск C "
        "(сохранность данных при неполном кластере, см. этап 3), при `primary-alone` работает один, и каждая "
        "запись есть "
        "только на его диске, пока её не получит C. Тот же сценарий перенаправляет C на новый основной узел, "
        "пока B повышается (`pglab-node repoint`){c_follow}; pgpool всё это время не отключает C, потому что pglab "
        "не задаёт ему `follow_primary_command` (с ним pgpool при переключении отключает все резервные узлы, и "
        "каждый приходится подключать заново). При отказе основного узла, который является главным узлом "
        "pgpool (узел с наименьшим номером среди работающих, здесь A), pgpool-II 4.3 перезапускает все свои "
        "дочерние процессы (строка журнала `Restart all children`; возврат на этапе 3 идёт по другой ветке), "
        "поэтому каждая "
        "клиентская сессия теряет соединение (ошибки клиентов приведены в таблице ⟦prev:errors⟧), подключается "
        "заново и получает новый дочерний процесс. Повторное подключение узла (`pcp_attach_node`, в pgpool\u00a0— "
        "`failback`) тоже обрывает сессии: пока pgpool-II 4.3.5 обрабатывает любое переключение или "
        "подключение узла, каждый его дочерний процесс, получивший запрос, завершается (так написано в его "
        "исходном коде: функция `pool_virtual_main_db_node_id()` завершает процесс, пока установлен флаг "
        "`Req_info->switching`), и каждая сессия, отправившая в это время запрос, теряет соединение и подключается "
        "заново. Поэтому во время переключения ни один узел не подключается (pglab подключает узлы в демонстрации "
        "этапа 1, когда снова запускается резервный узел, которого pgpool отключил, пока тот был остановлен,\u00a0— "
        "см. приложение Б,\u00a0— и на этапе 3, где нужно подключить A и B), а клиенты "
        "переподключаются после переключения потому, что pgpool завершил обслуживавший их процесс, а не потому, "
        "что база данных стала недоступна."),
    "poweron_boot": ("{host} was powered on at {clock} UTC (the control machine's clock); its `sshd` answered {boot} "
                     "later: the whole boot of the host.",
                     "Питание {host} включено в {clock} UTC (по часам управляющей машины); его `sshd` ответил через "
                     "{boot}: это вся загрузка хоста."),
    "fenced_note": ("{host} after power-on, in its own words (`pglab-node facts`): PostgreSQL running: {running}; "
                    "`standby.signal`: {signal}; control file state {state} (never shut down cleanly); its last WAL "
                    "record starts at `{wal_end}` on timeline {timeline}; role file `{role}`. The host's start-up "
                    "starts PostgreSQL "
                    "only on a standby, so this former primary stays down until `fab recover` rewinds it.",
                    "{host} после включения, по его собственным данным (`pglab-node facts`): PostgreSQL "
                    "запущен: {running}; `standby.signal`: {signal}; состояние в управляющем файле\u00a0— {state} "
                    "(узел "
                    "не был остановлен штатно); последняя запись WAL начинается в `{wal_end}` на линии времени "
                    "{timeline}; файл "
                    "роли `{role}`. При загрузке хост запускает PostgreSQL только на резервном узле, поэтому бывший "
                    "основной остаётся остановленным, пока `fab recover` не вернёт его через pg_rewind."),
    "present": ("present", "есть"),
    # pg_controldata's 'Database cluster state' as the fenced note words it (Russian without the raw name).
    "state_in_production": ("`in production`", "«в работе»"),
    "state_shut_down": ("`shut down`", "«остановлен штатно»"),
    "state_in_crash_recovery": ("`in crash recovery`", "«восстановление после сбоя»"),
    "absent": ("absent", "нет"),
    "probe_again": ("Stage 1's test repeated on the restored topology: probe row {id} committed through pgpool; on "
                    "{sync} after {b}; on {lagging} right after the commit {at_once}, there after {c}. Its id "
                    "is not the count of probe rows: ids come from a sequence, which is not transactional and, "
                    "after a crash or a promotion, skips the values it had pre-logged in WAL (up to 32), as for "
                    "`transfers.n` (see “The data”).",
                    "Проверка этапа 1 повторена на восстановленной конфигурации: пробная строка {id} записана "
                    "через pgpool; на {sync} видна через {b}; на {lagging} сразу после коммита {at_once}, "
                    "появилась через {c}. Номер строки\u00a0— не число пробных строк: номера выдаёт "
                    "последовательность, которая не откатывается вместе с транзакцией, а после сбоя или повышения "
                    "узла пропускает значения, заранее записанные в WAL (до 32),\u00a0— так же, как у "
                    "`transfers.n` (см. раздел «Данные»)."),
    "probe_c_there": ("it was already there (the delay did not hold it)", "она уже была (задержка её не удержала)"),
    "probe_c_not_yet": ("it was not there yet", "её ещё не было"),
    "single_pgpool": (" Limits: this fencing is the node's own start-up rule only. It does not stop a primary "
                      "that keeps running but is cut off from pgpool (a network partition) and still accepts "
                      "writes from any client that reaches it directly; production clusters add STONITH or a "
                      "watchdog with a quorum. pgpool itself runs as one instance without its watchdog "
                      "(`use_watchdog = off`): it is a single point of failure that this lab does not cover.",
                      " Ограничения: такая изоляция\u00a0— лишь правило запуска самого узла. Она не остановит "
                      "основной узел, который продолжает работать, но отрезан от pgpool (разделение сети), и "
                      "принимает запись от клиентов, добравшихся до него напрямую; в промышленных кластерах для "
                      "этого есть принудительное отключение узла (STONITH) или сторожевой процесс с кворумом. Сам "
                      "pgpool работает в одном экземпляре без сторожевого процесса (`use_watchdog = off`): это "
                      "единая точка отказа, которую стенд не закрывает."),
    "log_repeated": ("×{n}, from {first} to {last}:", "×{n}, с {first} до {last}:"),
    "log_note": ("Only the log lines that match pglab's patterns for these events ({n:|line|lines}); a message "
                 "longer than the column ends with “…”; a message a host repeated in a row (pids aside) is one row "
                 "“×N, from … to …”; the whole logs stay on the hosts.",
                 "Показаны только строки журналов, которые pglab отбирает по шаблонам этих событий (строк: {n}); "
                 "сообщение длиннее столбца обрывается на целом слове и помечено «…»; сообщение, которое хост "
                 "повторил подряд (без учёта номеров процессов), показано одной строкой с числом повторов "
                 "(«×12, с … до …»); журналы целиком остаются на хостах."),
    "unknown_table": ("Each commit of unknown outcome", "Каждый коммит с неизвестным исходом"),
    "after_cut": ("After the power cut", "После отключения питания"),
    "on_primary": ("On the final primary", "Есть на итоговом основном узле"),
    "unknown_time": ("Error at `COMMIT` (UTC, client)", "Ошибка при `COMMIT` (UTC, клиент)"),
    "unknown_text": ("For each of these the client sent `COMMIT` and lost its connection before the answer; whether "
                     "it committed is read from the final primary (last column).",
                     "Для каждого из них клиент отправил `COMMIT` и потерял соединение до ответа; зафиксирован ли "
                     "коммит, проверено на итоговом основном узле (последний столбец)."),
    "unknown_text_cut": ("One at the power cut that the final primary lacks never became durable on B{wal}; one the "
                         "primary holds had reached B before the cut, and its client only lost the answer.",
                         "Коммит в момент отключения питания, которого на итоговом основном узле нет, не стал "
                         "долговечным на B{wal}; коммит, который там есть, дошёл до B до отключения, и клиент лишь не "
                         "получил ответа."),
    "unknown_text_other": ("One during the recovery (pgpool ended the session at the switch-back or at a node's "
                           "attach) committed on the primary of that moment or did not, and the final primary holds it "
                           "exactly when it did: that primary's synchronous standby had applied it before the answer "
                           "was due.",
                           "Коммит во время восстановления (pgpool оборвал сессию при возврате на A или при "
                           "подключении узла) либо зафиксирован на тогдашнем основном узле, либо нет, и итоговый "
                           "основной узел содержит его ровно в первом случае: синхронный резервный узел того "
                           "основного применил его до того, как ответ был бы отправлен."),
    "unknown_wal_same": (", and A's own WAL ends where B's replay did (stage 3), so it never reached A's disk either "
                         "(not yet written there, or - on VMs - only in the guest's page cache, which the power cut "
                         "lost)",
                         ", а собственный WAL A заканчивается там же, где закончилось применение на B (этап 3), так "
                         "что и на диск A он не попал (ещё не был там записан или\u00a0— на виртуальных "
                         "машинах\u00a0— был только в страничном кэше гостевой системы, потерянном при отключении "
                         "питания)"),
    "unknown_wal_rewound": (": at most it was in A's WAL past the divergence point, which pg_rewind discarded",
                            ": самое большее он был в WAL A после точки расхождения, и pg_rewind его отбросил"),
    "choice_unknown": ("(not collected)", "(не собрана)"),
    "c_follow": (": C then switched to the new timeline by itself, which PostgreSQL does only when a standby "
                 "has replayed no WAL past `{fork}`, where timelines 1 and 2 fork (pg_rewind's divergence point): C's "
                 "history is a prefix of the new primary's and it needs no rewind (the log lines are in table "
                 "⟦next:log⟧)",
                 ": затем C сам перешёл на новую линию времени, а PostgreSQL делает это, только если резервный узел "
                 "не применил WAL дальше точки `{fork}`, где расходятся линии времени 1 и 2 (точка расхождения из "
                 "вывода pg_rewind): история C\u00a0— начало истории нового основного узла, и pg_rewind для C не "
                 "нужен (строки журнала\u00a0— в таблице ⟦next:log⟧)"),
    "why_3": (
        "A node starts its PostgreSQL by itself only if it is a standby (`standby.signal`). A was a primary, so "
        "after power-on it stays down (fenced): started as it is, it would be a second primary on timeline 1, "
        "accepting writes that B never sees - a split brain, in which clients could write to two diverging "
        "databases. `fab recover` rewinds it instead. pg_rewind first runs A's crash recovery (A lost power, so "
        "its data directory was not shut down cleanly), then finds the point where A's history and B's diverged. "
        "It reads A's own WAL from the last checkpoint the two histories share (before that point) to find every "
        "block A changed since, and copies those blocks from B, together with the files it does not compare "
        "block by block (WAL segments, configuration and the like) and B's control file; B's own later changes "
        "reach A afterwards, when A starts as B's standby and replays B's WAL. Whatever A's WAL holds past the "
        "divergence point is discarded, and none of it can be an acknowledged commit: under `remote_apply` A "
        "acknowledged a commit only after B had replayed it (what A's WAL held in this run is shown below). A full "
        "`pg_basebackup` would copy the whole "
        "database: its cost grows with the database; pg_rewind's with the WAL and the blocks changed since the "
        "last common checkpoint before the divergence, plus the files it copies whole (WAL segments, `pg_xact`, "
        "the configuration), which on a small database are most of it. Then "
        "the switch-back: A becomes B's synchronous standby (so every commit is on A before it is acknowledged), "
        "B is shut down cleanly so that A and C receive all of its WAL, pgpool detaches B and `failover.sh` "
        "promotes A, which starts timeline 3. B follows A and becomes its synchronous standby again, C follows "
        "A asynchronously: the configuration of stage 1. B is stopped before pgpool is told, rather than "
        "detached while it runs (which `pcp_promote_node -s` does, through the same failover script): a clean "
        "shutdown sends all of B's WAL, its shutdown checkpoint included, to its standbys, so A's timeline 3 "
        "begins after B's last record - nothing is left on B alone, and pg_rewind, run on B before it follows A, "
        "finds nothing to rewind. Detached "
        "while running, B would go on writing WAL that A never receives (commits waiting for A in vain, "
        "checkpoints) and would need pg_rewind. Every change of primary ends the clients' connections (at the "
        "failover pgpool restarts all its children, at the switch-back those that served B and each one a client "
        "reaches while it runs), so clients reconnect at each (the session tables count it).{single_pgpool}",
        "Узел сам запускает PostgreSQL при включении, только если он резервный (`standby.signal`). A был "
        "основным, поэтому после включения он остаётся остановленным (изолирован): запущенный как есть, он стал "
        "бы вторым основным узлом на линии времени 1 и принимал бы записи, которых B никогда не "
        "увидит,\u00a0— это расщепление кластера (split-brain), при котором клиенты могли бы писать в две "
        "расходящиеся "
        "базы. Вместо этого `fab recover` "
        "выполняет pg_rewind. Сначала pg_rewind проводит восстановление A после сбоя (A обесточен, его каталог "
        "данных не был штатно закрыт), затем находит точку, где истории A и B разошлись. Он читает собственный "
        "WAL A от последней общей для обеих историй контрольной точки перед этой точкой, находит по нему все "
        "блоки, которые A изменил после неё, и копирует эти блоки с B, а также целиком файлы, которые не "
        "сравнивает по блокам (сегменты WAL, конфигурация и т.\u00a0п.), и управляющий файл B; собственные более "
        "поздние изменения B попадают на A потом, когда A запускается резервным узлом B и применяет его WAL. "
        "Всё, что есть в WAL A после точки расхождения, отбрасывается, и подтверждённого коммита среди этого быть "
        "не может: при `remote_apply` A подтверждал коммит только после того, как B его применил (что было в WAL A "
        "в этой работе, показано ниже). Полная копия `pg_basebackup` переносит всю базу: её стоимость растёт с "
        "размером базы, а стоимость pg_rewind\u00a0— с объёмом WAL и блоков, изменённых после последней общей "
        "контрольной точки перед расхождением, плюс файлы, которые он копирует целиком (сегменты WAL, `pg_xact`, "
        "конфигурация); на маленькой базе они и составляют большую часть. Затем возврат на A: "
        "A становится синхронным резервным узлом B (каждый коммит попадает на A до того, как будет "
        "подтверждён), B штатно останавливается, чтобы A и C получили весь его WAL, pgpool отключает B, "
        "и `failover.sh` повышает A, "
        "который начинает линию времени 3. B следует за A и снова становится синхронным, C следует за A "
        "асинхронно: это конфигурация этапа 1. B сначала останавливают и только затем сообщают pgpool; если "
        "бы B отключили, не останавливая (так делает `pcp_promote_node -s` через тот же сценарий "
        "переключения), он продолжал бы писать WAL, которого A уже не получит (коммиты, напрасно ждущие A, "
        "контрольные точки), и его пришлось бы перематывать pg_rewind. При штатной остановке весь WAL B, включая "
        "контрольную точку остановки, уходит его резервным узлам, поэтому линия времени 3 на A начинается после "
        "последней записи B\u00a0— на одном B ничего не остаётся, и pg_rewind, запущенный на B перед тем, как он "
        "последует за A, не находит, что перематывать. Каждая смена основного узла обрывает соединения клиентов "
        "(при отказе pgpool перезапускает все дочерние процессы, при возврате\u00a0— те, что обслуживали B, и "
        "каждый, к которому в это время подключается клиент), поэтому при каждой из них клиенты подключаются "
        "заново (это видно по столбцу «Переподключения» таблиц сессий, например таблицы "
        "⟦next:sessions⟧).{single_pgpool}"),
    "why_at_risk": (
        "**Durability while degraded.** After any single fault every acknowledged commit is on two nodes: while B "
        "was lost (stopped in the demonstration) A waited for C instead, when A was lost B was promoted waiting "
        "for C, and after the switch-back A waited for C until B followed it - each time for C's flush "
        "(`synchronous_commit = on`, set by the role file `primary-sync-pg_c` beside `synchronous_standby_names`; "
        "the other role files keep `remote_apply`), not for its replay. A failover re-points C without its replay "
        "delay (role `sync-standby-of-…`), because a standby follows a new timeline only once its replay has "
        "reached the fork point - with its delay C would take the new one only once the old timeline's last commit "
        "was {delay} s old, and the new primary's commits, which wait for C, would wait that long too; that is why C "
        "replays at once "
        "in those steps (its lag is then the age of the last transaction it replayed: right after the failover, "
        "before the new primary's first commit reaches it, that is A's last commit before the cut) and C may hold "
        "more rows than the snapshot of its primary; `fab recover` gives C its delay back. Only with both "
        "standbys gone would a primary run alone, its commits on its own disk only. The lab then keeps the "
        "database writable rather than stop writes, and the checker counts what that risked: "
        "{at_risk:|acknowledged write|acknowledged writes} of {acknowledged} fell in a window with no "
        "synchronous standby{windows}; {at_risk_missing} of them are missing.",
        "**Сохранность данных при неполном кластере.** После любого одиночного отказа каждый подтверждённый коммит "
        "есть на двух "
        "узлах: пока B был потерян (при демонстрации\u00a0— остановлен), A вместо него ждал C; когда был потерян "
        "A, B был повышен и ждал C; после возврата A ждал C, пока B не начал следовать за ним,\u00a0— каждый раз "
        "до записи на диск C (`synchronous_commit = on` задаёт файл роли `primary-sync-pg_c` вместе с "
        "`synchronous_standby_names`; остальные файлы ролей оставляют `remote_apply`), а не до применения. При "
        "переключении C направляется к новому основному без задержки применения (роль `sync-standby-of-…`), "
        "потому что резервный узел переходит на новую линию времени, только когда применил WAL до точки "
        "расхождения: с задержкой C перешёл бы на новую линию, лишь когда последнему коммиту старой исполнилось "
        "бы {delay}\u00a0с, и столько же ждали бы коммиты нового основного, которые ждут C. Поэтому на этих шагах C "
        "применяет WAL сразу (его отставание тогда\u00a0— возраст последней применённой им транзакции: сразу "
        "после переключения, пока до него не дошёл первый коммит нового основного, это последний коммит A перед "
        "отключением питания), а строк на C может быть больше, чем в снимке его основного; `fab recover` "
        "возвращает C задержку. Только если бы пропали оба резервных узла, основной работал бы один "
        "и коммиты были бы лишь на его диске. Стенд и тогда продолжает принимать запись, а не останавливает её: "
        "доступность здесь важнее, и цена этого\u00a0— коммиты, которые на время существуют только на одном "
        "диске. Проверка оценивает этот риск: подтверждённых записей в окнах без синхронного "
        "резервного{windows}\u00a0— {at_risk} из {acknowledged}; из них потеряно: {at_risk_missing}."),
    "at_risk_window": ("{host} from {start} to {end} UTC", "{host} с {start} до {end} UTC"),
    "why_counts": (
        "**How the counts fit together.** The clients were stopped before the verification, so every figure here "
        "is final: {acknowledged:|write was|writes were} acknowledged (the client journal and the sessions' "
        "counters agree). {unknown} Each node therefore holds {expected:|transfer|transfers}{sum}. Counts in the "
        "earlier tables were taken while clients ran, at the times they give and one node after another, and C "
        "replays {delay} s late, so the nodes differed there.",
        "**Откуда берутся числа.** Клиенты остановлены до проверки, поэтому все числа здесь окончательные: "
        "подтверждено записей\u00a0— {acknowledged} (журнал клиентов и счётчики сессий совпадают). {unknown} "
        "Поэтому на каждом узле {expected:|перевод|перевода|переводов}{sum}. Числа в предыдущих таблицах сняты во "
        "время работы клиентов, в указанное в них время и поочерёдно на каждом узле, а C применяет изменения с "
        "задержкой {delay}\u00a0с, поэтому там узлы различались."),
    "unknown_none": ("No commit had an unknown outcome.", "Коммитов с неизвестным исходом не было."),
    "unknown_present": ("The {n:|commit|commits} of unknown outcome committed all the same (found on the primary).",
                        "Коммитов с неизвестным исходом\u00a0— {n}; все они всё же зафиксированы (найдены на "
                        "основном узле)."),
    "unknown_present_one": ("The commit of unknown outcome committed all the same (found on the primary).",
                            "Коммит с неизвестным исходом\u00a0— один; он всё же зафиксирован (найден на основном "
                            "узле)."),
    "unknown_absent": ("The {n:|commit|commits} of unknown outcome did not commit (not on the primary).",
                       "Коммитов с неизвестным исходом\u00a0— {n}; ни один не зафиксирован (на основном узле их "
                       "нет)."),
    "unknown_absent_one": ("The commit of unknown outcome did not commit (not on the primary).",
                           "Коммит с неизвестным исходом\u00a0— один; он не зафиксирован (на основном узле его нет)."),
    "unknown_mixed": ("Of {n:|commit|commits} of unknown outcome, {present} committed all the same (found on the "
                      "primary) and {absent} did not.",
                      "Коммитов с неизвестным исходом: {n}; из них всё же зафиксированы (найдены на основном "
                      "узле): {present}, не зафиксированы: {absent}."),
}

# The words of the evidence added for stage 2.2 and 3, the data and the environment.
PROSE |= {
    "outage_note": ("Snapshot taken {after} after the power cut; pgpool began detaching {host} {detached} "
                    "after it ({how}). {sync_role}.",
                    "Снимок сделан через {after} после отключения питания; pgpool начал отключать {host} "
                    "через {detached} после него ({how}). {sync_role}."),
    "outage_read": ("pglab saw pgpool detach {host} {seen} after the power cut and read the cluster from then "
                    "on: its reading of pgpool and the nodes ended {after} after the cut ({reading:.2f} s - "
                    "pgpool's view, then the nodes all at once, then the primary's replication, each over SSH; the "
                    "rows are counted after it, each at the time the table "
                    "gives). pgpool began detaching {host} {detached} after the cut ({how}). {sync_role}.",
                    "pglab увидел, что pgpool отключил {host}, через {seen} после отключения питания и с "
                    "этого момента читал состояние кластера: чтение pgpool и узлов закончилось через "
                    "{after} после отключения ({reading:.2f}\u00a0с\u00a0— сначала данные pgpool, затем "
                    "все узлы одновременно, затем репликация основного узла, каждое по SSH; строки подсчитаны после "
                    "него, каждая во время, указанное в таблице). pgpool начал "
                    "отключать {host} через {detached} после отключения питания ({how}). {sync_role}."),
    # What the synchronous standby answered in that snapshot.
    "was_standby": ("{host} at that moment: still a standby", "В момент снимка {host} ещё был резервным узлом"),
    "promoted_before": ("{host} had already been promoted: its log line `selected new timeline ID: {timeline}` is at "
                        "{clock} UTC by {host}'s clock, {gap} before the reading ended",
                        "{host} к концу чтения уже был повышен: строка его журнала "
                        "`selected new timeline ID: {timeline}` — в {clock} UTC по его часам, за {gap} до конца "
                        "чтения (по часам управляющей машины)"),
    "promoted_before_probe_standby": (
        "{host} was being promoted: its log line `selected new timeline ID: {timeline}` is at {clock} UTC by "
        "{host}'s clock, {gap} before the reading ended; its probe still answered as a standby (the promotion ends a "
        "moment after that line), and its rows were counted after it",
        "{host} в этот момент уже повышался: строка его журнала `selected new timeline ID: {timeline}` — в "
        "{clock} UTC по его часам, за {gap} до конца чтения; его опрос ещё ответил как резервный узел (повышение "
        "завершается чуть позже этой строки), а строки подсчитаны уже после неё"),
    "promoted_after": ("{host} at that moment: still a standby; it was promoted at {clock} UTC by {host}'s clock "
                       "(its log line `selected new timeline ID: {timeline}`), {gap} after the reading ended",
                       "В момент снимка {host} ещё был резервным узлом: он повышен в {clock} UTC по его часам "
                       "(строка его журнала `selected new timeline ID: {timeline}`), через {gap} после конца чтения"),
    "c_undelayed": ("{host} shows current rows because its replay delay had been removed by then: `failover.sh` set "
                    "its role to `{role}` at {clock} UTC (a synchronous standby of the new primary applies at once)",
                    "{host} показывает актуальные строки, потому что его задержка применения к этому моменту снята: "
                    "`failover.sh` назначил ему роль `{role}` в {clock} UTC (синхронный резервный узел нового "
                    "основного применяет WAL сразу)"),
    "was_primary": ("{host} at that moment: already the primary", "В момент снимка {host} уже был основным узлом"),
    "was_down": ("{host} at that moment: not answering", "В момент снимка {host} не отвечал"),
    "how_log": ("its log line `starting degeneration`", "строка журнала pgpool `starting degeneration`"),
    "how_poll": ("when pglab's poll of pgpool first saw it down", "когда опрос pgpool впервые показал его недоступным"),
    "pool_busy": ("pgpool's PCP process was being restarted at that moment (the end of a failover): its view of "
                  "the nodes is missing from this snapshot.",
                  "Процесс PCP pgpool в этот момент перезапускался (конец переключения): его данных об узлах в "
                  "этом снимке нет."),
    "counted_at": ("Counted at (UTC)", "Подсчитано (UTC)"),
    "c_attached_later": ("pgpool attached {host} again at {clock} UTC (`follow_primary.sh`'s line `{host} attached "
                         "as node` above), {after} after this step's snapshot, which therefore still shows {host} "
                         "detached: pgpool's follow child runs `follow_primary.sh` for one node after the other (the "
                         "`execute command` lines above).",
                         "pgpool снова подключил {host} в {clock} UTC (строка `follow_primary.sh` выше: `{host} "
                         "attached as node`), через {after} после снимка этого шага, поэтому в снимке {host} ещё "
                         "отключён: дочерний процесс pgpool запускает `follow_primary.sh` для узлов по очереди (строки "
                         "`execute command` выше)."),
    "silent_standby": ("{host} logged no loss of its primary, and none is expected: a powered-off host sends no `FIN` "
                       "or `RST`, so {host}'s WAL receiver would notice only after `wal_receiver_timeout` ({timeout}) "
                       "of silence, and {host} was promoted {after} after the power cut, before that.",
                       "В журнале {host} нет сообщения о потере основного узла, и его не должно быть: обесточенный "
                       "хост не посылает ни `FIN`, ни `RST`, поэтому приёмник WAL на {host} заметил бы потерю только "
                       "после `wal_receiver_timeout` ({timeout}) тишины, а {host} был повышен через {after} после "
                       "отключения питания, то есть раньше."),
    "cut_error": ("First failure after it: an error or an abandoned request (UTC; step; message)",
                  "Первый сбой после него: ошибка или прерванный запрос (UTC; шаг; сообщение)"),
    "cut_errors": ("Errors", "Ошибок"),
    "cut_abandoned": ("Abandoned requests", "Запросов без ответа"),
    "cut_note": ("“Errors” counts, as the session tables do, the errors the server or the connection returned "
                 "between the last success before the pause and the first after it; “Abandoned requests” are the "
                 "requests the client gave up after {ms} ms without an answer (its journal entry `request "
                 "abandoned`), which the client counts apart and the session tables do not include in their "
                 "errors. A request here is a whole transaction - its statements, `COMMIT` and the read-back together. "
                 "A watchdog thread looks at every session every {watchdog} (“The data”) and abandons a "
                 "request older than {ms} ms; a request whose connection fails before that ends with the "
                 "connection's error instead. The watchdog abandons a request by shutting its socket, so the "
                 "abandoned request then also ends with an error of its own (`EOF detected` and the like), "
                 "counted under “Errors” - the client's doing, not the server's; a commit abandoned so has an "
                 "unknown outcome. So a pause longer than {ms} ms with no abandoned request is spent in "
                 "connection attempts: each failed one is counted under “Errors”. `connect_timeout` ({login} s) "
                 "bounds each wait of an attempt for the server, not the attempt as a whole: `psycopg` applies it "
                 "to every wait for the socket (`wait_conn` in `psycopg/waiting.py`), so an attempt answered step "
                 "by step (TCP, TLS, the login) may take longer in all, as the column “Connected” shows.",
                 "«Ошибок»\u00a0— как и в таблицах сессий, ошибки, которые вернул сервер или соединение, между "
                 "последним успешным запросом до паузы и первым после неё; «Запросов без ответа»\u00a0— запросы, на "
                 "которые клиент не дождался ответа за {ms}\u00a0мс и отказался от них (запись журнала `request "
                 "abandoned`): клиент считает их отдельно, и в числе ошибок таблиц сессий их нет. Запрос здесь\u00a0— "
                 "вся транзакция: её операторы, `COMMIT` и перечитывание вместе. Отдельный поток "
                 "клиента раз в {watchdog} (см. «Данные») проверяет все сессии и прерывает запрос, ждущий ответа "
                 "дольше {ms}\u00a0мс; запрос, соединение которого обрывается раньше, завершается ошибкой этого "
                 "соединения. Запрос сторожевой поток прерывает, закрывая его сокет, поэтому прерванный запрос "
                 "затем завершается и собственной ошибкой (`EOF detected` и подобные), учтённой в столбце "
                 "«Ошибок»,\u00a0— это действие клиента, а не сервера; коммит, прерванный так, получает "
                 "неизвестный исход. Поэтому пауза дольше {ms}\u00a0мс без прерванных запросов уходит на попытки "
                 "подключения: каждая неудавшаяся учтена в столбце «Ошибок». `connect_timeout` ({login}\u00a0с) "
                 "ограничивает каждое ожидание ответа сервера при попытке подключения, а не попытку целиком: "
                 "`psycopg` применяет "
                 "его к каждому ожиданию сокета (`wait_conn` в `psycopg/waiting.py`), поэтому попытка, на которую "
                 "сервер отвечает по шагам (TCP, TLS, вход), может в сумме длиться дольше, как показывает столбец "
                 "«Подключение»."),
    "cut_pause": ("Pause", "Пауза"),
    "c_attached": ("pgpool attached {host} again at {clock} UTC (`follow_primary.sh`'s line above).",
                   "pgpool снова подключил {host} в {clock} UTC (строка `follow_primary.sh` выше)."),
    "c_kept": ("pgpool kept {host} attached through the failover (its state in table ⟦prev:cluster⟧: up): "
               "`failover.sh` re-pointed it, and no session had to reconnect for an attach.",
               "pgpool не отключал {host} во время переключения (в таблице ⟦prev:cluster⟧ он подключён): `failover.sh` "
               "перенаправил его, и ни одной сессии не пришлось переподключаться из-за повторного подключения узла."),
    "c_not_attached": ("The logs collected before `fab recover` hold no line of pgpool attaching {host} again: it "
                       "stays detached until `fab recover` attaches it (stage 3).",
                       "В журналах, собранных до `fab recover`, нет строки о повторном подключении {host} в pgpool: "
                       "он остаётся отключённым, пока его не подключит `fab recover` (этап 3)."),
    "sessions_at": ("Client sessions at {clock} UTC by the client host's clock (counts since they started)",
                    "Клиентские сессии на {clock} UTC по часам клиентского хоста (с момента запуска)"),
    "sessions_stopped": ("Client sessions, final counts after they stopped at {clock} UTC by the client host's "
                         "clock",
                         "Клиентские сессии: окончательные числа после остановки в {clock} UTC по часам клиентского "
                         "хоста"),
    "rewind_output": ("pg_rewind's output on {host} (source {source})",
                      "Вывод pg_rewind на {host} (источник\u00a0— {source})"),
    "diverged": ("The histories of {host} and {source} diverged at WAL position `{lsn}` on timeline {timeline}. "
                 "pg_rewind reads {host}'s WAL not from that point but from the last checkpoint the two histories "
                 "share, `{checkpoint}`: every block {host} changed after it is copied back from {source}; "
                 "{source}'s own later changes reach {host} when it replays {source}'s WAL after its restart.",
                 "Истории {host} и {source} разошлись в позиции WAL `{lsn}` на линии времени {timeline}. "
                 "pg_rewind читает WAL {host} не с этой точки, а с последней общей для обеих историй контрольной точки "
                 "`{checkpoint}`: каждый блок, который {host} изменил после неё, копируется обратно с {source}; "
                 "собственные изменения {source} после этого {host} получает, применяя WAL {source} после "
                 "перезапуска."),
    "checkpoint_dated": ("That checkpoint lies {size} of WAL before the divergence and was written no later than "
                         "{clock} UTC (the snapshot of the step “{step}” already shows WAL past it){setup}. So the "
                         "rewound interval starts there, not at the failure.",
                         "Эта контрольная точка отстоит от точки расхождения на {size} WAL и записана не "
                         "позже {clock} UTC (в снимке шага «{step}» WAL уже дальше неё){setup}. Поэтому откатываемый "
                         "интервал начинается с неё, а не с момента сбоя."),
    "checkpoint_setup": (", that is during the setup, before the clients started, and no checkpoint followed before "
                         "the power cut",
                         ", то есть ещё при настройке, до запуска клиентов, и до отключения питания других "
                         "контрольных точек не было"),
    "rewind_copied": ("By pg_rewind's output it had to copy {copy} MB of the {total} MB of {source}'s data directory: "
                      "besides the blocks the rewound node changed since the checkpoint it copies whole every file "
                      "it does not "
                      "compare block by block (WAL segments, `pg_xact`, configuration). On a database this small "
                      "that is most of it; a full copy (`pg_basebackup`) would have moved all {total} MB, and on a "
                      "large database with the same changes the difference would be many times larger.",
                      "По выводу pg_rewind, скопировать нужно было {copy}\u00a0МБ из {total}\u00a0МБ каталога "
                      "данных {source}: кроме блоков, которые откатываемый узел изменил после контрольной точки, "
                      "pg_rewind "
                      "целиком "
                      "копирует файлы, которые не сравнивает по блокам (сегменты WAL, `pg_xact`, конфигурация). "
                      "На такой маленькой базе это большая часть каталога; полная копия (`pg_basebackup`) "
                      "перенесла бы все {total}\u00a0МБ, а на большой базе с теми же изменениями разница была бы "
                      "во много раз больше."),
    "crash_recovery": ("{host}'s crash recovery, which pg_rewind ran first (A lost power mid-work), in "
                       "PostgreSQL's own words: why, where replay started and where the intact WAL ended.",
                       "Восстановление {host} после сбоя, которое pg_rewind выполнил первым (A обесточен во время "
                       "работы), словами самого PostgreSQL: причина, откуда началось применение WAL и где "
                       "кончились целые записи WAL."),
    "no_rewind_needed": ("pg_rewind found nothing to undo on {host}: its WAL ends at the divergence point (it was "
                         "shut down cleanly, after {source} had received all of it).",
                         "pg_rewind не нашёл на {host} ничего, что нужно откатить: его WAL заканчивается в точке "
                         "расхождения (узел остановлен штатно, после того как {source} получил весь его WAL)."),
    "no_rewind_output": ("No pg_rewind output was recorded.", "Вывод pg_rewind не записан."),
    "slots_text": ("**Replication slots at the end.** PostgreSQL 15 does not carry slots over a failover: each standby "
                   "makes its slot on the node it follows. A restart keeps a node's own slots; pg_rewind empties the "
                   "target's `pg_replslot` when it rewinds it (as on A, above), not when it finds nothing to rewind. "
                   "{kept} Inactive, such a slot holds WAL (up to `max_slot_wal_keep_size`). `fab recover` drops "
                   "every inactive slot no standby of the primary uses; dropped in this run: {dropped}. "
                   "`pg_replication_slots` of each node afterwards:",
                   "**Слоты репликации в конце.** PostgreSQL 15 не переносит слоты при переключении: каждый резервный "
                   "узел создаёт свой слот на том узле, за которым следует. Перезапуск собственные слоты узла "
                   "сохраняет; pg_rewind очищает `pg_replslot` целевого узла, когда откатывает его (как на A, "
                   "выше), но не тогда, когда откатывать нечего. {kept} Неактивный слот удерживает WAL (до "
                   "`max_slot_wal_keep_size`). `fab recover` удаляет каждый неактивный слот, которым не пользуется "
                   "ни один резервный узел основного; удалены в этой работе: {dropped}. Содержимое "
                   "`pg_replication_slots` на каждом узле после этого:"),
    "slots_kept": ("So {host}, primary for a while, kept the slots its standbys had made on it: pg_rewind on {host} "
                   "stopped at `no rewind required` and changed nothing.",
                   "Поэтому на {host}, который какое-то время был основным, остались слоты его бывших резервных "
                   "узлов: pg_rewind на {host} остановился на `no rewind required` и ничего не изменил."),
    "slots_kept_plain": ("So {host}, primary for a while, kept the slots its standbys had made on it.",
                         "Поэтому на {host}, который какое-то время был основным, остались слоты его бывших "
                         "резервных узлов."),
    "slots_gone": ("So the slots {host}'s standbys had made on it while it was primary went with its rewind.",
                   "Поэтому слоты, которые резервные узлы создали на {host}, пока он был основным, ушли вместе с его "
                   "откатом."),
    "replay_age": ("Apply delay on the standby", "Отставание применения на узле"),
    "lag_note": ("Replay lag: pg_stat_replication's `replay_lag`, the time from the primary's flush of a WAL "
                 "position to the standby's report that it replayed it, from sampled positions. C's delay holds only "
                 "commit records (other records are replayed at once), so this figure can be well below it. "
                 "Apply delay on the standby: measured there as "
                 "`now() - pg_last_xact_replay_timestamp()`, the age of the last transaction it applied; C's "
                 "should be about its `recovery_min_apply_delay` of {delay} s while clients write. `now()` is read on "
                 "the standby's clock and the commit time was stamped by the primary's, so the two hosts' clock "
                 "skew adds to the figure (on VMs the skew alone can reach a second or more, so a synchronous "
                 "standby can show that much; “Where the run happened” gives the measured offsets). With no "
                 "writes (before the clients start, after they stop) the apply delay just grows with the time since "
                 "the last "
                 "transaction was replayed, not a delay; `replay_lag` keeps its last measured value meanwhile. A "
                 "dash is a value PostgreSQL does not report: `replay_lag` is NULL "
                 "once the standby has replayed everything and no new WAL has come for a while (it is reset until "
                 "the next change) and before its first report; the apply delay is NULL while the standby has "
                 "applied no transaction since it started.",
                 "Задержка применения\u00a0— `replay_lag` из pg_stat_replication: время от записи позиции WAL на "
                 "диск основного узла до сообщения резервного о её применении, по выборочным позициям. Задержка на C "
                 "действует только на записи о коммитах (остальные записи применяются сразу), поэтому эта величина "
                 "может быть заметно меньше задержки. Отставание применения на узле "
                 "измерено на самом резервном узле как `now() - pg_last_xact_replay_timestamp()`, возраст "
                 "последней применённой им транзакции; у C, пока клиенты пишут, оно должно быть около его "
                 "`recovery_min_apply_delay`, то есть {delay}\u00a0с. `now()` берётся по часам резервного узла, а "
                 "время "
                 "коммита поставлено по часам основного, поэтому расхождение часов двух хостов входит в эту величину "
                 "(на виртуальных машинах одно расхождение часов может достигать секунды и больше, и столько же "
                 "может показать синхронный резервный узел; измеренные смещения часов даны в разделе «Где "
                 "выполнялась работа»). Когда записи нет (до запуска клиентов "
                 "и после их остановки), "
                 "отставание применения просто растёт со временем с момента последней применённой транзакции и "
                 "задержкой не является, а `replay_lag` сохраняет последнее измеренное значение. Прочерк "
                 "означает значение, которого PostgreSQL не сообщает (`NULL`): `replay_lag` пуст, когда резервный "
                 "узел применил всё и новый WAL какое-то время не приходил (до следующего изменения он сброшен), "
                 "и до первого отчёта узла; отставание пусто, пока резервный узел с запуска не применил ни одной "
                 "транзакции."),
    "rows_note": ("The nodes are counted one after the other (the last column) while the clients write, so a node "
                  "counted later can show more rows than one counted earlier - a standby more than its primary "
                  "too; C shows fewer only while its replay delay holds (not while it is a synchronous standby, "
                  "which has no delay).",
                  "Узлы считаются по очереди (последний столбец), пока клиенты пишут, поэтому у узла, посчитанного "
                  "позже, строк может быть больше, чем у посчитанного раньше,\u00a0— даже у резервного больше, "
                  "чем у основного; у C строк меньше только пока действует его задержка применения (в роли "
                  "синхронного резервного узла задержки у него нет)."),
    "negative_age_note": ("An apply delay below zero is shown with its sign: the standby's clock is behind the "
                          "primary's by at least that much (the hosts' clocks are not synchronised).",
                          "Отставание меньше нуля показано со знаком «−»: часы резервного узла отстают от часов "
                          "основного по меньшей мере на эту величину (часы хостов не синхронизированы)."),
    "skew_measured": ("; the offsets measured during the run put {other}'s clock {s} {way} {host}'s",
                      "; по смещениям, измеренным во время работы, часы {other} {way} часов {host} на {s}"),
    "skew_ahead": ("ahead of", "впереди"),
    "skew_behind": ("behind", "позади"),
    "skew_below_delay": (". Sooner than the delay by {ms} ms: the hosts' clocks differ by at least that much (they "
                         "are not synchronised, see “Where the run happened”)",
                         ". Это на {ms}\u00a0мс меньше задержки: часы хостов расходятся по меньшей мере на столько "
                         "(они не синхронизированы, см. «Где выполнялась работа»)"),
    "env_clocks": ("Times taken on different VMs (each host's log lines, `now()` on a standby) come from each VM's "
                   "own clock, and the VMs' clocks are not synchronised: times compared across hosts may differ by "
                   "the clock skew. pglab leaves the clocks as the hypervisor sets them: the lab's network reaches "
                   "only its own hosts, with no time server on it, and setting one up would be a part of the lab that "
                   "the assignment does not ask for. It measures each host's offset from the control machine instead "
                   "(below, from SSH round trips), and every interval across two clocks in this report is given "
                   "with that error - wide where the round trips are slow.",
                   "Времена, взятые на разных виртуальных машинах (строки журналов хостов, `now()` на резервном "
                   "узле), идут по часам каждой машины, а часы машин не синхронизированы: времена разных хостов "
                   "при сравнении могут различаться на величину расхождения часов. pglab оставляет часы такими, "
                   "какими их задал гипервизор: сеть лаборатории связывает только её собственные хосты, сервера "
                   "времени в ней нет, а его настройка была бы частью стенда, которой задание не требует. Вместо "
                   "этого pglab измеряет смещение часов каждого хоста относительно управляющей машины (ниже, по "
                   "времени обмена по SSH), и каждый интервал между временами по двум разным часам в отчёте указан "
                   "с этой погрешностью\u00a0— тем большей, чем медленнее обмен."),
    "env_clocks_seen": ("In this run {where} shows a skew of at least {ms} ms: {how}.",
                        "В этой работе {where} показывает расхождение не меньше {ms}\u00a0мс: {how}."),
    "skew_where_demo": ("Stage 1's demonstration", "демонстрация этапа 1"),
    "skew_where_step": ("the snapshot of the step “{step}”", "снимок шага «{step}»"),
    "skew_c_early": ("{lagging} showed the demonstration's row {ms} ms sooner than its replay delay allows, so its "
                     "clock is ahead of {primary}'s by at least that much",
                     "{lagging} показал строку демонстрации на {ms}\u00a0мс раньше, чем позволяет его задержка "
                     "применения, значит, его часы впереди часов {primary} по меньшей мере на столько"),
    "skew_commit_early": ("the commit made with {sync} stopped was released {ms} ms sooner than {lagging}'s replay "
                          "delay allows, so {lagging}'s clock is ahead of {primary}'s by at least that much",
                          "коммит, сделанный при остановленном {sync}, освободился на {ms}\u00a0мс раньше, чем "
                          "позволяет задержка {lagging}, значит, часы {lagging} впереди часов {primary} по меньшей "
                          "мере на столько"),
    "skew_negative_age": ("{host} showed an apply delay of \u2212{ms} ms there, with {then} primary, so {host}'s "
                          "clock is behind {then}'s by at least that much",
                          "{host} показал там отставание применения \u2212{ms}\u00a0мс при основном узле {then}, "
                          "значит, часы {host} отстают от часов {then} по меньшей мере на столько"),
    "env_offsets_short": ("The skew of at least {ms} ms implied above is more than these offsets allow between any "
                          "two hosts (at most {allow} ms): the clocks moved beyond the readings at some time, so an "
                          "interval across two clocks may be off by more than the error given with it.",
                          "Расхождение не меньше {ms}\u00a0мс, показанное выше, больше, чем допускают эти смещения "
                          "между любыми двумя хостами (не больше {allow}\u00a0мс): в какой-то момент часы ушли "
                          "дальше отсчётов, поэтому интервал между временами по двум разным часам может быть неточен "
                          "больше, чем на указанную при нём погрешность."),
    "no_output": ("(no output: no row)", "(вывода нет: ни одной строки)"),
    "probe_reads": ("Each look for probe row {id} on the standbys: `SELECT count(*) FROM replication_probes WHERE id "
                    "= {id}` with `psql` over SSH",
                    "Каждый поиск пробной строки {id} на резервных узлах: `SELECT count(*) FROM replication_probes "
                    "WHERE id = {id}` через `psql` по SSH"),
    "probe_read_end": ("Read ended (UTC, control machine)", "Конец чтения (UTC, управляющая машина)"),
    "probe_reads_n": ("Reads", "Чтений"),
    "probe_read_took": ("Took (SSH and psql)", "Длительность (SSH и psql)"),
    "probe_read_after": ("Since the commit's acknowledgement", "После подтверждения коммита"),
    "probe_reads_note": ("Consecutive reads on a node with the same result are one row. A read's time is when its "
                         "SSH call returned, so each figure includes that read's own round trip: for the synchronous "
                         "standby it is an upper bound of when the row was there.",
                         "Подряд идущие чтения на одном узле с одним результатом показаны одной строкой. Время "
                         "чтения\u00a0— момент, когда вернулся вызов по SSH, поэтому в каждое число входит и "
                         "обмен этого чтения: для синхронного резервного узла это верхняя граница момента, когда "
                         "строка там уже была."),
    "demo_commits": ("The commits made on {primary} itself with a standby stopped, as `psql` printed them "
                     "(`\\timing`: the time from sending the statement to its acknowledgement)",
                     "Коммиты, сделанные прямо на {primary} при остановленном резервном узле, как их напечатал "
                     "`psql` (`\\timing`: время от отправки оператора до подтверждения)"),
    "slots_read": ("`pg_replication_slots` on {host} right after its rejoin (read at {at}, the control machine's "
                   "clock)",
                   "`pg_replication_slots` на {host} сразу после его возврата (чтение в {at} по часам управляющей "
                   "машины)"),
    "facts_read": ("{host}'s own facts read by `fab recover` before the rejoin (`pglab-node facts` over SSH, at {at} "
                   "on the control machine's clock)",
                   "Собственные сведения {host}, прочитанные `fab recover` перед возвратом (`pglab-node facts` по "
                   "SSH, в {at} по часам управляющей машины)"),
    "slots_table": ("Replication slots of each node after the recovery (pg_replication_slots)",
                    "Слоты репликации каждого узла после восстановления (pg_replication_slots)"),
    "slot_active": ("Active", "Активен"),
    "no_slots": ("no slots", "слотов нет"),
    "yes": ("yes", "да"),
    "no": ("no", "нет"),
    "switch_logs": ("Log messages of the rejoin and the switch-back", "Сообщения журналов при возврате A и "
                    "переключении обратно"),
    "timelines": ("Timelines of the run", "Линии времени за время работы"),
    "started_by": ("Started by", "Начата узлом"),
    "why_started": ("Why", "Причина"),
    "tl_1": ("the cluster's first history (`fab setup`)", "первая история кластера (`fab setup`)"),
    "tl_2": ("B promoted at the failover", "повышение B при переключении"),
    "tl_3": ("A promoted at the switch-back", "повышение A при возврате"),
    "tl_other": ("a promotion", "повышение узла"),
    "timelines_text": ("**Why timeline {last}:** every promotion starts a new timeline, and this run had "
                       "{count:|promotion|promotions}. A standby follows a timeline switch by itself when its replay "
                       "has not passed the fork point. A former primary cannot be trusted to: after a power cut "
                       "its WAL may go past the fork (records no standby received, none of them an acknowledged "
                       "commit), and its crash recovery ends with a checkpoint on the old timeline, itself past the "
                       "fork. So pglab always rejoins a former primary with pg_rewind, which takes back both; what "
                       "A's WAL held in this run and what pg_rewind took back are shown above with its output.",
                       "**Почему линия времени {last}:** каждое повышение начинает новую линию, а за время работы "
                       "было {count:wn|повышение|повышения|повышений}. Резервный узел переходит на новую линию "
                       "сам, если применил WAL не дальше точки ветвления. На бывший основной узел в этом положиться "
                       "нельзя: после отключения питания его WAL может идти дальше точки ветвления (записи, которых "
                       "не получил ни один резервный узел, и подтверждённых коммитов среди них нет), а его "
                       "восстановление после сбоя заканчивается контрольной точкой на старой линии, тоже после "
                       "точки ветвления. Поэтому pglab всегда возвращает бывший основной узел через pg_rewind, "
                       "который откатывает и то и другое; что было в WAL A в этой работе и что откатил pg_rewind, "
                       "показано выше вместе с его выводом."),
    "data": ("The data", "Данные"),
    "conn_table": ("Connectivity between the hosts, checked after the setup",
                   "Связность хостов, проверенная после настройки"),
    "conn_path": ("Connection", "Соединение"),
    "conn_evidence": ("What shows it", "Чем подтверждено"),
    "conn_client": ("a `psql` session from the client host through pgpool with `sslmode=verify-full` (TLS, pgpool's "
                    "certificate checked against the lab's CA); its `\\conninfo`: {line}",
                    "сессия `psql` с клиентского хоста через pgpool с `sslmode=verify-full` (TLS, сертификат pgpool "
                    "проверен по удостоверяющему центру стенда); её `\\conninfo`: {line}"),
    "conn_via": ("the same session's query was answered by {host}; there `pg_stat_ssl` shows pgpool's connection: "
                 "{tls}",
                 "на запрос той же сессии ответил {host}; `pg_stat_ssl` на нём показывает соединение pgpool: {tls}"),
    "conn_health": ("pgpool's health check logs in to every node each second with its own account; in table "
                    "⟦next:cluster⟧ each is attached (“up” or “waiting”)",
                    "pgpool раз в секунду проверяет каждый узел, подключаясь к нему под своей учётной записью; в "
                    "таблице ⟦next:cluster⟧ все узлы подключены (работают или ждут первого обращения)"),
    "conn_health_failed": ("pgpool has NOT attached every node (see table ⟦next:cluster⟧)",
                           "pgpool подключил НЕ все узлы (см. таблицу ⟦next:cluster⟧)"),
    "conn_replication": ("replication", "репликация"),
    "conn_walsender": ("the primary's `pg_stat_ssl` for {app}'s replication connection: {tls}",
                       "`pg_stat_ssl` основного узла для соединения репликации {app}: {tls}"),
    "conn_tls": ("TLS, `{version}`", "TLS, `{version}`"),
    "conn_plain": ("NO TLS", "БЕЗ TLS"),
    "conn_failed": ("not recorded: the check failed", "не записано: проверка не удалась"),
    "conn_logins": ("Logins: pgpool's `pool_hba.conf` and the nodes' `pg_hba.conf` (Appendix A) admit network "
                    "connections only over TLS (`hostssl`) and only with `scram-sha-256` passwords, so every "
                    "connection of table ⟦prev:conn⟧ logged in with scram.",
                    "Аутентификация: `pool_hba.conf` pgpool и `pg_hba.conf` узлов (приложение А) допускают сетевые "
                    "подключения только по TLS (`hostssl`) и только с паролем `scram-sha-256`, поэтому каждое "
                    "соединение таблицы ⟦prev:conn⟧ прошло аутентификацию `scram-sha-256`."),
    "data_intro": ("What the client sessions write and read: the schema, the statements of their transactions, "
                   "sample rows as they were at the end of the run, and the errors the sessions saw during it. The "
                   "stages below refer to them.",
                   "С какими данными работают клиентские сессии: схема, операторы их транзакций, примеры строк в "
                   "том виде, в каком они были в конце работы, и ошибки, которые сессии получали по ходу работы. "
                   "Описание этапов ниже ссылается на этот раздел."),
    "schema": ("The schema, as `fab setup` created it", "Схема, как её создал `fab setup` (без комментариев "
               "файла схемы: `n`\u00a0— порядковый номер перевода, по нему проверяется монотонность чтений; "
               "`replication_probes`\u00a0— пробные строки демонстрации репликации)"),
    "tx_sql": ("The client sessions' statements (`psycopg`'s `%s` parameters)",
               "Операторы клиентских сессий (параметры `psycopg`\u00a0— `%s`)"),
    "client_policy": ("How a session behaves on an error (`pglab/workload/client_program.py`): a failed transaction "
                      "is rolled back and the next one starts at once; a session whose connection broke waits {pause} "
                      "and reconnects, retrying every {retry} (each wait of a try for the server bounded by "
                      "`connect_timeout` = "
                      "{login}), so "
                      "after pgpool ends a child a session needs at least one reconnection and, while pgpool is "
                      "still switching, may need several. A watchdog looks at every session each {watchdog} and "
                      "abandons a transaction (its statements, commit and read-back together) unanswered for "
                      "{ms} ms: it shuts the socket, and the session reconnects.",
                      "Как сессия реагирует на ошибку (`pglab/workload/client_program.py`): неудачная транзакция "
                      "откатывается, и сразу начинается следующая; сессия, у которой оборвалось соединение, ждёт "
                      "{pause} и подключается заново, повторяя попытку каждые {retry} (каждое ожидание "
                      "ответа сервера при попытке ограничено `connect_timeout` = {login}), поэтому после того, как "
                      "pgpool завершил дочерний процесс, "
                      "сессии нужно хотя бы одно переподключение, а пока pgpool ещё переключается\u00a0— "
                      "несколько. Сторожевой поток каждые {watchdog} проверяет все сессии и прерывает транзакцию "
                      "(её операторы, фиксацию и перечитывание вместе), оставшуюся без ответа {ms}\u00a0мс: он "
                      "закрывает сокет, и сессия подключается заново."),
    "demo_logs": ("Log messages while {host} was stopped in the demonstration: its shutdown, pgpool detaching it, "
                  "`failover.sh` handing the synchronous role on, {host} streaming again and pgpool attaching it",
                  "Сообщения журналов, пока {host} был остановлен в демонстрации: его остановка, отключение в "
                  "pgpool, передача роли синхронного узла сценарием `failover.sh`, возобновление потоковой "
                  "репликации и повторное подключение в pgpool"),
    "sample_accounts": ("First rows of `accounts` on {host} at the end of the run",
                        "Первые строки `accounts` на {host} в конце работы"),
    "sample_transfers": ("Last rows of `transfers` on {host} at the end of the run",
                         "Последние строки `transfers` на {host} в конце работы"),
    "sql_first": ("the account with the smaller id first", "сначала счёт с меньшим id"),
    "sql_then": ("then the other", "затем второй"),
    "sql_read": ("a read in a transaction of its own (readers; a writer reads its own last write back the same way; "
                 "psycopg, not in autocommit mode, sends the BEGIN itself before the first statement)",
                 "чтение в отдельной транзакции (читающие сессии; пишущая сессия так же перечитывает свою последнюю "
                 "запись; BEGIN перед первым оператором отправляет сам psycopg, режим autocommit выключен)"),
    "client_errors": ("Errors the client sessions saw, one row per part of the run and message",
                      "Ошибки, которые видели клиентские сессии, по одной строке на часть работы и сообщение"),
    "count": ("Count", "Число"),
    "phase": ("Part of the run", "Часть работы"),
    "w_other": ("Other times", "В остальное время"),
    "attach_table": ("Sessions broken by each attach of a node (`pcp_attach_node`, pgpool's failback) while the "
                     "clients ran",
                     "Сессии, прерванные каждым подключением узла (`pcp_attach_node`, failback в pgpool) во время "
                     "работы клиентов"),
    "attach_node": ("Node attached", "Подключённый узел"),
    "attach_started": ("pglab's `pcp_attach_node` began (UTC, control machine)",
                       "Начало `pcp_attach_node` (UTC, управляющая машина)"),
    "attach_took": ("Took", "Длительность"),
    "attach_broken": ("Sessions with an error", "Сессии с ошибкой"),
    "attach_errors": ("Errors", "Ошибки"),
    "attach_pause": ("Longest pause of those sessions: worst / median",
                     "Самая долгая пауза этих сессий: худшая / медиана"),
    "attach_of": ("{broken} of {sessions}", "{broken} из {sessions}"),
    "attach_note": ("A session counts for an attach when it got an error from the start of pglab's "
                    "`pcp_attach_node` until {after} after the command returned, or until the switch-back or the "
                    "next attach began if that came sooner; its pause runs from its last success before that error "
                    "to its "
                    "first success after it, and its errors are counted until then (its reconnections' too), from "
                    "its own records (the client host's clock). Why an attach "
                    "breaks sessions at all is explained in 2.3: while pgpool-II 4.3.5 handles a failback, each of its "
                    "children that is given a query exits.",
                    "Сессия относится к подключению, если получила ошибку от начала `pcp_attach_node` до "
                    "{after} после его завершения или до начала возврата на A либо следующего подключения, если оно "
                    "было раньше; её пауза длится от последнего успешного запроса перед этой ошибкой до первого "
                    "успешного после неё, и ошибки (в том числе при переподключении) считаются до этого момента, по её "
                    "собственным записям (часы клиентского хоста). Почему подключение "
                    "узла вообще прерывает сессии, объяснено в 2.3: пока pgpool-II 4.3.5 выполняет возврат узла "
                    "(failback), каждый "
                    "его дочерний процесс, получивший запрос, завершается."),
    "switch_errors": ("At the switch-back {sync} is shut down cleanly (its log line `received fast shutdown "
                      "request` at {stop} UTC by its clock) and pgpool detaches it ({detach_how}, at {detach} UTC by "
                      "pgpool's clock); {order}. A session whose query pgpool sent to {sync} while it was stopping "
                      "got an error and reconnected (the failed transaction was rolled back, and the session went on "
                      "with a new one); over the whole recovery and switch-back the clients "
                      "saw: {errors} (the rows “{phase}” of table ⟦prev:errors⟧).",
                      "При возврате на A узел {sync} штатно останавливается (строка его журнала `received fast "
                      "shutdown request` в {stop} UTC по его часам), и pgpool отключает его ({detach_how}, в {detach} "
                      "UTC по часам pgpool); {order}. Сессия, запрос которой pgpool направил на {sync}, пока тот "
                      "останавливался, получала ошибку и подключалась заново (неудавшаяся транзакция откатывалась, и "
                      "сессия "
                      "начинала новую); всего за "
                      "восстановление и "
                      "возврат клиенты видели такие ошибки: "
                      "{errors} (строки «{phase}» таблицы ⟦prev:errors⟧)."),
    "order_skew": ("these two lines are {gap} apart by their clocks, less than these hosts' clocks may differ (at "
                   "least {skew} ms, see “Where the run happened”), so which came first is not established",
                   "по их часам эти строки разделяет {gap}, меньше, чем могут расходиться часы этих хостов (не меньше "
                   "{skew}\u00a0мс, см. «Где выполнялась работа»), поэтому что было раньше, не установлено"),
    "order_span": ("between the two lines: {gap}", "между этими строками: {gap}"),
    "detach_log": ("pgpool's log line `starting degeneration`", "строка журнала pgpool `starting degeneration`"),
    "detach_request": ("the time pgpool received the detach request: its log has no `starting degeneration` line",
                       "время, когда pgpool получил запрос на отключение: строки `starting degeneration` в его "
                       "журнале нет"),
    "kind_mismatch": ("The error `kind mismatch among backends` is pgpool's: a session's read may be balanced to a "
                      "standby while pgpool also sends it to the main node, and pgpool compares the kinds of the "
                      "packets the two backends answer with; when they differ (here {sync} was shut down in the "
                      "middle of the query at the switch-back), it ends the session with this error, and the client "
                      "reconnects.",
                      "Ошибка `kind mismatch among backends` выдаётся pgpool: запрос сессии может уйти и на узел "
                      "балансировки чтения, и на главный узел, и pgpool сравнивает типы пакетов, которыми ответили "
                      "оба узла; если они различаются (здесь {sync} был остановлен посреди запроса при возврате на "
                      "A), pgpool завершает сессию с этой ошибкой, и клиент подключается заново."),
    "first_seen": ("First (UTC)", "Первая (UTC)"),
    "last_seen": ("Last (UTC)", "Последняя (UTC)"),
    "no_errors": ("The client sessions saw no error.", "Клиентские сессии не видели ни одной ошибки."),
    "errors_text": ("Errors by the client program's journal: {count:|entry|entries} in all, of them {errors} "
                    "errors the server or the connection returned (the “Errors” column of the session tables) and "
                    "{abandoned:|request|requests} the client abandoned after no answer within its limit (it closed "
                    "the "
                    "connection and reconnected; counted apart, not in that column - but the abandoned request's own "
                    "failure on the connection the client shut, `EOF detected` or the like, is one of those "
                    "errors). An error at `COMMIT` is a "
                    "commit of unknown outcome; any other failed transaction was rolled back, not retried: after "
                    "reconnecting, the session begins a new transfer.",
                    "Ошибки по журналу клиентской программы: всего записей\u00a0— {count}; из них {errors}\u00a0— "
                    "ошибки, которые вернул сервер или соединение (столбец «Ошибки» таблиц сессий), и "
                    "{abandoned}\u00a0— запросы, которые клиент прервал, не дождавшись ответа за отведённое время "
                    "(клиент "
                    "закрыл соединение и подключился заново; в столбце «Ошибки» они не учитываются, но собственная "
                    "ошибка прерванного запроса на закрытом клиентом соединении, `EOF detected` или подобная, "
                    "среди этих ошибок есть). Ошибка при "
                    "выполнении `COMMIT` означает коммит с неизвестным исходом; любая другая неудавшаяся транзакция "
                    "откатывается и не повторяется: после переподключения сессия начинает новый перевод."),
    "gaps_text": ("The numbers `n` of `transfers` have gaps: an identity column takes numbers from a sequence, "
                  "which hands out numbers that a rolled-back transaction never uses and, after a crash or a "
                  "promotion, skips the values it had pre-logged in WAL (up to 32). A gap is not a lost row: "
                  "losses are counted by the ids of acknowledged transfers.",
                  "Номера `n` в `transfers` идут с пропусками: столбец идентичности берёт номера из "
                  "последовательности, а она выдаёт номера и транзакциям, которые потом откатываются, а после сбоя "
                  "или повышения узла пропускает значения, заранее записанные в WAL (до 32). Пропуск\u00a0— не "
                  "потерянная строка: потери считаются по идентификаторам подтверждённых переводов."),
    "environment": ("Where the run happened", "Где выполнялась работа"),
    "env_table": ("The provider, the machine, the software and the measured speed",
                  "Среда выполнения, машина, программы и замеры скорости"),
    "env_provider": ("Provider", "Среда выполнения"),
    "env_local": ("local provider (`local`): each host is a set of Linux namespaces (network, mount, pid, uts, ipc) "
                  "on this machine, on the bridge `pglab-br0`; no hypervisor",
                  "локальный стенд (провайдер `local`): каждый хост\u00a0— набор пространств имён Linux (сеть, "
                  "файловая система, процессы, имя хоста, межпроцессное взаимодействие) на управляющей машине, мост "
                  "`pglab-br0`; гипервизора нет"),
    "env_vagrant": ("virtual machines: five VMs made by Vagrant with its libvirt provider (vagrant-libvirt), run "
                    "by QEMU{domain}",
                    "виртуальные машины: пять машин, созданных Vagrant через его провайдер libvirt "
                    "(vagrant-libvirt) и выполняемых QEMU{domain}"),
    "env_vagrant_vbox": ("virtual machines: five VMs made by Vagrant in VirtualBox",
                         "виртуальные машины: пять машин, созданных Vagrant в VirtualBox"),
    "env_machine": ("Machine (where `fab` runs)", "Управляющая машина (на ней запускается `fab`)"),
    "env_machine_value": ("{os}, `Linux {kernel}`, {cpus:|CPU|CPUs}",
                          "{os}, `Linux {kernel}`, {cpus:|процессор|процессора|процессоров}"),
    "env_hosts_os": ("System of the lab's hosts", "ОС узлов стенда"),
    "env_software": ("Software", "Программы"),
    "env_speed": ("CPU slowdown of the hosts relative to this machine (a time ratio)",
                  "Замедление ЦП хостов относительно управляющей машины (отношение времён)"),
    "env_speed_value": ("a fixed CPU loop's time on pg-a divided by its time on this machine: {slowdown:.1f} "
                        "({meaning}); an SSH command's round "
                        "trip {rtt:.0f} ms. From these two pglab chose its {profile_words} (`{profile}`)",
                        "время одного и того же вычислительного цикла на pg-a, делённое на его время на управляющей "
                        "машине: {slowdown:.1f} ({meaning}); команда по SSH\u00a0— {rtt:.0f}\u00a0мс. По этим двум "
                        "замерам pglab "
                        "выбрал {profile_words}"),
    "speed_not_slower": ("at most 1: the hosts are not slower than this machine",
                         "не больше 1\u00a0— хосты не медленнее управляющей машины"),
    "speed_slower": ("above 1: the hosts are that many times slower than this machine",
                     "больше 1\u00a0— хосты во столько раз медленнее управляющей машины"),
    "profile_fast": ("short timeouts, for hosts at most 3 times slower than this machine",
                     "короткие тайм-ауты для хостов не более чем втрое медленнее управляющей машины"),
    "profile_roomy": ("longer timeouts, for slow hosts", "увеличенные тайм-ауты для медленных хостов"),
    "env_power_local": ("Power-off: the host's network link is deleted and its pid namespace's `init` is killed "
                        "(`SIGKILL`), so every process of the host dies at the same instant and no `FIN` or `RST` "
                        "leaves it; power-on starts the host's `init` again in fresh namespaces.",
                        "Отключение питания: сетевое подключение хоста удаляется, а процесс `init` его пространства "
                        "имён процессов получает `SIGKILL`, так что все процессы хоста прекращаются одновременно и "
                        "ни `FIN`, ни `RST` с него не уходят; включение заново запускает `init` хоста в новых "
                        "пространствах имён."),
    "env_power_vagrant": ("Power-off: `virsh destroy` kills the VM's emulator process at once (no shutdown); "
                          "power-on is `virsh start` and a wait for the VM's `sshd`: a whole boot (firmware, kernel, "
                          "`systemd`, the journal's recovery after the cut), every instruction of it emulated when the "
                          "hypervisor is QEMU without KVM: a minute or more, not seconds.",
                          "Отключение питания: `virsh destroy` сразу завершает процесс эмулятора машины (без "
                          "штатной остановки); включение\u00a0— `virsh start` и ожидание `sshd` машины: полная "
                          "загрузка (прошивка, ядро, `systemd`, восстановление журнала файловой системы после обрыва), "
                          "и при QEMU без KVM каждая её инструкция эмулируется: минута и больше, а не секунды."),
    "not_simulated": ("What this power-off does not simulate", "Чего такое отключение питания не моделирует"),
    "not_simulated_local": (
        "The hosts share one Linux kernel, and it keeps running when a host is powered off. Hence: (1) data a "
        "process had written but not yet synced to disk (`fsync`) is not lost - it stays in the machine's "
        "page cache, which all hosts share, and reaches the disk later; a real power loss loses it, so this "
        "run does not test that "
        "PostgreSQL and pglab's scripts fsync everything they rely on; (2) no disk write cache is lost and no "
        "page is left half-written, so full-page writes are not put to the test; (3) the hosts share the "
        "machine's clock, processors and memory: there is no clock skew between them, and a busy host slows the "
        "others; (4) power-on boots no kernel and checks no file system. What it does reproduce is what the "
        "failover depends on: every process of the host dies at once, with no shutdown and no packet sent, so "
        "pgpool, the standbys and the clients get no more answers and must notice it by timeouts.",
        "Все хосты работают на одном ядре Linux, и оно продолжает работать, когда хост «обесточен». Поэтому: "
        "(1) данные, которые процесс записал, но ещё не синхронизировал с диском (`fsync`), не теряются\u00a0— они "
        "остаются в страничном кэше машины, общем для всех хостов, и позже попадают на диск; при настоящем "
        "отключении питания они пропали бы, так что эта работа не проверяет, что PostgreSQL и сценарии pglab "
        "вызывают `fsync` для всего, на что полагаются; (2) не теряется кэш записи диска и не остаётся "
        "наполовину записанных страниц, то есть запись полных страниц в WAL не подвергается проверке; (3) хосты "
        "делят часы, процессоры и память машины: расхождения часов между ними нет, а нагруженный хост "
        "замедляет остальные; (4) включение не загружает ядро и не проверяет файловую систему. Воспроизводится "
        "то, от чего зависит переключение: все процессы хоста прекращаются одновременно, без остановки и без "
        "единого отправленного пакета, поэтому pgpool, резервные узлы и клиенты перестают получать ответы и "
        "должны обнаружить отказ по тайм-аутам."),
    "not_simulated_vagrant": (
        "The guest's memory, its page cache included, is lost as in a real power loss, and so is every write the "
        "guest had not yet sent to its virtual disk. Writes the virtual disk had accepted survive, though: they "
        "are in the image file or in the host machine's page cache, where a real disk's volatile write cache "
        "could lose them; and no sector is left half-written. The guests share the host machine's processors, "
        "so a busy VM slows the others.",
        "Память гостевой системы вместе с её страничным кэшем теряется, как при настоящем отключении питания, и "
        "с ней все записи, которые гостевая система ещё не передала виртуальному диску. Но записи, принятые "
        "виртуальным диском, сохраняются: они уже в файле образа или в страничном кэше машины-хозяина, тогда как "
        "энергозависимый кэш записи настоящего диска мог бы их потерять; наполовину записанных секторов не "
        "бывает. Виртуальные машины делят процессоры машины-хозяина, поэтому нагруженная машина замедляет "
        "остальные."),
    "disagree": ("Counts that do NOT agree (a fault of the run or of pglab's records, not rounding):",
                 "Числа, которые НЕ сходятся (ошибка работы стенда или записей pglab, а не округление):"),
    "disagree_item": ("{what}{host} in {where}: {found}, expected {expected}",
                      "{what}{host} в {where}: {found}, ожидалось {expected}"),
    "dis_acknowledged": ("acknowledged writes", "подтверждённые записи"),
    "dis_unknown": ("commits of unknown outcome", "коммиты с неизвестным исходом"),
    "dis_transfers": ("rows of transfers", "строки переводов"),
    "dis_reader_reads": ("reads of the reader sessions", "чтения читающих сессий"),
    "dis_in_checker": ("the checker", "проверке"),
    "dis_in_present_absent": ("present + absent", "«есть + нет»"),
    "dis_in_verification": ("the verification table", "таблице проверки"),
    "dis_in_sessions": ("the client sessions' final counters", "итоговых счётчиках сессий"),
    "dis_in_rows": ("the final row counts", "итоговом подсчёте строк"),
    "rewind_slots": ("pg_rewind removes what the target had in `pg_replslot` (the directory is on its exclusion "
                     "list, with `pg_stat_tmp` and the like): {host} did not keep the slots it had as primary before "
                     "the power cut. Right after the rejoin `pg_replication_slots` on {host} listed: {slots}. Its "
                     "standbys create their slots on it when they follow it (`pglab-node`'s `ensure_slot`); the "
                     "slots table at the end (table ⟦next:slots⟧) shows them.",
                     "pg_rewind удаляет то, что было у целевого узла в `pg_replslot` (каталог в его списке "
                     "исключений, как и `pg_stat_tmp` и подобные): слоты, которые были у {host} как у основного "
                     "до отключения питания, не сохранились. Сразу после возвращения `pg_replication_slots` на "
                     "{host} показывал: {slots}. Свои слоты на нём создают резервные узлы, когда начинают "
                     "следовать за ним (`ensure_slot` в `pglab-node`); таблица ⟦next:slots⟧ в конце их показывает."),
    "at_step": ("{text}, step “{step}”", "{text}, шаг «{step}»"),  # a caption that recurs: which step's
    "rewind_sync": ("pglab runs pg_rewind with `--no-sync` and then makes {host}'s data directory durable with one "
                    "`syncfs` of its filesystem (`sync -f`, `pglab-node`'s `durable`) before starting PostgreSQL: "
                    "the same guarantee as pg_rewind's own fsync of every file, at a fraction of its cost on an "
                    "emulated disk. Nothing of {host}'s is acknowledged to a client before that: it starts as a "
                    "standby only afterwards. The line `syncing target data directory` in its output above does not "
                    "contradict this: with `--progress` pg_rewind prints it whether or not it then syncs.",
                    "pglab запускает pg_rewind с `--no-sync`, а затем делает каталог данных {host} надёжно "
                    "записанным одним `syncfs` его файловой системы (`sync -f`, функция `durable` в `pglab-node`) "
                    "до запуска PostgreSQL: та же гарантия, что и у собственного `fsync` каждого файла в "
                    "pg_rewind, но намного дешевле на эмулируемом диске. До этого ничего с {host} клиентам не "
                    "подтверждается: резервным узлом он запускается только после синхронизации. Строка "
                    "`syncing target data directory` в его выводе выше этому не противоречит: с `--progress` "
                    "pg_rewind печатает её независимо от того, синхронизирует ли он затем каталог."),
    "log_note_again": ("{n:|log line|log lines}, chosen and ordered as the note under table ⟦first:log⟧ says.",
                       "Строк журналов: {n}; отобраны и упорядочены так, как сказано под таблицей ⟦first:log⟧."),
    "seq_note_again": ("Lines placed and ordered as the note under table ⟦first:seq⟧ says.",
                       "Строки расположены и упорядочены так, как сказано под таблицей ⟦first:seq⟧."),
    "rewind_no_slot": ("no slot", "ни одного слота"),
    # The switch-back's read of the primary just before its stop (pglab/evidence/before_stop.py).
    "bs_lead": ("Just before the stop, one query on {current} ({at} on its clock) read its WAL position `{lsn}` and "
                "its `pg_stat_replication` (table ⟦next:before_stop⟧).",
                "Непосредственно перед остановкой один запрос на {current} ({at} по его часам) прочитал позицию его "
                "WAL `{lsn}` и его `pg_stat_replication` (таблица ⟦next:before_stop⟧)."),
    "bs_caption": ("`pg_stat_replication` on {current} just before its stop",
                   "`pg_stat_replication` на {current} непосредственно перед его остановкой"),
    "bs_sync": ("{home} streams as {current}'s synchronous standby (`sync_state = sync`) and had replayed up to "
                "`{replay}`{behind}. With `remote_apply`, {current} acknowledges a commit only once {home} has "
                "replayed it, so every acknowledged commit was on {home} before {current} stopped; the clean "
                "shutdown then sent {home} the rest of {current}'s WAL.",
                "{home} получает WAL как синхронный резервный узел {current} (`sync_state = sync`) и применил его "
                "до `{replay}`{behind}. При `remote_apply` {current} подтверждает коммит, только когда {home} его "
                "применил, поэтому каждый подтверждённый коммит был на {home} до остановки {current}; штатная "
                "остановка затем передала {home} остаток WAL {current}."),
    "bs_level": (", the whole of that position", ", то есть до самой этой позиции"),
    "bs_behind": (", {bytes:|byte|bytes} behind that position: the WAL of commits still waiting for {home}'s replay, "
                  "none of them acknowledged yet",
                  ", на {bytes:|байт|байта|байт} позади этой позиции: это WAL коммитов, ещё ждавших применения на "
                  "{home} и ещё не подтверждённых"),
    "bs_not_sync": ("In this read {home} was not {current}'s streaming synchronous standby (its row: {row}): the "
                    "switch-back's claim that every acknowledged commit is on {home} does not rest on it.",
                    "В этом чтении {home} не был синхронным резервным узлом {current}, получающим WAL (его строка: "
                    "{row}): утверждение, что каждый подтверждённый коммит есть на {home}, на это чтение не "
                    "опирается."),
}
