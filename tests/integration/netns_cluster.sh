#!/usr/bin/env bash
# TESTING.md T2, separate hosts: the 4 validators and the follower each in its own network
# namespace, wired by veth pairs to a bridge in a sixth namespace, addresses 10.231.0.10-14/24
# (they exist only inside these namespaces; nothing is added to the namespace the test runs in).
# Under load: kill -9 the current proposer and restart it; cut a validator's cable (its veth
# end on the bridge down: packets vanish, no resets) for 4 s — it commits nothing — then plug it
# back; each time the others keep committing and the node catches up. At the end every
# acknowledged transaction is on all 5 nodes once and all nodes agree.
# Needs root and `ip netns`; where that is not usable it prints "SKIP: ..." and exits 77 (ctest
# SKIP_RETURN_CODE).
set -euo pipefail
CLI="$1"
source "$(dirname "$0")/cluster_lib.sh"

skip() { echo "SKIP: ip netns not usable: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root"
command -v ip >/dev/null || skip "no ip command (iproute2)"

TAG="cvt$$"
BRNS="$TAG-br"
SUBNET="10.231.0"
for i in $(seq 0 $((NODES - 1))); do NODE_NS[$i]="$TAG-n$i"; done
for ns in "$BRNS" "${NODE_NS[@]}"; do CLEANUP_HOOKS+=("ip netns del $ns"); done
err=$(ip netns add "$BRNS" 2>&1) || skip "ip netns add: $err"
err=$(ip -n "$BRNS" link add br0 type bridge 2>&1) || skip "bridge: $err"
ip -n "$BRNS" link set lo up
ip -n "$BRNS" link set br0 up
for i in $(seq 0 $((NODES - 1))); do
  ns=${NODE_NS[$i]}
  err=$(ip netns add "$ns" 2>&1) || skip "ip netns add: $err"
  err=$(ip link add eth0 netns "$ns" type veth peer name "v$i" netns "$BRNS" 2>&1) || skip "veth: $err"
  ip -n "$BRNS" link set "v$i" master br0
  ip -n "$BRNS" link set "v$i" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$SUBNET.$((10 + i))/24" dev eth0
  ip -n "$ns" link set eth0 up
  # Ports are the namespace's own: the same ones on every host, as in hosts-4.
  API[$i]="$SUBNET.$((10 + i)):26680"
  P2P[$i]="$SUBNET.$((10 + i)):26690"
done
ip -4 addr show 2>/dev/null | grep -q " $SUBNET\." && fail "$SUBNET.0/24 is on an interface outside the test's namespaces"
log "namespaces ${NODE_NS[*]} on a bridge in $BRNS"

write_network "covalue-netns" "$SUBNET.10" "$SUBNET.11" "$SUBNET.12" "$SUBNET.13" "$SUBNET.14"
start_all
log "5 nodes up, one per namespace (${API[*]})"
start_load maker analytics
expect_progress 30 3 "warm-up" 0 1 2 3 4
log "load running: height $(height 0)"

# The proposer, killed.
p=$(current_proposer)
single_fault "$p" 3 "proposer killed (-9) in ${NODE_NS[$p]}" 'crash "$p"' 'start "$p"'
# A validator's cable pulled: its side of the bridge goes down (packets vanish, no resets).
v=$(((p + 1) % VALIDATORS))
single_fault "$v" 4 "cable pulled" 'ip -n "$BRNS" link set "v$v" down' \
  'ip -n "$BRNS" link set "v$v" up' 1

stop_load
verify_agreement
echo "PASS: 5 nodes in 5 network namespaces: $ACKED acknowledged transactions on all 5" \
     "(height $FINAL_HEIGHT, same blocks and state root), faults: kill -9 proposer ${NAMES[$p]}," \
     "cable of ${NAMES[$v]} pulled 4 s; ${SECONDS}s"
