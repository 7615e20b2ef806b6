# shellcheck shell=bash
# Helpers for the cluster tests (TESTING.md T2, `ctest -L cluster`): a network of 4 validators
# and 1 follower as real `covalue node` processes, either on loopback (free ports) or each in
# its own network namespace (NODE_NS set by the caller), a steady client load, fault helpers
# and the final agreement check. Sourced by tests/integration/*_cluster.sh with CLI set to the
# covalue binary and the script's second argument the covalue_chain_probe test tool, which the
# agreement check reads nodes with (tests/tools/chain_probe.cpp). Every wait here is bounded
# in time; the EXIT trap stops every process the test started (and runs CLEANUP_HOOKS, e.g.
# deleting namespaces), even on failure.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROBE="${2:?usage: $0 COVALUE_BINARY COVALUE_CHAIN_PROBE_BINARY}"

NAMES=(maker-node analytics-node connectivity-node logistics-node auditor-node)
NODES=5          # node index 0..3 are the validators in genesis order, 4 is the follower
VALIDATORS=4
FOLLOWER=4
NET="$WORK/net"
API=()           # per node: host:port of its API
P2P=()           # per node: host:port of its peer listener
NODE_NS=()       # per node: network namespace to run it in, empty for the current one
NODE_PID=()      # per node: pid of its process, empty while it is down
CLIENT_PIDS=()
CLEANUP_HOOKS=() # commands run by the EXIT trap after every process is stopped
CHAIN_ID=""
START_SECONDS=$SECONDS

