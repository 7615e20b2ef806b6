// `audit verify --node` against a hostile node (TESTING.md T3): a fake fetcher serves a real
// certified chain through the API's answer shapes (/v1/status, /v1/blocks/{h}/encoded) and
// alters them — a head it does not have, heights skipped, reordered or repeated, bad hex,
// another height's block, cut bytes, more blocks than asked, answers of the wrong shape. Each
// time the audit fails with a message naming the block (or the head) and what is wrong, and
// nothing crashes; the honest answers pass.
#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>
#include <string>

#include "node/audit/api_chain_source.h"
#include "tests/support/audit_certified_chain.h"

using namespace covalue;
using covalue::testing::CertifiedChain;
using covalue::testing::NamesBlock;
using covalue::testing::Verify;

namespace {

// The answers a node over `chain` would give, passed through the lies set on it.
class LyingNode {
 public:
  explicit LyingNode(CertifiedChain& chain) : m_chain(chain) {}

  std::function<void(node::Json& status)> lie_about_status = [](node::Json&) {};
  // `blocks` is the honest list for a request from `from`.
  std::function<void(uint64_t from, node::Json& answer)> lie_about_blocks = [](uint64_t,
                                                                               node::Json&) {};

  int requests = 0;  // block requests answered

  audit::JsonFetcher Fetcher() {
    return [this](const std::string& target) -> Result<node::Json> { return Answer(target); };
  }

 private:
  Result<node::Json> Answer(const std::string& target) {
    const node::ChainHead head = m_chain.store().Head();
    if (target == "/v1/status") {
      node::Json status = {{"genesis_hash", ToHex(ledger::GenesisHash(m_chain.genesis()))},
                           {"height", head.height},
                           {"block_id", ToHex(head.block_id)},
                           {"time_ms", head.time_ms},
                           {"state_root", ToHex(head.state_root)},
                           {"log_size", head.log_size},
                           {"log_root", ToHex(head.log_root)}};
      lie_about_status(status);
      return status;
    }
    unsigned long long from = 0, count = 0;
    if (std::sscanf(target.c_str(), "/v1/blocks/%llu/encoded?count=%llu", &from, &count) != 2) {
      return Status(Code::kNotFound, "no route " + target);
    }
    ++requests;
    if (from > head.height) return Status(Code::kNotFound, "no block " + std::to_string(from));
    node::Json blocks = node::Json::array();
    for (uint64_t h = from; h <= head.height && h < from + count; ++h) {
      auto block = m_chain.store().GetBlock(h);
      REQUIRE((block.ok() && block->has_value()));
      blocks.push_back({{"height", h}, {"block", ToHex(ledger::EncodeBlock(**block))}});
    }
    node::Json answer = {{"blocks", blocks}};
    lie_about_blocks(from, answer);
    return answer;
  }

  CertifiedChain& m_chain;
};

// Audits `node` with the chain's genesis: Open's status if it refuses, else the audit's.
std::pair<Status, audit::AuditReport> AuditNode(LyingNode& node, const ledger::Genesis& genesis) {
  auto source = audit::ApiChainSource::Open("liar", node.Fetcher(), genesis);
  if (!source.ok()) return {source.status(), audit::AuditReport{}};
  return Verify(**source, genesis);
}

std::string HexOf(const node::Json& entry) {
  return entry["block"].get<std::string>();
}

}  // namespace

TEST_CASE(
    "audit: an honest node's answers pass, and every lie about its blocks fails naming the block") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  chain.AddFive();
  {
    LyingNode honest(chain);
    auto [status, report] = AuditNode(honest, chain.genesis());
    INFO(status.ToString());
    REQUIRE(status.ok());
    CHECK(report.blocks == 5);
    CHECK(honest.requests == 1);  // one batch: the five blocks
  }

  using Blocks = node::Json;
  struct Case {
    const char* name;
    std::function<void(uint64_t from, Blocks& answer)> lie;
    uint64_t block;        // the block the failure names
    const char* expected;  // in the message
  };
  const std::vector<Case> cases = {
      {"skips height 3", [](uint64_t, Blocks& a) { a["blocks"].erase(2); }, 3,
       "the node sent block 4 where this block was due"},
      {"swaps 2 and 3", [](uint64_t, Blocks& a) { std::swap(a["blocks"][1], a["blocks"][2]); }, 2,
       "the node sent block 3 where this block was due"},
      {"repeats block 1",
       [](uint64_t, Blocks& a) {
         a["blocks"].erase(4);
         a["blocks"].insert(a["blocks"].begin() + 1, a["blocks"][0]);
       },
       2, "the node sent block 1 where this block was due"},
      {"bad hex",
       [](uint64_t, Blocks& a) { a["blocks"][3]["block"] = "zz" + HexOf(a["blocks"][3]); }, 4,
       "its bytes are not hex"},
      {"odd-length hex", [](uint64_t, Blocks& a) { a["blocks"][3]["block"] = "abc"; }, 4,
       "its bytes are not hex"},
      {"block 3's bytes as block 4",
       [](uint64_t, Blocks& a) { a["blocks"][3]["block"] = a["blocks"][2]["block"]; }, 4,
       "the bytes held for it are block 3"},
      {"cut bytes",
       [](uint64_t, Blocks& a) {
         std::string hex = HexOf(a["blocks"][1]);
         a["blocks"][1]["block"] = hex.substr(0, hex.size() / 4 * 2);
       },
       2, "its bytes do not decode"},
      {"a byte changed",
       [](uint64_t, Blocks& a) {
         std::string hex = HexOf(a["blocks"][2]);
         hex[hex.size() / 2] = hex[hex.size() / 2] == '0' ? '1' : '0';
         a["blocks"][2]["block"] = hex;
       },
       3, ""},
      {"more blocks than asked", [](uint64_t, Blocks& a) { a["blocks"].push_back(a["blocks"][4]); },
       1, "the node sent 6 blocks, more than the 5 asked for"},
      {"no blocks", [](uint64_t, Blocks& a) { a["blocks"] = node::Json::array(); }, 1,
       "the node did not send it"},
      {"'blocks' not a list", [](uint64_t, Blocks& a) { a["blocks"] = "1..5"; }, 1,
       "has no 'blocks' list"},
      {"an array for an answer",
       [](uint64_t, Blocks& a) {
         a = node::Json::array({1, 2});
       },
       1, "has no 'blocks' list"},
      {"an entry that is a number", [](uint64_t, Blocks& a) { a["blocks"][0] = 7; }, 1,
       "field 'height'"},
      {"a negative height", [](uint64_t, Blocks& a) { a["blocks"][2]["height"] = -3; }, 3,
       "field 'height'"},
      {"a height as text", [](uint64_t, Blocks& a) { a["blocks"][2]["height"] = "3"; }, 3,
       "field 'height'"},
      {"a huge height", [](uint64_t, Blocks& a) { a["blocks"][1]["height"] = UINT64_MAX; }, 2,
       "the node sent block 18446744073709551615 where this block was due"},
      {"no 'block' field", [](uint64_t, Blocks& a) { a["blocks"][0].erase("block"); }, 1,
       "field 'block'"},
      {"'block' as a number", [](uint64_t, Blocks& a) { a["blocks"][0]["block"] = 12; }, 1,
       "field 'block'"},
  };
  for (const auto& c : cases) {
    LyingNode node(chain);
    node.lie_about_blocks = c.lie;
    auto [status, report] = AuditNode(node, chain.genesis());
    INFO(c.name << ": " << status.ToString());
    CHECK(!status.ok());
    CHECK(NamesBlock(status, c.block));
    CHECK(status.message().find(c.expected) != std::string::npos);
    CHECK(report.blocks == c.block - 1);  // every block before it was checked and passed
  }
}

