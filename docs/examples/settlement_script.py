#!/usr/bin/env python3
"""A treasurer's settlement script for covalue (docs/settlement-script.md).

Follows a node's event stream (GET /v1/events, server-sent events) for the settlement
lines and re-instructions of some ventures, pays each payout it is the payer of through
"the bank" (simulated: an append-only log), confirms it on the ledger with
`covalue tx payout.confirm ... --bank-ref`, and saves its cursor after the confirmation has
committed. Killed at any point and restarted, it resumes from the saved cursor and pays and
confirms every payout exactly once:

  * before paying, it reads the payout's status from the ledger: a payout already
    confirmed (by this script before a crash, or by hand) is never paid again;
  * the bank reference is derived from the payout (venture, period, member, attempt) and the
    bank is asked for it before paying, so a payment made just before a crash is found;
  * the confirmation is signed once and saved before the payment, and only that saved
    transaction is ever submitted, so a restart re-sends the same transaction (the ledger
    knows it already) instead of a second confirmation.

On a node that requires API tokens it sends the token the covalue CLI would: from --token-file,
else $COVALUE_TOKEN_FILE, else $COVALUE_TOKEN (a token with the roles read and submit).

Python 3 standard library only. Run with --help for the options.
"""

import argparse
import http.client
import json
import os
import stat
import subprocess
import sys
import time
import urllib.parse

KINDS = "settlement.line,payout.reinstructed"


def log(message, **fields):
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    print(f"{time.strftime('%H:%M:%S')} {message} {text}".rstrip(), flush=True)


def crash_point(name):
    """Test hook: SETTLEMENT_SCRIPT_CRASH=<name> makes the script die here, as kill -9 would."""
    if os.environ.get("SETTLEMENT_SCRIPT_CRASH") == name:
        log("crash (test hook)", at=name)
        os._exit(137)


def read_token(token_file):
    """The API token, found as the covalue CLI finds it: --token-file, $COVALUE_TOKEN_FILE,
    $COVALUE_TOKEN; "" for none. A token file must be readable by its owner only."""
    path = token_file or os.environ.get("COVALUE_TOKEN_FILE", "")
    if not path:
        return os.environ.get("COVALUE_TOKEN", "").strip()
    if os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        sys.exit(f"token file {path} lets other users read it; run `chmod 600 {path}`")
    with open(path) as token_file_handle:
        token = token_file_handle.readline().strip()
    if not token:
        sys.exit(f"token file {path} does not hold a token on its first line")
    return token


class StreamError(ConnectionError):
    """The node ended the stream with an `error` event (data {code, message})."""


def write_atomically(path, text):
    temp = path + ".tmp"
    with open(temp, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)
    directory = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class Bank:
    """The simulated bank: one JSON line per payment, keyed by its reference. A real bank
    API takes the reference as an idempotency key (or can be asked for it) the same way."""

    def __init__(self, path):
        self.path = path

    def has_paid(self, ref):
        if not os.path.exists(self.path):
            return False
        with open(self.path) as log_file:
            return any(json.loads(line)["ref"] == ref for line in log_file if line.strip())

    def pay(self, ref, payout):
        line = json.dumps({"ref": ref, "venture": payout["venture_id"], "period": payout["period"],
                           "member": payout["payee"], "amount": payout["amount"],
                           "currency": payout["currency"], "paid_at": time.time()})
        with open(self.path, "a") as log_file:
            log_file.write(line + "\n")
            log_file.flush()
            os.fsync(log_file.fileno())


class Node:
    def __init__(self, address, token=""):
        host, _, port = address.rpartition(":")
        self.host, self.port = host, int(port)
        self.headers = {"Authorization": "Bearer " + token} if token else {}

    def check_access(self, response):
        """A node that refuses the token will not change its mind: stop, saying why."""
        if response.status in (401, 403):
            sys.exit(f"the node refused the API token (HTTP {response.status}): "
                     f"{response.read().decode(errors='replace')}")

    def get_json(self, path):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", path, headers=self.headers)
            response = connection.getresponse()
            self.check_access(response)
            return response.status, json.loads(response.read() or b"{}")
        finally:
            connection.close()

    def events(self, cursor, ventures, heartbeat_s=5):
        """Yields (id, kind, data) from the event stream after `cursor`, until it breaks
        (ConnectionError; StreamError for an `error` event from the node)."""
        query = urllib.parse.urlencode({"kind": KINDS, "venture": ",".join(ventures),
                                        "heartbeat_ms": heartbeat_s * 1000})
        # Three heartbeats missed: the node or the link is gone; reconnect.
        connection = http.client.HTTPConnection(self.host, self.port, timeout=3 * heartbeat_s)
        try:
            connection.request("GET", "/v1/events?" + query,
                               headers={**self.headers, "Last-Event-ID": cursor})
            response = connection.getresponse()
            self.check_access(response)
            if response.status != 200:
                raise ConnectionError(f"HTTP {response.status}: {response.read()!r}")
            event = {}
            while True:
                line = response.readline()
                if not line:
                    raise ConnectionError("the stream ended")
                line = line.decode().rstrip("\n")
                if line == "":
                    if event.get("event") == "error":
                        raise StreamError(f"the node ended the stream: {event.get('data', '')}")
                    if "data" in event:
                        yield event.get("id", ""), event.get("event", ""), json.loads(event["data"])
                    event = {}
                elif not line.startswith(":"):
                    field, _, value = line.partition(":")
                    event[field] = value[1:] if value.startswith(" ") else value
        finally:
            connection.close()


