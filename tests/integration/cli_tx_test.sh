#!/usr/bin/env bash
# The generic `covalue tx` against a one-node network: the old dataset-register spelling and
# the field-flag spelling, usage errors (exit 2) and refusals (exit 1), a transaction signed
# by two keys at once, the build → sign → submit flow for a second signer, key.add with a
# proof of possession, and help.
set -euo pipefail
CLI="$1"
source "$(dirname "$0")/lib.sh"

start_network
KEYS="$NET/keys"

committed() {  # output of a --wait submission → ok if committed with result ok
  grep -q '"status": "committed"' <<<"$1" && grep -q '"code": "ok"' <<<"$1"
}
expect_exit() {  # <code> <command…>: runs it, expects that exit code; sets OUT (stdout+stderr)
  local want=$1 got=0
  shift
  OUT=$("$@" 2>&1) || got=$?
  [ "$got" -eq "$want" ] || { echo "$OUT" >&2; fail "exit $got, expected $want: $*"; }
}

echo "telemetry" >"$WORK/data.csv"
hash=$(sha256sum "$WORK/data.csv" | cut -c1-64)

# The old spelling (scripts, docs) and the field-flag spelling build the same body.
out=$("$CLI" tx dataset-register --node "$API" --key "$KEYS/maker.key" --id ds-old \
      --content-file "$WORK/data.csv" --description "old spelling" --wait)
committed "$out" || { echo "$out"; fail "dataset-register (old spelling)"; }
[ "$(field "$out" content_hash)" = "$hash" ] || fail "content hash of the file"
out=$("$CLI" tx dataset.register --node "$API" --key "$KEYS/maker.key" --dataset-id ds-new \
      --content-hash "$hash" --wait)
committed "$out" || { echo "$out"; fail "dataset.register"; }

# Usage errors exit 2 and name the flag; refusals by the node exit 1.
expect_exit 2 "$CLI" tx dataset.register --node "$API" --key "$KEYS/maker.key" --content-hash "$hash"
grep -q "dataset_id (--dataset-id): is required" <<<"$OUT" || fail "missing field: $OUT"
expect_exit 2 "$CLI" tx dataset.register --node "$API" --key "$KEYS/maker.key" --dataset-id x \
  --content-hash "$hash" --colour red
expect_exit 2 "$CLI" tx no.such --node "$API" --key "$KEYS/maker.key"
expect_exit 2 "$CLI" tx grant.issue --node "$API" --key "$KEYS/maker.key" --grant-id g --dataset-id ds-old \
  --grantee analytics --valid-from-ms 2026-01-01 --valid-until-ms 2026-02-30 --usage-cap 10
grep -q "valid_until_ms (--valid-until-ms): '2026-02-30' is not a UTC time" <<<"$OUT" || fail "bad time: $OUT"
expect_exit 1 "$CLI" tx dataset.register --node "$API" --key "$KEYS/maker.key" --dataset-id ds-old \
  --content-hash "$hash" --wait
grep -q "already_exists" <<<"$OUT" || fail "duplicate dataset: $OUT"

# A grant, then a usage receipt signed by provider and consumer in one command.
out=$("$CLI" tx grant-issue --node "$API" --key "$KEYS/maker.key" --grant-id g1 --dataset-id ds-old \
      --grantee analytics --purposes emissions,maintenance --operations read \
      --valid-from-ms 2026-01-01 --valid-until-ms 2099-01-01 --usage-cap 1000 --wait)
committed "$out" || { echo "$out"; fail "grant.issue"; }
usage_flags=(--grant-id g1 --purpose emissions --operation read --quantity 10 --unit rows
             --used-at-ms "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --evidence-hash "$hash")
out=$("$CLI" tx usage.record --node "$API" --key "$KEYS/maker.key" --key "$KEYS/analytics.key" \
      --receipt-id u1 "${usage_flags[@]}" --wait)
committed "$out" || { echo "$out"; fail "usage.record with two keys"; }

# build (maker signs) → sign (analytics) → submit.
out=$("$CLI" tx build usage.record --node "$API" --signer "$KEYS/maker.key" \
      --signer "$KEYS/analytics.key" --key "$KEYS/maker.key" --receipt-id u2 "${usage_flags[@]}" \
      --out "$WORK/u2.json")
analytics_key=$(field "$(cat "$KEYS/analytics.key")" public_key)
grep -A1 '"unsigned"' <<<"$out" | grep -q "$analytics_key" || { echo "$out"; fail "build: analytics to sign"; }
expect_exit 2 "$CLI" tx usage.record --node "$API" --signer "$KEYS/maker.key" \
  --signer "$KEYS/analytics.key" --key "$KEYS/maker.key" --receipt-id u2 "${usage_flags[@]}"
expect_exit 1 "$CLI" tx submit "$WORK/u2.json" --node "$API"
grep -q "has not signed" <<<"$OUT" || fail "submit of a half-signed transaction: $OUT"
expect_exit 1 "$CLI" tx sign "$WORK/u2.json" --key "$KEYS/auditor.key"
grep -q "not a signer" <<<"$OUT" || fail "sign by a non-signer: $OUT"
out=$("$CLI" tx sign "$WORK/u2.json" --key "$KEYS/analytics.key")
grep -q '"unsigned": \[\]' <<<"$out" || { echo "$out"; fail "sign left a slot unsigned"; }
out=$("$CLI" tx submit "$WORK/u2.json" --node "$API" --wait)
committed "$out" || { echo "$out"; fail "submit after sign"; }

# key.add: the new key proves possession; the member then holds two keys.
"$CLI" keygen --out "$WORK/maker2.key" >/dev/null
out=$("$CLI" tx key.add --node "$API" --key "$KEYS/maker.key" --new-key "$WORK/maker2.key" \
      --member maker --wait)
committed "$out" || { echo "$out"; fail "key.add"; }
[ "$("$CLI" query member maker --node "$API" | grep -c '"[0-9a-f]\{64\}"')" -eq 2 ] || fail "maker has not 2 keys"

# Help lists the kinds and a kind's flags with their types.
"$CLI" tx --help | grep -q "grant.issue" || fail "tx --help"
"$CLI" tx grant.issue --help | grep -q -- "--valid-until-ms TIME *time, required" || fail "grant.issue --help"

echo "cli_tx_test: ok"
