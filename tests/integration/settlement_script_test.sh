#!/usr/bin/env bash
# The settlement script (docs/examples/settlement_script.py) against a real one-node network that
# requires API tokens (the script has a read+submit token): after the ecosystem scenario
# (scripts/scenario.sh; its 2026-Q2 payouts confirmed by hand, its 2026-Q3 payouts instructed)
# and a monthly venture with more settled periods, the script follows GET /v1/events and is
# killed at each dangerous point — kill -9 from outside after its first confirmation, then dying
# right after a bank payment, right after submitting a confirmation (before its commit), right
# after a confirmation (before its cursor is saved) — and restarted from its saved cursor each
# time, while further periods settle; the node itself is killed with -9 and restarted under a
# running script. Then it replays the whole stream from the start. Exactly once means:
#   - every payout of the settled periods is confirmed, with the script's bank reference;
#   - the bank log holds exactly one payment per payout, of the payout's amount;
#   - the ledger holds exactly one payout.confirmed per payout, committed by the one
#     confirmation the script signed for it (every submission of it named the same transaction),
#     and no confirmation was ever refused or left out of a block;
#   - the payouts confirmed by hand (2026-Q2) were neither paid nor confirmed again;
#   - within each run of the script, the cursors it saved strictly increase: the stream, across
#     reconnects and the node's restart, delivered no event twice and none out of order.
# First, against a fake node: an `error` event and events it cannot read make it reconnect (from
# its saved cursor, with its token) instead of stopping.
set -euo pipefail
CLI="$1"
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../scripts/scenario.sh"
SCRIPT="$(cd "$(dirname "$0")/../.." && pwd)/docs/examples/settlement_script.py"

echo "--- against a fake node: an error event, or an event it cannot read, makes it reconnect"
python3 - "$SCRIPT" "$WORK/fake-state" <<'PY' || fail "the script against a fake node"
import argparse, http.server, importlib.util, io, os, sys, threading, time, types
from contextlib import redirect_stdout
spec = importlib.util.spec_from_file_location("settlement_script", sys.argv[1])
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)
script.time = types.SimpleNamespace(sleep=lambda _: None, strftime=time.strftime)
# One body per connection: the node's error event, an event whose data is not JSON, one without
# the fields of a settlement line, and one the test stops at.
bodies = [b'event: error\ndata: {"code":"corruption","message":"block 7 is missing"}\n\n',
          b'id: 7.0.0\nevent: settlement.line\ndata: {not json\n\n',
          b'id: 7.0.1\nevent: settlement.line\ndata: {"id":"7.0.1"}\n\n',
          b'id: 7.0.2\nevent: settlement.line\ndata: {"id":"7.0.2"}\n\n']
requests = []
class FakeNode(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        requests.append((self.headers.get("Authorization"), self.headers.get("Last-Event-ID")))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(bodies[min(len(requests), len(bodies)) - 1])
    def log_message(self, *_):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeNode)
threading.Thread(target=server.serve_forever, daemon=True).start()
class Done(Exception):
    pass
handle = script.SettlementScript.handle
def stop_at_last(self, data):
    if data["id"] == "7.0.2":
        raise Done()
    handle(self, data)
script.SettlementScript.handle = stop_at_last
os.environ.pop("COVALUE_TOKEN_FILE", None)
os.environ["COVALUE_TOKEN"] = "cvt_fake"
options = argparse.Namespace(node=f"127.0.0.1:{server.server_address[1]}", venture=["v"],
                             payer="maker", key="none", state_dir=sys.argv[2], bank_log=None,
                             ref_prefix="P", covalue="false", token_file=None)
out = io.StringIO()
try:
    with redirect_stdout(out):
        script.SettlementScript(options).run()
except Done:
    pass
log = out.getvalue()
for error in ("StreamError: the node ended the stream", "JSONDecodeError", "KeyError"):
    if f"stream interrupted; reconnecting cursor=0 error={error}" not in log:
        sys.exit(f"no reconnect after {error}:\n{log}")
if requests != [("Bearer cvt_fake", "0")] * 4:
    sys.exit(f"requests: {requests}")
PY

