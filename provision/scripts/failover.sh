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
exec 3>&2  # the log's own descriptor: `$(rules ... 2>&1)` captures pglab-rules' errors, not the facts' log lines
log() {  # no process started per line (date costs ~0.1 s on an emulated CPU)
  local now=$EPOCHREALTIME
  printf '%(%F %T)T.%.3s failover.sh: %s\n' "${now%.*}" "${now#*.}" "$*" >&3
}
log "failed node $failed_id ($failed_host); old primary $old_primary_id ($old_primary_host); new main $new_main_id ($new_main_host)"
if [ "$new_main_id" -lt 0 ]; then log "no node left: nothing to promote"; exit 0; fi
mapfile -t status < /var/log/pgpool2/pgpool_status 2>/dev/null || status=()  # up|down per node, in NODE_HOSTS order
node_id() {  # pgpool's id of node $1: its place in NODE_HOSTS
  local id=0 node
  for node in $NODE_HOSTS; do [ "$node" = "$1" ] && break; id=$((id + 1)); done
  echo "$id"
}
pool_down() { [ "${status[$(node_id "$1")]:-up}" = down ]; }  # pgpool had node $1 down before this failover
on_node() {  # pglab-node VERB [ARG] on node $1, over pgpool's SSH key (its forced command runs only these)
  local host=$1
  shift
  ssh "${ssh_args[@]}" "postgres@$host" /etc/pglab/bin/pglab-node "$@"
}

weighed() {  # the facts of block $1 that pglab-rules weighs, as `key=value` words in $said (built-ins only)
  local key re
  said=""
  for key in unreachable unread running standby_signal cluster_state wal_timeline wal_end; do
    re="(^|"$'\n'")$key: ([^"$'\n'"]*)"
    if [[ $1 =~ $re ]]; then said+=" $key=${BASH_REMATCH[2]// /_}"; fi
  done
}
syn_answered() {  # $1's SSH port answers a SYN within SYN_TIMEOUT: a fork of this shell connects and a built-in
  # read waits - no program is started, whose start-up on a busy emulated CPU ate the wait (a live host went unread)
  local answer=""
  read -rt "$SYN_TIMEOUT" answer < <({ exec 3<>"/dev/tcp/$1/22"; } 2>/dev/null && echo yes) || true
  kill "$!" 2>/dev/null || true  # a powered-off host's connect would hang on until TCP gives up
  [ "$answer" = yes ]
}
facts_dir=$(mktemp -d)  # a block per node, kept for a second read of the nodes the first could not read
trap 'rm -rf "$facts_dir"' EXIT
read_facts() {  # node $1's block into $facts_dir/$1: `pglab-node facts $2` within $3 seconds, else unreachable
  local node=$1 how=$2 wait=$3 start=$EPOCHREALTIME block
  if [ "$node" = "$failed_host" ] && ! syn_answered "$node"; then  # the failed host only if it answers a SYN
    block=$'unreachable: yes\nunread: no_syn_answer'  # unread: why (the report shows it; rules ignore it)
  elif ! block=$(timeout "$wait" ssh "${ssh_args[@]}" "postgres@$node" /etc/pglab/bin/pglab-node facts ${how:+"$how"} 2>/dev/null); then
    block=$'unreachable: yes\nunread: ssh_failed'
  fi
  printf 'host: %s\n%s\n' "$node" "$block" > "$facts_dir/$node"
  weighed "$block"
  log "facts of $node read in $(( (${EPOCHREALTIME/./} - ${start/./}) / 1000 )) ms:$said"
}
ssh_failed() { [[ $(< "$facts_dir/$1") == *"unread: ssh_failed"* ]]; }  # node $1's last read failed over SSH
facts() {  # every node's block for pglab-rules, read in parallel ($1 quick: see below); a node pgpool has down
  # counts as silent. $2 again: only the nodes whose last read failed over SSH, each given 3 x FACTS_TIMEOUT - a
  # node slower than FACTS_TIMEOUT on a busy machine is not taken for a lost one. `pglab-node facts quick` runs no
  # query where a WAL process title gives the position (the rule reads no upstream at the primary's loss).
  local node how=${1:-} again=${2:-}
  for node in $NODE_HOSTS; do
    if [ -n "$again" ]; then
      if ssh_failed "$node"; then read_facts "$node" "$how" $((FACTS_TIMEOUT * 3)) & fi
    elif [ "$node" != "$failed_host" ] && pool_down "$node"; then
      printf 'host: %s\nunreachable: yes\n' "$node" > "$facts_dir/$node"
    else
      read_facts "$node" "$how" "$FACTS_TIMEOUT" &
    fi
  done
  wait
  for node in $NODE_HOSTS; do cat "$facts_dir/$node"; done
}
# pglab-rules reads the facts on stdin: Python starts (seconds under emulation) while the facts are read
rules() {  # $1 again: decide from a second read of the nodes the first read could not (see facts)
  local how="" again=""
  if [ "$1" = again ]; then again=yes; shift; fi
  if [ "$1" = failover ]; then how=quick; fi
  python3 -I -S /etc/pglab/bin/pglab-rules "$@" < <(facts "$how" "$again")
}