TEST_CASE("audit: a node that lies about its head, its genesis or its status fails, naming it") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  chain.AddFive();
  const node::ChainHead head = chain.store().Head();

  // A head beyond its blocks: the audit reaches the first block the node cannot send.
  for (uint64_t claimed : {uint64_t{7}, uint64_t{1} << 62}) {
    LyingNode node(chain);
    node.lie_about_status = [&](node::Json& s) { s["height"] = claimed; };
    auto [status, report] = AuditNode(node, chain.genesis());
    INFO(claimed << ": " << status.ToString());
    CHECK(NamesBlock(status, 6));
    CHECK(status.message().find("no block 6") != std::string::npos);
    CHECK(report.blocks == 5);
  }
  // The right height with another state root, or a lower height with the real head's fields.
  {
    LyingNode node(chain);
    node.lie_about_status = [](node::Json& s) { s["state_root"] = std::string(64, 'a'); };
    Status status = AuditNode(node, chain.genesis()).first;
    INFO(status.ToString());
    CHECK(status.message().rfind("head: the source claims height 5", 0) == 0);
  }
  {
    LyingNode node(chain);
    node.lie_about_status = [](node::Json& s) { s["height"] = 3; };
    auto [status, report] = AuditNode(node, chain.genesis());
    INFO(status.ToString());
    CHECK(status.message().rfind(
              "head: the source claims height 3 with block " + ToHex(head.block_id).substr(0, 16),
              0) == 0);
    CHECK(report.blocks == 3);
  }
  // Refused before any block: another genesis, or a status with missing or mistyped fields.
  struct Case {
    const char* name;
    std::function<void(node::Json&)> lie;
    Code code;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"another genesis", [](node::Json& s) { s["genesis_hash"] = std::string(64, '0'); },
       Code::kConflict, "serves the chain of another genesis"},
      {"no height", [](node::Json& s) { s.erase("height"); }, Code::kInvalidArgument,
       "field 'height'"},
      {"time as text", [](node::Json& s) { s["time_ms"] = "now"; }, Code::kMalformed, "'time_ms'"},
      {"a short block id", [](node::Json& s) { s["block_id"] = "abcd"; }, Code::kInvalidArgument,
       "field 'block_id'"},
      {"not an object", [](node::Json& s) { s = node::Json::array(); }, Code::kInvalidArgument,
       "field 'genesis_hash'"},
  };
  for (const auto& c : cases) {
    LyingNode node(chain);
    node.lie_about_status = c.lie;
    auto [status, report] = AuditNode(node, chain.genesis());
    INFO(c.name << ": " << status.ToString());
    CHECK(status.code() == c.code);
    CHECK(status.message().find(c.expected) != std::string::npos);
    CHECK(report.blocks == 0);
  }
}

TEST_CASE(
    "audit: blocks beyond one batch: a node that answers short batches is still read in order") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  chain.AddFive();
  for (int i = 0; i < 10; ++i) chain.Add({});  // 15 blocks
  LyingNode node(chain);
  // Answers at most two blocks per request, as a node under its size budget may.
  node.lie_about_blocks = [](uint64_t, node::Json& a) {
    while (a["blocks"].size() > 2) a["blocks"].erase(a["blocks"].size() - 1);
  };
  auto [status, report] = AuditNode(node, chain.genesis());
  INFO(status.ToString());
  CHECK(status.ok());
  CHECK(report.blocks == 15);
  CHECK(node.requests == 8);
}