PORT=$(free_port)
NODE="127.0.0.1:$PORT"
cat >"$WORK/network.json" <<JSON
{"chain_id": "covalue-settle", "api_auth": "tokens",
 "members": [{"id": "maker", "roles": ["member"]}, {"id": "analytics", "roles": ["member"]},
             {"id": "connectivity", "roles": ["member"]}, {"id": "auditor", "roles": ["auditor"]}],
 "nodes": [{"name": "node0", "validator": true, "api_port": $PORT, "p2p_port": $((PORT + 1))}]}
JSON
"$CLI" network init "$WORK/network.json" --out "$WORK/net" >/dev/null || fail "network init"
# The scenario and the checks use the node's admin token; the script a token of its own.
export COVALUE_TOKEN_FILE="$WORK/net/node0/admin.token"
SCRIPT_TOKEN="$WORK/script.token"
"$CLI" token new --role read --role submit --name settlement --out "$SCRIPT_TOKEN" \
  >"$WORK/script-token.json" 2>/dev/null || fail "token new"
python3 - "$WORK/net/node0/config.json" "$WORK/script-token.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["api_tokens"].append(json.load(open(sys.argv[2]))["api_token"])
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY
start_node "$WORK/net/node0" "$NODE"
# api_get <path>: GET with the admin token.
api_get() { curl -sf -H "Authorization: Bearer $(cat "$COVALUE_TOKEN_FILE")" "http://$NODE$1"; }
KEYS="$WORK/net/keys"
WORKDIR="$WORK/scenario"
STATE="$WORK/script-state"
LOG="$WORK/script.log"
VENTURES="fleet-emissions,fleet-monthly"

run_ecosystem_scenario >"$WORK/scenario.log" 2>&1 || { cat "$WORK/scenario.log"; fail "scenario"; }

# A monthly venture of the same three, fixed shares 50/30/20, maker its treasurer.
setup_monthly() {
  tx venture.create maker -- --venture-id fleet-monthly --members maker,analytics,connectivity \
    --currency EUR --period-length month --first-period 2026-01 --treasurer maker
  cat >"$WORK/fixed.json" <<'JSON'
{"kind": "fixed",
 "fixed_shares": [{"member": "maker", "bps": 5000}, {"member": "analytics", "bps": 3000},
                  {"member": "connectivity", "bps": 2000}]}
JSON
  tx formula.propose maker -- --venture-id fleet-monthly --version 1 --effective-from 2026-01 \
    --formula "@$WORK/fixed.json"
  tx formula.sign analytics -- --venture-id fleet-monthly --version 1
  tx formula.sign connectivity -- --venture-id fleet-monthly --version 1
}
# settle_month <YYYY-MM> <revenue in cents>
settle_month() {
  tx revenue.record maker -- --venture-id fleet-monthly --external-ref "INV-$1" --amount "$2" \
    --currency EUR --period "$1"
  tx settlement.run analytics -- --venture-id fleet-monthly --period "$1"
}
setup_monthly >>"$WORK/scenario.log" 2>&1 || { cat "$WORK/scenario.log"; fail "monthly venture"; }
settle_month 2026-01 300000 >>"$WORK/scenario.log" 2>&1 || fail "settle 2026-01"

SCRIPT_ARGS=(--node "$NODE" --venture fleet-emissions --venture fleet-monthly --payer maker
  --key "$KEYS/maker.key" --state-dir "$STATE" --covalue "$CLI" --ref-prefix SCRIPT)
# start_script [crash point]: runs the script in the background with its token file (and not
# the admin token of the environment); sets SCRIPT_PID.
start_script() {
  echo "=== run (crash at: ${1:-none})" >>"$LOG"
  env -u COVALUE_TOKEN_FILE SETTLEMENT_SCRIPT_CRASH="${1:-}" python3 "$SCRIPT" "${SCRIPT_ARGS[@]}" \
    --token-file "$SCRIPT_TOKEN" >>"$LOG" 2>&1 &
  SCRIPT_PID=$!
  PIDS+=("$SCRIPT_PID")
}
# wait_until <description> <command…>: polls until the command succeeds (two minutes at most).
wait_until() {
  local what=$1
  shift
  for _ in $(seq 1 1200); do
    "$@" && return 0
    sleep 0.1
  done
  cat "$LOG" >&2
  fail "waited in vain for: $what"
}
confirmations() { grep -cE '^[0-9:]+ confirmed bank_ref=' "$LOG" || true; }
has_confirmations() { [ "$(confirmations)" -ge "$1" ]; }
# The script died by itself (its crash hook) with kill -9's status.
expect_crash() {
  local status=0
  wait "$SCRIPT_PID" || status=$?
  [ "$status" = 137 ] || { cat "$LOG" >&2; fail "the script should have died at $1 (status $status)"; }
  grep -q "crash (test hook) at=$1" "$LOG" || fail "no crash at $1"
}

