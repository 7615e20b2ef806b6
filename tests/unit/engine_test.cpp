// The consensus engine driven directly, without the simulator: n = 4 engines exchanging
// messages through a FIFO queue with opaque values. Decisions, certificates, the guard
// after a restart, and refusal of bad messages. (Faults and Byzantine nodes: tests/sim.)
#include <catch2/catch.hpp>

#include <deque>

#include "consensus/engine.h"
#include "crypto/hash.h"
#include "tests/support/test_support.h"

using namespace covalue;
using namespace covalue::consensus;
using covalue::testing::KeyFromLabel;

namespace {

struct Harness {
  explicit Harness(size_t n, bool wait_for_txs = false) {
    std::vector<Validator> validators;
    for (size_t i = 0; i < n; ++i) {
      keys.push_back(KeyFromLabel("v" + std::to_string(i)));
      validators.push_back({"v" + std::to_string(i), keys.back().public_key()});
    }
    set = std::move(ValidatorSet::Create(validators)).value();
    for (size_t i = 0; i < n; ++i) {
      EngineConfig config{"chain"};
      config.wait_for_txs = wait_for_txs;
      engines.emplace_back(config, *set, keys[i], 1, SafetyState{});
      decided.emplace_back();
    }
    for (size_t i = 0; i < n; ++i) Handle(i, engines[i].Start());
  }

  void Handle(size_t node, const std::vector<Action>& actions) {
    for (const auto& action : actions) {
      if (const auto* b = std::get_if<Broadcast>(&action)) {
        for (size_t to = 0; to < engines.size(); ++to) {
          if (to != node) queue.push_back({to, b->message});
        }
      } else if (const auto* r = std::get_if<RequestValue>(&action)) {
        std::string text = std::to_string(r->height) + "/" + std::to_string(r->round) + "/" +
                           std::to_string(node);
        Bytes value(text.begin(), text.end());
        pending.push_back({node, ValueReady{r->height, r->round, crypto::Sha256(value), value}});
      } else if (const auto* v = std::get_if<ValidateValue>(&action)) {
        pending.push_back({node, ValueValidated{v->height, v->value_id,
                                                crypto::Sha256(v->value) == v->value_id}});
      } else if (const auto* c = std::get_if<Commit>(&action)) {
        CHECK(VerifyCommitCertificate(c->certificate, *set, "chain", c->height, c->value_id).ok());
        decided[node].push_back(c->value_id);
      } else if (const auto* p = std::get_if<PersistSafetyState>(&action)) {
        persisted_count++;
        (void)p;
      }
    }
  }

  // Delivers everything until quiet (timeouts are not fired: no faults here).
  void Run(size_t max_steps = 100000) {
    for (size_t steps = 0; steps < max_steps && (!queue.empty() || !pending.empty()); ++steps) {
      if (!pending.empty()) {
        auto [node, event] = pending.front();
        pending.pop_front();
        Handle(node, engines[node].Step(event));
        continue;
      }
      auto [to, message] = queue.front();
      queue.pop_front();
      if (const auto* p = std::get_if<Proposal>(&message)) {
        Handle(to, engines[to].Step(ProposalReceived{*p}));
      } else {
        Handle(to, engines[to].Step(VoteReceived{std::get<Vote>(message)}));
      }
    }
  }

  std::vector<crypto::KeyPair> keys;
  std::optional<ValidatorSet> set;
  std::vector<Engine> engines;
  std::vector<std::vector<Hash32>> decided;
  std::deque<std::pair<size_t, Message>> queue;
  std::deque<std::pair<size_t, Event>> pending;
  size_t persisted_count = 0;
};

}  // namespace

TEST_CASE("four engines with reliable delivery decide the same values, height after height") {
  Harness h(4);
  h.Run();
  // Without timeouts the run stops only when heights stop; cap by checking progress.
  REQUIRE(h.decided[0].size() >= 5);
  size_t common = h.decided[0].size();
  for (const auto& d : h.decided) common = std::min(common, d.size());
  for (size_t height = 0; height < common; ++height) {
    for (const auto& d : h.decided) CHECK(d[height] == h.decided[0][height]);
  }
  CHECK(h.persisted_count > 0);
}

TEST_CASE("with wait_for_txs a height starts only when transactions are available") {
  Harness h(4, /*wait_for_txs=*/true);
  h.Run();
  for (const auto& d : h.decided) CHECK(d.empty());
  for (const auto& e : h.engines) CHECK(e.idle());
  // The proposer of (1, 0) learns of transactions; its proposal wakes the others.
  uint32_t proposer = h.engines[0].ProposerOf(1, 0);
  h.Handle(proposer, h.engines[proposer].Step(TxsAvailable{}));
  h.Run();
  for (const auto& d : h.decided) REQUIRE(d.size() == 1);
  for (const auto& d : h.decided) CHECK(d[0] == h.decided[0][0]);
  for (const auto& e : h.engines) {
    CHECK(e.height() == 2);
    CHECK(e.idle());
  }
}

