"""The words of the 'where the time went' tables of the failover and the switch-back (pglab/evidence/sequence.py),
of each session's longest pause in them, and of the report's layout (continued tables, step headings) - English,
Russian; merged into i18n's WORDS."""

from __future__ import annotations

NB = "\u00a0"

SEQUENCE: dict[str, tuple[str, str]] = {
    "seq_table": ("The time of the {phase}, step by step: the recorded lines in time order, each on the clock of "
                  "the host that wrote it",
                  "Распределение времени ({phase}): записанные строки в порядке времени, каждая по часам "
                  "записавшего её хоста"),
    "seq_failover": ("failover", "переключение на B"),
    "seq_switchback": ("switch-back", "возврат на A"),
    "seq_clock": ("Clock", "Чьи часы"),
    "seq_event": ("What was recorded", "Что записано"),
    "seq_since": ("Since the last line on this clock", "Интервал по тем же часам"),
    "seq_control": ("control machine", "управляющая машина"),
    "seq_note": ("Each line is placed by its own host's clock, and the clocks are not synchronised (see “Where the "
                 "run happened”): the rows are sorted by those times corrected for each host's measured clock offset, "
                 "so the time column may step back between hosts; two lines of different hosts closer together "
                 "than the offsets' error may still be in either order, and the last column compares lines of one "
                 "clock only.",
                 "Время каждой строки\u00a0— по часам записавшего её хоста, а часы хостов не синхронизированы "
                 "(см. «Где выполнялась работа»): строки упорядочены по этим временам, исправленным на измеренное "
                 "смещение часов каждого хоста, поэтому время в столбце может между хостами идти назад; две строки "
                 "разных хостов, которые ближе друг к другу, чем погрешность смещений, всё равно могли идти в "
                 "другом порядке, а последний столбец сравнивает только строки одних и тех же часов."),
    "seq_note_local": ("Each line is placed by its own host's clock; on the local provider every host shares the "
                       "machine's one clock, so lines of different hosts compare directly.",
                       "Время каждой строки\u00a0— по часам записавшего её хоста; у локального провайдера все "
                       "хосты живут по одним часам машины, поэтому строки разных хостов сравнимы напрямую."),
    "seq_poweroff": ("power-off of A (`virsh destroy` or the namespace's kill)", "отключение питания A"),
    "seq_switchover": ("the switch-back begins (pglab's event)", "начало возврата на A (событие pglab)"),
    "seq_shutdown": ("fast shutdown of {failed} requested", "запрошена быстрая остановка {failed}"),
    "seq_detach_request": ("pgpool receives the request to detach {failed}", "pgpool получил запрос на отключение "
                           "{failed}"),
    "seq_degeneration": ("pgpool detaches {failed}", "pgpool отключает {failed}"),
    "seq_script_start": ("pgpool runs `failover.sh`", "pgpool запускает `failover.sh`"),
    "seq_script_log": ("`failover.sh`'s first line", "первая строка журнала `failover.sh`"),
    "seq_decision": ("`failover.sh` has decided which node to promote", "`failover.sh` решил, какой узел повысить"),
    "seq_promote_sent": ("`failover.sh` asks {target} to promote", "`failover.sh` отправил {target} команду "
                         "повышения"),
    "seq_promote_received": ("{target} receives the promote request", "{target} получил запрос на повышение"),
    "seq_new_timeline": ("{target} starts a new timeline", "{target} начал новую линию времени"),
    "seq_ready": ("{target} accepts writes", "{target} принимает запись"),
    "seq_script_done": ("`failover.sh` is done with the promotion", "`failover.sh` закончил повышение"),
    "ref_next": ("below", "ниже"),  # a table the prose refers to by number, missing from this run's report
    "ref_prev": ("above", "выше"),
    "seq_primary_found": ("pgpool finds the new primary", "pgpool нашёл новый основной узел"),
    "seq_failover_done": ("pgpool: failover done", "pgpool: переключение завершено"),
    "seq_children": ("pgpool restarts its child processes", "pgpool перезапускает дочерние процессы"),
    "seq_stop": ("`fab recover` stops {failed}", "`fab recover` останавливает {failed}"),
    "seq_stop_end": ("the stop command returns (exit code {detail})", "команда остановки завершилась (код {detail})"),
    "seq_pcp_detach": ("`fab recover` runs `pcp_detach_node` for {failed}", "`fab recover` запускает "
                       "`pcp_detach_node` для {failed}"),
    "seq_pcp_detach_end": ("`pcp_detach_node` returns (exit code {detail})", "`pcp_detach_node` завершился "
                           "(код {detail})"),
    "seq_read_error": ("pgpool's first read error on a connection to {failed}", "первая ошибка чтения pgpool в "
                       "соединении с {failed}"),
    "seq_hc_handshake": ("the health check of {failed} under way fails in its TLS handshake", "проверка {failed}, "
                         "шедшая в этот момент, не прошла рукопожатие TLS"),
    "seq_hc_first_unreachable": ("the health check's connection to {failed} times out, its SYN unanswered",
                                 "соединение проверки с {failed} не установлено: на SYN нет ответа"),
    "seq_hc_retry": ("pgpool retries the health check of {failed}", "pgpool повторяет проверку {failed}"),
    "seq_hc_unreachable": ("the retry's connection to {failed} times out", "соединение повторной проверки с "
                           "{failed} не установлено за отведённое время"),
    "seq_read_error_at": ("its first read error on a connection to A at {after} (a query sent to A was never "
                          "acknowledged and TCP gave up: the sessions' first errors come from this)",
                          "первая ошибка чтения в соединении с A\u00a0— через {after} (отправленный A запрос не был "
                          "подтверждён, и TCP перестал ждать: отсюда первые ошибки сессий)"),
    "seq_hc_handshake_at": ("the health check attempt under way failed in its TLS handshake at {after}",
                            "попытка проверки, шедшая в тот момент, не прошла рукопожатие TLS\u00a0— через {after}"),
    "seq_hc_first_unreachable_at": ("a health check's connection timed out, its SYN unanswered, at {after}",
                                    "соединение проверки не установилось, на SYN нет ответа,\u00a0— через {after}"),
    "seq_hc_retry_at": ("the health check's retry logged at {after}", "повтор проверки записан через {after}"),
    "seq_hc_unreachable_at": ("the retry's connection timed out at {after}", "соединение повторной проверки не "
                              "установилось за отведённое время\u00a0— через {after}"),
    "seq_detect": ("From the power-off to pgpool's request to detach {failed}: {detect}. A host without power answers "
                   "nothing, so only timeouts end the waits on it. A connection whose data sent to it goes "
                   "unacknowledged fails {give_up} after sending (`tcp_retries2` = {retries} on the hosts: waits of "
                   "{waits} s, a retransmission after each but the last). Such an error ends the session that used the "
                   "connection, not the node: pgpool fails a "
                   "node over only on its health check's verdict (`failover_on_backend_error = off`), so that one "
                   "broken connection cannot detach a node. The health check opens a new connection to each node every "
                   "{period} s (TCP, TLS, `scram-sha-256`). An attempt whose SYN goes unanswered fails after "
                   "`connect_timeout` ({connect_ms} ms). An attempt already connected when the power went is ended by "
                   "pgpool's alarm after `health_check_timeout` ({hc_timeout} s). Inside the TLS handshake the alarm "
                   "ends only the handshake: pgpool-II 4.3.5 logs its failure (`pool_ssl: \"SSL_connect\"`) and goes "
                   "on without TLS, sending its startup packet unencrypted, and only TCP's give-up ends the wait for "
                   "that unacknowledged packet, {give_up} after it was sent - such an attempt lasts {hc_timeout} s "
                   "and {give_up} more (`src/utils/pool_ssl.c`, `pool_ssl_negotiate_clientserver`). pgpool "
                   "retries a failed attempt once, at once, and detaches the node when the retry fails too. In this "
                   "run, by pgpool's log, after the power-off: {steps}.{unlogged}",
                   "От отключения питания до запроса pgpool на отключение {failed} прошло {detect}. Обесточенный хост "
                   "ничего не отвечает, поэтому ожидание ответа от него заканчивают только тайм-ауты. Если "
                   "отправленные по соединению данные остаются неподтверждёнными, ядро обрывает его через {give_up} "
                   "после отправки (`tcp_retries2` = {retries} на хостах: ожидания {waits}\u00a0с, после каждого, "
                   "кроме "
                   "последнего,\u00a0— повторная передача). Такая "
                   "ошибка обрывает сессию, которая пользовалась этим соединением, а не отключает узел: pgpool "
                   "отключает узел только по "
                   "итогу своей проверки (`failover_on_backend_error = off`), чтобы одно оборванное соединение не "
                   "могло вывести узел из кластера. Проверка раз в {period}\u00a0с открывает новое соединение с "
                   "каждым узлом (TCP, TLS, `scram-sha-256`). Попытка, на SYN которой нет ответа, не удаётся через "
                   "`connect_timeout` ({connect_ms}\u00a0мс). Попытку, уже соединившуюся к моменту отключения "
                   "питания, прерывает сигнал pgpool через `health_check_timeout` ({hc_timeout}\u00a0с). Внутри "
                   "рукопожатия TLS сигнал прерывает лишь само рукопожатие: pgpool-II 4.3.5 записывает его сбой "
                   "(`pool_ssl: \"SSL_connect\"`) и продолжает без TLS, отправляя стартовый пакет незашифрованным, "
                   "а ожидание ответа на этот неподтверждённый пакет заканчивает только TCP\u00a0— через {give_up} "
                   "после отправки; такая попытка длится {hc_timeout}\u00a0с и ещё {give_up} (`src/utils/pool_ssl.c`, "
                   "`pool_ssl_negotiate_clientserver`). Неудавшуюся попытку pgpool сразу повторяет один раз и, "
                   "если не удался и повтор, отключает узел. В этой работе, по журналу pgpool, после отключения "
                   "питания: "
                   "{steps}.{unlogged}"),
    "seq_detect_handshake_alarm": (" Here the retry came {gap} after the handshake's failure line (pgpool's clock), "
                                   "about TCP's give-up ({give_up}): the alarm had cut that handshake, and the attempt "
                                   "then waited for TCP on its unencrypted startup packet.",
                                   " Здесь повтор записан через {gap} после строки о сбое рукопожатия (по часам "
                                   "pgpool), около времени, через которое TCP перестаёт ждать ({give_up}): "
                                   "рукопожатие прервал сигнал, и затем попытка ждала TCP на незашифрованном "
                                   "стартовом пакете."),
    "seq_detect_handshake_tcp": (" Here the retry came {gap} after the handshake's failure line (pgpool's clock): "
                                 "TCP had given up on the handshake's own unacknowledged data, so the startup packet "
                                 "failed at once on the broken connection.",
                                 " Здесь повтор записан через {gap} после строки о сбое рукопожатия (по часам "
                                 "pgpool): TCP перестал ждать подтверждения данных самого рукопожатия, и стартовый "
                                 "пакет сразу не удалось отправить по оборванному соединению."),
    "seq_detect_unlogged": (" When the first failed attempt began and what ended it, pgpool's log does not say (it "
                            "logs neither a check's start nor, here, its end): its retry line is the first sign of it.",
                            " Когда началась первая неудавшаяся попытка и что её закончило, журнал pgpool не "
                            "говорит (он не записывает ни начало проверки, ни здесь её конец): первый её след\u00a0— "
                            "строка повтора."),
    "seq_detect_late": (" The retry came later after the power-off than the alarm's {hc_timeout} s and an unanswered "
                        "SYN's {connect_ms} ms together. By pgpool-II 4.3.5's source "
                        "(`establish_persistent_connection` "
                        "in `src/main/health_check.c`) each attempt runs under an alarm of `health_check_timeout` "
                        "({hc_timeout} s), and the retry is logged as soon as the attempt returns (before any "
                        "`health_check_retry_delay`): the retry line ends an attempt that either ran into its "
                        "alarm, having begun {hc_timeout} s before it, after the power-off, or returned on its own. "
                        "pgpool's log at its level does not record when an attempt began (its debug level would), so "
                        "which of the two held the first attempt is not established.",
                        " Повтор записан позже суммы тайм-аута сигнала ({hc_timeout}\u00a0с) и ожидания ответа на SYN "
                        "({connect_ms}\u00a0мс) после отключения питания. По исходному коду pgpool-II 4.3.5 "
                        "(`establish_persistent_connection` в `src/main/health_check.c`) каждая попытка идёт под "
                        "сигналом `health_check_timeout` ({hc_timeout}\u00a0с), а повтор записывается сразу, как "
                        "попытка вернулась (до паузы `health_check_retry_delay`): строка повтора заканчивает попытку, "
                        "которая либо дождалась сигнала, начавшись за {hc_timeout}\u00a0с до неё, уже после "
                        "отключения питания, либо вернулась сама. Когда началась попытка, журнал pgpool на его уровне "
                        "не записывает (записал бы уровень отладки), поэтому что из двух задержало первую попытку, не "
                        "установлено."),
    "seq_last_success": ("the last session's last success before the pause", "последний успешный запрос сессий "
                         "перед паузой"),
    "seq_first_error": ("the sessions' first error", "первая ошибка сессий"),
    "seq_last_error": ("the sessions' last error", "последняя ошибка сессий"),
    "seq_first_back": ("the first session succeeds again", "первая сессия снова выполнила запрос"),
    "seq_all_back": ("the last session succeeds again", "последняя сессия снова выполнила запрос"),
    "seq_decide": ("From pgpool running `failover.sh` (its line `execute command`) to the script's decision took "
                   "{decide} (pgpool's clock): it reads every node's facts (`pglab-node facts` over SSH, the nodes in "
                   "parallel) and hands them to `pglab-rules`. {startup} {nodes} {each}",
                   "От запуска `failover.sh` (строка pgpool `execute command`) до решения сценария прошло "
                   "{decide} (по часам pgpool): сценарий читает состояние каждого узла (`pglab-node facts` по SSH, "
                   "узлы параллельно) и передаёт его `pglab-rules`. {startup} {nodes} {each}"),
    "seq_startup": ("Its own first line came {startup} after that line (the interval holds the start of `bash`, its "
                    "reading of the settings, and waiting for the pgpool host's CPU; not timed part by part).",
                    "Его собственная первая строка появилась через {startup} после этой строки (в этот промежуток "
                    "входят запуск `bash`, чтение настроек и ожидание процессора хоста pgpool; по частям он не "
                    "замерялся)."),
    "seq_facts_unlogged": ("How long each node's facts took is not logged (a run before `failover.sh` logged it).",
                           "Сколько времени заняло чтение каждого узла, в журнале не записано (работа выполнена до "
                           "того, как `failover.sh` стал это записывать)."),
    "seq_facts_each": ("Its own lines give each node's read: {nodes}; the last, {last}'s, came {rules} before the "
                       "decision. That interval holds `pglab-rules` parsing the facts and applying its rule, and "
                       "whatever of its Python start-up the reading of the facts did not hide (it is started "
                       "meanwhile); the run does not time these parts.",
                       "Его собственные строки дают время чтения каждого узла: {nodes}; последним прочитан {last}, "
                       "за {rules} до решения. В этот промежуток входят разбор состояния и применение правила в "
                       "`pglab-rules` и та часть запуска Python, которую не скрыло чтение состояния (программа "
                       "запускается, пока оно идёт); в этой работе этот промежуток по частям не измерялся."),
    "seq_weighed_unlogged": ("In this run `failover.sh` did not yet log the facts it handed to `pglab-rules` (newer "
                             "runs do), so the choice of {target} cannot be checked against its inputs here; what the "
                             "report shows - {target}'s end of redo, the other standby's timeline switch, no "
                             "acknowledged commit lost - confirms the outcome, not the decision.",
                             "В этой работе `failover.sh` ещё не записывал в журнал состояние, которое передавал "
                             "`pglab-rules` (более новые версии pglab записывают), поэтому выбор {target} нельзя "
                             "сверить с его исходными данными; то, что показывает отчёт,\u00a0— конец применения "
                             "WAL на {target}, переход другого резервного узла на новую линию времени, ни одного "
                             "потерянного подтверждённого коммита,\u00a0— подтверждает результат, а не решение."),
    "seq_weighed": ("The facts `pglab-rules` weighed, as those lines give them: {facts}. Its rule promotes the running "
                    "standby with the most WAL on the newest timeline, pgpool's new main node on a tie, and only one "
                    "that holds every acknowledged commit: {target}.",
                    "Состояние, которое взвешивал `pglab-rules`, по тем же строкам: {facts}. Его правило повышает "
                    "работающий резервный узел с наибольшим WAL на самой новой линии времени, при равенстве\u00a0— "
                    "новый главный узел pgpool, и только такой, у которого есть каждый подтверждённый коммит: "
                    "{target}."),
    "seq_weighed_node": ("{node} {state}, `wal_end` `{end}` on timeline {timeline}",
                         "{node}\u00a0— {state}, `wal_end` = `{end}` на линии времени {timeline}"),
    "seq_weighed_unread": ("{node} not read", "{node}\u00a0— не прочитан"),
    "seq_weighed_standby": ("running as a standby", "работает как резервный"),
    "seq_weighed_primary": ("running, not a standby", "работает, не резервный"),
    "seq_weighed_stopped": ("stopped", "остановлен"),
    "seq_facts_node": ("{node} {took}", "{node}\u00a0— {took}"),
    "seq_facts_node_syn": ("{node} {took} (its SYN unanswered within `SYN_TIMEOUT`: not read; the rest of the time "
                           "is the script's own work around the wait, not timed part by part)",
                           "{node}\u00a0— {took} (ответа на SYN за `SYN_TIMEOUT` не было, состояние не читалось; "
                           "остальное время\u00a0— собственная работа сценария вокруг ожидания, по частям не "
                           "замерялась)"),
    "seq_facts_node_ssh": ("{node} {took} (`pglab-node facts` over SSH failed: not read)",
                           "{node}\u00a0— {took} (`pglab-node facts` по SSH не удался, состояние не прочитано)"),
    "seq_facts_node_unknown": ("{node} {took} (`unreachable=yes`: not read)",
                               "{node}\u00a0— {took} (`unreachable=yes`, состояние не прочитано)"),
    "seq_facts_unread_syn": ("`failover.sh` gave up on {node}: no answer to a SYN within `SYN_TIMEOUT`, its facts "
                             "not read (its line: {took} in all, with the script's own work around the wait)",
                             "`failover.sh` не дождался от {node} ответа на SYN за `SYN_TIMEOUT`, его состояние не "
                             "читалось (по его строке всего {took}, вместе с работой сценария вокруг ожидания)"),
    "seq_facts_unread_ssh": ("`failover.sh` could not read {node}'s facts: `pglab-node facts` over SSH failed after "
                             "{took}",
                             "`failover.sh` не прочитал состояние {node}: `pglab-node facts` по SSH не удался "
                             "(за {took})"),
    "seq_facts_unread_unknown": ("`failover.sh` did not read {node}'s facts: its line says `unreachable=yes` after "
                                 "{took}",
                                 "`failover.sh` не прочитал состояние {node}: его строка через {took} "
                                 "говорит `unreachable=yes`"),
    "seq_facts": ("`failover.sh` has read {node}'s facts ({took} by its own line)",
                  "`failover.sh` прочитал состояние {node} (по его собственной строке\u00a0— за {took})"),
    "seq_nodes_poweroff": ("The failed host {failed} had no power: `failover.sh` reads only the facts of a failed "
                           "host that answers on its SSH port at once, so it read those of the two others (to "
                           "{failed} it only sent a SYN, which went unanswered for `SYN_TIMEOUT` = {syn} s, "
                           "Appendix A).",
                           "Отказавший хост {failed} был обесточен: `failover.sh` читает состояние отказавшего "
                           "хоста, только если тот сразу отвечает на порту SSH, поэтому читались два других "
                           "узла (хосту {failed} был лишь отправлен SYN, и ответа на него не было в течение "
                           "`SYN_TIMEOUT` = {syn}\u00a0с, приложение А)."),
    "seq_nodes_switchover": ("The host of {failed} kept running (only its PostgreSQL was stopped), so "
                             "`failover.sh` tried to read the facts of all three nodes; at the failover the same step "
                             "took {before}. Its stop had also ended the WAL stream of both standbys, so no WAL "
                             "receiver's process title gave a standby's WAL position, and `pglab-node facts quick` "
                             "then asks PostgreSQL for it with a query (`psql`; at the failover the titles gave it "
                             "without one), as its code does (`facts` in `pglab-node`; the run does not log which way "
                             "it took).{own}",
                             "Хост {failed} продолжал работать (остановлен был только PostgreSQL), поэтому "
                             "`failover.sh` пытался прочитать состояние всех трёх узлов; при переключении на B тот "
                             "же шаг занял {before}. Остановка {failed} к тому же прервала поток WAL обоих резервных "
                             "узлов, поэтому позицию WAL резервного узла не давало название процесса приёмника WAL, "
                             "и `pglab-node facts quick` в этом случае получает её запросом к PostgreSQL (`psql`; при "
                             "переключении на B её давали названия процессов, без запроса),\u00a0— так устроен его "
                             "код (`facts` в `pglab-node`; каким путём он пошёл, работа не записывает).{own}"),
    "seq_switchover_own_read": (" {failed}'s own facts, its PostgreSQL stopped, came from its files "
                                "(`pg_controldata`, `pg_waldump`).",
                                " Состояние самого {failed}, где PostgreSQL остановлен, взято из его файлов "
                                "(`pg_controldata`, `pg_waldump`)."),
    "seq_switchover_own_syn": (" {failed} itself was not read: the probe of its SSH port did not finish within "
                               "`SYN_TIMEOUT` = {syn} s ({took} in all by its line), though its host was running. In "
                               "this run's `failover.sh` that budget also holds starting `timeout` and `bash` on the "
                               "pgpool host's CPU, so the probe could not tell a silent host from a busy pgpool host "
                               "(a newer `failover.sh` starts no program for it). `pglab-rules` weighs an unread node "
                               "as silent and decides from the others, as at a power-off.",
                               " Сам {failed} не прочитан: проверка его порта SSH не завершилась за `SYN_TIMEOUT` = "
                               "{syn}\u00a0с (по его строке всего {took}), хотя хост работал. В `failover.sh` этой "
                               "работы в это время входит и запуск `timeout` и `bash` на процессоре хоста pgpool, "
                               "поэтому проверка не могла отличить молчащий хост от занятого хоста pgpool (более "
                               "новый `failover.sh` для неё программ не запускает). `pglab-rules` считает "
                               "непрочитанный узел молчащим и решает по остальным, как при отключении питания."),
    "seq_switchover_own_syn_builtin": (" {failed} itself was not read: its SSH port did not answer a SYN within "
                                       "`SYN_TIMEOUT` = {syn} s, although its host was running (the probe starts no "
                                       "program: a fork of the script connects, a built-in `read` waits); why it "
                                       "missed the wait, the run does not show. `pglab-rules` weighs an unread node as "
                                       "silent and decides from the others, as at a power-off.",
                                       " Сам {failed} не прочитан: его порт SSH не ответил на SYN за `SYN_TIMEOUT` = "
                                       "{syn}\u00a0с, хотя хост работал (проверка не запускает программ: соединяется "
                                       "ответвлённая копия сценария, ждёт встроенная команда `read`); почему ожидание "
                                       "истекло, работа не показывает. `pglab-rules` считает непрочитанный узел "
                                       "молчащим и решает по остальным, как при отключении питания."),
    "seq_switchover_own_ssh": (" {failed} itself was not read: `pglab-node facts` over SSH failed there. `pglab-rules` "
                               "weighs an unread node as silent and decides from the others, as at a power-off.",
                               " Сам {failed} не прочитан: `pglab-node facts` по SSH на нём не удался. `pglab-rules` "
                               "считает непрочитанный узел молчащим и решает по остальным, как при отключении "
                               "питания."),
    "seq_switchover_own_unknown": (" {failed} itself was not read (its line says `unreachable=yes`): either its SSH "
                                   "port missed the SYN wait (`SYN_TIMEOUT` = {syn} s, which also holds starting "
                                   "`timeout` and `bash` on the pgpool host's CPU) or `pglab-node facts` over SSH "
                                   "failed; this run's `failover.sh` did not log which (newer runs do). `pglab-rules` "
                                   "weighs an unread node as silent and decides from the others, as at a power-off.",
                                   " Сам {failed} не прочитан (его строка говорит `unreachable=yes`): либо его порт "
                                   "SSH не ответил на SYN за `SYN_TIMEOUT` = {syn}\u00a0с (в это ожидание входит и "
                                   "запуск `timeout` и `bash` на процессоре хоста pgpool), либо не удался "
                                   "`pglab-node facts` по SSH; какое из двух, `failover.sh` этой работы не записывал "
                                   "(более новые версии записывают). `pglab-rules` считает непрочитанный узел "
                                   "молчащим и решает по остальным, как при отключении питания."),
    "seq_promote": ("From the decision to its line `promoted` it took {promote}; {target} itself went from the "
                    "promote request to accepting writes in {node} by its own clock. The rest is `pglab-node "
                    "promote` over SSH around it - it waits for the node to accept writes, then sets its role "
                    "(the line `role set to …` in the table) - on emulated CPUs; its parts are not timed one by one.",
                    "От решения до строки `promoted` прошло {promote}; сам {target} от запроса на повышение до "
                    "готовности принимать запись потратил {node} по своим часам. Остальное\u00a0— вызов "
                    "`pglab-node promote` по SSH вокруг этого: он ждёт, пока узел начнёт принимать запись, затем "
                    "задаёт его роль (строка `role set to …` в таблице); части этого вызова по отдельности не "
                    "замерялись."),
    "seq_after": ("From `promoted` to pgpool's `failover done`: {after}.",
                  "От строки `promoted` до `failover done` pgpool прошло {after}."),
    "seq_clients": ("On the client's clock the sessions got errors from {first} to {last} and succeeded again from "
                    "{back} (the first) to {all} (the last). {children}",
                    "По часам клиентского хоста сессии получали ошибки с {first} до {last} и снова выполняли "
                    "запросы с {back} (первая) до {all} (последняя). {children}"),
    # pgpool-II 4.3.5, src/main/pgpool_main.c, failover(): which children it restarts, and its sleep(1) before it
    # restarts the PCP process (the main process reaps and replaces exited children only after failover() returns)
    "seq_children_poweroff": ("pgpool's lines between `failover done` and the sessions' return are about its "
                              "children (each child's exit and replacement) and are left out of the table. By "
                              "pgpool-II 4.3.5's source (`src/main/pgpool_main.c`, function `failover()`), "
                              "at a failover of the primary the main process kills every child process and forks a "
                              "new one in its place before it logs `failover done`; a child that gets a query while "
                              "the failover is still under way exits (`pool_virtual_main_db_node_id()`), so a session "
                              "may need another try.",
                              "Строки pgpool между `failover done` и возвращением сессий касаются его дочерних "
                              "процессов (завершение и замена каждого) и в таблицу не включены. По исходному коду "
                              "pgpool-II 4.3.5 (`src/main/pgpool_main.c`, функция "
                              "`failover()`) при переключении с ведущего узла главный процесс завершает все дочерние "
                              "процессы и порождает на их месте новые ещё до строки `failover done`; дочерний процесс, "
                              "получивший запрос, пока переключение не закончено, завершается "
                              "(`pool_virtual_main_db_node_id()`), поэтому сессии может понадобиться ещё одна "
                              "попытка."),
    "seq_children_switchover": ("pgpool's lines between `failover done` and the sessions' return are about its "
                                "children (each child's exit and replacement) and are left out of the table. By "
                                "pgpool-II 4.3.5's source (`src/main/pgpool_main.c`, function `failover()`), the "
                                "detach of a primary that is not pgpool's main node (A, node 0, is attached again) "
                                "takes the branch for a switchover: the children whose pool uses {failed} are killed "
                                "at once (each logged `child pid … needs to restart because pool … uses backend …`), "
                                "and "
                                "near its end, after `failover.sh` and the search for the new primary, the main "
                                "process signals them once more and forks new ones in their place; every other child "
                                "gets a restart flag at the end. While the "
                                "failover runs, each child a reconnecting session reaches exits, and the main process "
                                "reaps and replaces exited children only after `failover done`, a 1 s sleep and the "
                                "restart of its PCP process. pgpool ran {children:|child|children} here; what became "
                                "of them is counted under table ⟦next:pause⟧.",
                                "Строки pgpool между `failover done` и возвращением сессий касаются его дочерних "
                                "процессов (завершение и замена каждого) и в таблицу не включены. По исходному коду "
                                "pgpool-II 4.3.5 (`src/main/pgpool_main.c`, функция `failover()`) отключение ведущего "
                                "узла, который не является главным узлом pgpool (A, узел 0, уже снова подключён), "
                                "идёт по ветке плановой смены основного узла: дочерним процессам, пул которых "
                                "использует {failed}, главный процесс сразу посылает сигнал завершения (для каждого "
                                "пишется `child pid … needs to restart because pool … uses backend …`), а в конце, "
                                "после `failover.sh` и поиска нового основного узла, посылает его им ещё раз и "
                                "порождает на их месте новые; остальным в конце ставится флаг перезапуска. Пока идёт "
                                "переключение, завершается каждый дочерний "
                                "процесс, к которому подключается сессия, а главный процесс обрабатывает их "
                                "завершение и замещает их только после `failover done`, паузы в 1\u00a0с и "
                                "перезапуска процесса PCP. Здесь у pgpool было {children:|дочерний процесс|дочерних "
                                "процесса|дочерних процессов}; что с ними стало, подсчитано под таблицей "
                                "⟦next:pause⟧."),
    "seq_children_two_clocks": (" The interval from `failover done` to the sessions' return is measured across two "
                                "clocks only and is not broken down further.",
                                " Промежуток от `failover done` до возвращения сессий измерен только по двум разным "
                                "часам и дальше не раскладывается."),
    "seq_detached_by": ("The request to detach {failed} came from pgpool's health check process (the line "
                        "`received degenerate backend request` names its pid, {pid}), not from `pcp_detach_node`: "
                        "that command (exit code {rc}) left no such line in pgpool's log.",
                        "Запрос на отключение {failed} пришёл от процесса проверки узлов pgpool (строка `received "
                        "degenerate backend request` называет его pid {pid}), а не от `pcp_detach_node`: эта команда "
                        "(код {rc}) такой строки в журнале pgpool не оставила."),
    "ev_clock_control": ("control machine's clock", "по часам управляющей машины"),
    "ev_clock_host": ("{host}'s clock", "по часам {host}"),
    "errors_text_all": ("Errors by the client program's journal: {count:|entry|entries}, all of them errors the "
                        "server or the connection returned (the “Errors” column of the session tables); the client "
                        "abandoned no request for want of an answer. An error at `COMMIT` is a commit of unknown "
                        "outcome; any other failed transaction was rolled back, not retried: after reconnecting, the "
                        "session begins a new transfer.",
                        "Ошибки по журналу клиентской программы: {count:|запись|записи|записей}, и все они\u00a0— "
                        "ошибки, которые вернул сервер или соединение (столбец «Ошибки» таблиц сессий); запросов, "
                        "которые клиент прервал, не дождавшись ответа, не было. Ошибка при выполнении `COMMIT` "
                        "означает коммит с неизвестным исходом; любая другая неудавшаяся транзакция откатывается и не "
                        "повторяется: после переподключения сессия начинает новый перевод."),
    "commands_on_node": ("The rows `pg_rewind` and `promote` are commands a node's helper runs on the node itself "
                         "(inside `pglab-node follow`, and when `failover.sh` on the pgpool host calls `pglab-node "
                         "promote`), so the command log does not hold them: they are the lines of "
                         "`provision/scripts/pglab-node` with this lab's values, at the time the rewind's output was "
                         "recorded and the node logged its promotion.",
                         "Строки `pg_rewind` и `promote`\u00a0— команды, которые вспомогательный сценарий узла "
                         "выполняет на самом узле (внутри `pglab-node follow` и когда `failover.sh` с хоста pgpool "
                         "вызывает `pglab-node promote`), поэтому в журнале команд их нет: это строки сценария "
                         "`provision/scripts/pglab-node` со значениями этого стенда, поставленные по времени, когда "
                         "был записан вывод pg_rewind и когда узел записал в журнал своё повышение."),
    "table_continued": ("Table {n} (continued)", "Продолжение таблицы {n}"),
    "listing_continued": ("Listing {n} (continued)", "Продолжение листинга {n}"),
    "tl_fork": ("Branches off at (pg_rewind's output)", "Ответвляется в позиции WAL (по выводу pg_rewind)"),
    "tl_fork_text": ("A promotion writes the new timeline's history file (`{file}.history` for timeline {last}: each "
                     "earlier timeline and the WAL position where the next one branched off) into `pg_wal` and "
                     "streams it to the standbys; a standby that reaches that position switches timelines by itself. "
                     "pglab does not copy the history files, but the positions they hold are the ones pg_rewind "
                     "prints, compared with the node's own history: {forks}.",
                     "Повышение записывает в `pg_wal` файл истории новой линии (`{file}.history` для линии {last}: "
                     "каждая прежняя линия и позиция WAL, в которой от неё ответвилась следующая) и передаёт его "
                     "резервным узлам; резервный узел, дошедший до этой позиции, переходит на новую линию сам. "
                     "Файлы истории pglab не копирует, но позиции из них\u00a0— те, что печатает pg_rewind, сравнивая "
                     "их с историей своего узла: {forks}."),
    "tl_fork_item": ("timeline {next} branched off timeline {timeline} at `{lsn}`",
                     "линия {next} ответвилась от линии {timeline} в `{lsn}`"),
    "final_state": ("The state after the recovery", "Состояние после восстановления"),
    "seq_detached_by_pcp": ("The request to detach {failed} came from pgpool's PCP process (pid {pid} in the line "
                            "`received degenerate backend request`): `pcp_detach_node` (exit code {rc}) detached it.",
                            "Запрос на отключение {failed} пришёл от процесса PCP pgpool (pid {pid} в строке "
                            "`received degenerate backend request`): {failed} отключила команда `pcp_detach_node` "
                            "(код {rc})."),
    "pause_table": ("Each session's longest pause in the {phase}, from the client journals",
                    "Самая длинная пауза каждой сессии ({phase}), по журналам клиентов"),
    "pause_last": ("Last success before (UTC)", "Последний успешный запрос до паузы (UTC)"),
    "pause_first": ("First success after (UTC)", "Первый успешный запрос после (UTC)"),
    "pause_text": ("A success is a commit for a writer session and a read for a reader. The sessions' pauses "
                   "differ by at most {spread}, and they all succeeded again within {resumed} of each other: the "
                   "pause is the cluster's, not a session's. What differs between them is when each made its last "
                   "request before the fault and when its next connection attempt came after pgpool served again.",
                   "Успешный запрос\u00a0— коммит у пишущей сессии и чтение у читающей. Паузы сессий различаются "
                   "не больше чем на {spread}, а снова выполнять запросы все сессии начали в пределах {resumed} "
                   "друг от друга: пауза определяется кластером, а не отдельной сессией. Различаются же сессии "
                   "моментом последнего запроса перед сбоем и моментом, когда их очередная попытка подключения "
                   "пришлась на время после того, как pgpool снова начал обслуживать клиентов."),
    "rt_text": ("What the recovery's {wall} were spent on, from its start (pglab's event `recover-start`, after its "
    "checks "
                "of the cluster) to its end (`recovered`), by the log of its commands (the full log beside the "
                "report has each): a "
                "command was running on some host during {busy} of it; the other {idle} is pglab's own time between "
                "commands - the pauses of its polls for a state (a node streaming, pgpool seeing a node up) and "
                "starting the next command. The table sums each kind of command (pglab's name for it); commands run "
                "side by side (the nodes read in parallel) are each counted in full.",
                "Из чего сложились {wall} восстановления\u00a0— от его начала (событие pglab `recover-start`, после "
                "проверок кластера) до конца (`recovered`), по журналу его команд (каждая команда\u00a0— в "
                "полном журнале рядом с отчётом): команда на каком-либо хосте выполнялась {busy}; остальные "
                "{idle}\u00a0— собственное "
                "время pglab между командами: паузы его опросов состояния (узел ведёт потоковую репликацию, pgpool "
                "видит узел работающим) и запуск следующей команды. Таблица суммирует команды каждого вида "
                "(название команды в pglab); команды, выполнявшиеся одновременно (узлы читаются параллельно), "
                "учтены каждая полностью."),
    "rt_table": ("The recovery's commands on the hosts, by kind (the largest total first)",
                 "Команды восстановления на хостах по видам (сначала самые долгие в сумме)"),
    "rt_after": ("After its end `fab recover` spent {after} more looking at the cluster and reading the state this "
                 "report shows for the step.",
                 "После конца восстановления `fab recover` ещё {after} осматривал кластер и читал состояние, которое "
                 "отчёт показывает для этого шага."),
    "rt_other": ("the other {kinds:|kind|kinds}", "остальные виды ({kinds})"),
    "rt_step": ("Command (pglab's name)", "Команда (название в pglab)"),
    "rt_count": ("How many", "Сколько раз"),
    "rt_total": ("In all", "Всего"),
    "rt_longest": ("Longest", "Самая долгая"),
    "pause_sum_poweroff": ("The longest pause, {session}'s {pause}, ran from its last success, {rel} the "
                           "power-off, to its first success, {after} after pgpool's `failover done`, which came "
                           "{failover} after the power-off{clocks}.",
                           "Самая длинная пауза, {pause} у {session}, длилась от её последнего успешного запроса, "
                           "{rel} отключения питания, до первого успешного запроса через {after} после "
                           "`failover done` pgpool, который пришёл через {failover} после отключения питания{clocks}."),
    "pause_sum_switchover": ("The longest pause, {session}'s {pause}, ran from its last success, {rel} the "
                             "switch-back's start (pglab's event, just before it stops B), to its first success, "
                             "{after} after pgpool's `failover done`, which came {failover} after that start{clocks}.",
                             "Самая длинная пауза, {pause} у {session}, длилась от её последнего успешного запроса, "
                             "{rel} начала возврата на A (событие pglab перед остановкой B), до первого "
                             "успешного запроса через {after} после `failover done` pgpool, который пришёл через "
                             "{failover} после начала возврата{clocks}."),
    "pause_sum_login": (" Its connection attempt that got in began {began} `failover done` and ended {ended} it, "
                        "{took} in all (TCP, TLS and the login through pgpool; an attempt begun before `failover "
                        "done` waits in pgpool's listening queue until a child takes it); its first transaction "
                        "then took {tx}.",
                        " Её удавшаяся попытка подключения началась {began} `failover done` и закончилась {ended} "
                        "него, всего {took} (TCP, TLS и вход через pgpool; попытка, начатая до `failover done`, "
                        "ждёт в очереди входящих соединений pgpool, пока её не примет дочерний процесс); первая "
                        "транзакция после неё заняла {tx}."),
    "pause_readers_begin": ("A reader pauses from the power-off like the writers, even one whose read node is "
                            "{sync}: its reads run in transactions, and pgpool sends a transaction's `BEGIN` (and "
                            "`COMMIT`) to the primary as well as to the session's read node (pgpool-II's source, "
                            "`send_to_where`: transaction statements go to both), so each read first waited on the "
                            "connection to {primary}, which no longer answered, until pgpool's failover ended it.",
                            "Читающая сессия останавливается с отключением питания так же, как пишущие, даже если "
                            "её узел чтения — {sync}: её чтения идут в транзакциях, а `BEGIN` (и `COMMIT`) "
                            "транзакции pgpool отправляет и основному узлу, и узлу чтения сессии (исходный код "
                            "pgpool-II, `send_to_where`: команды управления транзакцией идут на оба), поэтому каждое "
                            "чтение сначала ждало на соединении с {primary}, который уже не отвечал, пока его не "
                            "оборвало переключение pgpool."),
    "pause_login": ("Connected: attempt began (took)", "Подключение: начало попытки (длительность)"),
    "pause_rel_before": ("{s} before", "за {s} до"),
    "pause_rel_after": ("{s} after", "через {s} после"),
    "pause_sum_clocks": (" (each part spans two clocks, with their measured offsets' error)",
                         " (каждая часть отсчитана по двум часам, с погрешностью их измеренных смещений)"),
    "pause_timeouts": ("Sessions whose pause holds a connection attempt that waited `connect_timeout` ({s} s) "
                       "for an answer that never came (the error `connection timeout expired` in table "
                       "⟦prev:errors⟧): {sessions}; those attempts began from {first} to {last} by the client's "
                       "clock. pgpool did not answer them within that time, and the session could try again only "
                       "after it{later}. {why}",
                       "Сессии, у которых в этой паузе попытка подключения прождала `connect_timeout` "
                       "({s}\u00a0с) ответа, который так и не пришёл (ошибка `connection timeout expired` в таблице "
                       "⟦prev:errors⟧): "
                       "{sessions}; эти попытки начаты с {first} до {last} по часам клиентского хоста. pgpool не "
                       "ответил на них за это время, а повторить попытку сессия могла только после него{later}. {why}"),
    "pause_why_unknown": ("Where such an attempt waited, pgpool's log at its level does not show.",
                          "Где именно ждала попытка, журнал pgpool на его уровне не показывает."),
    "pause_why_no_child": ("They began while pgpool had no child process at all: pgpool-II 4.3.5 ends every child at "
                           "`Restart all children` ({kill} by pgpool's clock) and forks new ones only once "
                           "`failover.sh` has ended and it has found the new primary (`find_primary_node`, {found}; "
                           "`failover()` in its source). Each session began its attempt within {gap} after its "
                           "connection ended with `{error}` (the client's clock), which is its child ending, and the "
                           "last attempt began {before} before the new primary was found. Until then no pgpool process "
                           "accepts a connection: the kernel completes the attempt's TCP handshake, the attempt waits "
                           "in the queue of pgpool's listening socket with its TLS request unanswered, and "
                           "`connect_timeout` ends it.",
                           "Они начаты, когда у pgpool не было ни одного дочернего процесса: pgpool-II 4.3.5 "
                           "завершает все дочерние процессы по строке `Restart all children` ({kill} по часам "
                           "pgpool) и порождает новые, только когда `failover.sh` закончился и новый основной узел "
                           "найден (`find_primary_node`, {found}; функция `failover()` в его исходном коде). Каждая "
                           "сессия начала попытку не позже чем через {gap} после того, как её соединение оборвалось с "
                           "ошибкой `{error}` (по часам клиентского хоста),\u00a0— это и есть завершение её дочернего "
                           "процесса, а последняя попытка начата за {before} до того, как найден новый основной узел. "
                           "До тех пор соединение не принимает ни один процесс pgpool: ядро завершает TCP-рукопожатие "
                           "попытки, она ждёт в очереди слушающего сокета pgpool без ответа на запрос TLS, и её "
                           "прерывает `connect_timeout`."),
    "pause_why_used_up": ("Before them the sessions' connections had ended {n:|time|times} (from {first} to {last}, "
                          "mostly `{error}`), more than pgpool's {children} children: while pgpool-II 4.3.5 handles a "
                          "failover, each child a connection reaches exits, and it forks replacements only after "
                          "`failover done`. So these attempts found no child left to accept them (the attempts "
                          "before them were accepted and ended at once): the kernel completed their TCP handshakes, "
                          "they waited in the queue of pgpool's listening socket with their TLS requests "
                          "unanswered, and `connect_timeout` ended them.",
                          "До них соединения сессий обрывались {n:|раз|раза|раз} (с {first} до {last}, чаще всего "
                          "с ошибкой `{error}`)\u00a0— больше, чем у pgpool дочерних процессов ({children}): пока "
                          "pgpool-II 4.3.5 выполняет переключение, завершается каждый дочерний процесс, к которому "
                          "приходит соединение, а замену главный процесс порождает только после `failover done`. "
                          "Поэтому эти попытки не принял ни один дочерний процесс (предыдущие принимались и сразу "
                          "обрывались): ядро завершило их TCP-рукопожатия, они ждали в очереди слушающего сокета "
                          "pgpool без ответа на запрос TLS, и их прервал `connect_timeout`."),
    "spent_children": ("During their pauses pgpool closed the sessions' connection attempts {n:|time|times}, from "
                       "{first} to {last} (the client's clock), mostly with `{error}`: a pgpool child took each and "
                       "exited, as every child does that takes a connection while the failover runs, and the main "
                       "process forks no replacement until the failover's end (pgpool-II 4.3.5, `reaper()`).",
                       "За время пауз pgpool обрывал попытки подключения сессий {n:|раз|раза|раз}, с {first} до "
                       "{last} по часам клиентского хоста, чаще всего с ошибкой `{error}`: каждую принимал "
                       "дочерний процесс pgpool и завершался, как завершается любой дочерний процесс, получивший "
                       "подключение, пока идёт переключение, а замену главный процесс до конца переключения не "
                       "порождает (pgpool-II 4.3.5, `reaper()`)."),
    "seen_during": ("pgpool's own lines on its children (pgpool's clock) show where the attempts went. While it "
                    "ran the failover, {killed}; {took}{flagged}.",
                    "Куда делись попытки, показывают собственные строки pgpool о его дочерних процессах (по часам "
                    "pgpool). Пока шло переключение, {killed}; {took}{flagged}."),
    "seen_killed_none": ("no child was killed for using {failed} (pgpool logs `child pid … needs to restart because "
                         "pool … uses backend …` for each such child, and its log has no such line){gone}",
                         "ни один дочерний процесс не был завершён из-за соединения с {failed} (для каждого такого "
                         "процесса pgpool пишет `child pid … needs to restart because pool … uses backend …`, и "
                         "таких строк в журнале нет){gone}"),
    "seen_gone": (": the {n:|child|children} that had served the sessions had exited already, reaped from {first} to "
                  "{last}, before `starting degeneration` ({start})",
                  ": дочерние процессы, обслуживавшие сессии ({n}), к тому времени уже завершились\u00a0— главный "
                  "процесс обработал их завершение с {first} до {last}, до строки `starting degeneration` ({start})"),
    "seen_killed": ("{n:|child was|children were} killed for using {failed} (`child pid … needs to restart because "
                    "pool … uses backend …`)",
                    "из-за соединения с {failed} завершено дочерних процессов: {n} (`child pid … needs to restart "
                    "because pool … uses backend …`)"),
    "seen_took": ("{n:|child|children} logged `selecting backend connection` - each had just taken a session's "
                  "attempt and logged its client in - from {first} to {last}",
                  "{n:|дочерний процесс записал|дочерних процесса записали|дочерних процессов записали} "
                  "`selecting backend connection` (каждый только что принял попытку сессии и проверил вход "
                  "клиента) с {first} до {last}"),
    "seen_took_none": ("no child logged `selecting backend connection`",
                       "ни один дочерний процесс не записал `selecting backend connection`"),
    "seen_flagged": ("; {n:|child|children} exited by the restart flag of the last attach (`failover or failback "
                     "event detected` - `restarting myself`, {when}), without a client",
                     "; {n:|дочерний процесс завершился|дочерних процесса завершились|дочерних процессов "
                     "завершились} по флагу перезапуска от последнего подключения узла (`failover or failback event "
                     "detected`\u00a0— `restarting myself`, {when}), без клиента"),
    "seen_at": ("at {at}", "в {at}"),
    "seen_from_to": ("from {first} to {last}", "с {first} до {last}"),
    "seen_reaped": ("The main process reaps no child inside `failover()`: after `failover done` ({done}) it logged "
                    "{n:|child|children} that had run before the failover as exited (`child process … exits with "
                    "status …`; in pgpool-II 4.3.5 a child given a connection while the failover runs exits, in "
                    "`pool_virtual_main_db_node_id()`) - {every}.",
                    "Внутри `failover()` главный процесс не обрабатывает завершение дочерних: после `failover done` "
                    "({done}) он записал как завершившиеся {n:|дочерний процесс, работавший|дочерних процесса, "
                    "работавших|дочерних процессов, работавших} до переключения (`child process … exits with "
                    "status …`; в pgpool-II 4.3.5 дочерний процесс, получивший подключение во время переключения, "
                    "завершается, в `pool_virtual_main_db_node_id()`),\u00a0— {every}."),
    "seen_every": ("every one of its {children} children, so before the failover's end none was left to take a "
                   "connection",
                   "это все {children:|дочерний процесс|дочерних процесса|дочерних процессов} pgpool, так что до "
                   "конца переключения принять подключение было некому"),
    "seen_not_every": ("not every one of its {children} children: the others stayed alive to take connections",
                       "это не все {children:|дочерний процесс|дочерних процесса|дочерних процессов} pgpool: "
                       "остальные оставались живы и могли принимать подключения"),
    "seen_silent_fresh": ("The remaining {n} of those 32 (besides the {took} that wrote `selecting backend "
    "connection`) wrote neither line: a child writes `selecting backend "
                          "connection` only while the restart flag of the last attach is set on it, and these had "
                          "been forked after that attach, once the flag on their slots had been used - by a "
                          "predecessor that exited by it, or by a session's child that discarded its connections "
                          "with it and exited later, when the failed node stopped.",
                          "Оставшиеся {n} из этих 32 (кроме {took}, записавших `selecting backend connection`) не "
                          "записали ни той, ни другой строки: дочерний процесс пишет "
                          "`selecting backend connection`, только пока на нём стоит флаг перезапуска от последнего "
                          "подключения узла, а эти были порождены после него, когда флаг в их ячейках уже был "
                          "израсходован\u00a0— предшественником, завершившимся по нему, или дочерним процессом "
                          "сессии, который по нему отбросил свои соединения и завершился позже, с остановкой "
                          "отказавшего узла."),
    "seen_silent": ("The other {n} wrote neither line: a child with no restart flag on it (forked after the last "
                    "attach, or having taken a client since) takes a client without a line.",
                    "Остальные ({n}) не записали ни той, ни другой строки: дочерний процесс без флага перезапуска "
                    "(порождённый после последнего подключения узла или с тех пор уже принимавший клиента) "
                    "принимает клиента без записи в журнал."),
    "seen_closed_apart": ("So {n} children exited by taking a client, where the sessions saw {closed} attempts "
                          "closed: the records do not match one to one.",
                          "Итак, {n} дочерних процессов завершились, приняв клиента, а сессии видели {closed} "
                          "оборванных попыток: записи не сходятся один к одному."),
    "seen_flagged_during": ("pgpool's own lines on its children (pgpool's clock) go on from there: while the "
                            "failover ran, {n:|child|children} exited by the restart flag of the last attach on "
                            "its slot (`failover or failback event detected` - `restarting myself`, from {first} to "
                            "{last}) - children `failover()` had forked near its end in place of those it killed "
                            "(it logs no line for those forks) - so they took no session.",
                            "Собственные строки pgpool о дочерних процессах (по часам pgpool) показывают дальнейшее: "
                            "пока шло переключение, {n:|дочерний процесс завершился|дочерних процесса "
                            "завершились|дочерних процессов завершились} по флагу перезапуска от последнего "
                            "подключения узла в своей ячейке (`failover or failback event detected`\u00a0— "
                            "`restarting myself`, с {first} до {last})\u00a0— это процессы, которые `failover()` "
                            "породил в конце на месте завершённых (об этих порождениях он строк не пишет),\u00a0— "
                            "так что сессий они не приняли."),
    "seen_after": ("After `failover done` ({done}) the main process reaped {reaped:|exited child|exited children}, "
                   "from {reaped_from}; {restarted:|line|lines} `restarting myself` followed; it forked "
                   "{forked:|child|children} in all, the last at {settled}; the first session's login through "
                   "pgpool ended at {login} (the client's clock), {gap} {way}.",
                   "После `failover done` ({done}) главный процесс обработал завершение {reaped:|дочернего "
                   "процесса|дочерних процессов|дочерних процессов}, начиная с {reaped_from}; за этим последовали "
                   "{restarted:|строка|строки|строк} `restarting myself`; всего он породил {forked:|дочерний "
                   "процесс|дочерних процесса|дочерних процессов}, последний в {settled}; вход первой сессии через "
                   "pgpool закончился в {login} по часам клиентского хоста, {way} {gap}."),
    "seen_later": ("after that fork", "после этого порождения, через"),
    "seen_earlier": ("before that fork", "до этого порождения, за"),
    "seen_apart": ("from that fork by the corrected clocks", "а от этого порождения по исправленным часам его "
                   "отделяют"),
    "seen_reconciled": ("Of the {reaped} reaped, {killed} are the children `Restart all children` killed at the "
                        "failover's start, the other {inside} those `failover()` forked near its end: {flagged} wrote "
                        "`restarting myself` before `failover done`, {restarted} after it, {silent} no line - and "
                        "each of these {inside} got a replacement, hence the {forked} forks.",
                        "Из {reaped} обработанных завершений {killed}\u00a0— дочерние процессы, завершённые строкой "
                        "`Restart all children` в начале переключения, остальные {inside}\u00a0— порождённые "
                        "`failover()` в его конце: {flagged} записали `restarting myself` до `failover done`, "
                        "{restarted}\u00a0— после, {silent}\u00a0— ни одной строки; каждому из этих {inside} "
                        "нашлась замена, отсюда {forked} порождений."),
    "seen_queue": ("So the attempts that got in, begun from {a} to {b}, were closed by no child: they waited in the "
                   "queue of pgpool's listening socket until one of the children forked after `failover done` took "
                   "them - which is why they took {took}.",
                   "Поэтому удавшиеся попытки, начатые с {a} до {b}, не оборвал ни один дочерний процесс: они ждали "
                   "в очереди слушающего сокета pgpool, пока их не принял один из процессов, порождённых после "
                   "`failover done`,\u00a0— потому они и длились {took}."),
    "span_range": ("{low} to {high}", "от {low} до {high}"),
    "spent_children_none": ("That is no fewer than pgpool's {children} children, so none was left to take a "
                            "connection: the attempts that got in, begun from {a} to {b}, were closed by none and "
                            "waited in the queue of pgpool's listening socket for the children forked at the end of "
                            "the failover - which is why they took {took}.",
                            "Это не меньше, чем у pgpool дочерних процессов ({children}), поэтому принять "
                            "подключение было некому: удавшиеся попытки, начатые с {a} до {b}, никто не оборвал, и "
                            "они ждали в очереди слушающего сокета pgpool дочерних процессов, порождённых в конце "
                            "переключения,\u00a0— потому они и длились {took}."),
    "spent_children_left": ("That is fewer than pgpool's {children} children: live ones were left, so the attempts "
                            "that got in (they took {took}) had no need to wait for new ones.",
                            "Это меньше, чем у pgpool дочерних процессов ({children}): живые процессы оставались, "
                            "и удавшимся попыткам (они длились {took}) не нужно было ждать новых."),
    "spent_children_unexplained": (
        "That is fewer than pgpool's {children} children, yet no attempt was closed after {last}, although the "
        "failover ran {quiet} longer: the attempts that got in, begun from {a} to {b}, before `failover done`, "
        "were taken by no child while it ran (a child that takes one then exits and closes it), so they waited in "
        "the queue of pgpool's listening socket for the children forked at its end - which is why they took "
        "{took}. Why no child was left to take them, the count does not show: pglab does not collect pgpool's lines "
        "on its children (`selecting backend connection`, `child process … exits`), which would.",
        "Это меньше, чем у pgpool дочерних процессов ({children}), однако после {last} ни одну попытку не "
        "оборвали, хотя переключение шло ещё {quiet}: удавшиеся попытки, начатые с {a} до {b}, до `failover "
        "done`, пока оно шло, не принял ни один дочерний процесс (принявший попытку процесс завершается и обрывает "
        "её), поэтому они ждали в очереди слушающего сокета pgpool дочерних процессов, порождённых в его конце,\u00a0"
        "— потому они и длились {took}. Почему принять их было некому, подсчёт не показывает: строки pgpool о его "
        "дочерних процессах (`selecting backend connection`, `child process … exits`), которые это показали бы, "
        "pglab не собирает."),
    "pause_timeouts_later": (" - which is why those sessions came back later than the others",
                             "\u00a0— поэтому такие сессии и вернулись позже остальных"),
    "pause_timeouts_all": (": every session waited so, so this wait is part of the pause they share",
                           ": так ждала каждая сессия, и это ожидание\u00a0— часть их общей паузы"),
    "pause_text_apart": ("A success is a commit for a writer session and a read for a reader. The sessions' pauses "
                         "differ by up to {spread}, and they succeeded again up to {resumed} apart: each came back "
                         "when one of its own connection attempts got through, so the pause depends on the session "
                         "as well as on the cluster - which is why the table gives each session's.",
                         "Успешный запрос\u00a0— коммит у пишущей сессии и чтение у читающей. Паузы сессий "
                         "различаются не более чем на {spread}, а снова выполнять запросы сессии начали с разницей "
                         "не более {resumed}: "
                         "каждая вернулась, когда прошла одна из её собственных попыток подключения, поэтому пауза "
                         "зависит не только от кластера, но и от сессии\u00a0— потому таблица и даёт паузу каждой."),
}
