#!/bin/bash
# shellcheck disable=SC2029  # the node's pglab-node gets host names expanded here, on purpose
# pgpool follow_primary_command: %d %h %p %D %m %H %M %P %r %R
# Re-points a standby to the new primary (pg_rewind first) and attaches it again. A node that serves
# reads is attached only as the new primary's synchronous standby (remote_apply: no stale read); any
# other waits for fab recover. A node that is unreachable, has no running PostgreSQL or cannot follow
# is left detached for fab recover - and if the new primary waits for it (failover.sh named it
# at the promotion), the primary stops waiting: it runs alone until fab recover.
set -euo pipefail
source /etc/pglab/pglab.env
read -ra ssh_args <<<"$SSH_OPTS"  # the options, one word each
node_id=$1 node_host=$2 new_primary_id=$5 new_primary_host=$6
app=${node_host//-/_}
log() { echo "$(date '+%F %T.%3N') follow_primary.sh: $*" >&2; }
release() {  # the new primary no longer waits for this node
  ssh "${ssh_args[@]}" "postgres@$new_primary_host" /etc/pglab/bin/pglab-node drop-sync "$app" || \
    log "could not reach $new_primary_host to drop $node_host as synchronous standby"
}
if [ "$node_id" = "$new_primary_id" ]; then exit 0; fi
if ! ssh "${ssh_args[@]}" "postgres@$node_host" /etc/pglab/bin/pglab-node running; then
  log "$node_host unreachable or its PostgreSQL is down: left detached"
  release
  exit 0
fi
log "$node_host follows $new_primary_host"
if ! ssh "${ssh_args[@]}" "postgres@$node_host" /etc/pglab/bin/pglab-node follow "$new_primary_host"; then
  log "$node_host did not follow $new_primary_host (a running primary, or unreachable): left detached for fab recover"
  release
  exit 0
fi
if [[ " $READ_NODES " == *" $node_host "* ]]; then
  role=$(ssh "${ssh_args[@]}" "postgres@$new_primary_host" /etc/pglab/bin/pglab-node facts | sed -n 's/^role_file: //p')
  if [ "$role" != "primary-sync-$app" ]; then
    # Reads are balanced to it: attached now, as an asynchronous standby, it would serve stale reads.
    log "$node_host follows $new_primary_host; left detached until it is the synchronous standby (fab recover)"
    exit 0
  fi
  log "$node_host is $new_primary_host's synchronous standby (remote_apply): it may serve reads"
fi
# pgpool's main process sleeps 1 s after the failover, then restarts its PCP process, and only then forks the
# children the failover cost; an attach (a failback) requested before that is handled first, with one more
# second of sleep - sessions waited 2 s instead of 1 to reconnect. So the attach waits for the new PCP process
# (one started after pgpool's follow child, the ancestor of this script).
main=$(cat /var/run/postgresql/pgpool.pid)
started() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || echo 0; }  # start time, clock ticks since boot
pcp_pid() { ps -o pid=,args= --ppid "$main" | awk '/PCP: wait for connection/ {print $1}' || true; }
follow_child=$$
while parent=$(ps -o ppid= -p "$follow_child" | tr -d ' ') && [ -n "$parent" ] && [ "$parent" != "$main" ] &&
      [ "$parent" != 1 ]; do follow_child=$parent; done
for _ in $(seq 15); do
  pcp=$(pcp_pid)
  if [ -n "$pcp" ] && [ "$(started "$pcp")" -ge "$(started "$follow_child")" ]; then break; fi
  sleep 0.1
done
/usr/sbin/pcp_attach_node -w -h localhost -p "$PCP_PORT" -U pgpool -n "$node_id"
log "$node_host attached as node $node_id"
