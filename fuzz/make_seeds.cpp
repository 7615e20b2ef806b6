// fuzz_make_seeds <corpus root>: writes the seed inputs of every fuzz target, as
// <root>/<target>/seed-<name>, from the golden vectors (tests/vectors/*.json) and from
// messages built with the real encoders and signed with the fuzz keys (fuzz/fuzz_support.h).
// Run by `scripts/fuzz --seeds`; the seeds are committed with the corpus. Overwrites seed-*
// files and leaves the others (inputs a fuzz run found) alone. Single-threaded.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "codec/writer.h"
#include "consensus/messages.h"
#include "crypto/hash.h"
#include "fuzz/fuzz_support.h"
#include "node/json_fields.h"
#include "node/net/handshake.h"
#include "node/peer_protocol.h"
#include "node/tx_bodies.h"

using namespace covalue;
namespace fs = std::filesystem;

namespace {

fs::path g_root;

void Write(const std::string& target, const std::string& name, ByteView bytes) {
  fs::create_directories(g_root / target);
  std::ofstream out(g_root / target / ("seed-" + name), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  FUZZ_CHECK(out.good(), "cannot write a seed of " + target);
}
void Write(const std::string& target, const std::string& name, std::string_view text) {
  Write(target, name, AsBytes(text));
}

// The vectors of tests/vectors/<file>: name -> {inputs, bytes}.
std::vector<std::tuple<std::string, std::string, Bytes>> Vectors(const std::string& file) {
  auto json = node::ReadJsonFile(std::string(COVALUE_VECTORS_DIR) + "/" + file);
  FUZZ_CHECK(json.ok(), json.status().ToString());
  std::vector<std::tuple<std::string, std::string, Bytes>> out;
  for (const auto& v : (*json)["vectors"]) {
    auto bytes = FromHex(v["hex"].get<std::string>());
    FUZZ_CHECK(bytes.ok(), file);
    out.emplace_back(v["name"].get<std::string>(), v["inputs"].get<std::string>(), *bytes);
  }
  return out;
}
Bytes Vector(const std::string& file, const std::string& name) {
  for (auto& [n, inputs, bytes] : Vectors(file)) {
    if (n == name) return bytes;
  }
  fuzz::Fail(__FILE__, __LINE__, "Vector", file + " has no " + name);
}

// One transaction of each kind, its body read from the JSON input of bodies.json.
std::vector<ledger::Transaction> SignedTransactions() {
  const crypto::KeyPair maker = fuzz::LabelKey("maker");
  std::vector<ledger::Transaction> txs;
  for (auto& [name, inputs, bytes] : Vectors("bodies.json")) {
    auto kind = ledger::TxKindFromName(name);
    if (!kind) continue;  // the key-possession payloads
    auto json = node::ParseJson(inputs, name);
    FUZZ_CHECK(json.ok(), name);
    auto body = node::BodyFromJson(*kind, *json);
    FUZZ_CHECK(body.ok(), name + ": " + body.status().ToString());
    ledger::Transaction tx{fuzz::FuzzGenesis().chain_id, *kind, 1, 50, {maker.public_key()}, *body, {}};
    FUZZ_CHECK(ledger::SignTransaction(tx, {&maker}).ok(), name);
    txs.push_back(std::move(tx));
  }
  return txs;
}

void TransactionSeeds(const std::vector<ledger::Transaction>& txs) {
  for (auto& [name, inputs, bytes] : Vectors("bodies.json")) Write("transaction", "body-" + name, bytes);
  for (const char* name : {"one_signer.encoding", "two_signers.encoding"}) {
    Write("transaction", std::string("vector-") + name, Vector("transaction.json", name));
  }
  for (const auto& tx : txs) {
    Write("transaction", "tx-" + std::string(ledger::TxKindName(tx.kind)), ledger::EncodeTransaction(tx));
  }
}

consensus::Proposal SignedProposal(uint64_t height, uint32_t round, Bytes value, uint32_t proposer) {
  consensus::Proposal p{height, round, -1, crypto::Sha256(value), std::move(value), proposer, {}};
  consensus::SignProposal(p, fuzz::LabelKey("validator-" + std::to_string(proposer)),
                          fuzz::FuzzGenesis().chain_id);
  return p;
}
consensus::Vote SignedVote(consensus::VoteType type, uint64_t height, uint32_t round,
                           const Hash32& id, uint32_t validator) {
  consensus::Vote v{type, height, round, id, validator, {}};
  consensus::SignVoteMessage(v, fuzz::LabelKey("validator-" + std::to_string(validator)),
                             fuzz::FuzzGenesis().chain_id);
  return v;
}

void PeerMessageSeeds(const std::vector<ledger::Transaction>& txs) {
  using node::EncodePeerMessage;
  Bytes block = Vector("block.json", "block.encoding");
  auto proposal = SignedProposal(1, 0, block, 1);
  Write("peer_message", "proposal", EncodePeerMessage(node::ConsensusPayload{proposal}));
  Write("peer_message", "prevote",
        EncodePeerMessage(node::ConsensusPayload{
            SignedVote(consensus::VoteType::kPrevote, 1, 0, proposal.value_id, 2)}));
  Write("peer_message", "precommit_nil",
        EncodePeerMessage(node::ConsensusPayload{
            SignedVote(consensus::VoteType::kPrecommit, 1, 0, consensus::kNilId, 3)}));
  Write("peer_message", "txs_all_kinds", EncodePeerMessage(node::TxGossip{txs}));
  Write("peer_message", "txs_one", EncodePeerMessage(node::TxGossip{{txs.front()}}));
  Write("peer_message", "sync_request", EncodePeerMessage(node::SyncRequest{1, 64}));
  codec::Writer sync;  // a sync response carrying the golden block as it is stored
  sync.U8(4);
  sync.Count(1);
  sync.Bytes(block);
  Write("peer_message", "sync_response", std::move(sync).Take());
  auto golden = ledger::DecodeBlock(block);  // its certificate, as a head announce carries it
  FUZZ_CHECK(golden.ok(), golden.status().ToString());
  Write("peer_message", "head_announce",
        EncodePeerMessage(node::HeadAnnounce{golden->certificate}));
}

// A script for consensus_message_fuzz: control ‖ bytes message, repeated.
class Script {
 public:
  Script& Add(uint8_t control, const consensus::Message& message) {
    m_w.U8(control);
    m_w.Bytes(consensus::EncodeMessage(message));
    return *this;
  }
  Script& Timeout(uint8_t kind) {
    m_w.U8(static_cast<uint8_t>(2 | (kind << 2)));
    m_w.Bytes({});
    return *this;
  }
  Bytes Take() { return std::move(m_w).Take(); }

 private:
  codec::Writer m_w;
};

void ConsensusSeeds() {
  using consensus::VoteType;
  constexpr uint8_t kValid = 16;
  Bytes value = {'v', 'a', 'l', 'u', 'e'};
  auto proposal = SignedProposal(1, 0, value, 1);  // validator 1 proposes at (1, 0)
  const Hash32& id = proposal.value_id;
  Script commit;
  commit.Add(kValid, proposal)
      .Add(kValid, SignedVote(VoteType::kPrevote, 1, 0, id, 2))
      .Add(kValid, SignedVote(VoteType::kPrevote, 1, 0, id, 3))
      .Add(kValid, SignedVote(VoteType::kPrecommit, 1, 0, id, 2))
      .Add(kValid, SignedVote(VoteType::kPrecommit, 1, 0, id, 3));
  Write("consensus_message", "commit_height_1", commit.Take());
  Script timeouts;
  timeouts.Timeout(0).Add(kValid, SignedVote(VoteType::kPrevote, 1, 0, consensus::kNilId, 2))
      .Timeout(1).Add(kValid, SignedVote(VoteType::kPrecommit, 1, 0, consensus::kNilId, 3))
      .Timeout(2).Add(kValid, SignedProposal(1, 1, value, 2));
  Write("consensus_message", "timeouts_round_1", timeouts.Take());
  Script resign;  // unsigned messages that the control byte asks to sign
  resign.Add(1 | kValid, consensus::Proposal{1, 0, -1, id, value, 1, {}})
      .Add(1 | kValid, consensus::Vote{VoteType::kPrevote, 1, 0, id, 2, {}})
      .Add(1 | kValid, consensus::Vote{VoteType::kPrevote, 1, 0, id, 3, {}});
  Write("consensus_message", "resigned", resign.Take());
  Script bad;
  bad.Add(0, consensus::Vote{VoteType::kPrecommit, 1, 0, id, 9, {}});
  Write("consensus_message", "bad_signature", bad.Take());
}

void PeerFrameSeeds() {
  auto with = [](uint8_t selector, ByteView rest) {
    Bytes out = {selector};
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
  };
  // Hellos built field by field, so that the seeds do not change from run to run (a
  // Handshake would put a fresh ephemeral key in).
  net::Hello hello{net::kProtocolVersion, fuzz::FuzzGenesis().chain_id,
                   fuzz::LabelKey("validator-1").public_key(), {}};
  hello.ephemeral = crypto::Sha256(AsBytes("ephemeral"));  // any 32 bytes
  Write("peer_frame", "hello", with(0, net::EncodeHello(hello)));
  hello.chain_id = "other-chain";
  Write("peer_frame", "hello_other_chain", with(0, net::EncodeHello(hello)));
  Bytes auth(net::kAuthPlaintextSize, 0);
  auth[0] = static_cast<uint8_t>(net::RecordKind::kAuth);
  Write("peer_frame", "auth_forged", with(1, auth));
  codec::Writer records;
  records.U8(static_cast<uint8_t>(net::RecordKind::kData));
  records.Bytes(node::EncodePeerMessage(node::SyncRequest{1, 64}));
  records.U8(static_cast<uint8_t>(net::RecordKind::kPing));
  records.Bytes({});
  Write("peer_frame", "records", with(2, std::move(records).Take()));
}

// "METHOD target", header lines, an empty line, the body (api_request_fuzz.cpp); the tokens
// are the fuzz node's.
void ApiRequestSeeds(const std::vector<ledger::Transaction>& txs) {
  std::string tx = ToHex(ledger::EncodeTransaction(txs.front()));
  auto block = fuzz::FuzzChain::Get().store().GetBlock(1);  // its transaction is committed
  FUZZ_CHECK(block.ok() && *block, "the fuzz chain's block");
  std::string id = ToHex(ledger::TxId((*block)->txs.front()));
  const std::string read = "\nAuthorization: Bearer cvt_fuzz_read\n\n";
  const std::string submit = "\nAuthorization: Bearer cvt_fuzz_submit\n\n";
  const std::string admin = "\nAuthorization: Bearer cvt_fuzz_admin\n\n";
  const std::vector<std::pair<std::string, std::string>> requests = {
      {"healthz", "GET /healthz"},
      {"readyz", "GET /readyz"},
      {"metrics", "GET /metrics" + read},
      {"openapi", "GET /v1/openapi.json" + read},
      {"status", "GET /v1/status" + submit},
      {"status_no_token", "GET /v1/status"},
      {"status_wrong_token", "GET /v1/status\nAuthorization: Bearer cvt_fuzz_nope\n\n"},
      {"genesis", "GET /v1/genesis" + read},
      {"submit", "POST /v1/tx" + submit + "{\"tx\":\"" + tx + "\"}"},
      {"submit_wait", "POST /v1/tx?wait=true&timeout_ms=5" + submit + "{\"tx\":\"" + tx + "\"}"},
      {"submit_as_reader", "POST /v1/tx" + read + "{\"tx\":\"" + tx + "\"}"},
      {"sign_and_submit", "POST /v1/admin/sign-and-submit?wait=false" + admin +
                              R"({"kind":"dataset.register","body":{"dataset_id":"d","content_hash":")" +
                              std::string(64, '0') + R"(","description":"x"},"expiry_blocks":5,"nonce":7})"},
      {"tx", "GET /v1/tx/" + id + submit},
      {"tx_proof", "GET /v1/tx/" + id + "/proof" + read},
      {"block", "GET /v1/blocks/1" + read},
      {"block_latest", "GET /v1/blocks/latest" + read},
      {"block_encoded", "GET /v1/blocks/1/encoded?count=2" + read},
      {"consistency", "GET /v1/log/consistency?from=1&to=1" + read},
      {"frontier", "GET /v1/log/frontier?height=1" + read},
      {"history", "GET /v1/history/dataset/telemetry?limit=1&cursor=1.0&from_height=1&to_height=9"
                  "&from_time=2020-01-01&to_time=2030-01-01" + read},
      {"events", "GET /v1/events?cursor=head&heartbeat_ms=1000" + read},
      {"events_page", "GET /v1/events/page?cursor=0&limit=5&kind=dataset.registered&venture=v1&party=maker" + read},
      {"dataset", "GET /v1/datasets/telemetry" + read},
      {"member", "GET /v1/members/maker" + read},
      {"grant", "GET /v1/grants/g1" + read},
      {"receipt", "GET /v1/receipts/r1" + read},
      {"proposal", "GET /v1/proposals/p1" + read},
      {"venture", "GET /v1/ventures/v1" + read},
      {"contribution", "GET /v1/contributions/c1" + read},
      {"formula", "GET /v1/ventures/v1/formulas/1" + read},
      {"period", "GET /v1/ventures/v1/periods/2026-Q1" + read},
      {"settlement", "GET /v1/ventures/v1/settlements/2026-03" + read},
      {"payout", "GET /v1/ventures/v1/payouts/2026-Q1/maker" + read},
      {"access", "GET /v1/access?party=analytics&dataset=telemetry&purpose=research&operation=read"
                 "&time=2026-03-31T12%3A00%3A00Z" + read},
      {"wrong_method", "DELETE /v1/status" + admin},
  };
  for (const auto& [name, text] : requests) Write("api_request", name, text);
}

void JsonBodySeeds() {
  for (auto& [name, inputs, bytes] : Vectors("bodies.json")) {
    auto kind = ledger::TxKindFromName(name);
    if (!kind) continue;
    std::string text(1, static_cast<char>(static_cast<uint16_t>(*kind) - 1));
    Write("json_body", name, text + inputs);
  }
  Write("json_body", "submit", std::string(1, '\0') + R"({"tx":"00","expiry_height":5})");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus root>\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  auto txs = SignedTransactions();
  TransactionSeeds(txs);
  PeerMessageSeeds(txs);
  ConsensusSeeds();
  PeerFrameSeeds();
  ApiRequestSeeds(txs);
  JsonBodySeeds();
  std::printf("seeds written under %s\n", g_root.c_str());
  return 0;
}
