#!/usr/bin/env bash
# Hostile peers against a running network (4 validators, 1 follower, loopback) under load:
#   - a node whose identity key the network does not know (fresh `covalue keygen`, a config with
#     the real peers list) is refused by every node (p2p.handshakes_refused_unknown_key grows)
#     and never gets a link;
#   - raw TCP connections to a validator's peer port carrying random bytes, a well-formed Hello
#     with an unknown identity, and a well-formed Hello claiming a real peer's identity followed
#     by garbage or an over-long record length: each is disconnected by the node and counted
#     (handshakes_failed / handshakes_refused_unknown_key / oversized_frames / malformed_frames),
#     and the real link of the impersonated peer stays up.
# Meanwhile the network keeps committing; at the end every acknowledged transaction is on all
# 5 nodes exactly once and all nodes agree.
set -euo pipefail
CLI="$1"
source "$(dirname "$0")/cluster_lib.sh"

init_loopback_network
start_all
start_load maker analytics
expect_progress 30 3 "warm-up" 0 1 2 3 4
log "5 nodes up, load running: height $(height 0)"

# --- a node with an unknown key -------------------------------------------------------------
STRANGER="$WORK/stranger"
mkdir -p "$STRANGER"
"$CLI" keygen --out "$STRANGER/node.key" >/dev/null || fail "keygen"
sport=$(free_port_block 2)
# The real peers (name, key, port) as every node's config lists them.
peers=$(cat "$NET"/*/config.json | awk '
  /"key":/  {gsub(/[",]/, "", $2); key = $2}
  /"name":/ {gsub(/[",]/, "", $2); name = $2}
  /"port":/ {gsub(/[",]/, "", $2); if (key != "") print name, key, $2; key = ""}' | sort -u)
[ "$(wc -l <<<"$peers")" = "$NODES" ] || fail "could not read the peers list: $peers"
peer_json=$(while read -r name key port; do
  printf '{"name": "%s", "key": "%s", "host": "127.0.0.1", "port": %s}\n' "$name" "$key" "$port"
done <<<"$peers" | paste -sd, -)
cat >"$STRANGER/config.json" <<JSON
{"name": "stranger-node", "data_dir": "db", "genesis_file": "$NET/genesis.json",
 "node_key_file": "node.key", "api_address": "127.0.0.1", "api_port": $sport,
 "p2p_address": "127.0.0.1", "p2p_port": $((sport + 1)), "peers": [$peer_json],
 "timeout_propose_ms": 600, "timeout_prevote_ms": 300, "timeout_precommit_ms": 300,
 "timeout_increase_ms": 150, "retransmit_interval_ms": 300}
JSON
declare -A refused_before=()
for i in $(seq 0 $((NODES - 1))); do
  refused_before[$i]=$(p2p_counter "$i" handshakes_refused_unknown_key)
done
"$CLI" node --config "$STRANGER/config.json" >>"$STRANGER/node.log" 2>&1 &
STRANGER_PID=$!
PIDS+=("$STRANGER_PID")
for _ in $(seq 1 100); do
  timeout 5 "$CLI" query status --node "127.0.0.1:$sport" >/dev/null 2>&1 && break
  kill -0 "$STRANGER_PID" 2>/dev/null || { cat "$STRANGER/node.log" >&2; fail "the stranger did not start"; }
  sleep 0.1
done
log "stranger-node started with an unknown key"
deadline=$((SECONDS + 20))
for i in $(seq 0 $((NODES - 1))); do
  until [ "$(p2p_counter "$i" handshakes_refused_unknown_key)" -gt "${refused_before[$i]}" ]; do
    [ $SECONDS -lt $deadline ] || fail "${NAMES[$i]} did not refuse the stranger"
    sleep 0.25
  done
done
log "every node refused it: $(for i in $(seq 0 $((NODES - 1))); do
  printf '%s=%s ' "${NAMES[$i]}" "$(p2p_counter "$i" handshakes_refused_unknown_key)"; done)"
expect_progress 20 3 "with the stranger around" 0 1 2 3 4
for _ in $(seq 1 8); do  # it keeps dialling, and never gets a link
  s=$(timeout 5 "$CLI" query status --node "127.0.0.1:$sport") || fail "the stranger does not answer"
  grep -q '"peers_connected": \[\]' <<<"$s" ||
    fail "the stranger got a link: $(grep -A6 peers_connected <<<"$s")"
  [ "$(field "$s" height)" = 0 ] || fail "the stranger got blocks: height $(field "$s" height)"
  sleep 0.25
done
for i in $(seq 0 $((NODES - 1))); do
  peers_of "$i" | grep -qx stranger-node && fail "${NAMES[$i]} lists the stranger as a peer"
  [ "$(peer_count "$i")" = 4 ] || fail "${NAMES[$i]} lost links: [$(peers_of "$i" | tr '\n' ' ')]"
done
kill -9 "$STRANGER_PID"
wait "$STRANGER_PID" 2>/dev/null || true

# --- raw hostile connections ----------------------------------------------------------------
TARGET=1                       # analytics-node
IMPERSONATED=2                 # connectivity-node: a real peer of the target
TPORT=${P2P[$TARGET]##*:}
imp_key=$(awk -v n="${NAMES[$IMPERSONATED]}" '$1 == n {print $2}' <<<"$peers")
bad_counters() {  # the target's sum of failure counters, and each of them
  local s
  s=$(q "$TARGET" status) || return 0
  local f r o m
  f=$(field "$s" handshakes_failed); r=$(field "$s" handshakes_refused_unknown_key)
  o=$(field "$s" oversized_frames); m=$(field "$s" malformed_frames)
  echo "$((f + r + o + m)) failed=$f refused=$r oversized=$o malformed=$m"
}
le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
hex_escapes() { sed 's/../\\x&/g' <<<"$1"; }
hello() {  # <identity key hex>: a well-formed Hello (docs/spec/p2p.md) with a random ephemeral key
  printf 'CVP1'
  printf "$(le16 1)$(le32 ${#CHAIN_ID})"
  printf '%s' "$CHAIN_ID"
  printf "$(hex_escapes "$1")"
  head -c 32 /dev/urandom
}
# attack <what> <command writing the bytes>: sends them on a fresh connection to the target's
# peer port; the node must close the connection within 8 s and count it.
attack() {
  local what=$1 before after rc
  shift
  before=$(bad_counters)
  exec 3<>"/dev/tcp/127.0.0.1/$TPORT" || fail "$what: cannot connect"
  ( "$@" ) >&3 2>/dev/null || true  # in a subshell: a write after the close is its SIGPIPE
  rc=0
  timeout 8 cat <&3 >/dev/null 2>&1 || rc=$?
  exec 3<&-
  [ "$rc" != 124 ] || fail "$what: the node kept the connection open"
  local deadline=$((SECONDS + 10))
  until after=$(bad_counters) && [ "${after%% *}" -gt "${before%% *}" ]; do
    [ $SECONDS -lt $deadline ] || fail "$what: not counted ($before -> $after)"
    sleep 0.2
  done
  log "$what: disconnected; counters ${before#* } -> ${after#* }"
}
random_bytes() { head -c 4096 /dev/urandom; }
hello_unknown() { hello "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
hello_then_garbage() { hello "$imp_key"; head -c 4096 /dev/urandom; }
hello_then_oversized() { hello "$imp_key"; head -c 24 /dev/urandom; printf '\xff\xff\xff\x7f'; head -c 64 /dev/urandom; }
hello_wrong_chain() { local CHAIN_ID="another-chain"; hello "$imp_key"; }

attack "4 KiB of random bytes" random_bytes
attack "a Hello with an unknown identity" hello_unknown
attack "a Hello for another chain" hello_wrong_chain
attack "a Hello as ${NAMES[$IMPERSONATED]}, then garbage" hello_then_garbage
attack "a Hello as ${NAMES[$IMPERSONATED]}, then a 2 GiB record length" hello_then_oversized
for n in $(seq 1 10); do attack "garbage connection $n of 10" random_bytes >/dev/null; done
log "10 more garbage connections disconnected"
peers_of "$TARGET" | grep -qx "${NAMES[$IMPERSONATED]}" ||
  fail "the impersonation attempts cut the real link ${NAMES[$TARGET]} - ${NAMES[$IMPERSONATED]}"
expect_progress 20 3 "after the hostile connections" 0 1 2 3 4
for i in $(seq 0 $((NODES - 1))); do
  [ "$(peer_count "$i")" = 4 ] || fail "${NAMES[$i]} lost links: [$(peers_of "$i" | tr '\n' ' ')]"
done

stop_load
verify_agreement
echo "PASS: unknown key refused by all 5 nodes, 15 hostile connections disconnected and counted;" \
     "$ACKED acknowledged transactions on 5 nodes (height $FINAL_HEIGHT); ${SECONDS}s"
