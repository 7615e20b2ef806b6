# The ecosystem scenario (PRODUCT.md), told through the CLI against a running network.
# Sourced by scripts/demo (the local-4 network) and tests/integration/ecosystem_test.sh (a
# one-node network); the caller sets:
#   CLI    the covalue binary           NODE  host:port of a node's API
#   KEYS   the folder of member key files (maker.key, analytics.key, connectivity.key)
#   WORKDIR a scratch folder
# and calls run_ecosystem_scenario. Every step must succeed — or, where the story says a
# step is refused, must be refused with the expected code — else the function fails.
#
# The story: maker, an equipment maker, registers its press telemetry and grants analytics,
# a start-up, access for emissions analytics; analytics' usage is receipted. Maker,
# analytics and connectivity (the network provider) run a venture, "fleet-emissions",
# with a mixed formula in which maker first recoups its infrastructure cost. In 2026-Q2 they
# record contributions (one is disputed), maker invoices a customer, and the quarter is
# settled and paid. For 2026-Q3 a new formula version raises connectivity's share, signed
# by all three; Q3 is settled, after a dispute that is withdrawn. Maker then revokes the
# grant and a later receipt is refused. Along the way the members vote an insurer in, and
# the insurer rotates its key: every kind of business transaction is used.

scenario_step() { printf '\033[1m--- %s\033[0m\n' "$*"; }

# json_field <json> <key>: the first value of "key" (string or number).
json_field() { grep -m1 "\"$2\"" <<<"$1" | sed -E 's/.*: "?([^",]*)"?,?$/\1/'; }

# run_tx <kind> <signer…> -- <flags…>: signs with each signer's key, submits and waits for
# the commit; sets TX_OUT (the CLI's output) and TX_STATUS (its exit code).
run_tx() {
  local kind=$1
  shift
  local keys=()
  while [ "$1" != "--" ]; do
    keys+=(--key "$(key_file "$1")")
    shift
  done
  shift
  TX_STATUS=0
  TX_OUT=$("$CLI" tx "$kind" --node "$NODE" "${keys[@]}" --wait "$@" 2>&1) || TX_STATUS=$?
}

# tx <kind> <signer…> -- <flags…>: must commit with result ok; prints the result's events.
tx() {
  run_tx "$@"
  if [ "$TX_STATUS" -ne 0 ]; then
    echo "$TX_OUT" >&2
    echo "scenario: $1 failed" >&2
    return 1
  fi
  summarize_result <<<"$TX_OUT"
}

# tx_refused <code> <kind> <signer…> -- <flags…>: must be refused with <code>.
tx_refused() {
  local code=$1
  shift
  run_tx "$@"
  if [ "$TX_STATUS" -eq 0 ] || ! grep -q "$code" <<<"$TX_OUT"; then
    echo "$TX_OUT" >&2
    echo "scenario: $1 should have been refused with $code" >&2
    return 1
  fi
  echo "  refused as expected: $(grep -m1 -oE "$code[^\"]*" <<<"$TX_OUT")"
}

# One line per event: "  event.kind key=value …".
summarize_result() {
  python3 -c '
import json, sys
answer = json.load(sys.stdin)
result = answer.get("result", {})
print("  committed at height %s: %s" % (answer.get("height"), result.get("code")))
for e in result.get("events", []):
    attrs = " ".join("%s=%s" % kv for kv in e["attributes"].items())
    print("    %s %s" % (e["kind"], attrs))
'
}

# contribute <member> <id> <kind> <quantity> <unit> <value> <period> [recoupable]: a
# contribution to fleet-emissions with the scenario's evidence hash.
contribute() {
  tx contribution.record "$1" -- --contribution-id "$2" --venture-id fleet-emissions --kind "$3" \
    --quantity "$4" --unit "$5" --value "$6" --period "$7" --evidence-hash "$evidence" \
    --recoupable "$([ "${8:-}" = recoupable ] && echo true || echo false)"
}

