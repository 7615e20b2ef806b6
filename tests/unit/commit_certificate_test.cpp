// Tests for consensus/commit_certificate.h and the quorum rule of consensus/validator_set.h:
// a certificate verifies only with a quorum of distinct validators, listed in increasing
// index order, each signing the precommit for exactly this (chain, height, round, block id).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "consensus/commit_certificate.h"
#include "consensus/validator_set.h"
#include "crypto/hash.h"
#include "tests/support/test_support.h"

namespace covalue::consensus {
namespace {

using testing::KeyFromLabel;

constexpr std::string_view kChain = "covalue-test";
constexpr uint64_t kHeight = 7;
constexpr uint32_t kRound = 2;

struct Network {
  std::vector<crypto::KeyPair> keys;
  ValidatorSet set;
};

Network MakeNetwork(size_t n) {
  std::vector<crypto::KeyPair> keys;
  std::vector<Validator> validators;
  for (size_t i = 0; i < n; ++i) {
    std::string name = "validator-" + std::to_string(i);
    keys.push_back(KeyFromLabel(name));
    validators.push_back({name, keys.back().public_key()});
  }
  auto set = ValidatorSet::Create(std::move(validators));
  REQUIRE(set.ok());
  return Network{std::move(keys), std::move(set).value()};
}

Hash32 BlockIdFor(std::string_view label) {
  return crypto::Sha256(AsBytes(label));
}

CommitSignature Precommit(const Network& net, uint32_t index, const Hash32& block_id,
                          uint64_t height = kHeight, uint32_t round = kRound,
                          std::string_view chain = kChain) {
  return {index,
          SignVote(net.keys.at(index), chain, VoteType::kPrecommit, height, round, block_id)};
}

CommitCertificate Certificate(const Network& net, std::vector<uint32_t> indices,
                              const Hash32& block_id) {
  CommitCertificate c;
  c.height = kHeight;
  c.round = kRound;
  c.block_id = block_id;
  for (uint32_t i : indices) c.signatures.push_back(Precommit(net, i, block_id));
  return c;
}

Status Verify(const CommitCertificate& c, const Network& net, const Hash32& block_id) {
  return VerifyCommitCertificate(c, net.set, kChain, kHeight, block_id);
}

TEST_CASE("ValidatorSet quorum is more than two thirds", "[consensus][quorum]") {
  const std::vector<std::pair<size_t, size_t>> expected = {{1, 1}, {3, 3}, {4, 3},
                                                           {5, 4}, {7, 5}, {10, 7}};
  for (auto [n, quorum] : expected) {
    INFO("n = " << n);
    CHECK(MakeNetwork(n).set.Quorum() == quorum);
  }
  for (size_t n = 1; n <= 40; ++n) {
    INFO("n = " << n);
    size_t q = MakeNetwork(n).set.Quorum();
    CHECK(3 * q > 2 * n);         // more than two thirds
    CHECK(3 * (q - 1) <= 2 * n);  // and the smallest such number
    CHECK(n >= 3 * MakeNetwork(n).set.MaxFaulty() + 1);
  }
}

TEST_CASE("ValidatorSet refuses an empty set and a repeated key", "[consensus]") {
  CHECK(ValidatorSet::Create({}).status().code() == Code::kInvalidArgument);
  auto key = KeyFromLabel("validator-0");
  CHECK(ValidatorSet::Create({{"a", key.public_key()}, {"b", key.public_key()}}).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("A single validator's precommit is a valid certificate", "[consensus][certificate]") {
  Network net = MakeNetwork(1);
  Hash32 id = BlockIdFor("block");
  CHECK(Verify(Certificate(net, {0}, id), net, id).ok());
  CHECK_FALSE(Verify(Certificate(net, {}, id), net, id).ok());
}

TEST_CASE("Four validators: three signatures are a quorum, two are not",
          "[consensus][certificate]") {
  Network net = MakeNetwork(4);
  Hash32 id = BlockIdFor("block");
  CHECK(Verify(Certificate(net, {0, 1, 2, 3}, id), net, id).ok());
  CHECK(Verify(Certificate(net, {0, 1, 2}, id), net, id).ok());
  CHECK(Verify(Certificate(net, {0, 2, 3}, id), net, id).ok());
  CHECK(Verify(Certificate(net, {1, 2, 3}, id), net, id).ok());
  CHECK(Verify(Certificate(net, {0, 1}, id), net, id).code() == Code::kInvalidArgument);
  CHECK(Verify(Certificate(net, {2, 3}, id), net, id).code() == Code::kInvalidArgument);
  CHECK(Verify(Certificate(net, {3}, id), net, id).code() == Code::kInvalidArgument);
  CHECK(Verify(Certificate(net, {}, id), net, id).code() == Code::kInvalidArgument);
}

TEST_CASE("Signers must be distinct and in increasing index order", "[consensus][certificate]") {
  Network net = MakeNetwork(4);
  Hash32 id = BlockIdFor("block");
  SECTION("a duplicated validator cannot make up the quorum") {
    CommitCertificate c = Certificate(net, {0, 1, 1}, id);
    CHECK(Verify(c, net, id).code() == Code::kInvalidArgument);
    c = Certificate(net, {0, 0, 1, 2}, id);
    CHECK(Verify(c, net, id).code() == Code::kInvalidArgument);
  }
  SECTION("unordered indices") {
    CHECK(Verify(Certificate(net, {1, 0, 2}, id), net, id).code() == Code::kInvalidArgument);
    CHECK(Verify(Certificate(net, {0, 2, 1}, id), net, id).code() == Code::kInvalidArgument);
    CHECK(Verify(Certificate(net, {3, 2, 1, 0}, id), net, id).code() == Code::kInvalidArgument);
  }
  SECTION("an index out of range") {
    CommitCertificate c = Certificate(net, {0, 1, 2}, id);
    c.signatures.push_back({4, c.signatures.back().signature});
    CHECK(Verify(c, net, id).code() == Code::kUnknownSigner);
    c.signatures.back().validator_index = 0xFFFFFFFFu;
    CHECK(Verify(c, net, id).code() == Code::kUnknownSigner);
  }
  SECTION("a signature under the wrong index") {
    CommitCertificate c = Certificate(net, {0, 1, 2}, id);
    c.signatures[2].validator_index = 3;  // validator 2's signature claimed for 3
    CHECK(Verify(c, net, id).code() == Code::kBadSignature);
  }
}

TEST_CASE("A signature for anything but this precommit fails", "[consensus][certificate]") {
  Network net = MakeNetwork(4);
  Hash32 id = BlockIdFor("block");
  CommitCertificate c = Certificate(net, {0, 1, 2}, id);
  REQUIRE(Verify(c, net, id).ok());

  SECTION("another block id") {
    c.signatures[1] = Precommit(net, 1, BlockIdFor("other block"));
  }
  SECTION("another height") {
    c.signatures[1] = Precommit(net, 1, id, kHeight + 1);
  }
  SECTION("another round") {
    c.signatures[1] = Precommit(net, 1, id, kHeight, kRound + 1);
  }
  SECTION("another chain") {
    c.signatures[1] = Precommit(net, 1, id, kHeight, kRound, "covalue-other");
  }
  SECTION("a prevote, not a precommit") {
    c.signatures[1].signature =
        SignVote(net.keys[1], kChain, VoteType::kPrevote, kHeight, kRound, id);
  }
  SECTION("a flipped bit") {
    c.signatures[1].signature[10] ^= 0x01;
  }
  CHECK(Verify(c, net, id).code() == Code::kBadSignature);
}

TEST_CASE("The certificate must be for the expected height, round and block",
          "[consensus][certificate]") {
  Network net = MakeNetwork(4);
  Hash32 id = BlockIdFor("block");
  CommitCertificate c = Certificate(net, {0, 1, 2}, id);

  SECTION("a certificate for another block id is refused") {
    CHECK(VerifyCommitCertificate(c, net.set, kChain, kHeight, BlockIdFor("other")).code() ==
          Code::kInvalidArgument);
  }
  SECTION("a certificate for another height is refused") {
    CHECK(VerifyCommitCertificate(c, net.set, kChain, kHeight + 1, id).code() ==
          Code::kInvalidArgument);
  }
  SECTION("the same signatures under another chain id do not verify") {
    CHECK(VerifyCommitCertificate(c, net.set, "covalue-other", kHeight, id).code() ==
          Code::kBadSignature);
  }
  SECTION("a round number changed after signing breaks every signature") {
    c.round = kRound + 1;
    CHECK(Verify(c, net, id).code() == Code::kBadSignature);
  }
  SECTION("another validator set (same size, other keys) does not accept it") {
    std::vector<Validator> others;
    for (int i = 0; i < 4; ++i) {
      others.push_back({"x", KeyFromLabel("stranger-" + std::to_string(i)).public_key()});
    }
    auto set = ValidatorSet::Create(std::move(others));
    REQUIRE(set.ok());
    CHECK(VerifyCommitCertificate(c, *set, kChain, kHeight, id).code() == Code::kBadSignature);
  }
}

TEST_CASE("A certificate survives its encoding", "[consensus][certificate]") {
  Network net = MakeNetwork(4);
  Hash32 id = BlockIdFor("block");
  CommitCertificate c = Certificate(net, {0, 2, 3}, id);
  codec::Writer w;
  EncodeCommitCertificate(w, c);
  codec::Reader r(w.bytes());
  CommitCertificate decoded;
  REQUIRE(DecodeCommitCertificate(r, &decoded).ok());
  REQUIRE(r.Finish().ok());
  CHECK(decoded == c);
  CHECK(Verify(decoded, net, id).ok());
}

}  // namespace
}  // namespace covalue::consensus
