#!/bin/bash
# shellcheck disable=SC2029  # the node's pglab-node gets host names expanded here, on purpose
# pgpool failover_command: %d %h %p %D %m %H %M %P %r %R %N %S
# The decisions are pglab-rules' (pglab/cluster/rules.py), from every node's facts:
# - the primary failed: promote the standby with the most WAL, never one behind a node that may
#   hold acknowledged commits (pgpool's new main node only when it holds as much), make the
#   remaining standby synchronous at once, so every commit is on two nodes, and re-point it;
# - a standby failed: if it was the synchronous one, the primary waits for the remaining standby
#   instead (flush level for C), or - none left - runs alone.
set -euo pipefail
source /etc/pglab/pglab.env
read -ra ssh_args <<<"$SSH_OPTS"  # the options, one word each
failed_id=$1 failed_host=$2 new_main_id=$5 new_main_host=$6 old_primary_id=$8 old_primary_host=${11}
log() { echo "$(date '+%F %T.%3N') failover.sh: $*" >&2; }
log "failed node $failed_id ($failed_host); old primary $old_primary_id ($old_primary_host); new main $new_main_id ($new_main_host)"
if [ "$new_main_id" -lt 0 ]; then log "no node left: nothing to promote"; exit 0; fi

facts() {  # a block per node for pglab-rules, read in parallel; a node pgpool has down counts as silent
  local tmp node i=0 status
  tmp=$(mktemp -d)
  mapfile -t status < /var/log/pgpool2/pgpool_status 2>/dev/null || status=()
  for node in $NODE_HOSTS; do
    if [ "$node" != "$failed_host" ] && [ "${status[$i]:-up}" = down ]; then
      printf 'host: %s\nunreachable: yes\n' "$node" > "$tmp/$node"
    else  # the failed host only if it answers a SYN at once (not powered off, not cut off)
      { echo "host: $node"
        { [ "$node" != "$failed_host" ] || timeout "$SYN_TIMEOUT" bash -c "</dev/tcp/$node/22" 2>/dev/null; } &&
          timeout "$FACTS_TIMEOUT" ssh "${ssh_args[@]}" "postgres@$node" /etc/pglab/bin/pglab-node facts 2>/dev/null ||
          echo "unreachable: yes"; } > "$tmp/$node" &
    fi
    i=$((i + 1))
  done
  wait
  for node in $NODE_HOSTS; do cat "$tmp/$node"; done
  rm -rf "$tmp"
}

blocks=$(facts)
if [ "$failed_id" != "$old_primary_id" ]; then
  sync=$(python3 -I -S /etc/pglab/bin/pglab-rules sync-standby "$old_primary_host" "$failed_host" <<<"$blocks")
  log "standby $failed_host failed: no promotion; if it was synchronous, the primary now waits for ${sync:-no standby}"
  ssh "${ssh_args[@]}" "postgres@$old_primary_host" /etc/pglab/bin/pglab-node drop-sync "${failed_host//-/_}" ${sync:+"$sync"} || \
    log "could not reach primary $old_primary_host to drop $failed_host as synchronous standby"
  exit 0
fi
if ! decision=$(python3 -I -S /etc/pglab/bin/pglab-rules failover "$failed_host" "$new_main_host" <<<"$blocks" 2>&1); then
  log "primary $failed_host failed: $decision"
  exit 0
fi
target=$(sed -n 's/^promote //p' <<<"$decision")
sync=$(sed -n 's/^sync //p' <<<"$decision")
log "primary $failed_host failed: promoting $target (pgpool's choice: $new_main_host); it waits for ${sync:-no standby}"
if [ -z "$sync" ]; then
  ssh "${ssh_args[@]}" "postgres@$target" /etc/pglab/bin/pglab-node promote
  log "promoted $target"
  exit 0
fi
sync_host=${sync//_/-}
# The new primary's commits wait for that standby. It is re-pointed while $target is promoted, not after:
# streaming from $target still a standby (cascading), it follows $target onto the new timeline at once,
# so neither its reconnection nor pgpool's follow child sits on the outage.
ssh "${ssh_args[@]}" "postgres@$sync_host" /etc/pglab/bin/pglab-node repoint "$target" >/dev/null &
repoint=$!
ssh "${ssh_args[@]}" "postgres@$target" /etc/pglab/bin/pglab-node promote "$sync"
log "promoted $target"
wait "$repoint" || log "$sync_host not re-pointed before the promotion: it follows $target below"
# Checked after pgpool routes writes again (in the background, so pgpool is not held up): if the standby
# does not stream from the new primary, the primary stops waiting for it and runs alone.
{
  if ssh "${ssh_args[@]}" "postgres@$sync_host" /etc/pglab/bin/pglab-node follow "$target" sync >/dev/null; then
    log "$sync_host streams from $target: commits go on, on two nodes"
  else
    log "$sync_host did not follow $target: $target stops waiting for it"
    ssh "${ssh_args[@]}" "postgres@$target" /etc/pglab/bin/pglab-node drop-sync "$sync" || true
  fi
} </dev/null &
