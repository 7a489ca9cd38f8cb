"""Configuration rendered from the lab model: what the lab's correctness depends on."""

from __future__ import annotations

import ipaddress
import re

import pytest

from pglab.errors import ConfigError, UnknownHostError
from pglab.model import Lab, Timing, lab_from_env
from pglab.provisioning import files
from pglab.provisioning.auth import pcp_md5, scram_verifier
from pglab.state import Secrets
from pglab.templates import script as host_script

SECRETS = Secrets(passwords={r: f"pw-{r}" for r in ("postgres", "replicator", "rewinder", "pgpool", "app", "pcp")},
                  pool_key="key")


def settings(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.lstrip().startswith("#"))
    return {k.strip(): v.split("#")[0].strip().strip("'") for k, v in pairs}


def test_model_addresses_roles_and_errors():
    lab = Lab()
    assert lab.host("pg-b").address == "10.213.27.12" and lab.host("pg-b").node_id == 1
    assert lab.gateway == "10.213.27.1" and lab.host("pg-c").app_name == "pg_c"
    with pytest.raises(UnknownHostError, match="unknown host 'pg-d'"):
        lab.host("pg-d")
    with pytest.raises(ConfigError):
        Lab(subnet="10.0.0.0/30")
    assert Lab(subnet="192.168.50.0/24").host("client").address == "192.168.50.20"


def test_provider_from_environment(monkeypatch):
    monkeypatch.setenv("PGLAB_PROVIDER", "hyperv")
    with pytest.raises(ConfigError, match="unknown provider"):
        lab_from_env()
    monkeypatch.setenv("PGLAB_PROVIDER", "vagrant")
    assert lab_from_env().timing.health_check_timeout > Timing().health_check_timeout


def test_pgpool_conf_is_4_3_streaming_replication_with_failover_scripts():
    conf = settings(files.pgpool_config_files(Lab())[0].content)
    assert conf["backend_clustering_mode"] == "streaming_replication"
    assert "master_slave_mode" not in conf
    assert conf["failover_command"] == "/etc/pgpool2/failover.sh %d %h %p %D %m %H %M %P %r %R %N %S"
    # none: pgpool would detach every standby at a failover, and attaching one again ends every session
    assert conf["follow_primary_command"] == ""
    assert [conf[f"backend_hostname{i}"] for i in range(3)] == ["pg-a", "pg-b", "pg-c"]
    assert conf["backend_weight2"] == "0"  # the delayed standby serves no reads
    assert conf["enable_pool_hba"] == "on" and conf["allow_clear_text_frontend_auth"] == "off"
    assert int(conf["health_check_period"]) > 0  # the default 0 would never notice a dead host


def test_failover_script_reads_arguments_in_the_order_pgpool_passes_them():
    text = host_script("failover.sh")
    assert "failed_id=$1 failed_host=$2 new_main_id=$5 new_main_host=$6 old_primary_id=$8" in text
    assert 'if [ "$failed_id" != "$old_primary_id" ]' in text  # a standby's failure promotes nothing
    for name in ("failover.sh", "pglab-node", "pglab-node-ssh", "pglab-boot", "pglab-pgpool"):
        assert "set -euo pipefail" in host_script(name), name


def test_node_roles_sync_b_delayed_c():
    lab = Lab()
    roles_a = {f.path.rsplit("/", 1)[1]: f.content for f in files.role_files(lab, lab.host("pg-a"))}
    assert settings(roles_a["primary-sync-pg_b.conf"])["synchronous_standby_names"] == "pg_b"
    assert settings(roles_a["primary-alone.conf"])["synchronous_standby_names"] == ""
    # B serves reads: a commit waits for its replay; C replays late: a commit waits only for its flush
    assert settings(roles_a["primary-sync-pg_b.conf"])["synchronous_commit"] == "remote_apply"
    assert settings(roles_a["primary-sync-pg_c.conf"])["synchronous_commit"] == "on"
    roles_c = {f.path.rsplit("/", 1)[1]: f.content for f in files.role_files(lab, lab.host("pg-c"))}
    standby_c = settings(roles_c["standby-of-pg-a.conf"])
    assert standby_c["recovery_min_apply_delay"] == f"{lab.timing.replay_delay_s}s"
    assert standby_c["primary_slot_name"] == "pg_c" and "application_name=pg_c" in standby_c["primary_conninfo"]
    assert "password" not in standby_c["primary_conninfo"]  # it comes from a 0600 passfile
    roles_b = {f.path.rsplit("/", 1)[1]: f.content for f in files.role_files(lab, lab.host("pg-b"))}
    assert settings(roles_b["standby-of-pg-a.conf"])["recovery_min_apply_delay"] == "0s"


def test_postgresql_conf_supports_rewind_and_sync_visibility():
    conf = settings(files.cluster_config_files(Lab(), Lab().host("pg-a"))[0].content)
    assert conf["wal_log_hints"] == "on" and conf["synchronous_commit"] == "remote_apply"
    assert conf["password_encryption"] == "scram-sha-256"


def test_hba_files_have_no_trust_and_stay_in_the_lab_subnet():
    lab = Lab()
    for text in (files.pg_hba_file(lab).content, files.pgpool_config_files(lab)[1].content):
        rules = [ln.split() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        assert all(r[-1] != "trust" for r in rules)
        assert all(r[0] == "local" or r[3] in (lab.subnet, "127.0.0.1/32")
                   or ipaddress.ip_network(r[3]).subnet_of(lab.network) for r in rules)


def test_secrets_go_to_private_files_only():
    lab = Lab()
    pgpool = {f.path: f for f in files.pgpool_host_files(lab, SECRETS, "PRIVATE KEY", "")}
    assert pgpool["/var/lib/postgresql/.pcppass"].mode == 0o600
    assert pgpool["/var/lib/postgresql/.pgpoolkey"].mode == 0o600
    assert "pw-pcp" not in pgpool["/etc/pgpool2/pcp.conf"].content
    assert pcp_md5("pw-pcp") in pgpool["/etc/pgpool2/pcp.conf"].content
    assert re.fullmatch(r"localhost:9898:pgpool:pw-pcp\n", pgpool["/var/lib/postgresql/.pcppass"].content.split(
        "\n", 1)[1])


def test_scram_verifier_matches_rfc_7677_example():
    # RFC 7677's example: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    import base64
    verifier = scram_verifier("pencil", salt=base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="))
    assert verifier.startswith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$")
    assert verifier.endswith(":wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")  # ServerKey of the example
