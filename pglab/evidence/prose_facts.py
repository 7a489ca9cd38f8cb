"""The words for what the run's evidence proves on its own: intervals between two clocks and their bounds, where
each node's WAL ended, why the async standby needed no rewind, how soon a standby can notice a dead primary
(English, Russian; merged into pglab/evidence/i18n.py's WORDS like prose.py)."""

from __future__ import annotations

FACTS: dict[str, tuple[str, str]] = {
    # An interval between two times read on two clocks (report.across).
    "span_bound": ("{s}\u00a0±\u00a0{bound}", "{s}\u00a0±\u00a0{bound}"),
    "span_within": ("{s}\u00a0±\u00a0{bound} (within the two clocks' error: which came first is not established)",
                    "{s}\u00a0±\u00a0{bound} (в пределах погрешности сравнения двух часов: что было раньше, не "
                    "установлено)"),
    "span_unknown": ("{s} (by two clocks whose offset this run did not measure)",
                     "{s} (по двум разным часам, расхождение которых в этой записи не измерено)"),
    "log_clocks_note": (" Each time is read on the clock of the host in its row; the rows are sorted by those "
                        "times corrected for each host's measured clock offset (see “Where the run happened”), so "
                        "the time column may step back between hosts, and rows of different hosts closer together "
                        "than the offsets' error may still be in either order.",
                        " Время в каждой строке\u00a0— по часам хоста этой строки; строки упорядочены по этим "
                        "временам, исправленным на измеренное смещение часов каждого хоста (см. «Где выполнялась "
                        "работа»), поэтому время в столбце может между хостами идти назад, а строки разных хостов, "
                        "которые ближе друг к другу, чем погрешность смещений, всё равно могли идти в другом "
                        "порядке."),
    "env_offsets": ("pglab measured each host's clock against the control machine's {when}. Each reading takes the "
                    "host's `date` over SSH between two readings of the control machine's clock; its error is half "
                    "that round trip. With several readings, the offset is the middle of the range they span, and the "
                    "error covers all of them: a clock that drifted steadily, or was set again at boot, stays within "
                    "it. The offsets (the host's clock minus the control machine's: a negative one is a host's clock "
                    "behind): {offsets}. Each interval in this report between a time of pglab's (the power-off, a "
                    "snapshot, the start of the rejoin) and a host's log line is corrected by these offsets and "
                    "given with that error.",
                    "pglab измерил часы каждого хоста относительно часов управляющей машины {when}. Каждый отсчёт "
                    "берёт `date` хоста по SSH между двумя отсчётами часов управляющей машины; его погрешность\u00a0— "
                    "половина этого времени. При нескольких отсчётах смещение\u00a0— середина охваченного ими "
                    "диапазона, а погрешность покрывает их все: часы, которые равномерно уходили или были заново "
                    "выставлены при загрузке, остаются в её пределах. Смещения (часы хоста минус часы управляющей "
                    "машины: у отрицательного часы хоста отстают): {offsets}. Каждый интервал в отчёте между "
                    "временем pglab (отключение питания, снимок, начало повторного подключения) и строкой "
                    "журнала хоста исправлен на эти смещения и дан с этой погрешностью."),
    "env_offset": ("{host} {offset}\u00a0±\u00a0{bound}", "{host} {offset}\u00a0±\u00a0{bound}"),
    "env_offsets_when_end": ("at the end of the run", "в конце работы"),
    "env_offsets_when_three": ("once the hosts were up, after A's power-on and at the end of the run",
                               "после запуска хостов, после включения A и в конце работы"),
    "env_no_offsets": ("pglab's own times (power-off, snapshots, the start of the rejoin) are read on the control "
                       "machine's clock, and this run did not measure its offset from the VMs' clocks: an interval "
                       "between one of them and a host's log line is marked as such and may be off by that offset.",
                       "Собственные времена pglab (отключение питания, снимки, начало повторного подключения) "
                       "взяты по часам управляющей машины, а их расхождение с часами виртуальных машин в этой записи "
                       "не измерено: интервал между таким временем и строкой журнала хоста помечен и может "
                       "отличаться на это расхождение."),
    "env_domain": ("; libvirt domain type `{kind}`: {meaning}; the VMs run on the control machine itself (libvirt "
                   "`qemu:///system`)",
                   "; тип домена libvirt\u00a0— `{kind}`: {meaning}; виртуальные машины работают на самой управляющей "
                   "машине (libvirt `qemu:///system`)"),
    "domain_qemu": ("QEMU emulates the guest CPU in software (TCG), without KVM",
                    "QEMU программно эмулирует процессор гостевой системы (TCG), без KVM"),
    "domain_kvm": ("QEMU runs the guest CPU with hardware virtualisation (KVM)",
                   "QEMU выполняет процессор гостевой системы с аппаратной виртуализацией (KVM)"),
    "env_sizes": ("Size of each host (as each host reports it)", "Ресурсы каждого хоста (по данным самого хоста)"),
    "env_size": ("{host}: {cpus:|vCPU|vCPUs}, {memory} MB of memory, a {disk} GB disk",
                 "{host}: {cpus:|процессор|процессора|процессоров}, память {memory}\u00a0МБ, диск {disk}\u00a0ГБ"),
    "env_virt": ("What the guest sees (`systemd-detect-virt` on each host)",
                 "Что видит гостевая система (`systemd-detect-virt` на каждом хосте)"),
    "not_recorded": ("not recorded in this run", "в этой работе не измерено"),
    # Where the rewound node's WAL ended against the promoted node's replay (rejoin.wal_ends).
    "wal_ends_same": (
        "**What the two logs show.** {host}'s crash recovery replayed its WAL up to the record that starts at `{last}` "
        "(`redo done at`); the next position, `{end}`, holds no record (`invalid record length`): there {host}'s "
        "WAL ends. {source}, promoted at the failover, had replayed up to the record that starts at `{source_last}` "
        "(its own `redo done at` among the failover's log lines): the same record, so {source} had every record "
        "{host} had written. The divergence point `{fork}` is the end of that record, where {source} started its "
        "new timeline. The only WAL {host} holds past it is what the crash recovery pg_rewind ran wrote there "
        "itself: its end-of-recovery checkpoint and the shutdown checkpoint - which is why pg_rewind has anything "
        "to rewind at all. `remote_apply` is what guarantees this for commits: {host} acknowledges a commit only "
        "after {source} has replayed it, so no acknowledged commit can be on {host} alone; records {source} lacked "
        "could only have belonged to commits still waiting, whose outcome no client had been told.",
        "**Что показывают оба журнала.** При восстановлении после сбоя {host} применил свой WAL до записи, которая "
        "начинается в `{last}` (`redo done at`); в следующей позиции, `{end}`, записи уже нет (`invalid record "
        "length`): здесь WAL {host} кончается. {source} при повышении применил WAL до записи, которая начинается "
        "в `{source_last}` (его собственная строка `redo done at` в журналах переключения),\u00a0— это та же "
        "запись, то есть у {source} была каждая запись, которую записал {host}. Точка расхождения `{fork}`\u00a0— "
        "конец этой записи: с неё {source} начал новую линию времени. После неё в WAL {host} есть только то, что "
        "записало само восстановление, выполненное pg_rewind: контрольная точка в конце восстановления и "
        "контрольная точка при остановке,\u00a0— именно поэтому pg_rewind вообще находит, что перематывать. Для "
        "коммитов это гарантирует `remote_apply`: {host} подтверждает коммит только после того, как {source} его "
        "применил, поэтому подтверждённого коммита, который есть только на {host}, быть не может; записи, которых "
        "у {source} нет, могли бы принадлежать лишь коммитам, ещё ждавшим подтверждения, исход которых клиентам "
        "не сообщался."),
    "wal_ends_behind": (
        "**What the two logs show.** {host}'s crash recovery replayed its WAL up to the record that starts at `{last}` "
        "(`redo done at`); at `{end}` its WAL ends (`invalid record length`). {source}, promoted at the failover, "
        "had replayed only up to the record that starts at `{source_last}` (its own `redo done at`): {host}'s "
        "records after it never reached {source}, and pg_rewind discards them, with the checkpoints its own "
        "crash recovery wrote. `remote_apply` guarantees that none of them is an acknowledged commit: {host} "
        "acknowledges a commit only after {source} has replayed it; they could only have belonged to commits still "
        "waiting, whose outcome no client had been told (such commits are looked up at the end).",
        "**Что показывают оба журнала.** При восстановлении после сбоя {host} применил свой WAL до записи, которая "
        "начинается в `{last}` (`redo done at`); в позиции `{end}` WAL кончается (`invalid record length`). "
        "{source} при повышении применил WAL только до записи, которая начинается в `{source_last}` (его строка "
        "`redo done at`): следующие записи {host} до {source} не дошли, и pg_rewind отбрасывает их вместе с "
        "контрольными точками, которые записало его собственное восстановление. `remote_apply` гарантирует, что "
        "среди них нет подтверждённого коммита: {host} подтверждает коммит только после того, как {source} его "
        "применил; эти записи могли принадлежать лишь коммитам, ещё ждавшим подтверждения, исход которых клиентам "
        "не сообщался (такие коммиты проверяются в конце)."),
    "checkpoint_known_up": (
        "That checkpoint lies {size} of WAL before the divergence and was written no later than {clock} UTC by "
        "{host}'s clock: the crash recovery above says `last known up at` that time, the last update of {host}'s "
        "control file, which every checkpoint updates. So the rewound interval starts there, not at the failure.",
        "Эта контрольная точка отстоит от точки расхождения на {size} WAL и записана не позже {clock} UTC "
        "по часам {host}: восстановление выше сообщает `last known up at` с этим временем\u00a0— время последнего "
        "обновления управляющего файла {host}, а каждая контрольная точка его обновляет. Поэтому откатываемый "
        "интервал начинается с неё, а не с момента сбоя."),
    # Why the asynchronous standby needed no rewind (rejoin.timeline_switches).
    "c_no_rewind": (
        "**Why {host} needed no rewind.** A primary sends a standby only WAL it has flushed, so {host} received "
        "nothing past the end of {primary}'s WAL, `{end}`; the timelines fork at `{fork}`, and WAL past the fork "
        "does {host} no harm unless it replays it. {snapshot}; its own log says the rest: "
        "{lines}. PostgreSQL switches a standby to a new timeline only if its replay has not passed the point where "
        "that timeline forks off; otherwise it logs `new timeline … forked off current database system timeline … "
        "before current recovery point …` and stays. So each time {host}'s replay was at or before the fork point.",
        "**Почему {host} не понадобился pg_rewind.** Основной узел передаёт резервному только WAL, который уже "
        "записал на "
        "диск, поэтому {host} не мог получить ничего дальше конца WAL {primary}, `{end}`; линии времени "
        "расходятся в `{fork}`, и WAL после этой точки не мешает {host}, пока он его не применил. {snapshot}; "
        "остальное показывает его собственный журнал: {lines}. PostgreSQL "
        "переводит резервный узел на новую линию времени, только если тот применил WAL не дальше точки, где эта "
        "линия ответвляется; иначе он пишет в журнал `new timeline … forked off current database system timeline "
        "… before current recovery point …` и остаётся на старой линии. Значит, каждый раз {host} применил WAL не "
        "дальше точки ветвления."),
    "c_snap_after": ("No snapshot recorded {host}'s position at that moment (step 2.2's was taken when {host} was "
                     "already on timeline {timeline})",
                     "Позиция {host} в этот момент ни в одном снимке не записана (снимок шага 2.2 сделан, когда "
                     "{host} был уже на линии времени {timeline})"),
    "c_snap_before": ("Step 2.2's snapshot, read from when pgpool had detached A, shows {host} at `{lsn}` on "
                      "timeline 1",
                      "Снимок шага 2.2, прочитанный с момента, когда pgpool отключил A, показывает {host} в позиции "
                      "`{lsn}` "
                      "на линии "
                      "времени 1"),
    "c_snap_facts": ("`failover.sh` read {host}'s `wal_end` fact for its decision as `{lsn}` on timeline {timeline} "
                     "({clock}, pgpool's clock)",
                     "`failover.sh` для своего решения прочитал у {host} `wal_end` = `{lsn}` на линии времени "
                     "{timeline} ({clock} по часам pgpool)"),
    "c_snap_none": ("No snapshot recorded {host}'s position at that moment",
                    "Позиция {host} в этот момент ни в одном снимке не записана"),
    "c_switch": ("`new target timeline is {timeline}` at {clock} UTC",
                 "`new target timeline is {timeline}` в {clock} UTC"),
    # How soon the synchronous standby could notice its primary gone (report.detection_bound).
    "stream_lost": (
        "The standbys logged the loss of their WAL stream ({lost} after the power cut; the log lines above). A "
        "powered-off host sends no `FIN` or `RST`, so only a standby's own timeouts end that connection: "
        "`primary_conninfo` sets `keepalives_idle={idle}`, `keepalives_interval={interval}`, "
        "`keepalives_count={count}` "
        "and `tcp_user_timeout={user_ms}`; keepalives alone would give up after {idle} + {count} × {interval} = "
        "{keepalive} s of silence, but with `tcp_user_timeout` set Linux ends the connection only when {user} have "
        "passed without an answer (`TCP_USER_TIMEOUT` overrides the keepalive count, see `man 7 tcp`) - which is "
        "when the lines came. The failover does not wait for it: `failover.sh` re-points the standbys itself.",
        "Резервные узлы записали в журнал потерю потока WAL ({lost} после отключения питания; строки журналов "
        "выше). Обесточенный хост не посылает ни `FIN`, ни `RST`, поэтому это соединение закрывает только "
        "собственный тайм-аут резервного узла: в `primary_conninfo` заданы `keepalives_idle={idle}`, "
        "`keepalives_interval={interval}`, `keepalives_count={count}` и `tcp_user_timeout={user_ms}`; одни проверки "
        "`keepalive` прекратили бы ожидание через {idle} + {count} × {interval} = {keepalive}\u00a0с тишины, но при "
        "заданном `tcp_user_timeout` Linux закрывает соединение, только когда без ответа прошло {user} "
        "(`TCP_USER_TIMEOUT` заменяет число проверок `keepalive`, см. `man 7 tcp`),\u00a0— тогда строки и "
        "появились. Переключение этого не ждёт: `failover.sh` сам перенаправляет резервные узлы."),
    "stream_lost_early": ("A figure under {user} fits only within the error given with it (it holds the power-off "
                          "command's window and the clocks' offsets): the power went off early in that window, or "
                          "the offsets account for "
                          "the rest.",
                          "Значение меньше {user} согласуется с этим лишь в пределах указанной погрешности (в неё "
                          "входят время, которое заняла команда отключения питания, и смещения часов): питание "
                          "пропало в начале этого промежутка, или остальное объясняют смещения часов."),
    "stream_lost_at": ("{host} {after}", "{host}\u00a0— через {after}"),
    "silent_keepalive": (
        "{host} logged no loss of its primary before its promotion. A powered-off host sends no `FIN` or `RST`, so "
        "only {host}'s own timeouts can end its WAL receiver's connection. Its "
        "`primary_conninfo` sets `keepalives_idle={idle}`, `keepalives_interval={interval}`, "
        "`keepalives_count={count}` and `tcp_user_timeout={user_ms}`: keepalives alone would give up after "
        "{idle} + {count} × {interval} = {keepalive} s of silence, but with `tcp_user_timeout` set Linux ends the "
        "connection only when {user} have passed without an answer (`TCP_USER_TIMEOUT` overrides the keepalive "
        "count, see `man 7 tcp`), whether it was idle or had data unacknowledged; `wal_receiver_timeout` ({timeout}) "
        "comes later still. So {host} could notice no earlier than about {notice} after the last packet from the "
        "primary, and it was promoted {after} after the power cut. Where these two are close, whether {host} logs "
        "the loss first is a race: the promote request ends its WAL receiver, which then logs no loss (a standby "
        "whose timeout came first logs `Connection timed out`, as the log table shows where it happened).",
        "В журнале {host} до повышения нет сообщения о потере основного узла. Обесточенный "
        "хост не посылает ни `FIN`, ни `RST`, поэтому соединение приёмника WAL на {host} может закрыть только его "
        "собственный тайм-аут. В его `primary_conninfo` заданы `keepalives_idle={idle}`, "
        "`keepalives_interval={interval}`, `keepalives_count={count}` и `tcp_user_timeout={user_ms}`: одни проверки "
        "`keepalive` прекратили бы ожидание через {idle} + {count} × {interval} = {keepalive}\u00a0с тишины, но при "
        "заданном `tcp_user_timeout` Linux закрывает соединение, только когда без ответа прошло {user} "
        "(`TCP_USER_TIMEOUT` заменяет число проверок `keepalive`, см. `man 7 tcp`), простаивало ли соединение или "
        "ждало "
        "подтверждения данных; `wal_receiver_timeout` ({timeout}) наступает ещё позже. Значит, {host} мог заметить "
        "потерю не раньше чем примерно через {notice} после последнего пакета основного узла, а повышен он через "
        "{after} после отключения питания. Когда эти моменты близки, успеет ли {host} записать потерю,\u00a0— "
        "вопрос гонки: запрос на повышение завершает его приёмник WAL, и тот о потере уже не пишет (резервный "
        "узел, чей тайм-аут наступил раньше, пишет `Connection timed out`, что и видно в таблице журналов, где так "
        "случилось)."),
    "rates_note": (
        "`--rate {rate}` is each session's ceiling (transactions per second): a session sends its next transaction "
        "only after the previous one was answered, so when a transaction takes longer than 1/{rate} s the session "
        "runs slower. Here a writer session, from its first commit on, made {per_writer} per second (the median of "
        "the {writers}), about {ms} per "
        "transaction (a transfer, committed only after B replayed it, and the read-back of its row, each through "
        "pgpool); the later steps' rates change with what a commit waits for and with the outages inside them.",
        "`--rate {rate}`\u00a0— верхний предел для каждой сессии (транзакций в секунду): сессия отправляет "
        "следующую транзакцию только после ответа на предыдущую, поэтому, когда транзакция длится дольше 1/{rate}"
        "\u00a0с, сессия работает медленнее. Здесь пишущая сессия с её первого коммита делала {per_writer} "
        "транзакции в секунду (медиана по пишущим сессиям), около {ms} на транзакцию "
        "(перевод, подтверждённый только после применения на B, и "
        "чтение его строки обратно, каждое через pgpool); в следующих шагах скорость меняется вместе с тем, чего "
        "ждёт коммит, и с отказами внутри шагов."),
    "probe_again_read_local": (
        " Each figure is when a look on the node (one `psql` over SSH, timed from the commit's acknowledgement) first "
        "saw the row, so it is a bound from above: on {sync} the row is there at the acknowledgement itself "
        "(`remote_apply`), and {b} is the look's own time; on {lagging} it is the {delay} s delay plus the looks. The "
        "commit's wait in SyncRep is not repeated here: the demonstration of stage 1 shows it.",
        " Каждое число — момент, когда чтение на узле (один вызов `psql` по SSH, отсчёт от подтверждения "
        "коммита) впервые увидело строку, то есть оценка сверху: на {sync} строка есть уже в момент подтверждения "
        "(`remote_apply`), а {b}\u00a0— время самого чтения; на {lagging} это задержка {delay}\u00a0с плюс время "
        "чтений. Ожидание коммита в `SyncRep` здесь не повторялось: его показывает демонстрация этапа 1."),
    "probe_again_read": (
        " Each figure is when a look on the node (one `psql` over SSH, timed from the commit's acknowledgement) first "
        "saw the row, so it is a bound from above: on {sync} the row is there at the acknowledgement itself "
        "(`remote_apply`), and {b} is the look's own time on these hosts; on {lagging} it is the {delay} s delay, "
        "shortened by the skew of the two hosts' clocks, plus the looks. The commit's wait in SyncRep is not "
        "repeated here: the demonstration of stage 1 shows it.",
        " Каждое число\u00a0— момент, когда чтение на узле (один вызов `psql` по SSH, отсчёт от подтверждения "
        "коммита) впервые увидело строку, то есть оценка сверху: на {sync} строка есть уже в момент подтверждения "
        "(`remote_apply`), а {b}\u00a0— время самого чтения на этих хостах; на {lagging} это задержка {delay}\u00a0с, "
        "сокращённая на расхождение часов двух хостов, плюс время чтений. Ожидание коммита в `SyncRep` здесь не "
        "повторялось: его показывает демонстрация этапа 1."),
}