TEST_CASE("messages with bad signatures, from non-validators or for another chain are dropped") {
  Harness h(4);
  Engine& engine = h.engines[0];
  auto stranger = KeyFromLabel("stranger");
  Vote vote{VoteType::kPrevote, 1, 0, kNilId, 1, {}};
  SignVoteMessage(vote, stranger, "chain");  // index 1 but signed by a stranger
  engine.Step(VoteReceived{vote});
  Vote foreign{VoteType::kPrevote, 1, 0, kNilId, 2, {}};
  SignVoteMessage(foreign, h.keys[2], "other-chain");
  engine.Step(VoteReceived{foreign});
  Vote out_of_range{VoteType::kPrevote, 1, 0, kNilId, 9, {}};
  engine.Step(VoteReceived{out_of_range});
  CHECK(engine.counters().invalid_messages == 3);
}

TEST_CASE("a message whose signature the host checked is not verified again") {
  // The host (the driver) verifies the first message of each validator and height itself;
  // the engine trusts that flag for the signature only.
  Harness h(4);
  Engine& engine = h.engines[0];
  auto stranger = KeyFromLabel("stranger");
  Vote vote{VoteType::kPrevote, 1, 0, kNilId, 1, {}};
  SignVoteMessage(vote, stranger, "chain");  // would not verify
  auto actions = engine.Step(VoteReceived{vote, /*signature_checked=*/true});
  CHECK(engine.counters().invalid_messages == 0);
  bool recorded = false;
  for (const auto& a : actions) {
    const auto* r = std::get_if<RecordInput>(&a);
    const auto* v = r != nullptr ? std::get_if<Vote>(&r->message) : nullptr;
    if (v != nullptr && *v == vote) recorded = true;
  }
  CHECK(recorded);
  // The index is still checked, and so is the proposer of the round.
  Vote out_of_range{VoteType::kPrevote, 1, 0, kNilId, 9, {}};
  engine.Step(VoteReceived{out_of_range, true});
  uint32_t proposer = engine.ProposerOf(1, 0);
  Proposal wrong{1, 0, -1, crypto::Sha256(AsBytes("v")), Bytes{1}, (proposer + 1) % 4, {}};
  engine.Step(ProposalReceived{wrong, true});
  CHECK(engine.counters().invalid_messages == 2);
}

TEST_CASE("a learnt decision whose certificate the host checked is not verified again") {
  // The sync verifier checks a synced block's certificate beside its transactions; the
  // engine trusts that flag for the certificate only, and still takes it for its height alone.
  Harness h(4);
  Engine& engine = h.engines[0];
  REQUIRE(engine.height() == 1);
  const Bytes value{1, 2, 3};
  const Hash32 id = crypto::Sha256(value);
  auto certificate_at = [&](uint64_t height) {
    CommitCertificate certificate{height, 0, id, {}};
    for (uint32_t i = 0; i < 3; ++i) certificate.signatures.push_back({i, crypto::Signature{}});
    return certificate;  // signatures that would not verify
  };
  auto commits = [](const std::vector<Action>& actions) {
    size_t n = 0;
    for (const auto& a : actions) n += std::holds_alternative<Commit>(a) ? 1 : 0;
    return n;
  };
  CHECK(commits(engine.Step(DecisionLearnt{value, certificate_at(2), true})) == 0);
  CHECK(commits(engine.Step(DecisionLearnt{value, certificate_at(1)})) == 0);
  CHECK(engine.counters().invalid_messages == 1);
  CHECK(engine.height() == 1);
  CHECK(commits(engine.Step(DecisionLearnt{value, certificate_at(1), true})) == 1);
  CHECK(engine.height() == 2);
  CHECK(engine.counters().invalid_messages == 1);
}

TEST_CASE("after a restart the guard refuses to sign a conflicting vote") {
  SafetyState state;
  state.height = 5;
  state.round = 2;
  state.step = SignStep::kPrevote;
  state.value_id = crypto::Sha256(AsBytes("a"));
  auto decoded = DecodeSafetyState(EncodeSafetyState(state));
  REQUIRE(decoded.ok());
  CHECK(*decoded == state);
  SafetyGuard guard(*decoded);
  CHECK(guard.Check(5, 2, SignStep::kPrevote, state.value_id).ok());  // the same vote again
  CHECK(guard.Check(5, 2, SignStep::kPrevote, crypto::Sha256(AsBytes("b"))).code() ==
        Code::kConflict);
  CHECK(guard.Check(5, 1, SignStep::kPrecommit, state.value_id).code() == Code::kConflict);
  CHECK(guard.Check(4, 9, SignStep::kPrecommit, state.value_id).code() == Code::kConflict);
  CHECK(guard.Check(5, 2, SignStep::kPrecommit, kNilId).ok());
  CHECK(guard.Check(6, 0, SignStep::kProposal, kNilId).ok());
}

TEST_CASE("consensus messages round-trip through their encoding and refuse garbage") {
  Proposal p{3, 1, 0, crypto::Sha256(AsBytes("v")), Bytes{1, 2, 3}, 2, {}};
  SignProposal(p, KeyFromLabel("v2"), "chain");
  auto decoded = DecodeMessage(EncodeMessage(p));
  REQUIRE(decoded.ok());
  CHECK(std::get<Proposal>(*decoded) == p);
  Bytes bad = EncodeMessage(p);
  bad.push_back(0);
  CHECK(DecodeMessage(bad).status().code() == Code::kTrailingBytes);
  CHECK(DecodeMessage(Bytes{9}).status().code() == Code::kUnknownEnum);
  CHECK(DecodeMessage(Bytes{2, 7}).status().code() == Code::kUnknownEnum);
}
