#!/usr/bin/env bash
# The auditor's kit end to end (docs/spec/audit.md): a one-validator node runs the ecosystem
# scenario; `audit verify` passes over its API and over its data folder (read-only, beside
# the running node); an exported bundle — from block 1, and a range from an anchor — passes
# `verify-bundle` — the range only with --accept-partial, else exit 3 saying so; `audit proof`
# checks a transaction's inclusion proof. Then, with the node stopped, on fresh copies of its
# data folder: one byte of a stored block, a certificate signature, and a stored result are
# altered (the test-only tool tests/tools/corrupt_block.cpp), and each time `audit verify`
# exits 1 naming that block; a byte altered in a bundle fails likewise.
# usage: audit_test.sh COVALUE_CLI COVALUE_CORRUPT_BLOCK_TOOL
set -euo pipefail
CLI="$1"
CORRUPT="${2:-}"
[ -n "$CORRUPT" ] && [ -x "$CORRUPT" ] ||
  { echo "usage: $0 COVALUE_CLI COVALUE_CORRUPT_BLOCK_TOOL (tests/tools)" >&2; exit 1; }
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../scripts/scenario.sh"

PORT=$(free_port)
NODE="127.0.0.1:$PORT"
cat >"$WORK/network.json" <<JSON
{"chain_id": "covalue-audit",
 "members": [{"id": "maker", "roles": ["member"]}, {"id": "analytics", "roles": ["member"]},
             {"id": "connectivity", "roles": ["member"]}, {"id": "auditor", "roles": ["auditor"]}],
 "nodes": [{"name": "node0", "validator": true, "api_port": $PORT, "p2p_port": $((PORT + 1))}]}
JSON
"$CLI" network init "$WORK/network.json" --out "$WORK/net" >/dev/null || fail "network init"
start_node "$WORK/net/node0" "$NODE"
KEYS="$WORK/net/keys"
WORKDIR="$WORK/scenario"
GENESIS="$WORK/net/genesis.json"
DATA="$WORK/net/node0/db"

run_ecosystem_scenario >"$WORK/scenario.log" 2>&1 || { cat "$WORK/scenario.log"; fail "scenario"; }

# expect_ok <what> <command…>: must exit 0 and report "result: ok" (or "proof ok").
expect_ok() {
  local what=$1 out
  shift
  out=$("$@" 2>&1) || fail "$what: exit $?: $out"
  grep -qE "^(result: ok|proof ok)" <<<"$out" || fail "$what: $out"
  echo "$out"
}
# expect_block_failure <what> <height> <command…>: must exit 1 naming "block <height>:".
expect_block_failure() {
  local what=$1 height=$2 out status=0
  shift 2
  out=$("$@" 2>&1) || status=$?
  [ "$status" -eq 1 ] || fail "$what: exit $status, not 1: $out"
  grep -q "audit failed: block $height: " <<<"$out" || fail "$what: does not name block $height: $out"
  grep -q "^result: FAILED" <<<"$out" || fail "$what: no FAILED result: $out"
  echo "$what: $(grep "audit failed" <<<"$out")"
}

report=$(expect_ok "verify --node" "$CLI" audit verify --node "$NODE" --genesis "$GENESIS")
HEAD=$(sed -nE 's/^  blocks +1\.\.([0-9]+) .*/\1/p' <<<"$report")
[ -n "$HEAD" ] && [ "$HEAD" -ge 10 ] || fail "the scenario made too few blocks: $report"
grep -q "chain id        covalue-audit" <<<"$report" || fail "report: $report"
grep -q "replayed from the genesis" <<<"$report" || fail "report: $report"
echo "$report"

# The data folder, read-only while the node runs (it may have committed nothing since).
report=$(expect_ok "verify --data beside the node" "$CLI" audit verify --data "$DATA" --genesis "$GENESIS")
grep -q "stored data     blocks, state, indexes, log nodes and state versions (kept from height 0) equal the replay's" <<<"$report" ||
  fail "report: $report"