class SettlementScript:
    def __init__(self, options):
        self.options = options
        self.node = Node(options.node, read_token(options.token_file))
        os.makedirs(options.state_dir, exist_ok=True)
        self.cursor_path = os.path.join(options.state_dir, "cursor")
        self.bank = Bank(options.bank_log or os.path.join(options.state_dir, "bank.log"))
        self.last_error = ""

    def load_cursor(self):
        if not os.path.exists(self.cursor_path):
            return "0"
        with open(self.cursor_path) as cursor_file:
            return cursor_file.read().strip() or "0"

    def run(self):
        cursor = self.load_cursor()
        log("starting", cursor=cursor, ventures=",".join(self.options.venture))
        while True:
            try:
                for event_id, _kind, data in self.node.events(cursor, self.options.venture):
                    self.handle(data)
                    write_atomically(self.cursor_path, event_id + "\n")
                    cursor = event_id
                    log("cursor saved", cursor=cursor)
            except (OSError, ConnectionError, http.client.HTTPException, ValueError,
                    KeyError) as error:
                # The node went away, ended the stream with an error, or sent an event (or an
                # answer) this script cannot read: start again from the last saved cursor, which
                # is where the next unfinished payout's event is.
                log("stream interrupted; reconnecting", cursor=cursor,
                    error=f"{type(error).__name__}: {error}")
                time.sleep(1)

    def handle(self, data):
        """A settlement.line or payout.reinstructed event: both name one payout to make."""
        scope, attributes = data["scope"], data["attributes"]
        venture, period, member = scope["venture"], scope["period"], attributes["member"]
        while not self.pay_once(venture, period, member):
            time.sleep(1)  # the node could not be asked or did not commit: try again

    def pay_once(self, venture, period, member):
        """Pays and confirms one payout unless that is done; True when nothing is left to do."""
        status, payout = self.node.get_json(f"/v1/ventures/{venture}/payouts/{period}/{member}")
        where = dict(venture=venture, period=period, member=member)
        if status != 200:
            log("cannot read the payout", status=status, answer=payout, **where)
            return False
        if payout["payer"] != self.options.payer:
            log("not ours to pay", payer=payout["payer"], **where)
            return True
        ref = f"{self.options.ref_prefix}-{venture}-{period}-{member}-{payout['attempt']}"
        confirmation = os.path.join(self.options.state_dir, ref + ".tx")
        if payout["status"] == "confirmed":
            mine = payout["bank_ref"] == ref
            log("already confirmed" if mine else "confirmed by someone else; not paying",
                bank_ref=payout["bank_ref"], **where)
            if mine and os.path.exists(confirmation):
                os.remove(confirmation)  # committed before a crash: no longer needed
            return True
        if payout["status"] != "instructed":
            log("payout is " + payout["status"] + "; waiting for its re-instruction", **where)
            return True
        if not os.path.exists(confirmation):  # signed once, before any money moves
            if not self.covalue("tx", "payout.confirm", "--venture-id", venture, "--period", period,
                                "--member", member, "--bank-ref", ref, "--key", self.options.key,
                                "--node", self.options.node, "--out", confirmation):
                return False
        if self.bank.has_paid(ref):
            log("bank has the payment already", bank_ref=ref, **where)
        else:
            self.bank.pay(ref, payout)
            log("paid", bank_ref=ref, amount=payout["amount"], currency=payout["currency"], **where)
        crash_point("after-payment")
        with open(confirmation) as saved:
            tx_id = json.load(saved)["id"]
        log("submitting confirmation", bank_ref=ref, tx=tx_id, **where)
        if os.environ.get("SETTLEMENT_SCRIPT_CRASH") == "after-submit":
            # Test hook: the confirmation reaches the node, and the script dies before its commit.
            self.covalue("tx", "submit", confirmation, "--node", self.options.node)
            crash_point("after-submit")
        submitted = self.covalue("tx", "submit", confirmation, "--node", self.options.node, "--wait")
        if not submitted:
            # Refused: already committed (a restart re-sent it), or expired unsent. The ledger
            # tells which; an expired transaction can never commit, so a new one is safe.
            status, payout = self.node.get_json(f"/v1/ventures/{venture}/payouts/{period}/{member}")
            if status != 200 or payout["status"] != "confirmed" or payout["bank_ref"] != ref:
                if self.last_error.startswith("error: expired"):
                    os.remove(confirmation)
                return False
        log("confirmed", bank_ref=ref, tx=tx_id, **where)
        crash_point("after-confirmation")
        os.remove(confirmation)
        return True

    def covalue(self, *arguments):
        token = ["--token-file", self.options.token_file] if self.options.token_file else []
        # Without --token-file the CLI finds $COVALUE_TOKEN_FILE or $COVALUE_TOKEN as we did.
        run = subprocess.run([self.options.covalue, *arguments, *token], capture_output=True,
                             text=True)
        self.last_error = run.stderr.strip()
        if run.returncode != 0:
            log("covalue " + arguments[0] + " " + arguments[1] + " failed", error=self.last_error)
        return run.returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node", required=True, help="host:port of a node's API")
    parser.add_argument("--venture", required=True, action="append",
                        help="a venture to pay out (repeat for several)")
    parser.add_argument("--payer", required=True, help="the treasurer's member id")
    parser.add_argument("--key", required=True, help="the treasurer's key file")
    parser.add_argument("--state-dir", required=True,
                        help="holds the cursor and the signed confirmations not yet committed")
    parser.add_argument("--bank-log", help="the simulated bank (default STATE_DIR/bank.log)")
    parser.add_argument("--ref-prefix", default="PAY", help="first part of every bank reference")
    parser.add_argument("--covalue", default="covalue", help="the covalue binary")
    parser.add_argument("--token-file",
                        help="the API token (else $COVALUE_TOKEN_FILE, else $COVALUE_TOKEN); "
                             "needs the roles read and submit")
    SettlementScript(parser.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