echo "--- without a token the node refuses the script, and it stops saying so"
status=0
out=$(env -u COVALUE_TOKEN_FILE -u COVALUE_TOKEN timeout 60 python3 "$SCRIPT" "${SCRIPT_ARGS[@]}" \
  --state-dir "$WORK/no-token" 2>&1) || status=$?
[ "$status" = 1 ] && grep -q "refused the API token (HTTP 401)" <<<"$out" ||
  fail "the script without a token: status $status: $out"

echo "--- run 1: killed with -9 after its first confirmation"
start_script
wait_until "a first confirmation" has_confirmations 1
kill -9 "$SCRIPT_PID"
wait "$SCRIPT_PID" 2>/dev/null || true

echo "--- run 2: dies right after a bank payment, before confirming it"
settle_month 2026-02 410000 >>"$WORK/scenario.log" 2>&1 || fail "settle 2026-02"
start_script after-payment
expect_crash after-payment

echo "--- run 3: dies right after a confirmation, before saving its cursor"
settle_month 2026-03 525000 >>"$WORK/scenario.log" 2>&1 || fail "settle 2026-03"
start_script after-confirmation
expect_crash after-confirmation

echo "--- run 4: dies right after submitting a confirmation, before its commit"
settle_month 2026-04 199999 >>"$WORK/scenario.log" 2>&1 || fail "settle 2026-04"
start_script after-submit
expect_crash after-submit

echo "--- run 5: resumes; the node is killed with -9 and restarted under it; a period settles"
run5_line=$(wc -l <"$LOG")
run5_confirmations=$(confirmations)
start_script
wait_until "a confirmation of run 5" has_confirmations $((run5_confirmations + 1))
kill -9 "$NODE_PID"
wait "$NODE_PID" 2>/dev/null || true
start_node "$WORK/net/node0" "$NODE"
settle_month 2026-05 333333 >>"$WORK/scenario.log" 2>&1 || fail "settle 2026-05"

# Every settlement line of the script's ventures (and re-instruction), from the ledger.
events=$(api_get "/v1/events/page?limit=1000&kind=settlement.line,payout.reinstructed&venture=$VENTURES") ||
  fail "events page"
last_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["events"][-1]["id"])' <<<"$events")
cursor_at_end() { [ "$(cat "$STATE/cursor" 2>/dev/null)" = "$last_id" ]; }
wait_until "the cursor at $last_id" cursor_at_end
kill -9 "$SCRIPT_PID"
wait "$SCRIPT_PID" 2>/dev/null || true
cp "$STATE/bank.log" "$WORK/bank-before-replay.log"

# Read with awk, not `tail | grep -q`: grep -q stops at the first match, and under pipefail the
# SIGPIPE that tail then gets when it writes more would fail the check by chance.
awk -v from="$run5_line" 'NR > from && /stream interrupted; reconnecting/ { found = 1 }
  END { exit !found }' "$LOG" || fail "the script did not notice the node's restart"

echo "--- run 6: the whole stream again from the start changes nothing (token from \$COVALUE_TOKEN)"
rm "$STATE/cursor"
echo "=== run (crash at: none; replay)" >>"$LOG"
env -u COVALUE_TOKEN_FILE COVALUE_TOKEN="$(cat "$SCRIPT_TOKEN")" python3 "$SCRIPT" "${SCRIPT_ARGS[@]}" \
  >>"$LOG" 2>&1 &
SCRIPT_PID=$!
PIDS+=("$SCRIPT_PID")
wait_until "the replay to reach $last_id" cursor_at_end
kill -9 "$SCRIPT_PID"
wait "$SCRIPT_PID" 2>/dev/null || true
cmp -s "$STATE/bank.log" "$WORK/bank-before-replay.log" || fail "the replay paid again"

