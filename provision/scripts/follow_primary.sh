#!/bin/bash
# shellcheck disable=SC2029  # the node's pglab-node gets host names expanded here, on purpose
# pgpool follow_primary_command: %d %h %p %D %m %H %M %P %r %R
# Re-points a standby to the new primary (pg_rewind first) and attaches it again - only the one
# no read is balanced to (C); a node that serves reads waits for fab recover to make it synchronous.
# A node that is unreachable or has no running PostgreSQL is left detached for fab recover.
set -euo pipefail
source /etc/pglab/pglab.env
read -ra ssh_args <<<"$SSH_OPTS"  # the options, one word each
node_id=$1 node_host=$2 new_primary_id=$5 new_primary_host=$6
log() { echo "$(date '+%F %T.%3N') follow_primary.sh: $*" >&2; }
if [ "$node_id" = "$new_primary_id" ]; then exit 0; fi
if ! ssh "${ssh_args[@]}" "postgres@$node_host" /etc/pglab/bin/pglab-node running; then
  log "$node_host unreachable or its PostgreSQL is down: left detached"
  exit 0
fi
log "$node_host follows $new_primary_host"
if ! ssh "${ssh_args[@]}" "postgres@$node_host" /etc/pglab/bin/pglab-node follow "$new_primary_host"; then
  log "$node_host did not follow $new_primary_host (a running primary, or unreachable): left detached for fab recover"
  exit 0
fi
if [[ " $READ_NODES " == *" $node_host "* ]]; then
  # Reads are balanced to it: attached now, as an asynchronous standby, it would serve stale reads.
  log "$node_host follows $new_primary_host; left detached until it is the synchronous standby (fab recover)"
  exit 0
fi
/usr/sbin/pcp_attach_node -w -h localhost -p "$PCP_PORT" -U pgpool -n "$node_id"
log "$node_host attached as node $node_id"
