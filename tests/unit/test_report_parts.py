"""Pieces of the report that need no lab: secret masking, pgpool's essential lines, the title page."""

from __future__ import annotations

import pytest

from pglab.errors import ConfigError
from pglab.evidence import titlepage
from pglab.evidence.configuration import MASK, essential_pgpool, mask, without_comments
from pglab.evidence.plot import windows


def test_mask_hides_known_secrets_and_password_values():
    text = ("primary_conninfo = 'host=pg-a user=replicator password=s3cret-1 application_name=pg_b'\n"
            "health_check_password = ''\nsr_check_password = 'plain'\n# token abcdef0123 in a comment\n")
    masked = mask(text, ["abcdef0123"])
    assert "s3cret-1" not in masked and "plain" not in masked and "abcdef0123" not in masked
    assert f"password={MASK}" in masked and "health_check_password = ''" in masked
    assert "application_name=pg_b" in masked


def test_essential_pgpool_keeps_backends_health_checks_and_failover():
    conf = ("# comment\nbackend_hostname0 = 'pg-a'\nnum_init_children = 32\nlog_line_prefix = '%m'\n"
            "health_check_period = 1\nfailover_command = '/etc/pgpool2/failover.sh %d'\n\n"
            "follow_primary_command = 'x'\nmemory_cache_enabled = off\n")
    kept = essential_pgpool(conf).splitlines()
    assert kept == ["backend_hostname0 = 'pg-a'", "num_init_children = 32", "health_check_period = 1",
                    "failover_command = '/etc/pgpool2/failover.sh %d'", "follow_primary_command = 'x'"]
    assert without_comments("# a\n\nlocal all all peer\n") == "local all all peer"


def test_title_page_fields(tmp_path):
    path = tmp_path / "report.toml"
    path.write_text('university = "U"\nauthors = ["A", "B"]\nlab_number = 4\n')
    fields = titlepage.load(path)
    assert fields["university"] == "U" and fields["authors"] == "A, B" and fields["lab_number"] == "4"
    assert fields["teacher"] == "" and set(fields) == set(titlepage.FIELDS)


def test_title_page_errors_are_one_clear_line(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        titlepage.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('universty = "typo"\n')
    with pytest.raises(ConfigError, match="unknown field.*universty"):
        titlepage.load(bad)


def test_timeline_windows_need_both_ends():
    events = [{"event": "poweroff", "ts": 10.0}, {"event": "failover-done", "ts": 13.0},
              {"event": "poweron", "ts": 20.0}, {"event": "recover-start", "ts": 25.0}]
    found = {w[0]: (w[1], w[2]) for w in windows(events)}
    assert found == {"win_off": (10.0, 20.0), "win_failover": (10.0, 13.0)}


def test_recover_time_counts_parallel_commands_once_and_groups_by_step():
    from pglab.evidence import recover_time
    from pglab.evidence.records import Evidence
    ev = Evidence(stages=[], events=[{"ts": 100.0, "event": "recover-start"}, {"ts": 200.0, "event": "recovered"}],
                  commands=[{"ts": 110.0, "seconds": 10.0, "step": "rejoin pg-a"},
                            {"ts": 112.0, "seconds": 4.0, "step": "probe node"},  # 108-112: inside the rejoin
                            {"ts": 130.0, "seconds": 5.0, "step": "probe node"},
                            {"ts": 99.0, "seconds": 1.0, "step": "probe node"}])  # before the recovery
    found = recover_time.of(ev)
    assert found.wall_s == 100.0 and found.busy_s == 17.0 and found.idle_s == 83.0
    assert [(s.step, s.count, s.total_s, s.longest_s) for s in found.steps] == [
        ("rejoin pg-a", 1, 10.0, 10.0), ("probe node", 2, 9.0, 5.0)]
    assert recover_time.union_seconds([(0, 2), (1, 3), (5, 6)]) == 4 and found.after_s is None
    ev.stages.append({"key": "recover", "start": 90.0, "end": 230.0})
    assert recover_time.of(ev).after_s == 30.0
