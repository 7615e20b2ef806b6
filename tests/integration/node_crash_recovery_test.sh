#!/usr/bin/env bash
# A real node process under a steady stream of submissions is killed with -9 and
# restarted: every transaction acknowledged as committed is still there at the same height,
# the state root of the head it had is unchanged, and new transactions commit.
# Also: a key file readable by others is refused; a second node on the same folder is refused.
set -euo pipefail
CLI="$1"
source "$(dirname "$0")/lib.sh"

start_network

# A second process on the same data folder must refuse to start (RocksDB lock).
if "$CLI" node --config "$NET/node0/config.json" >"$WORK/second.log" 2>&1; then
  fail "a second node opened the same data folder"
fi
grep -q "unavailable" "$WORK/second.log" || { cat "$WORK/second.log"; fail "second node: wrong error"; }

# Steady load: 3 clients each submit datasets one after another and wait for commit.
client() {  # name
  local i=0
  while :; do
    i=$((i + 1))
    out=$("$CLI" tx dataset-register --node "$API" --key "$NET/keys/$1.key" --id "$1-$i" \
          --content-hash "$(hash_of "$1-$i")" --wait 2>/dev/null) || continue
    if grep -q '"status": "committed"' <<<"$out"; then
      echo "$(field "$out" tx_id) $(field "$out" height)" >>"$WORK/acked-$1"
    fi
  done
}
touch "$WORK/acked-maker" "$WORK/acked-analytics"
client maker & CLIENTS=($!)
client analytics & CLIENTS+=($!)
PIDS+=("${CLIENTS[@]}")
sleep 2
kill -9 "$NODE_PID"
sleep 0.5
kill "${CLIENTS[@]}" 2>/dev/null || true
wait "${CLIENTS[@]}" 2>/dev/null || true
acked=$(cat "$WORK"/acked-* | wc -l)
[ "$acked" -ge 5 ] || fail "only $acked transactions were acknowledged before the crash"

start_node "$NET/node0" "$API"
status=$("$CLI" query status --node "$API")
height=$(field "$status" height)
# Every acknowledged transaction is committed, once, at the height it was acknowledged at.
while read -r tx height_acked; do
  out=$("$CLI" query tx "$tx" --node "$API") || fail "acknowledged tx $tx lost"
  [ "$(field "$out" height)" = "$height_acked" ] || fail "tx $tx moved from height $height_acked"
done < <(cat "$WORK"/acked-*)
echo "all $acked acknowledged transactions survived kill -9 (head height $height)"

# That block, and the state root it commits to, are the same after one more restart without
# load. (A node killed in the middle of a height may finish that height after the restart,
# with an empty block, so the head itself may move on; what was committed never changes.)
block=$("$CLI" query block "$height" --node "$API")
kill -9 "$NODE_PID"
start_node "$NET/node0" "$API"
after=$("$CLI" query block "$height" --node "$API")
[ "$after" = "$block" ] || fail "block $height changed"
[ "$(field "$after" state_root)" = "$(field "$status" state_root)" ] ||
  fail "the state root of height $height changed across restart"

# New transactions commit after the restart.
out=$("$CLI" tx dataset-register --node "$API" --key "$NET/keys/maker.key" --id after-restart \
      --content-hash "$(hash_of after)" --wait)
grep -q '"status": "committed"' <<<"$out" || fail "no commit after restart: $out"
[ "$(field "$out" height)" -gt "$height" ] || fail "commit after restart at a lower height"

kill -9 "$NODE_PID"
chmod 0644 "$NET/node0/node.key"
if "$CLI" node --config "$NET/node0/config.json" >"$WORK/loose.log" 2>&1; then
  fail "node started with a key file readable by others"
fi
grep -q "permission_denied" "$WORK/loose.log" || { cat "$WORK/loose.log"; fail "loose key: wrong error"; }
echo "PASS"