cluster_cleanup() {
  local rc=$? pid child
  trap - EXIT
  touch "$WORK/stop" 2>/dev/null || true
  for pid in "${CLIENT_PIDS[@]}"; do
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill -9 "$child" 2>/dev/null || true; done
    kill -9 "$pid" 2>/dev/null || true
  done
  for pid in "${NODE_PID[@]}" "${PIDS[@]}"; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "$rc" -ne 0 ] && [ -d "$NET" ]; then
    local i
    for i in $(seq 0 $((NODES - 1))); do
      [ -f "$NET/${NAMES[$i]}/node.log" ] || continue
      echo "---- last lines of ${NAMES[$i]}'s log ----" >&2
      tail -n 25 "$NET/${NAMES[$i]}/node.log" >&2
    done
  fi
  local hook
  for hook in "${CLEANUP_HOOKS[@]}"; do eval "$hook" >/dev/null 2>&1 || true; done
  if [ -n "${COVALUE_KEEP_WORK:-}" ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cluster_cleanup EXIT
trap 'exit 143' TERM INT HUP  # so that the EXIT trap runs then too

log() { printf '[%3ds] %s\n' $((SECONDS - START_SECONDS)) "$*"; }

# in_ns <node> cmd...: runs cmd in the node's namespace (or here).
in_ns() {
  local i=$1
  shift
  if [ -n "${NODE_NS[$i]:-}" ]; then ip netns exec "${NODE_NS[$i]}" "$@"; else "$@"; fi
}

# q <node> <query args...>: `covalue query ... --node <its API>`, bounded to 5 s (a stopped
# node would otherwise hang the caller). Prints nothing and fails when the node does not answer.
q() {
  local i=$1
  shift
  in_ns "$i" timeout 5 "$CLI" query "$@" --node "${API[$i]}" 2>/dev/null
}

# n consecutive ports nobody listens on; prints the first.
free_port_block() {
  local n=$1 base k busy
  for _ in $(seq 1 50); do
    base=$((20000 + RANDOM % 12000))  # below the usual ephemeral range (32768-)
    busy=0
    for k in $(seq 0 $((n - 1))); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$((base + k))") 2>/dev/null; then busy=1; break; fi
    done
    [ "$busy" = 0 ] && { echo "$base"; return 0; }
  done
  fail "no block of $n free ports"
}

# write_network <chain id> <host per node...>: writes $WORK/network.json and runs
# `network init` into $NET. Ports come from API/P2P (set by the caller, "host:port").
write_network() {
  CHAIN_ID=$1
  shift
  local hosts=("$@") i sep="" nodes=""
  for i in $(seq 0 $((NODES - 1))); do
    local validator=true
    [ "$i" = "$FOLLOWER" ] && validator=false
    nodes+="$sep{\"name\": \"${NAMES[$i]}\", \"validator\": $validator, \"host\": \"${hosts[$i]}\",
       \"api_address\": \"${API[$i]%:*}\", \"api_port\": ${API[$i]##*:},
       \"p2p_address\": \"${P2P[$i]%:*}\", \"p2p_port\": ${P2P[$i]##*:}}"
    sep=$',\n      '
  done
  cat >"$WORK/network.json" <<JSON
{"chain_id": "$CHAIN_ID", "api_auth": "none",
 "members": [{"id": "maker", "roles": ["member", "validator"]},
             {"id": "analytics", "roles": ["member", "validator"]},
             {"id": "connectivity", "roles": ["member", "validator"]},
             {"id": "logistics", "roles": ["member", "validator"]},
             {"id": "auditor", "roles": ["auditor"]}],
 "nodes": [$nodes],
 "params": {"max_block_txs": 2000, "max_tx_lifetime": 1000},
 "consensus": {"timeout_propose_ms": 600, "timeout_prevote_ms": 300,
               "timeout_precommit_ms": 300, "timeout_increase_ms": 150,
               "retransmit_interval_ms": 300}}
JSON
  "$CLI" network init "$WORK/network.json" --out "$NET" >/dev/null || fail "network init"
}

# A loopback network on free ports.
init_loopback_network() {
  local base i
  base=$(free_port_block $((2 * NODES)))
  for i in $(seq 0 $((NODES - 1))); do
    API[$i]="127.0.0.1:$((base + i))"
    P2P[$i]="127.0.0.1:$((base + NODES + i))"
  done
  write_network "covalue-cluster" 127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.1
}

# start <node>: starts it (in its namespace), waits until its API answers; sets NODE_PID.
# `ip netns exec` execs the node, so the pid is the node's own.
start() {
  local i=$1 dir="$NET/${NAMES[$1]}"
  if [ -n "${NODE_NS[$i]:-}" ]; then
    ip netns exec "${NODE_NS[$i]}" "$CLI" node --config "$dir/config.json" >>"$dir/node.log" 2>&1 &
  else
    "$CLI" node --config "$dir/config.json" >>"$dir/node.log" 2>&1 &
  fi
  NODE_PID[$i]=$!
  for _ in $(seq 1 100); do
    q "$i" status >/dev/null && return 0
    kill -0 "${NODE_PID[$i]}" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 30 "$dir/node.log" >&2
  fail "${NAMES[$i]} did not start"
}

start_all() {
  local i
  for i in $(seq 0 $((NODES - 1))); do start "$i"; done
  # Full mesh: every node has the other four.
  local deadline=$((SECONDS + 20))
  for i in $(seq 0 $((NODES - 1))); do
    until [ "$(peer_count "$i")" = $((NODES - 1)) ]; do
      [ $SECONDS -lt $deadline ] || fail "${NAMES[$i]} has peers [$(peers_of "$i" | tr '\n' ' ')]"
      sleep 0.2
    done
  done
}

crash() {  # kill -9 <node>
  kill -9 "${NODE_PID[$1]}" 2>/dev/null || fail "${NAMES[$1]} was not running"
  wait "${NODE_PID[$1]}" 2>/dev/null || true
  NODE_PID[$1]=""
}

# --- status ---------------------------------------------------------------------------------
height() { local s; s=$(q "$1" status) || return 0; field "$s" height; }  # committed height
peers_of() {  # names of the peers the node has a link with
  q "$1" status | awk '/"peers_connected": \[\]/{exit} /"peers_connected": \[/{p=1; next}
                       p && /\]/{exit} p{gsub(/[ ",]/, ""); print}'
}
peer_count() { peers_of "$1" | grep -c . || true; }
p2p_counter() { local s; s=$(q "$1" status) || return 0; field "$s" "$2"; }
consensus_field() {  # <node> height|round: the position of the node's consensus
  q "$1" status | sed -n '/"consensus": {/,/}/p' | grep "\"$2\"" | sed -E 's/.*: ([0-9]+),?$/\1/'
}
block_id_at() { local b; b=$(q "$1" block "$2") || return 0; grep -m1 -E '^    "id": ' <<<"$b" | sed -E 's/.*"([0-9a-f]{64})".*/\1/'; }
max_height() {  # over the given nodes that answer
  local i h m=0
  for i; do h=$(height "$i"); [ -n "$h" ] && [ "$h" -gt "$m" ] && m=$h; done
  echo "$m"
}
# The validator that proposes the round the network is in now: (height + round) mod 4 over
# the genesis order, read from a validator other than <except>.
current_proposer() {
  local i h r
  for i in $(seq 0 $((VALIDATORS - 1))); do
    [ "$i" = "${1:-}" ] && continue
    h=$(consensus_field "$i" height); r=$(consensus_field "$i" round)
    [ -n "$h" ] && [ -n "$r" ] && { echo $(((h + r) % VALIDATORS)); return 0; }
  done
  fail "no validator reports its consensus position"
}

# expect_progress <seconds> <blocks> <what> <nodes...>: each node commits at least <blocks>
# new blocks within <seconds>.
expect_progress() {
  local secs=$1 blocks=$2 what=$3 i h
  shift 3
  local -A from=()
  for i; do
    from[$i]=$(height "$i")
    [ -n "${from[$i]}" ] || fail "$what: ${NAMES[$i]} does not answer"
  done
  local deadline=$((SECONDS + secs))
  while :; do
    local behind=""
    for i; do
      h=$(height "$i")
      { [ -n "$h" ] && [ "$h" -ge $((from[$i] + blocks)) ]; } || behind+=" ${NAMES[$i]}(${from[$i]}->${h:-?})"
    done
    [ -z "$behind" ] && return 0
    [ $SECONDS -lt $deadline ] || fail "$what: no progress of $blocks blocks in ${secs}s:$behind"
    sleep 0.25
  done
}

# expect_caught_up <seconds> <node> <reference nodes...>: the node reaches the height the
# reference nodes had when this was called, with the same block id there.
expect_caught_up() {
  local secs=$1 i=$2 h target
  shift 2
  target=$(max_height "$@")
  local deadline=$((SECONDS + secs))
  while :; do
    h=$(height "$i")
    [ -n "$h" ] && [ "$h" -ge "$target" ] && break
    [ $SECONDS -lt $deadline ] || fail "${NAMES[$i]} did not catch up to $target in ${secs}s (at ${h:-?})"
    sleep 0.25
  done
  local mine theirs
  mine=$(block_id_at "$i" "$target")
  theirs=$(block_id_at "$1" "$target")
  [ -n "$mine" ] && [ "$mine" = "$theirs" ] ||
    fail "${NAMES[$i]} has block ${mine:-?} at $target, ${NAMES[$1]} has ${theirs:-?}"
}

# --- client load ----------------------------------------------------------------------------
# client <k> <member>: registers datasets one after another, each sent to the next node in turn,
# waiting for its commit; every acknowledged one goes to $WORK/acked-<member> as
# "tx_id height block_id dataset". A node under a fault is avoided (avoid/unavoid), as a real
# client would go to a healthy node; a request caught by a fault gives up after 15 s. Stops when
# $WORK/stop exists (or after 5000 attempts).
client() {
  local k=$1 m=$2 n=0 turn=$1 target id out
  while [ ! -f "$WORK/stop" ] && [ $n -lt 5000 ]; do
    turn=$((turn + 1))
    target=$((turn % NODES))
    [ -f "$WORK/avoid-$target" ] && continue
    n=$((n + 1))
    id="$m-$n"
    if out=$(in_ns "$target" timeout 15 "$CLI" tx dataset-register --node "${API[$target]}" \
               --key "$NET/keys/$m.key" --id "$id" --content-hash "$(hash_of "$id")" --wait \
               2>>"$WORK/client-$m.err"); then
      if grep -q '"status": "committed"' <<<"$out"; then
        echo "$(field "$out" tx_id) $(field "$out" height) $(field "$out" block_id) $id" >>"$WORK/acked-$m"
      fi
    else
      sleep 0.2  # the node is down or refused it: try the next one
    fi
  done
}
avoid() { touch "$WORK/avoid-$1"; }
unavoid() { rm -f "$WORK/avoid-$1"; }

start_load() {  # <members...>
  local k=0 m
  rm -f "$WORK/stop"
  for m; do
    touch "$WORK/acked-$m"
    client "$k" "$m" &
    CLIENT_PIDS+=($!)
    k=$((k + 1))
  done
}

stop_load() {
  touch "$WORK/stop"
  local pid
  for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  CLIENT_PIDS=()
}

acked_count() { cat "$WORK"/acked-* 2>/dev/null | wc -l; }

# --- the final check ------------------------------------------------------------------------
# After the load stopped: waits until every node has the same height for 2 s, then checks that
# all nodes have the same block id and state root at every height, that no transaction is in the
# chain twice, and that every acknowledged transaction is on every node, once, at the height and
# in the block it was acknowledged in. Sets FINAL_HEIGHT.
verify_agreement() {
  local i h deadline=$((SECONDS + 60)) same_since="" prev=""
  while :; do
    local hs=""
    for i in $(seq 0 $((NODES - 1))); do hs+="$(height "$i") "; done
    if [ "$(tr ' ' '\n' <<<"$hs" | grep . | sort -u | wc -l)" = 1 ] &&
       [ "$(tr ' ' '\n' <<<"$hs" | grep -c .)" = "$NODES" ] && [ "$hs" = "$prev" ]; then
      [ -n "$same_since" ] || same_since=$SECONDS
      [ $((SECONDS - same_since)) -ge 2 ] && break
    else
      same_since=""
    fi
    prev=$hs
    [ $SECONDS -lt $deadline ] || fail "no quiescence in 60 s: heights $hs"
    sleep 0.5
  done
  FINAL_HEIGHT=${hs%% *}
  [ "$FINAL_HEIGHT" -gt 0 ] || fail "nothing was committed"

  # Every block on every node (in parallel, one reader per node): "height id state_root", and
  # from node 0 the transactions of each block.
  local pids=()
  : >"$WORK/chain-txs"
  for i in $(seq 0 $((NODES - 1))); do
    local txs_out=()
    [ "$i" = 0 ] && txs_out=(--txs "$WORK/chain-txs")
    in_ns "$i" "$PROBE" --node "${API[$i]}" blocks 1 "$FINAL_HEIGHT" "${txs_out[@]}" \
      >"$WORK/blocks-$i" 2>"$WORK/probe-$i.err" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || fail "reading ${NAMES[$i]}'s blocks: $(cat "$WORK/probe-$i.err")"
  done
  # One line per height, 1..FINAL_HEIGHT in order.
  awk -v n="$FINAL_HEIGHT" 'NF != 3 || $1 != NR { bad = 1 } END { exit bad || NR != n }' \
    "$WORK/blocks-0" || fail "the probe's blocks of ${NAMES[0]} are not heights 1..$FINAL_HEIGHT"
  grep -q missing "$WORK/blocks-0" && fail "node 0 lacks blocks: $(grep missing "$WORK/blocks-0" | head -3)"
  for i in $(seq 1 $((NODES - 1))); do
    cmp -s "$WORK/blocks-0" "$WORK/blocks-$i" ||
      fail "${NAMES[$i]} disagrees with ${NAMES[0]}: $(diff "$WORK/blocks-0" "$WORK/blocks-$i" | head -6)"
  done
  local roots
  roots=$(for i in $(seq 0 $((NODES - 1))); do field "$(q "$i" status)" state_root; done | sort -u)
  [ "$(wc -l <<<"$roots")" = 1 ] || fail "state roots differ at height $FINAL_HEIGHT: $roots"
  [ "$(awk '{print $3}' "$WORK/blocks-0" | tail -1)" = "$roots" ] || fail "head state root mismatch"

  # The first three of a list with `awk 'NR <= 3'`, which reads it all: `head -3` stops early, and
  # under pipefail the writer's SIGPIPE would end the test here without its message.
  local dups
  dups=$(sort "$WORK/chain-txs" | uniq -d | awk 'NR <= 3')
  [ -z "$dups" ] || fail "transactions committed twice: $dups"
  ACKED=$(acked_count)
  [ "$ACKED" -gt 0 ] || fail "no transaction was acknowledged"
  cat "$WORK"/acked-* >"$WORK/acked"
  awk '{print $1}' "$WORK/acked" | sort >"$WORK/acked-ids"
  dups=$(uniq -d "$WORK/acked-ids" | awk 'NR <= 3')
  [ -z "$dups" ] || fail "one transaction acknowledged twice: $dups"
  local lost
  lost=$(comm -23 "$WORK/acked-ids" <(sort "$WORK/chain-txs") | awk 'NR <= 3')
  [ -z "$lost" ] || fail "acknowledged but not in the chain: $lost"
  # Each node's own answer for each acknowledged transaction: same height and block.
  pids=()
  for i in $(seq 0 $((NODES - 1))); do
    in_ns "$i" "$PROBE" --node "${API[$i]}" txs <"$WORK/acked" >"$WORK/tx-found-$i" \
      2>"$WORK/probe-$i.err" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || fail "reading ${NAMES[$i]}'s transactions: $(cat "$WORK/probe-$i.err")"
  done
  for i in $(seq 0 $((NODES - 1))); do
    # acked: "tx height block dataset"; found: "tx height block" in the same order.
    paste -d ' ' "$WORK/acked" "$WORK/tx-found-$i" |
      awk -v node="${NAMES[$i]}" '$1 != $5 { print "probe out of step at " $1; next }
        $2 != $6 || $3 != $7 {
          print $1 " (" $4 "): acknowledged at " $2 "/" $3 ", " node " has " $6 "/" $7 }' \
      >"$WORK/tx-check-$i"
    [ -s "$WORK/tx-check-$i" ] && fail "$(head -3 "$WORK/tx-check-$i")"
  done
  return 0
}

others_than() {  # validators other than $1
  local i
  for i in $(seq 0 $((VALIDATORS - 1))); do [ "$i" = "$1" ] || echo "$i"; done
}
hold_until() { while [ $SECONDS -lt "$1" ]; do sleep 0.2; done; }  # let a fault last

# single_fault <node> <seconds> <label> <begin-cmd> <end-cmd> [cut-off]
# One node out for <seconds>: clients stop sending to it, <begin-cmd> starts the fault, the
# other validators must keep committing meanwhile, <end-cmd> ends it, the node must catch up
# with the same blocks, and all 5 must commit again. With cut-off=1 the node must also commit
# nothing while the fault lasts (it is isolated, not stopped). Sets FAULT_NODE_HEIGHT.
single_fault() {
  local node=$1 seconds=$2 label=$3 begin=$4 end=$5 cut_off=${6:-0}
  local others h_cut h_now until_t
  if [ "$node" = "$FOLLOWER" ]; then
    mapfile -t others < <(seq 0 $((VALIDATORS - 1)))
  else
    mapfile -t others < <(others_than "$node")
  fi
  avoid "$node"
  eval "$begin"
  until_t=$((SECONDS + seconds))
  if [ "$cut_off" = 1 ]; then
    sleep 0.5  # what it had already received is processed; from now on nothing arrives
    h_cut=$(height "$node")
  fi
  log "$label: ${NAMES[$node]} out${h_cut:+ at height $h_cut}"
  expect_progress 20 3 "$label" "${others[@]}"
  hold_until "$until_t"
  if [ "$cut_off" = 1 ]; then
    h_now=$(height "$node")
    [ -n "$h_now" ] && [ "$h_now" = "$h_cut" ] ||
      fail "$label: ${NAMES[$node]} committed while cut off: $h_cut -> ${h_now:-?}"
    log "$label: the others went to $(max_height "${others[@]}"), ${NAMES[$node]} stayed at $h_now"
  fi
  eval "$end"
  expect_caught_up 40 "$node" "${others[@]}"
  unavoid "$node"
  FAULT_NODE_HEIGHT=$(height "$node")
  log "$label: ${NAMES[$node]} back and caught up at $FAULT_NODE_HEIGHT"
  expect_progress 20 2 "$label, after" 0 1 2 3 4
}
