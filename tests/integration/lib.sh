# Helpers for process-level tests: a private network in a temp folder on a free loopback
# port, node start/stop, JSON field extraction. Sourced by tests/integration/*_test.sh with
# CLI set to the covalue binary.

WORK="$(mktemp -d /tmp/covalue-it.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# A port nobody listens on, from a range the demo does not use.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  fail "no free port"
}

# init_network <dir> <api port>: a one-validator network of members maker, analytics,
# auditor (its p2p port is the api port + 1; nobody dials it).
init_network() {
  cat >"$WORK/network.json" <<JSON
{"chain_id": "covalue-it",
 "members": [{"id": "maker", "roles": ["member"]}, {"id": "analytics", "roles": ["member"]},
             {"id": "auditor", "roles": ["auditor"]}],
 "nodes": [{"name": "node0", "validator": true, "api_port": $2, "p2p_port": $(($2 + 1))}]}
JSON
  "$CLI" network init "$WORK/network.json" --out "$1" >/dev/null || fail "network init"
}

# start_node <node dir> <api>: starts it, waits until its API answers; sets NODE_PID.
start_node() {
  "$CLI" node --config "$1/config.json" >>"$1/node.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  for _ in $(seq 1 100); do
    "$CLI" query status --node "$2" >/dev/null 2>&1 && return 0
    kill -0 "$NODE_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$1/node.log" >&2
  fail "node did not start"
}

# start_network: the network of init_network in $WORK/net, its node started; sets PORT, API
# (127.0.0.1:PORT) and NET.
start_network() {
  PORT=$(free_port)
  API="127.0.0.1:$PORT"
  NET="$WORK/net"
  init_network "$NET" "$PORT"
  start_node "$NET/node0" "$API"
}

field() {  # json-text key -> first value of "key"
  grep -m1 "\"$2\"" <<<"$1" | sed -E 's/.*: "?([^",]*)"?,?$/\1/'
}

hash_of() { printf '%s' "$1" | sha256sum | cut -c1-64; }