# A signer is a member of the network (its key in $KEYS) or a key file's path.
key_file() { case "$1" in */*) echo "$1" ;; *) echo "$KEYS/$1.key" ;; esac; }

run_ecosystem_scenario() {
  local now evidence
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  mkdir -p "$WORKDIR"
  echo "telemetry export $(date -u +%F)" >"$WORKDIR/telemetry.parquet"
  echo "usage log" >"$WORKDIR/usage.log"
  evidence=$(sha256sum "$WORKDIR/usage.log" | cut -c1-64)

  scenario_step "maker registers its telemetry dataset"
  tx dataset.register maker -- --dataset-id fleet-telemetry \
    --content-hash-file "$WORKDIR/telemetry.parquet" --description "Machine telemetry, all fleets"

  scenario_step "maker grants analytics access to it for emissions analytics"
  tx grant.issue maker -- --grant-id analytics-emissions --dataset-id fleet-telemetry \
    --grantee analytics --purposes emissions-analytics --operations read,aggregate \
    --valid-from-ms 2026-01-01 --valid-until-ms 2027-12-31 --usage-cap 5000000
  echo "  access check: may analytics use fleet-telemetry for emissions-analytics now?"
  "$CLI" query access --node "$NODE" --party analytics --dataset fleet-telemetry \
    --purpose emissions-analytics | sed 's/^/    /'
  echo "  ... and for marketing?"
  "$CLI" query access --node "$NODE" --party analytics --dataset fleet-telemetry \
    --purpose marketing | sed 's/^/    /'

  scenario_step "usage receipts, signed by both maker (provider) and analytics (consumer)"
  tx usage.record maker analytics -- --receipt-id use-0001 --grant-id analytics-emissions \
    --purpose emissions-analytics --operation aggregate --quantity 1200000 --unit rows \
    --used-at-ms "$now" --evidence-hash "$evidence"
  tx usage.record maker analytics -- --receipt-id use-0002 --grant-id analytics-emissions \
    --purpose emissions-analytics --operation read --quantity 300000 --unit rows \
    --used-at-ms "$now" --evidence-hash "$evidence"

  scenario_step "the members vote an insurer in (two thirds of the voting members approve)"
  rm -f "$WORKDIR/insurer.key" "$WORKDIR/insurer-2.key"
  local insurer_key
  insurer_key=$("$CLI" keygen --out "$WORKDIR/insurer.key")
  tx member.propose maker -- --proposal-id admit-insurer --action add --member-id insurer \
    --roles 1 --keys "$insurer_key"
  tx member.approve analytics -- --proposal-id admit-insurer
  if [ "$(json_field "$("$CLI" query proposal admit-insurer --node "$NODE")" executed_height)" = 0 ]; then
    tx member.approve connectivity -- --proposal-id admit-insurer
  fi
  "$CLI" query member insurer --node "$NODE" | sed 's/^/    /'

  scenario_step "the insurer adds a second key and retires its first"
  "$CLI" keygen --out "$WORKDIR/insurer-2.key" >/dev/null
  tx key.add "$WORKDIR/insurer.key" -- --new-key "$WORKDIR/insurer-2.key" --member insurer
  local height
  height=$(json_field "$("$CLI" query status --node "$NODE")" height)
  tx key.retire "$WORKDIR/insurer-2.key" -- --body-key "$WORKDIR/insurer.key" \
    --valid-until-height $((height + 2))

  scenario_step "maker, analytics and connectivity start the fleet-emissions venture (quarterly, EUR)"
  tx venture.create maker -- --venture-id fleet-emissions --members maker,analytics,connectivity \
    --currency EUR --period-length quarter --first-period 2026-Q2 --treasurer maker

  scenario_step "formula v1 from 2026-Q2: mixed (60% fixed 50/30/20, 40% by contributions), maker recoups up to 20% of revenue first"
  cat >"$WORKDIR/formula-v1.json" <<'JSON'
{"kind": "mixed",
 "fixed_shares": [{"member": "maker", "bps": 5000}, {"member": "analytics", "bps": 3000},
                  {"member": "connectivity", "bps": 2000}],
 "kind_weights": [{"kind": "data", "weight_bps": 10000}, {"kind": "service", "weight_bps": 10000},
                  {"kind": "compute", "weight_bps": 5000}],
 "fixed_part_bps": 6000, "recoup_cap_bps": 2000}
JSON
  tx formula.propose maker -- --venture-id fleet-emissions --version 1 \
    --effective-from 2026-Q2 --formula "@$WORKDIR/formula-v1.json"
  echo "  settling 2026-Q2 now is refused: not every member has signed v1"
  tx_refused failed_precondition settlement.run maker -- --venture-id fleet-emissions --period 2026-Q2
  tx formula.sign analytics -- --venture-id fleet-emissions --version 1
  tx formula.sign connectivity -- --venture-id fleet-emissions --version 1

  scenario_step "2026-Q2 contributions (maker's infrastructure is a recoupable cost)"
  contribute maker q2-maker-infra compute 1 platform 3000000 2026-Q2 recoupable
  contribute maker q2-maker-data data 1500000 rows 400000 2026-Q2
  contribute analytics q2-analytics-model service 120 hours 900000 2026-Q2
  contribute connectivity q2-connectivity-sims service 400 sim-months 300000 2026-Q2
  contribute analytics q2-analytics-gpu compute 800 gpu-hours 500000 2026-Q2
  echo "  maker disputes analytics' GPU hours: they do not count"
  tx contribution.dispute maker -- --contribution-id q2-analytics-gpu \
    --reason "no GPU invoices attached"

  scenario_step "2026-Q2 revenue: maker invoices the fleet customer EUR 120,000.00"
  tx revenue.record maker -- --venture-id fleet-emissions --external-ref INV-2026-0412 \
    --amount 12000000 --currency EUR --period 2026-Q2 --note "Fleet emissions reports, Q2"
  echo "  the billing system retries the same invoice:"
  tx_refused duplicate revenue.record maker -- --venture-id fleet-emissions \
    --external-ref INV-2026-0412 --amount 12000000 --currency EUR --period 2026-Q2

  scenario_step "settle 2026-Q2"
  tx settlement.run analytics -- --venture-id fleet-emissions --period 2026-Q2
  "$CLI" query statement fleet-emissions 2026-Q2 --node "$NODE"
  echo "  late revenue for the settled quarter is refused:"
  tx_refused period_closed revenue.record maker -- --venture-id fleet-emissions \
    --external-ref INV-2026-0630 --amount 100000 --currency EUR --period 2026-Q2

  scenario_step "maker pays out 2026-Q2 and confirms each payout with the bank's reference"
  tx payout.confirm maker -- --venture-id fleet-emissions --period 2026-Q2 --member analytics \
    --bank-ref SEPA-Q2-0001
  tx payout.fail maker -- --venture-id fleet-emissions --period 2026-Q2 --member connectivity \
    --reason "IBAN rejected by the receiving bank"
  tx payout.reinstruct maker -- --venture-id fleet-emissions --period 2026-Q2 --member connectivity
  tx payout.confirm maker -- --venture-id fleet-emissions --period 2026-Q2 --member connectivity \
    --bank-ref SEPA-Q2-0002
  tx payout.confirm maker -- --venture-id fleet-emissions --period 2026-Q2 --member maker \
    --bank-ref INTERNAL-Q2
  echo "  a second confirmation is refused:"
  tx_refused conflict payout.confirm maker -- --venture-id fleet-emissions --period 2026-Q2 \
    --member analytics --bank-ref SEPA-Q2-0001-DUP

  scenario_step "formula v2 from 2026-Q3 raises connectivity's share to 25%; all three sign"
  sed -e 's/"bps": 5000/"bps": 4500/' -e 's/"bps": 2000}/"bps": 2500}/' \
    "$WORKDIR/formula-v1.json" >"$WORKDIR/formula-v2.json"
  tx formula.propose connectivity -- --venture-id fleet-emissions --version 2 \
    --effective-from 2026-Q3 --formula "@$WORKDIR/formula-v2.json"
  tx formula.sign maker -- --venture-id fleet-emissions --version 2
  tx formula.sign analytics -- --venture-id fleet-emissions --version 2

  scenario_step "2026-Q3: contributions, EUR 95,000.00 revenue, settlement"
  contribute maker q3-maker-data data 1700000 rows 450000 2026-Q3
  contribute analytics q3-analytics-model service 90 hours 700000 2026-Q3
  contribute connectivity q3-connectivity-sims service 450 sim-months 340000 2026-Q3
  echo "  analytics disputes connectivity's SIM count, checks the invoices, and withdraws the dispute"
  tx contribution.dispute analytics -- --contribution-id q3-connectivity-sims \
    --reason "SIM count differs from the fleet list"
  tx contribution.resolve analytics -- --contribution-id q3-connectivity-sims --outcome upheld \
    --note "fleet list was stale; the count stands"
  tx revenue.record maker -- --venture-id fleet-emissions --external-ref INV-2026-0711 \
    --amount 9500000 --currency EUR --period 2026-Q3
  tx settlement.run connectivity -- --venture-id fleet-emissions --period 2026-Q3

  scenario_step "maker revokes analytics' grant; a later usage receipt is refused"
  tx grant.revoke maker -- --grant-id analytics-emissions --reason "contract ended"
  tx_refused revoked usage.record maker analytics -- --receipt-id use-0003 \
    --grant-id analytics-emissions --purpose emissions-analytics --operation read \
    --quantity 1000 --unit rows --used-at-ms "$now" --evidence-hash "$evidence"
  "$CLI" query access --node "$NODE" --party analytics --dataset fleet-telemetry \
    --purpose emissions-analytics | sed 's/^/    /'

  scenario_step "the insurer's first key is past its retirement height: refused; the new one signs"
  tx_refused key_retired dataset.register "$WORKDIR/insurer.key" -- --dataset-id claims-history \
    --content-hash "$evidence" --description "Claims history"
  tx dataset.register "$WORKDIR/insurer-2.key" -- --dataset-id claims-history \
    --content-hash "$evidence" --description "Claims history"

  scenario_step "the settlement statements as the ledger holds them now"
  "$CLI" query statement fleet-emissions 2026-Q2 --node "$NODE"
  "$CLI" query statement fleet-emissions 2026-Q3 --node "$NODE"
}