# Bundles: the whole chain, and a range from block 4 (its anchor is block 3).
"$CLI" audit export --node "$NODE" --from 1 --to "$HEAD" --out "$WORK/full.cvb" >/dev/null || fail "export 1..$HEAD"
expect_ok "verify-bundle full" "$CLI" audit verify-bundle "$WORK/full.cvb" --genesis "$GENESIS" >/dev/null
"$CLI" audit export --node "$NODE" --from 4 --to "$HEAD" --out "$WORK/range.cvb" >/dev/null || fail "export 4..$HEAD"
# A range is not a full audit: without --accept-partial it exits 3 (not 0, not 1) and says why.
status=0
out=$("$CLI" audit verify-bundle "$WORK/range.cvb" --genesis "$GENESIS" 2>&1) || status=$?
[ "$status" -eq 3 ] || fail "verify-bundle range without --accept-partial: exit $status: $out"
grep -q "^result: partial — certified, blocks 4\.\.$HEAD not replayed from genesis$" <<<"$out" ||
  fail "range result: $out"
grep -q "not replayed: the range starts at block 4" <<<"$out" || fail "range report: $out"
grep -q "^audit partial: .*--accept-partial" <<<"$out" || fail "range advice: $out"
grep -q "^result: ok" <<<"$out" && fail "a partial check reported ok: $out"
report=$(expect_ok "verify-bundle range --accept-partial" "$CLI" audit verify-bundle "$WORK/range.cvb" --genesis "$GENESIS" --accept-partial)
grep -q "^result: ok — certified, blocks 4\.\.$HEAD not replayed from genesis" <<<"$report" ||
  fail "accepted range result: $report"
# A bundle from block 1 is a full audit with or without the flag.
report=$(expect_ok "verify-bundle full --accept-partial" "$CLI" audit verify-bundle "$WORK/full.cvb" --genesis "$GENESIS" --accept-partial)
grep -q "^result: ok$" <<<"$report" || fail "full bundle result: $report"
out=$("$CLI" audit export --node "$NODE" --from 2 --to $((HEAD + 5)) --out "$WORK/x.cvb" 2>&1) && fail "export past the head: $out"
[ ! -e "$WORK/x.cvb" ] || fail "a failed export left a bundle"

# A bundle checked against another genesis is refused.
"$CLI" network init "$WORK/network.json" --out "$WORK/other" >/dev/null || fail "second network init"
out=$("$CLI" audit verify-bundle "$WORK/full.cvb" --genesis "$WORK/other/genesis.json" 2>&1) && fail "other genesis: $out"
grep -q "conflict" <<<"$out" || fail "other genesis: $out"

# Inclusion proofs: the first transaction of block 1 and of the head.
for height in 1 "$HEAD"; do
  block=$("$CLI" query block "$height" --node "$NODE") || fail "query block $height"
  tx_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["txs"][0]["id"])' <<<"$block")
  expect_ok "proof of $tx_id" "$CLI" audit proof "$tx_id" --node "$NODE" --genesis "$GENESIS"
done
out=$("$CLI" audit proof "$(printf 'ab%.0s' {1..32})" --node "$NODE" --genesis "$GENESIS" 2>&1) && fail "proof of an unknown tx: $out"
grep -q "not_found" <<<"$out" || fail "unknown tx: $out"

# Stop the node; alter copies of its data folder, one fault each.
kill -TERM "$NODE_PID"
wait "$NODE_PID" 2>/dev/null || true
expect_ok "verify --data, node stopped" "$CLI" audit verify --data "$DATA" --genesis "$GENESIS" >/dev/null
TARGET=$(( (HEAD + 1) / 2 ))
for what in block certificate result; do
  cp -r "$DATA" "$WORK/db-$what"
  "$CORRUPT" --data "$WORK/db-$what" --height "$TARGET" --what "$what" || fail "corrupt $what"
  expect_block_failure "altered $what" "$TARGET" "$CLI" audit verify --data "$WORK/db-$what" --genesis "$GENESIS"
done
# The original folder is untouched and still passes.
expect_ok "verify --data, original" "$CLI" audit verify --data "$DATA" --genesis "$GENESIS" >/dev/null

# One byte of the bundle's last block altered (well inside its frame).
python3 - "$WORK/full.cvb" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[-40] ^= 0x01
open(sys.argv[1], "wb").write(bytes(data))
PY
expect_block_failure "altered bundle" "$HEAD" "$CLI" audit verify-bundle "$WORK/full.cvb" --genesis "$GENESIS"

# Usage errors exit 2; the corruption tool is not part of the CLI.
status=0
"$CLI" audit verify --genesis "$GENESIS" >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "verify without a source: exit $status"
status=0
"$CLI" debug corrupt-block --data "$WORK/db-block" --height 1 --what block >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "covalue debug corrupt-block still exists: exit $status"
echo "audit_test: ok"
