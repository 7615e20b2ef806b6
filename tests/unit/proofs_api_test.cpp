// The proof and audit routes (node/proofs_api.h) through a real node and its HTTP server:
// inclusion proofs that check against the certified header with the genesis alone — and
// fail when any part is changed — consistency proofs between heights, the log frontier,
// encoded blocks, the genesis document, every refusal with its code; and the auditor's kit
// over the API: `audit verify --node` and an exported bundle, from block 1 and from an anchor.
#include <catch2/catch.hpp>

#include "codec/reader.h"
#include "node/audit/api_chain_source.h"
#include "node/audit/bundle_chain_source.h"
#include "node/audit/bundle_export.h"
#include "node/audit/chain_verifier.h"
#include "node/audit/proof_check.h"
#include "tests/support/running_node.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;
using covalue::testing::RunningNode;
using covalue::testing::TestGenesis;

namespace {

// Four blocks of one transaction each: the log has 1, 2, 3 and 4 leaves after them.
std::vector<Hash32> CommitFour(RunningNode& n) {
  std::vector<Hash32> ids;
  const char* datasets[] = {"telemetry", "emissions", "routes", "presses"};
  for (int i = 0; i < 4; ++i) {
    auto tx =
        DatasetRegisterTx(KeyFromLabel(i == 1 ? "analytics" : "maker"), datasets[i], 100, i + 1);
    auto answer = n.Submit(tx);
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    ids.push_back(ledger::TxId(tx));
  }
  return ids;
}

// GET through the real server, an error answer turned into its Status (as the CLI does).
audit::JsonFetcher Fetcher(RunningNode& n) {
  return [&n](const std::string& target) -> Result<node::Json> {
    auto response = n.Call("GET", target);
    auto json = RunningNode::Json(response);
    if (response.status >= 400) {
      return Status(CodeFromName(json.value("code", "")).value_or(Code::kInternal),
                    json.value("message", ""));
    }
    return json;
  };
}

void CheckError(const api::HttpResponse& response, int status, const std::string& code) {
  INFO(response.body);
  CHECK(response.status == status);
  CHECK(RunningNode::Json(response)["code"] == code);
}

// A hex field's bytes with bit 0 of byte `at` (from the end if negative) flipped.
std::string FlipHex(const std::string& hex, int at) {
  Bytes bytes = std::move(FromHex(hex)).value();
  bytes[at >= 0 ? at : bytes.size() + at] ^= 0x01;
  return ToHex(bytes);
}

}  // namespace

TEST_CASE("an inclusion proof checks against the certified header with the genesis alone") {
  RunningNode n;
  auto ids = CommitFour(n);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto answer = n.Call("GET", "/v1/tx/" + ToHex(ids[i]) + "/proof");
    REQUIRE(answer.status == 200);
    auto proof = RunningNode::Json(answer);
    CHECK(proof["height"] == i + 1);
    CHECK(proof["leaf_index"] == i);
    CHECK(proof["log_size"] == i + 1);
    CHECK(proof["block"]["certificate"]["signatures"].size() == 1);
    auto checked = audit::CheckTxProof(proof, ids[i], TestGenesis());
    INFO(checked.status().ToString());
    REQUIRE(checked.ok());
    CHECK(checked->header.height == i + 1);
    CHECK(checked->result.code == Code::kOk);
    CHECK(checked->leaf_index == i);
  }

  // The last proof has a path of two (leaf 3 of 4); change any part and it fails.
  auto proof = RunningNode::Json(n.Call("GET", "/v1/tx/" + ToHex(ids[3]) + "/proof"));
  REQUIRE(proof["audit_path"].size() == 2);
  struct Case {
    const char* name;
    std::function<void(node::Json&)> change;
    Code expected;
  };
  const std::vector<Case> cases = {
      {"result byte", [](auto& p) { p["result_encoded"] = FlipHex(p["result_encoded"], -1); },
       Code::kCorruption},
      {"result cut",
       [](auto& p) {
         std::string hex = p["result_encoded"];
         p["result_encoded"] = hex.substr(0, hex.size() - 2);
       },
       Code::kMalformed},
      {"result message",
       [](auto& p) {
         ledger::TxResult result{Code::kOk, "forged", {}};
         p["result_encoded"] = ToHex(ledger::EncodeTxResult(result));
       },
       Code::kCorruption},
      {"audit path", [](auto& p) { p["audit_path"][0] = FlipHex(p["audit_path"][0], 3); },
       Code::kCorruption},
      {"path shortened", [](auto& p) { p["audit_path"].erase(1); }, Code::kCorruption},
      {"leaf index", [](auto& p) { p["leaf_index"] = 2; }, Code::kCorruption},
      {"index in block", [](auto& p) { p["index"] = 1; }, Code::kCorruption},
      {"certificate signature",
       [](auto& p) {
         p["block"]["certificate_encoded"] = FlipHex(p["block"]["certificate_encoded"], -5);
       },
       Code::kBadSignature},
      {"header's log root",
       [](auto& p) { p["block"]["header_encoded"] = FlipHex(p["block"]["header_encoded"], -100); },
       Code::kInvalidArgument},  // the certificate is for another block id
      {"another transaction",
       [&](auto& p) {
         p["tx_encoded"] =
             ToHex(ledger::EncodeTransaction(DatasetRegisterTx(KeyFromLabel("maker"), "x", 100)));
       },
       Code::kConflict},
      {"no block", [](auto& p) { p.erase("block"); }, Code::kMalformed},
  };
  for (const auto& c : cases) {
    node::Json changed = proof;
    c.change(changed);
    auto checked = audit::CheckTxProof(changed, ids[3], TestGenesis());
    INFO(c.name << ": " << checked.status().ToString());
    CHECK(checked.status().code() == c.expected);
  }
  // Under another genesis (other validators) the certificate is not a quorum of its validators.
  ledger::Genesis other = TestGenesis();
  other.validators = {{"other", KeyFromLabel("other").public_key()}};
  CHECK(audit::CheckTxProof(proof, ids[3], other).status().code() == Code::kBadSignature);

  CheckError(n.Call("GET", "/v1/tx/" + std::string(64, 'a') + "/proof"), 404, "not_found");
  CheckError(n.Call("GET", "/v1/tx/xyz/proof"), 400, "invalid_argument");
}