[ -z "${SHOW_SCRIPT_LOG:-}" ] || cat "$LOG"
echo "--- no event twice: the saved cursors strictly increase within each run"
python3 - "$LOG" <<'PY' || fail "the stream delivered an event twice or out of order"
import re, sys
runs, errors = [], []
for line in open(sys.argv[1]):
    if line.startswith("=== run"):
        runs.append([])
    elif (match := re.search(r" cursor saved cursor=(\d+)\.(\d+)\.(\d+)$", line)):
        runs[-1].append(tuple(map(int, match.groups())))
for number, cursors in enumerate(runs, 1):
    for before, after in zip(cursors, cursors[1:]):
        if not before < after:
            errors.append(f"run {number}: cursor {before} then {after}")
if sum(map(len, runs)) < 18:
    errors.append(f"only {sum(map(len, runs))} cursors saved")
sys.exit("\n".join(errors) or None)
PY

echo "--- exactly once"
confirmed=$(api_get "/v1/events/page?limit=1000&kind=payout.confirmed&venture=$VENTURES") ||
  fail "confirmed events"
payouts=()
while read -r venture period member; do payouts+=("$venture $period $member"); done < <(
  python3 -c '
import json, sys
for e in json.load(sys.stdin)["events"]:
    if e["kind"] == "settlement.line" and e["scope"]["period"] != "2026-Q2":
        print(e["scope"]["venture"], e["scope"]["period"], e["attributes"]["member"])
' <<<"$events")
[ "${#payouts[@]}" = 18 ] || fail "expected 18 payouts (Q3 and five months, three members each), found ${#payouts[@]}"
for payout in "${payouts[@]}"; do
  read -r venture period member <<<"$payout"
  ref="SCRIPT-$venture-$period-$member-1"
  record=$(api_get "/v1/ventures/$venture/payouts/$period/$member") || fail "payout $payout"
  python3 - "$record" "$ref" "$STATE/bank.log" "$confirmed" "$LOG" <<'PY' || fail "payout $payout"
import json, re, sys
record, ref, bank_path, confirmed, log_path = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), sys.argv[5]
def check(condition, what):
    if not condition:
        sys.exit(f"{ref}: {what}")
check(record["status"] == "confirmed" and record["bank_ref"] == ref, f"record {record}")
payments = [p for p in map(json.loads, open(bank_path)) if p["ref"] == ref]
check(len(payments) == 1, f"{len(payments)} bank payments")
check(payments[0]["amount"] == record["amount"], f"paid {payments[0]['amount']}, owed {record['amount']}")
events = [e for e in confirmed["events"] if e["attributes"]["bank_ref"] == ref]
check(len(events) == 1, f"{len(events)} payout.confirmed events")
# The script logs every submission before making it: one transaction only, the ledger's.
sent = set(re.findall(r" submitting confirmation bank_ref=" + re.escape(ref) + r" tx=([0-9a-f]+)",
                      open(log_path).read()))
check(sent == {events[0]["tx_id"]}, f"the script submitted {sent}, the ledger has {events[0]['tx_id']}")
PY
done
[ "$(wc -l <"$STATE/bank.log")" = "${#payouts[@]}" ] || fail "the bank log holds other payments"
[ "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["events"]))' <<<"$confirmed")" = 21 ] ||
  fail "expected 21 confirmations (3 by hand for Q2, 18 by the script): $confirmed"
for ref in SEPA-Q2-0001 SEPA-Q2-0002 INTERNAL-Q2; do
  grep -q "\"bank_ref\":\"$ref\"" <<<"$confirmed" || fail "Q2 confirmation $ref"
done
! grep -q "Q2" "$STATE/bank.log" || fail "a Q2 payout was paid"
grep -q "confirmed by someone else; not paying" "$LOG" || fail "the Q2 payouts were not recognised"
! grep -q "conflict" "$LOG" || fail "a confirmation was refused: $(grep conflict "$LOG")"
! grep -q "transaction left out" "$WORK/net/node0/node.log" || fail "a transaction was left out of a block"
grep -q "bank has the payment already" "$LOG" || fail "the run after the payment crash did not find it"
grep -q "already confirmed" "$LOG" || fail "the run after the confirmation crash did not see it"
[ -z "$(ls "$STATE"/*.tx 2>/dev/null)" ] || fail "confirmations left unsent: $(ls "$STATE")"
echo "settlement_script_test: ok"
