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

others_than() {  # validators other than $1
  local i
  for i in $(seq 0 $((VALIDATORS - 1))); do [ "$i" = "$1" ] || echo "$i"; done
}
hold_until() { while [ $SECONDS -lt "$1" ]; do sleep 0.2; done; }  # let a fault last

init_loopback_network
start_all
log "5 nodes up (${API[*]})"
start_load maker analytics connectivity
expect_progress 30 3 "warm-up" 0 1 2 3 4
log "load running: height $(height 0), $(acked_count) acknowledged"

# (a) The follower.
avoid "$FOLLOWER"
crash "$FOLLOWER"
until_t=$((SECONDS + 3))
log "(a) killed the follower ${NAMES[$FOLLOWER]} (-9)"
expect_progress 20 3 "(a) follower down" 0 1 2 3
hold_until "$until_t"
start "$FOLLOWER"
expect_caught_up 30 "$FOLLOWER" 0 1 2 3
unavoid "$FOLLOWER"
log "(a) follower restarted and caught up at $(height "$FOLLOWER")"
expect_progress 20 2 "(a) after the follower's restart" 0 1 2 3 4

# (b) The proposer of the current round.
p=$(current_proposer)
mapfile -t rest < <(others_than "$p")
avoid "$p"
crash "$p"
until_t=$((SECONDS + 3))
log "(b) killed the proposer ${NAMES[$p]} (-9)"
expect_progress 20 3 "(b) proposer down" "${rest[@]}"
hold_until "$until_t"
start "$p"
expect_caught_up 30 "$p" "${rest[@]}"
unavoid "$p"
log "(b) ${NAMES[$p]} restarted and caught up at $(height "$p")"
expect_progress 20 2 "(b) after the proposer's restart" 0 1 2 3 4

# (c) A validator stopped for several timeouts.
s=$(((p + 1) % VALIDATORS))
mapfile -t rest < <(others_than "$s")
avoid "$s"
kill -STOP "${NODE_PID[$s]}"
until_t=$((SECONDS + 4))
log "(c) stopped ${NAMES[$s]} (SIGSTOP)"
expect_progress 20 3 "(c) ${NAMES[$s]} stopped" "${rest[@]}"
hold_until "$until_t"
kill -CONT "${NODE_PID[$s]}"
expect_caught_up 30 "$s" "${rest[@]}"
unavoid "$s"
log "(c) ${NAMES[$s]} resumed (SIGCONT) and caught up at $(height "$s")"
expect_progress 20 2 "(c) after SIGCONT" 0 1 2 3 4

# (d) A validator cut off from its peers: the minority commits nothing.
v=$(((p + 2) % VALIDATORS))
mapfile -t rest < <(others_than "$v")
avoid "$v"
kill -USR1 "${NODE_PID[$v]}"
until_t=$((SECONDS + 4))
for _ in $(seq 1 50); do
  [ "$(field "$(q "$v" status)" isolated)" = true ] && break
  sleep 0.1
done
[ "$(field "$(q "$v" status)" isolated)" = true ] || fail "(d) ${NAMES[$v]} does not report isolated"
sleep 0.5  # messages it had received before the cut are processed; from now on nothing arrives
h_cut=$(height "$v")
log "(d) isolated ${NAMES[$v]} (SIGUSR1) at height $h_cut"
expect_progress 20 3 "(d) ${NAMES[$v]} isolated" "${rest[@]}"
hold_until "$until_t"
h_now=$(height "$v")
[ "$h_now" = "$h_cut" ] || fail "(d) the isolated ${NAMES[$v]} committed: $h_cut -> $h_now"
log "(d) meanwhile the others went from $h_cut to $(max_height "${rest[@]}"), ${NAMES[$v]} stayed at $h_now"
kill -USR2 "${NODE_PID[$v]}"
expect_caught_up 30 "$v" "${rest[@]}"
unavoid "$v"
log "(d) ${NAMES[$v]} healed (SIGUSR2) and caught up at $(height "$v")"
expect_progress 20 2 "(d) after healing" 0 1 2 3 4

stop_load
log "load stopped: $(acked_count) acknowledged; checking agreement"
verify_agreement
log "checked $FINAL_HEIGHT blocks on 5 nodes"
echo "PASS: $ACKED acknowledged transactions on 5 nodes (height $FINAL_HEIGHT, same blocks and" \
     "state root), faults: kill -9 follower, kill -9 proposer ${NAMES[$p]}," \
     "SIGSTOP ${NAMES[$s]} 4 s, isolation of ${NAMES[$v]} 4 s; ${SECONDS}s"