TEST_CASE("consistency proofs between two heights verify against their certified headers") {
  RunningNode n;
  CommitFour(n);
  auto validators = std::move(consensus::ValidatorSet::Create(TestGenesis().validators)).value();
  auto certified = [&](const node::Json& side) {
    ledger::BlockHeader header;
    consensus::CommitCertificate certificate;
    Bytes header_bytes = std::move(FromHex(side["header_encoded"].get<std::string>())).value();
    Bytes certificate_bytes =
        std::move(FromHex(side["certificate_encoded"].get<std::string>())).value();
    codec::Reader hr(header_bytes), cr(certificate_bytes);
    REQUIRE(ledger::DecodeBlockHeader(hr, &header).ok());
    REQUIRE(consensus::DecodeCommitCertificate(cr, &certificate).ok());
    REQUIRE(audit::CheckCertifiedHeader(header, certificate, TestGenesis(), validators).ok());
    return header;
  };
  for (int from = 1; from <= 4; ++from) {
    for (int to = from; to <= 4; ++to) {
      auto answer = n.Call(
          "GET", "/v1/log/consistency?from=" + std::to_string(from) + "&to=" + std::to_string(to));
      REQUIRE(answer.status == 200);
      auto json = RunningNode::Json(answer);
      ledger::BlockHeader old_header = certified(json["from"]);
      ledger::BlockHeader new_header = certified(json["to"]);
      std::vector<Hash32> proof;
      for (const auto& h : json["proof"])
        proof.push_back(std::move(Hash32FromHex(h.get<std::string>())).value());
      INFO(from << ".." << to);
      CHECK(crypto::VerifyMerkleConsistency(old_header.log_size, new_header.log_size,
                                            old_header.log_root, new_header.log_root, proof));
      if (!proof.empty()) {
        proof[0][0] ^= 1;
        CHECK(!crypto::VerifyMerkleConsistency(old_header.log_size, new_header.log_size,
                                               old_header.log_root, new_header.log_root, proof));
      }
    }
  }
  CheckError(n.Call("GET", "/v1/log/consistency?from=0&to=2"), 400, "invalid_argument");
  CheckError(n.Call("GET", "/v1/log/consistency?from=3&to=2"), 400, "invalid_argument");
  CheckError(n.Call("GET", "/v1/log/consistency?from=1&to=5"), 404, "not_found");
  CheckError(n.Call("GET", "/v1/log/consistency?from=1"), 400, "invalid_argument");
  CheckError(n.Call("GET", "/v1/log/consistency?from=one&to=2"), 400, "invalid_argument");
}