if [ "$failed_id" != "$old_primary_id" ]; then
  sync=$(rules sync-standby "$old_primary_host" "$failed_host")
  log "standby $failed_host failed: no promotion; if it was synchronous, the primary now waits for ${sync:-no standby}"
  on_node "$old_primary_host" drop-sync "${failed_host//-/_}" ${sync:+"$sync"} || \
    log "could not reach primary $old_primary_host to drop $failed_host as synchronous standby"
  exit 0
fi
if ! decision=$(rules failover "$failed_host" "$new_main_host" 2>&1); then
  slow=""
  for node in $NODE_HOSTS; do if ssh_failed "$node"; then slow+=" $node"; fi; done
  if [ -z "$slow" ]; then log "primary $failed_host failed: $decision"; exit 0; fi
  log "no decision yet: $decision; reading again the nodes whose facts did not come over SSH:$slow"
  if ! decision=$(rules again failover "$failed_host" "$new_main_host" 2>&1); then
    log "primary $failed_host failed: $decision"
    exit 0
  fi
fi
target=$(sed -n 's/^promote //p' <<<"$decision")
sync=$(sed -n 's/^sync //p' <<<"$decision")
sync_host=${sync//_/-}
log "primary $failed_host failed: promoting $target (pgpool's choice: $new_main_host); it waits for ${sync:-no standby}"

detach() {  # pgpool stops routing to node $1 (retried: the PCP process restarts at the end of a failover)
  for _ in $(seq 20); do
    /usr/sbin/pcp_detach_node -w -h localhost -p "$PCP_PORT" -U pgpool -n "$(node_id "$1")" >/dev/null 2>&1 &&
      { log "$1 detached: $2 (fab recover rejoins it)"; return; }
    sleep 0.5
  done
  log "could not detach $1 ($2)"
}
follow_or_detach() {  # a standby pgpool keeps attached streams from $target, or is detached
  if on_node "$1" follow "$target" ${2:+"$2"} >/dev/null; then
    log "$1 streams from $target${2:+: commits go on, on two nodes}"
    return
  fi
  if [ -n "${2:-}" ]; then
    on_node "$target" drop-sync "$sync" || true
  fi
  detach "$1" "it did not follow $target${2:+, which stops waiting for it}"
}

# The new primary's commits wait for that standby. It is re-pointed while $target is promoted, not after:
# streaming from $target still a standby (cascading), it follows $target onto the new timeline at once.
if [ -n "$sync" ]; then
  on_node "$sync_host" repoint "$target" >/dev/null &
  repoint=$!
fi
on_node "$target" promote ${sync:+"$sync"}
log "promoted $target"
# pgpool detaches no standby (no follow_primary_command): each it has up is checked in the background, so pgpool
# finds the new primary and forks its children meanwhile. One that does not stream from the new primary is
# detached (and no longer waited for); a node that serves reads and is not the new primary's synchronous standby
# is detached at once: as an asynchronous standby it would serve stale reads.
for node in $NODE_HOSTS; do
  if [ "$node" != "$failed_host" ] && [ "$node" != "$target" ] && ! pool_down "$node"; then
    if [ "$node" = "$sync_host" ]; then
      { while kill -0 "$repoint" 2>/dev/null; do sleep 0.05; done; follow_or_detach "$node" sync; } </dev/null &
    elif [[ " $READ_NODES " == *" $node "* ]]; then
      detach "$node" "it serves reads and $target does not wait for it" </dev/null &
    else
      follow_or_detach "$node" </dev/null &
    fi
  fi
done
