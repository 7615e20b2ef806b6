#!/usr/bin/env bash
# The ecosystem scenario (scripts/scenario.sh) end to end through the CLI against a real
# one-validator node: every business transaction kind, the access check, the refusals the
# story expects (duplicate revenue, closed period, unsigned formula, second payout
# confirmation, revoked grant), and statements whose lines add up to the revenue.
# Then the node is killed with -9 and restarted: both statements read back unchanged.
set -euo pipefail
CLI="$1"
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../scripts/scenario.sh"

PORT=$(free_port)
NODE="127.0.0.1:$PORT"
cat >"$WORK/network.json" <<JSON
{"chain_id": "covalue-eco",
 "members": [{"id": "maker", "roles": ["member"]}, {"id": "analytics", "roles": ["member"]},
             {"id": "connectivity", "roles": ["member"]}, {"id": "auditor", "roles": ["auditor"]}],
 "nodes": [{"name": "node0", "validator": true, "api_port": $PORT, "p2p_port": $((PORT + 1))}]}
JSON
"$CLI" network init "$WORK/network.json" --out "$WORK/net" >/dev/null || fail "network init"
start_node "$WORK/net/node0" "$NODE"
KEYS="$WORK/net/keys"
WORKDIR="$WORK/scenario"

run_ecosystem_scenario >"$WORK/scenario.log" 2>&1 || { cat "$WORK/scenario.log"; fail "scenario"; }
[ -z "${SHOW_SCENARIO:-}" ] || cat "$WORK/scenario.log"

# Each statement: its lines add up to the revenue (the CLI exits 1 otherwise), the expected
# Q2 figures (docs/spec/contracts/settlement.md's rules applied by hand in the comment below).
q2=$("$CLI" query statement fleet-emissions 2026-Q2 --node "$NODE") || fail "Q2 statement: $q2"
q3=$("$CLI" query statement fleet-emissions 2026-Q3 --node "$NODE") || fail "Q3 statement: $q3"
# Q2: revenue 12,000,000; recoupment pool min(20% = 2,400,000, owed 3,000,000) → maker.
# Distributable 9,600,000: fixed 60% = 5,760,000 by 50/30/20 → 2,880,000 / 1,728,000 /
# 1,152,000; contributions 3,840,000 by weighted value (maker data 400,000; analytics
# service 900,000; connectivity service 300,000; the disputed GPU hours do not count) →
# 960,000 / 2,160,000 / 720,000. Totals: maker 6,240,000; analytics 3,888,000;
# connectivity 1,872,000.
grep -q "maker .*24,000.00 .*28,800.00 .*9,600.00 .*62,400.00" <<<"$q2" || fail "Q2 maker line: $q2"
grep -q "analytics .*0.00 .*17,280.00 .*21,600.00 .*38,880.00" <<<"$q2" || fail "Q2 analytics line: $q2"
grep -q "connectivity .*0.00 .*11,520.00 .*7,200.00 .*18,720.00" <<<"$q2" || fail "Q2 connectivity: $q2"
# Q3: maker recoups the 600,000 still owed (of a 1,900,000 cap) and nothing is left to recoup.
grep -q "maker .*6,000.00 .*" <<<"$q3" || fail "Q3 maker recoupment: $q3"
grep -q "formula v2" <<<"$q3" || fail "Q3 uses formula v2: $q3"
grep -q "confirmed (SEPA-Q2-0002), attempt 2" <<<"$q2" || fail "re-instructed payout: $q2"

kill -9 "$NODE_PID"
wait "$NODE_PID" 2>/dev/null || true
start_node "$WORK/net/node0" "$NODE"
[ "$("$CLI" query statement fleet-emissions 2026-Q2 --node "$NODE")" = "$q2" ] || fail "Q2 changed"
[ "$("$CLI" query statement fleet-emissions 2026-Q3 --node "$NODE")" = "$q3" ] || fail "Q3 changed"
echo "ecosystem_test: ok"
