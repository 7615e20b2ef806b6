#!/usr/bin/env bash
# TESTING.md T2: 4 validators and 1 follower, real processes on loopback, under a steady load of
# 3 clients (each sends to every healthy node in turn and waits for the commit). One fault after the
# other, each checked: the other validators keep committing during it, and the node catches up
# with the same blocks after it.
#   (a) kill -9 the follower, restart it 3 s later;
#   (b) kill -9 the validator proposing the current round, restart it 3 s later;
#   (c) SIGSTOP a validator for 4 s (several timeouts), SIGCONT;
#   (d) cut a validator off its peers (SIGUSR1) for 4 s: it commits nothing meanwhile; heal it
#       (SIGUSR2).
# At the end: every acknowledged transaction is on all 5 nodes exactly once, at the height and
# in the block it was acknowledged in; all nodes have the same blocks and state roots.
set -euo pipefail
CLI="$1"
source "$(dirname "$0")/cluster_lib.sh"

init_loopback_network
start_all
log "5 nodes up (${API[*]})"
start_load maker analytics connectivity
expect_progress 30 3 "warm-up" 0 1 2 3 4
log "load running: height $(height 0), $(acked_count) acknowledged"

isolate() {  # <node>: SIGUSR1, then wait until it reports being isolated
  kill -USR1 "${NODE_PID[$1]}"
  for _ in $(seq 1 50); do
    [ "$(field "$(q "$1" status)" isolated)" = true ] && return 0
    sleep 0.1
  done
  fail "${NAMES[$1]} does not report isolated"
}

# (a) The follower.
single_fault "$FOLLOWER" 3 "(a) follower killed (-9)" 'crash "$FOLLOWER"' 'start "$FOLLOWER"'
# (b) The proposer of the current round.
p=$(current_proposer)
single_fault "$p" 3 "(b) proposer killed (-9)" 'crash "$p"' 'start "$p"'
# (c) A validator stopped for several timeouts.
s=$(((p + 1) % VALIDATORS))
single_fault "$s" 4 "(c) SIGSTOP" 'kill -STOP "${NODE_PID[$s]}"' 'kill -CONT "${NODE_PID[$s]}"'
# (d) A validator cut off from its peers: the minority commits nothing.
v=$(((p + 2) % VALIDATORS))
single_fault "$v" 4 "(d) isolated (SIGUSR1)" 'isolate "$v"' 'kill -USR2 "${NODE_PID[$v]}"' 1

stop_load
log "load stopped: $(acked_count) acknowledged; checking agreement"
verify_agreement
log "checked $FINAL_HEIGHT blocks on 5 nodes"
# The auditor's kit on a chain with real 3-of-4 certificates, rounds > 0 and resyncs: from a
# validator's API and from the follower's data folder while it runs.
"$CLI" audit verify --node "${API[0]}" --genesis "$NET/genesis.json" >"$WORK/audit-api.txt" 2>&1 ||
  { cat "$WORK/audit-api.txt" >&2; fail "audit verify --node"; }
"$CLI" audit verify --data "$NET/${NAMES[$FOLLOWER]}/db" --genesis "$NET/genesis.json" \
  >"$WORK/audit-data.txt" 2>&1 || { cat "$WORK/audit-data.txt" >&2; fail "audit verify --data"; }
log "audit verify passed from ${NAMES[0]}'s API and ${NAMES[$FOLLOWER]}'s data folder"
echo "PASS: $ACKED acknowledged transactions on 5 nodes (height $FINAL_HEIGHT, same blocks and" \
     "state root), faults: kill -9 follower, kill -9 proposer ${NAMES[$p]}," \
     "SIGSTOP ${NAMES[$s]} 4 s, isolation of ${NAMES[$v]} 4 s; ${SECONDS}s"