TEST_CASE("the log frontier, encoded blocks and the genesis document") {
  RunningNode n;
  CommitFour(n);
  for (int height = 0; height <= 4; ++height) {
    auto json =
        RunningNode::Json(n.Call("GET", "/v1/log/frontier?height=" + std::to_string(height)));
    crypto::MemoryMerkleNodes nodes;
    for (const auto& e : json["nodes"]) {
      nodes.Put({static_cast<uint8_t>(e["level"].get<int>()), e["index"].get<uint64_t>(),
                 std::move(Hash32FromHex(e["hash"].get<std::string>())).value()});
    }
    CHECK(json["log_size"] == height);
    CHECK(json["nodes"].size() == (height == 3 ? 2u : height == 0 ? 0u : 1u));  // 3 = 2 + 1
    auto root = crypto::MerkleRoot(nodes, json["log_size"].get<uint64_t>());
    REQUIRE(root.ok());
    CHECK(ToHex(*root) == json["log_root"]);
  }
  CheckError(n.Call("GET", "/v1/log/frontier?height=5"), 404, "not_found");
  CheckError(n.Call("GET", "/v1/log/frontier"), 400, "invalid_argument");

  auto encoded = RunningNode::Json(n.Call("GET", "/v1/blocks/2/encoded?count=5"));
  REQUIRE(encoded["blocks"].size() == 3);  // blocks 2..4: the head is 4
  for (const auto& entry : encoded["blocks"]) {
    auto block = ledger::DecodeBlock(std::move(FromHex(entry["block"].get<std::string>())).value());
    REQUIRE(block.ok());
    auto view = RunningNode::Json(
        n.Call("GET", "/v1/blocks/" + std::to_string(entry["height"].get<int>())));
    CHECK(ToHex(ledger::BlockId(block->header)) == view["header"]["id"]);
    CHECK(entry["block_id"] == view["header"]["id"]);
    CHECK(block->certificate.signatures.size() == 1);
  }
  CHECK(RunningNode::Json(n.Call("GET", "/v1/blocks/1/encoded"))["blocks"].size() == 1);
  CheckError(n.Call("GET", "/v1/blocks/5/encoded"), 404, "not_found");
  CheckError(n.Call("GET", "/v1/blocks/0/encoded"), 400, "invalid_argument");
  CheckError(n.Call("GET", "/v1/blocks/1/encoded?count=0"), 400, "invalid_argument");
  CheckError(n.Call("GET", "/v1/blocks/1/encoded?count=1001"), 400, "invalid_argument");

  auto genesis = RunningNode::Json(n.Call("GET", "/v1/genesis"));
  CHECK(genesis["hash"] == ToHex(ledger::GenesisHash(TestGenesis())));
  auto parsed = node::GenesisFromJson(genesis["genesis"]);
  REQUIRE(parsed.ok());
  CHECK(ledger::GenesisHash(*parsed) == ledger::GenesisHash(TestGenesis()));
}

TEST_CASE("the auditor's kit over the API: verify a live node, export and verify bundles") {
  RunningNode n;
  CommitFour(n);
  auto source = audit::ApiChainSource::Open("node", Fetcher(n), TestGenesis());
  REQUIRE(source.ok());
  CHECK((*source)->range().last == 4);
  auto verifier = audit::ChainVerifier::Create(TestGenesis());
  REQUIRE(verifier.ok());
  Status status = audit::VerifyChain(**source, **verifier);
  INFO(status.ToString());
  CHECK(status.ok());
  CHECK((*verifier)->report().blocks == 4);
  CHECK((*verifier)->report().transactions == 4);

  ledger::Genesis other = TestGenesis();
  other.chain_id = "another-chain";
  CHECK(audit::ApiChainSource::Open("node", Fetcher(n), other).status().code() == Code::kConflict);

  covalue::testing::TempDir dir;
  for (uint64_t from : {1, 2, 4}) {
    std::string path = dir.Sub("bundle-" + std::to_string(from));
    Status exported = audit::ExportBundle("node", Fetcher(n), from, 4, path);
    INFO(exported.ToString());
    REQUIRE(exported.ok());
    auto bundle = audit::BundleChainSource::Open(path);
    REQUIRE(bundle.ok());
    auto checker = audit::ChainVerifier::Create(TestGenesis(), (*bundle)->info().anchor);
    REQUIRE(checker.ok());
    Status verified = audit::VerifyChain(**bundle, **checker);
    INFO(verified.ToString());
    CHECK(verified.ok());
    CHECK((*checker)->report().blocks == 5 - from);
    CHECK((*checker)->report().state_replayed == (from == 1));
  }
  CHECK(audit::ExportBundle("node", Fetcher(n), 2, 5, dir.Sub("x")).code() ==
        Code::kInvalidArgument);
  CHECK(audit::ExportBundle("node", Fetcher(n), 0, 2, dir.Sub("x")).code() ==
        Code::kInvalidArgument);
}
