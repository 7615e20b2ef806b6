// `covalue tx <kind> …`: builds a transaction, signs it with a key file, submits it to a
// node, and prints the node's answer.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "contracts/dataset_register.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/cli/node_client.h"
#include "node/key_file.h"

namespace covalue::cli {
namespace {

constexpr uint64_t kDefaultExpiryBlocks = 100;

// Signs `body` as a `kind` transaction with the key in `key_path` and submits it.
int SignAndSubmit(const Args& args, ledger::TxKind kind, Bytes body) {
  auto address = args.Require("node");
  auto key_path = args.Require("key");
  if (!address.ok()) return UsageError(address.status().message());
  if (!key_path.ok()) return UsageError(key_path.status().message());
  auto key = node::ReadKeyFile(*key_path, PassphraseFromEnv());
  if (!key.ok()) return Fail(key.status());
  auto client = NodeClient::Connect(*address);
  if (!client.ok()) return Fail(client.status());
  auto status = client->Get("/v1/status");
  if (!status.ok()) return Fail(status.status());

  uint64_t lifetime = status->value("max_tx_lifetime", kDefaultExpiryBlocks);
  uint64_t expiry_blocks = std::min(kDefaultExpiryBlocks, lifetime);
  if (auto value = args.Get("expiry-blocks")) {
    try {
      expiry_blocks = std::stoull(*value);
    } catch (const std::exception&) {
      return UsageError("--expiry-blocks must be a number");
    }
  }
  ledger::Transaction tx;
  tx.chain_id = status->value("chain_id", "");
  tx.kind = kind;
  tx.nonce = crypto::RandomU64();
  tx.expiry_height = status->value("height", uint64_t{0}) + expiry_blocks;
  tx.signers = {key->public_key()};
  tx.body = std::move(body);
  Status signed_ok = ledger::SignTransaction(tx, {&*key});
  if (!signed_ok.ok()) return Fail(signed_ok);

  std::string target = args.Has("wait") ? "/v1/tx?wait=true" : "/v1/tx";
  auto answer = client->Post(target, {{"tx", ToHex(ledger::EncodeTransaction(tx))}});
  if (!answer.ok()) return Fail(answer.status());
  std::printf("%s\n", answer->dump(2).c_str());
  // A transaction can commit with a failed result (e.g. a concurrent registration won).
  if (answer->contains("result") && (*answer)["result"].value("code", "ok") != "ok") return 1;
  return 0;
}

Result<Hash32> ContentHash(const Args& args) {
  if (auto hex = args.Get("content-hash")) {
    auto hash = Hash32FromHex(*hex);
    if (!hash.ok()) return Status(Code::kInvalidArgument, "--content-hash must be 64 hex characters");
    return hash;
  }
  if (auto path = args.Get("content-file")) {
    std::ifstream in(*path, std::ios::binary);
    if (!in) return Status(Code::kNotFound, "cannot read " + *path);
    crypto::Sha256Hasher hasher;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
      hasher.Update({reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(in.gcount())});
    }
    return hasher.Finish();
  }
  return Status(Code::kInvalidArgument, "--content-hash or --content-file is required");
}

}  // namespace

int RunTxDatasetRegister(const Argv& argv) {
  auto args = Args::Parse(argv,
                          {"node", "key", "id", "content-hash", "content-file", "description",
                           "expiry-blocks"},
                          {"wait"});
  if (!args.ok()) return UsageError(args.status().message());
  auto id = args->Require("id");
  if (!id.ok()) return UsageError(id.status().message());
  auto hash = ContentHash(*args);
  if (!hash.ok()) return Fail(hash.status());
  contracts::DatasetRegisterBody body{*id, *hash, args->Get("description").value_or("")};
  return SignAndSubmit(*args, ledger::TxKind::kDatasetRegister,
                       contracts::EncodeDatasetRegisterBody(body));
}

}  // namespace covalue::cli
