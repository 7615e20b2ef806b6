// `covalue tx …`: builds a transaction of any kind from flags (one per body field,
// node/cli/tx_flags.h), signs it with one or more key files and submits it to a node — or
// writes it to a file that other signers complete with `tx sign` before `tx submit`.
// A partly signed file holds all-zero signatures in the slots still to be signed.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "common/decimal.h"
#include "contracts/member_keys.h"
#include "crypto/random.h"
#include "crypto/signing.h"
#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/cli/node_client.h"
#include "node/cli/tx_flags.h"
#include "node/json_views.h"
#include "node/key_file.h"

namespace covalue::cli {
namespace {

using node::Json;

constexpr uint64_t kDefaultExpiryBlocks = 100;
// The flags of `tx <kind>` besides the body's; a body field with one of these names is
// spelt --body-<name>.
const std::set<std::string> kBuildFlags = {"node", "key", "signer", "expiry-blocks", "out", "body", "wait", "help"};
// key.add's own: --new-key FILE --member ID.
const std::set<std::string> kKeyAddFlags = {"new-key", "member"};
const std::set<std::string> kRepeatable = {"key", "signer"};

constexpr const char* kTxUsage = R"(usage:
  covalue tx KIND [body flags] --key FILE [--key FILE ...] --node ADDR [--wait]
                  [--expiry-blocks N] [--body JSON|@FILE] [--out FILE]
  covalue tx build KIND [body flags] --signer KEYFILE|HEX [--signer ...] [--key FILE ...]
                  --node ADDR [--expiry-blocks N] [--body JSON|@FILE] --out FILE
  covalue tx sign FILE --key FILE [--key FILE ...] [--out FILE]
  covalue tx submit FILE --node ADDR [--wait]
  covalue tx show FILE
  covalue tx KIND --help            lists KIND's body flags

KIND is e.g. grant.issue or grant-issue. The signers are the --signer keys in order, or
else the --key keys in order; each --key signs its own slot. A transaction that not every
signer has signed yet can only be written (--out FILE); its other signers add their
signatures with `tx sign FILE` (check it first with `tx show FILE`) and anyone then sends
it with `tx submit FILE` — before its expiry height (now + --expiry-blocks, default 100 or
the network's maximum).

kinds:
)";

int PrintTxUsage(FILE* to) {
  std::string text = kTxUsage;
  for (uint16_t value = 1; value <= ledger::kLastTxKind; ++value) {
    auto kind = static_cast<ledger::TxKind>(value);
    text += "  " + std::string(ledger::TxKindName(kind));
    if (!node::HasBodyType(kind)) text += "  (not available yet)";
    text += "\n";
  }
  std::fputs(text.c_str(), to);
  return to == stdout ? 0 : 2;
}

bool WantsHelp(const Argv& argv) {
  for (const auto& arg : argv) {
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

Result<std::vector<crypto::KeyPair>> ReadKeys(const std::vector<std::string>& paths) {
  std::vector<crypto::KeyPair> keys;
  for (const auto& path : paths) {
    COVALUE_ASSIGN_OR_RETURN(crypto::KeyPair key, node::ReadKeyFile(path, PassphraseFromEnv()));
    keys.push_back(std::move(key));
  }
  return keys;
}

// A key file (only its public half is read) or 64 hex characters.
Result<crypto::PublicKey> SignerArgument(const std::string& text) {
  if (std::filesystem::is_regular_file(text)) return node::ReadPublicKey(text);
  auto key = Hash32FromHex(text);
  if (!key.ok()) {
    return Status(Code::kInvalidArgument, "--signer " + text + ": neither a key file nor 64 hex characters");
  }
  return *key;
}

// Fills the signature slot of each key's signer; the other slots stay as they are (all
// zero if never signed).
Status SignSlots(ledger::Transaction& tx, const std::vector<crypto::KeyPair>& keys) {
  tx.signatures.resize(tx.signers.size());
  Bytes payload = ledger::EncodeTxPayload(tx);
  for (const auto& key : keys) {
    auto it = std::find(tx.signers.begin(), tx.signers.end(), key.public_key());
    if (it == tx.signers.end()) {
      return Status(Code::kInvalidArgument,
                    "key " + ToHex(key.public_key()) + " is not a signer of this transaction");
    }
    tx.signatures[it - tx.signers.begin()] =
        crypto::SignFor(key, crypto::Domain::kTransaction, tx.chain_id, payload);
  }
  return Status::Ok();
}

// The signers whose signature is missing or does not verify.
std::vector<crypto::PublicKey> UnsignedSigners(const ledger::Transaction& tx) {
  std::vector<crypto::PublicKey> missing;
  Bytes message = ledger::TxSignBytes(tx);
  for (size_t i = 0; i < tx.signers.size(); ++i) {
    if (i >= tx.signatures.size() || !crypto::Verify(tx.signers[i], message, tx.signatures[i])) {
      missing.push_back(tx.signers[i]);
    }
  }
  return missing;
}

// What a transaction file holds ("tx" is what counts; the rest is for people), and what
// `tx build`, `tx sign` and `tx show` print.
Json TxFileJson(const ledger::Transaction& tx) {
  Json missing = Json::array();
  for (const auto& key : UnsignedSigners(tx)) missing.push_back(ToHex(key));
  return {{"tx", ToHex(ledger::EncodeTransaction(tx))},
          {"id", ToHex(ledger::TxId(tx))},
          {"unsigned", missing},
          {"transaction", node::TransactionToJson(tx)}};
}

Result<ledger::Transaction> ReadTxFile(const std::string& path) {
  COVALUE_ASSIGN_OR_RETURN(Json json, node::ReadJsonFile(path));
  if (!json.is_object()) return Status(Code::kMalformed, path + " is not a transaction file");
  COVALUE_ASSIGN_OR_RETURN(std::string hex, node::StringField(json, "tx"));
  auto bytes = FromHex(hex);
  if (!bytes.ok()) return Status(Code::kMalformed, path + ": field 'tx' must be hex");
  return ledger::DecodeTransaction(*bytes);
}

int WriteTxFile(const std::string& path, const ledger::Transaction& tx) {
  Json json = TxFileJson(tx);
  Status written = node::WriteJsonFile(path, json);
  if (!written.ok()) return Fail(written);
  std::printf("%s\n", json.dump(2).c_str());
  return 0;
}

int Submit(const ledger::Transaction& tx, const std::string& address, bool wait) {
  auto missing = UnsignedSigners(tx);
  if (!missing.empty()) {
    return Fail(Status(Code::kBadSignature, "signer " + ToHex(missing[0]) + " has not signed (" +
                                                std::to_string(missing.size()) + " of " +
                                                std::to_string(tx.signers.size()) + " missing)"));
  }
  auto client = NodeClient::Connect(address);
  if (!client.ok()) return Fail(client.status());
  auto answer = client->Post(wait ? "/v1/tx?wait=true" : "/v1/tx",
                             {{"tx", ToHex(ledger::EncodeTransaction(tx))}});
  if (!answer.ok()) return Fail(answer.status());
  std::printf("%s\n", answer->dump(2).c_str());
  // A transaction can commit with a failed result (e.g. a concurrent registration won).
  if (answer->contains("result") && (*answer)["result"].value("code", "ok") != "ok") return 1;
  return 0;
}

Result<uint64_t> ExpiryBlocks(const Args& args, const Json& status) {
  uint64_t lifetime = status.value("max_tx_lifetime", kDefaultExpiryBlocks);
  auto text = args.Get("expiry-blocks");
  if (!text) return std::min(kDefaultExpiryBlocks, lifetime);
  std::optional<uint64_t> blocks = ParseDecimal<uint64_t>(*text);
  if (!blocks) return Status(Code::kInvalidArgument, "--expiry-blocks must be a number");
  return *blocks;
}

// key.add: --new-key FILE --member ID sets the body's key to the new key and its proof to
// the new key's signature of (member, key) for this chain (contracts/member_keys.h).
Status FillNewKey(const Args& args, const std::string& chain_id, Json& body) {
  if (!args.Has("new-key") && !args.Has("member")) return Status::Ok();
  auto path = args.Require("new-key");
  auto member = args.Require("member");
  if (!path.ok()) return path.status();
  if (!member.ok()) return Status(Code::kInvalidArgument, "--new-key needs --member ID (the signer's member)");
  if (body.contains("key") || body.contains("proof")) {
    return Status(Code::kInvalidArgument, "--new-key sets key and proof; do not give them as well");
  }
  COVALUE_ASSIGN_OR_RETURN(crypto::KeyPair new_key, node::ReadKeyFile(*path, PassphraseFromEnv()));
  body["key"] = ToHex(new_key.public_key());
  body["proof"] = ToHex(contracts::ProveKeyPossession(new_key, chain_id, *member));
  return Status::Ok();
}

// `tx KIND …` and `tx build KIND …`.
int RunBuild(const Argv& argv, bool build_only) {
  if (argv.empty() || argv[0].rfind("--", 0) == 0) return PrintTxUsage(WantsHelp(argv) ? stdout : stderr);
  auto kind = ParseTxKind(argv[0]);
  if (!kind) return UsageError("unknown transaction kind '" + argv[0] + "'; see `covalue tx --help`");
  std::string kind_name(ledger::TxKindName(*kind));
  if (!node::HasBodyType(*kind)) {
    return Fail(Status(Code::kUnknownKind, "this covalue cannot build " + kind_name + " transactions yet"));
  }
  bool key_add = *kind == ledger::TxKind::kKeyAdd;
  std::set<std::string> command_flags = kBuildFlags;
  if (key_add) command_flags.insert(kKeyAddFlags.begin(), kKeyAddFlags.end());
  std::vector<BodyFlag> flags = BodyFlagsOf(*kind, command_flags);
  if (WantsHelp(argv)) {
    std::printf("covalue tx %s [body flags] --key FILE [--key FILE ...] --node ADDR [--wait] ...\n"
                "(see `covalue tx --help` for the other flags)\n\nbody flags:\n%s",
                kind_name.c_str(), BodyFlagsHelp(flags).c_str());
    if (key_add) {
      std::printf("  --new-key FILE --member ID        the new key and its member: fills key and proof\n");
    }
    return 0;
  }
  std::set<std::string> value_flags = command_flags;
  value_flags.erase("wait");
  value_flags.erase("help");
  AddFlagNames(flags, &value_flags);
  auto args = Args::Parse(Argv(argv.begin() + 1, argv.end()), value_flags, {"wait"}, kRepeatable);
  if (!args.ok()) return UsageError(args.status().message());
  if (!args->positionals().empty()) return UsageError("unexpected argument '" + args->positionals()[0] + "'");
  auto address = args->Require("node");
  if (!address.ok()) return UsageError(address.status().message());
  auto out = args->Get("out");
  if (build_only && !out) return UsageError("tx build needs --out FILE");
  if (build_only && args->Has("wait")) return UsageError("tx build does not submit; --wait is for tx submit");

  // The body first: a mistake in it needs no node to be reported.
  Json base = Json::object();
  if (auto body = args->Get("body")) {
    auto parsed = JsonArgument(*body, "--body");
    if (!parsed.ok()) return UsageError(parsed.status().ToString());
    base = std::move(parsed).value();
  }
  auto body_json = BodyJsonFromFlags(*args, flags, std::move(base));
  if (!body_json.ok()) return UsageError(body_json.status().ToString());
  auto encode_body = [&]() -> Result<Bytes> {
    auto bytes = node::BodyFromJson(*kind, *body_json);
    if (!bytes.ok()) return NameFlagIn(bytes.status(), flags);
    return bytes;
  };
  if (!args->Has("new-key")) {  // with --new-key, the proof needs the chain id first
    auto bytes = encode_body();
    if (!bytes.ok()) return UsageError(bytes.status().ToString());
  }

  auto keys = ReadKeys(args->GetAll("key"));
  if (!keys.ok()) return Fail(keys.status());
  ledger::Transaction tx;
  tx.kind = *kind;
  for (const auto& text : args->GetAll("signer")) {
    auto signer = SignerArgument(text);
    if (!signer.ok()) return Fail(signer.status());
    tx.signers.push_back(*signer);
  }
  if (tx.signers.empty()) {
    for (const auto& key : *keys) tx.signers.push_back(key.public_key());
  }
  if (tx.signers.empty()) return UsageError("--key (or --signer) is required");
  if (std::set<crypto::PublicKey>(tx.signers.begin(), tx.signers.end()).size() != tx.signers.size()) {
    return UsageError("a signer is given twice");
  }
  std::set<crypto::PublicKey> key_set;
  for (const auto& key : *keys) key_set.insert(key.public_key());
  for (const auto& key : key_set) {
    if (std::find(tx.signers.begin(), tx.signers.end(), key) == tx.signers.end()) {
      return UsageError("--key " + ToHex(key) + " is not in the --signer list");
    }
  }
  if (!out && key_set.size() != tx.signers.size()) {
    return UsageError("not every signer has a --key here: write the transaction with --out FILE, "
                      "let the others `covalue tx sign FILE`, then `covalue tx submit FILE`");
  }

  auto client = NodeClient::Connect(*address);
  if (!client.ok()) return Fail(client.status());
  auto status = client->Get("/v1/status");
  if (!status.ok()) return Fail(status.status());
  auto expiry_blocks = ExpiryBlocks(*args, *status);
  if (!expiry_blocks.ok()) return UsageError(expiry_blocks.status().message());
  tx.chain_id = status->value("chain_id", "");
  tx.nonce = crypto::RandomU64();
  tx.expiry_height = status->value("height", uint64_t{0}) + *expiry_blocks;
  if (key_add) {
    Status filled = FillNewKey(*args, tx.chain_id, *body_json);
    if (!filled.ok()) return UsageError(filled.ToString());
  }
  auto body = encode_body();
  if (!body.ok()) return UsageError(body.status().ToString());
  tx.body = std::move(body).value();

  // The decoder's limits (signers 1-8, body 60 KiB, whole transaction 64 KiB) before signing.
  tx.signatures.assign(tx.signers.size(), crypto::Signature{});
  auto decoded = ledger::DecodeTransaction(ledger::EncodeTransaction(tx));
  if (!decoded.ok()) return Fail(decoded.status());
  Status signed_ok = SignSlots(tx, *keys);
  if (!signed_ok.ok()) return Fail(signed_ok);
  if (out) return WriteTxFile(*out, tx);
  return Submit(tx, *address, args->Has("wait"));
}

int RunSign(const Argv& argv) {
  auto args = Args::Parse(argv, {"key", "out"}, {}, {"key"});
  if (!args.ok()) return UsageError(args.status().message());
  if (args->positionals().size() != 1) return UsageError("tx sign FILE --key FILE [--key FILE ...] [--out FILE]");
  if (!args->Has("key")) return UsageError("--key is required");
  const std::string& path = args->positionals()[0];
  auto tx = ReadTxFile(path);
  if (!tx.ok()) return Fail(tx.status());
  auto keys = ReadKeys(args->GetAll("key"));
  if (!keys.ok()) return Fail(keys.status());
  Status signed_ok = SignSlots(*tx, *keys);
  if (!signed_ok.ok()) return Fail(signed_ok);
  return WriteTxFile(args->Get("out").value_or(path), *tx);
}

int RunSubmit(const Argv& argv) {
  auto args = Args::Parse(argv, {"node"}, {"wait"});
  if (!args.ok()) return UsageError(args.status().message());
  if (args->positionals().size() != 1) return UsageError("tx submit FILE --node ADDR [--wait]");
  auto address = args->Require("node");
  if (!address.ok()) return UsageError(address.status().message());
  auto tx = ReadTxFile(args->positionals()[0]);
  if (!tx.ok()) return Fail(tx.status());
  return Submit(*tx, *address, args->Has("wait"));
}

int RunShow(const Argv& argv) {
  if (argv.size() != 1 || argv[0].rfind("--", 0) == 0) return UsageError("tx show FILE");
  auto tx = ReadTxFile(argv[0]);
  if (!tx.ok()) return Fail(tx.status());
  std::printf("%s\n", TxFileJson(*tx).dump(2).c_str());
  return 0;
}

}  // namespace

int RunTx(const Argv& argv) {
  if (argv.empty()) return PrintTxUsage(stderr);
  const std::string& word = argv[0];
  Argv rest(argv.begin() + 1, argv.end());
  if (word == "--help" || word == "-h" || word == "help") return PrintTxUsage(stdout);
  if (word == "build") return RunBuild(rest, /*build_only=*/true);
  if (word == "sign") return RunSign(rest);
  if (word == "submit") return RunSubmit(rest);
  if (word == "show") return RunShow(rest);
  return RunBuild(argv, /*build_only=*/false);
}

}  // namespace covalue::cli
