#!/usr/bin/env bash
# API tokens through the real binary: `network init` with "api_auth": "tokens" writes each
# node an admin token (0600) and only its hash into the config; the CLI without a token is
# refused (401 unauthenticated), with --token-file / $COVALUE_TOKEN_FILE / $COVALUE_TOKEN it
# works; `covalue token new` makes read and submit tokens whose roles the node enforces (403
# permission_denied); the admin token reaches sign-and-submit and /metrics; /healthz and
# /readyz need none. Usage: api_tokens_test.sh <covalue binary>
set -euo pipefail
CLI=$1
source "$(dirname "$0")/lib.sh"

# call METHOD PATH [TOKEN [BODY]]: one request over bash's /dev/tcp; sets STATUS and BODY.
call() {
  local method=$1 path=$2 token=${3:-} body=${4:-} response
  exec 3<>"/dev/tcp/127.0.0.1/$PORT"
  {
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %d\r\n' \
      "$method" "$path" "${#body}"
    if [ -n "$token" ]; then printf 'Authorization: Bearer %s\r\n' "$token"; fi
    printf '\r\n%s' "$body"
  } >&3
  response=$(cat <&3)
  exec 3<&-
  STATUS=$(head -1 <<<"$response" | cut -d' ' -f2)
  BODY=${response#*$'\r\n\r\n'}
}

PORT=$(free_port)
API="127.0.0.1:$PORT"
cat >"$WORK/network.json" <<JSON
{"chain_id": "covalue-tokens", "api_auth": "tokens",
 "members": [{"id": "maker", "roles": ["member"]}, {"id": "analytics", "roles": ["member"]}],
 "nodes": [{"name": "node0", "validator": true, "api_port": $PORT, "p2p_port": $((PORT + 1)),
            "member": "maker"}]}
JSON
"$CLI" network init "$WORK/network.json" --out "$WORK/net" >/dev/null || fail "network init"
NODE="$WORK/net/node0"
ADMIN="$NODE/admin.token"
[ "$(stat -c %a "$ADMIN")" = 600 ] || fail "admin.token is not 0600"
grep -q "$(cat "$ADMIN")" "$NODE/config.json" && fail "the config holds the token itself"
grep -q "$("$CLI" token hash <"$ADMIN")" "$NODE/config.json" || fail "the config lacks the token's hash"

COVALUE_TOKEN_FILE="$ADMIN" start_node "$NODE" "$API"

# No token: refused with its code; open probes answer.
if out=$("$CLI" query status --node "$API" 2>&1); then fail "status without a token: $out"; fi
grep -q "unauthenticated" <<<"$out" || fail "no token: wrong error: $out"
call GET /healthz
[ "$STATUS" = 200 ] || fail "/healthz needs no token: $STATUS $BODY"
call GET /readyz
[ "$STATUS" = 200 ] && grep -q '"ready":true' <<<"$BODY" || fail "/readyz: $STATUS $BODY"
call GET /metrics
[ "$STATUS" = 401 ] && grep -q '"code":"unauthenticated"' <<<"$BODY" || fail "/metrics open: $STATUS"

# The three ways to give the CLI a token.
"$CLI" query status --node "$API" --token-file "$ADMIN" >/dev/null || fail "--token-file"
"$CLI" --token-file="$ADMIN" query status --node "$API" >/dev/null || fail "--token-file= first"
COVALUE_TOKEN_FILE="$ADMIN" "$CLI" query status --node "$API" >/dev/null || fail "\$COVALUE_TOKEN_FILE"
COVALUE_TOKEN="$(cat "$ADMIN")" "$CLI" query status --node "$API" >/dev/null || fail "\$COVALUE_TOKEN"
if out=$(COVALUE_TOKEN=cvt_wrong "$CLI" query status --node "$API" 2>&1); then fail "a wrong token"; fi
grep -q "unauthenticated" <<<"$out" || fail "wrong token: wrong error: $out"
chmod 644 "$ADMIN"
if out=$("$CLI" query status --node "$API" --token-file "$ADMIN" 2>&1); then fail "a loose token file"; fi
grep -q "permission_denied" <<<"$out" || fail "loose token file: wrong error: $out"
chmod 600 "$ADMIN"

# A read token and a submit token, added to the config; the node restarted.
"$CLI" token new --role read --name dashboard --rate-per-s 1000 --out "$WORK/read.token" >"$WORK/read.json" 2>/dev/null
"$CLI" token new --role submit --name app --out "$WORK/submit.token" >"$WORK/submit.json" 2>/dev/null
[ "$(stat -c %a "$WORK/submit.token")" = 600 ] || fail "token new --out is not 0600"
python3 - "$NODE/config.json" "$WORK/read.json" "$WORK/submit.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    config["api_tokens"].append(json.load(open(path))["api_token"])
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY
kill "$NODE_PID"
wait "$NODE_PID" 2>/dev/null || true
COVALUE_TOKEN_FILE="$ADMIN" start_node "$NODE" "$API"

export COVALUE_TOKEN_FILE="$WORK/read.token"
"$CLI" query status --node "$API" >/dev/null || fail "a read token cannot read"
if out=$("$CLI" tx dataset-register --node "$API" --key "$WORK/net/keys/analytics.key" \
  --id refused --content-hash "$(hash_of refused)" --wait 2>&1); then fail "a read token submitted"; fi
grep -q "permission_denied" <<<"$out" || fail "read token submitting: wrong error: $out"
call GET /metrics "$(cat "$WORK/read.token")"
[ "$STATUS" = 200 ] && grep -q '^covalue_height 0$' <<<"$BODY" || fail "/metrics, read token: $STATUS"

export COVALUE_TOKEN_FILE="$WORK/submit.token"
"$CLI" tx dataset-register --node "$API" --key "$WORK/net/keys/analytics.key" \
  --id emissions --content-hash "$(hash_of emissions)" --wait | grep -q '"committed"' ||
  fail "a submit token cannot submit"
if out=$("$CLI" query dataset emissions --node "$API" 2>&1); then fail "a submit token read a record"; fi
grep -q "permission_denied" <<<"$out" || fail "submit token reading: wrong error: $out"

# The admin token: the node signs for its member (maker).
call POST "/v1/admin/sign-and-submit?wait=true" "$(cat "$ADMIN")" \
  "{\"kind\": \"dataset.register\", \"body\": {\"dataset_id\": \"telemetry\",
    \"content_hash\": \"$(hash_of telemetry)\", \"description\": \"press line\"}}"
[ "$STATUS" = 200 ] && grep -q '"status":"committed"' <<<"$BODY" || fail "sign-and-submit: $BODY"
COVALUE_TOKEN_FILE="$WORK/read.token" "$CLI" query dataset telemetry --node "$API" |
  grep -q '"owner": "maker"' || fail "telemetry is not maker's"
call POST /v1/admin/sign-and-submit "$(cat "$WORK/submit.token")" '{}'
[ "$STATUS" = 403 ] && grep -q '"code":"permission_denied"' <<<"$BODY" ||
  fail "a submit token reached admin: $STATUS $BODY"
echo "api tokens: ok"
