#!/bin/bash
# shellcheck disable=SC2029  # the node's pglab-node gets host names expanded here, on purpose
# pgpool failover_command: %d %h %p %D %m %H %M %P %r %R %N %S
# Promotes the new main node only when the failed node was the primary. When a standby
# fails, nothing is promoted; if it was the synchronous one, the primary stops waiting for it.
set -euo pipefail
source /etc/pglab/pglab.env
read -ra ssh_args <<<"$SSH_OPTS"  # the options, one word each
failed_id=$1 failed_host=$2 new_main_id=$5 new_main_host=$6 old_primary_id=$8 old_primary_host=${11}
log() { echo "$(date '+%F %T.%3N') failover.sh: $*" >&2; }
log "failed node $failed_id ($failed_host); old primary $old_primary_id ($old_primary_host); new main $new_main_id ($new_main_host)"
if [ "$new_main_id" -lt 0 ]; then log "no node left: nothing to promote"; exit 0; fi
if [ "$failed_id" != "$old_primary_id" ]; then
  log "standby $failed_host failed: no promotion"
  ssh "${ssh_args[@]}" "postgres@$old_primary_host" /etc/pglab/bin/pglab-node drop-sync "${failed_host//-/_}" || \
    log "could not reach primary $old_primary_host to drop $failed_host as synchronous standby"
  exit 0
fi
log "primary $failed_host failed: promoting $new_main_host"
ssh "${ssh_args[@]}" "postgres@$new_main_host" /etc/pglab/bin/pglab-node promote
log "promoted $new_main_host"
