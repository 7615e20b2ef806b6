// key.add and key.retire (contracts/member_keys.h) through the real executor
// (ContractHarness), and admission's key_retired: a retired key signs up to its height and is
// refused after; every refusal with its code, changing nothing.
#include <catch2/catch.hpp>

#include <algorithm>

#include "contracts/member_keys.h"
#include "contracts/member_record.h"
#include "crypto/signing.h"
#include "tests/support/contract_harness.h"
#include "tests/support/test_support.h"

namespace covalue::contracts {
namespace {

using testing::ContractHarness;
using testing::ContractRun;
using testing::KeyFromLabel;

KeyAddBody AddKeyBody(const ContractHarness& h, const crypto::KeyPair& key,
                      std::string_view member) {
  return {key.public_key(), ProveKeyPossession(key, h.genesis().chain_id, member)};
}
ContractRun AddKey(ContractHarness& h, const KeyAddBody& body, const crypto::KeyPair& signer) {
  return h.RunSignedBy(ledger::TxKind::kKeyAdd, EncodeFields(body), {&signer});
}
ContractRun RetireKey(ContractHarness& h, const crypto::PublicKey& key, uint64_t valid_until,
                      const crypto::KeyPair& signer) {
  return h.RunSignedBy(ledger::TxKind::kKeyRetire, EncodeFields(KeyRetireBody{key, valid_until}),
                       {&signer});
}
// A dataset.register signed with `key`: shows whether admission takes the key.
ContractRun SignWith(ContractHarness& h, const crypto::KeyPair& key, std::string dataset) {
  DatasetRegisterBody body{std::move(dataset), Hash32{}, "d"};
  return h.RunSignedBy(ledger::TxKind::kDatasetRegister, EncodeFields(body), {&key});
}

std::vector<crypto::PublicKey> KeysOf(const ContractHarness& h, std::string_view member) {
  return h.Load<MemberRecord>(MemberStateKey(member)).keys;
}
bool Has(const ContractHarness& h, std::string_view key) {
  return h.state().Get(key).value().has_value();
}

TEST_CASE("key.add adds a key that proves possession", "[member_keys]") {
  ContractHarness h;
  auto second = KeyFromLabel("maker-2");
  ContractRun run = AddKey(h, AddKeyBody(h, second, "maker"), h.key("maker"));
  REQUIRE(run.ok());
  CHECK(run.Event("key.added", "member") == "maker");
  CHECK(run.Event("key.added", "key") == ToHex(second.public_key()));
  CHECK(run.entities ==
        std::vector<std::string>{"member/maker", SignerStateKey(second.public_key())});
  CHECK(KeysOf(h, "maker") ==
        std::vector<crypto::PublicKey>{h.key("maker").public_key(), second.public_key()});
  CHECK(h.Load<KeyRecord>(SignerStateKey(second.public_key())) ==
        KeyRecord{"maker", kKeyNotRetiring});
  CHECK(SignWith(h, second, "by-new-key").ok());
  CHECK(SignWith(h, h.key("maker"), "by-old-key").ok());

  SECTION("a member of any role adds its own keys") {
    auto key = KeyFromLabel("auditor-2");
    CHECK(AddKey(h, AddKeyBody(h, key, "auditor"), h.key("auditor")).ok());
  }
}

TEST_CASE("key.add refusals change nothing", "[member_keys]") {
  ContractHarness h;
  auto fresh = KeyFromLabel("fresh");
  const auto keys_before = KeysOf(h, "maker");
  auto refused = [&](const KeyAddBody& body, Code code) {
    ContractRun run = AddKey(h, body, h.key("maker"));
    CHECK(run.code() == code);
    CHECK(run.result.events.empty());
    CHECK(KeysOf(h, "maker") == keys_before);
  };
  SECTION("a proof that is not the new key's, for this member, on this chain") {
    KeyAddBody wrong_signer{fresh.public_key(),
                            ProveKeyPossession(h.key("maker"), h.genesis().chain_id, "maker")};
    KeyAddBody wrong_member = AddKeyBody(h, fresh, "startup");
    KeyAddBody wrong_chain{fresh.public_key(), ProveKeyPossession(fresh, "covalue-other", "maker")};
    KeyAddBody flipped = AddKeyBody(h, fresh, "maker");
    flipped.proof[7] ^= 0x01;
    KeyAddBody as_transaction{
        fresh.public_key(),
        crypto::SignFor(fresh, crypto::Domain::kTransaction, h.genesis().chain_id,
                        EncodeFields(KeyPossessionPayload{"maker", fresh.public_key()}))};
    for (const auto* body :
         {&wrong_signer, &wrong_member, &wrong_chain, &flipped, &as_transaction}) {
      refused(*body, Code::kBadSignature);
    }
    CHECK_FALSE(Has(h, SignerStateKey(fresh.public_key())));
  }
  SECTION("a key someone holds") {
    refused(AddKeyBody(h, h.key("telco"), "maker"), Code::kAlreadyExists);
    refused(AddKeyBody(h, h.key("maker"), "maker"), Code::kAlreadyExists);
    CHECK(h.Load<KeyRecord>(SignerStateKey(h.key("telco").public_key())).member == "telco");
  }
  SECTION("exactly one signer") {
    ContractRun run =
        h.RunSignedBy(ledger::TxKind::kKeyAdd, EncodeFields(AddKeyBody(h, fresh, "maker")),
                      {&h.key("maker"), &h.key("startup")});
    CHECK(run.code() == Code::kInvalidArgument);
    CHECK_FALSE(Has(h, SignerStateKey(fresh.public_key())));
  }
  SECTION("a body that does not decode") {
    Bytes body = EncodeFields(AddKeyBody(h, fresh, "maker"));
    body.pop_back();
    CHECK(h.RunSignedBy(ledger::TxKind::kKeyAdd, body, {&h.key("maker")}).code() ==
          Code::kMalformed);
    body.resize(body.size() + 2);
    CHECK(h.RunSignedBy(ledger::TxKind::kKeyAdd, body, {&h.key("maker")}).code() ==
          Code::kTrailingBytes);
  }
}

TEST_CASE("a member holds at most 64 keys that may still sign", "[member_keys]") {
  ContractHarness h;
  for (size_t i = 1; i < ledger::kMaxMemberKeys; ++i) {
    REQUIRE(AddKey(h, AddKeyBody(h, KeyFromLabel("maker-" + std::to_string(i)), "maker"),
                   h.key("maker"))
                .ok());
  }
  REQUIRE(KeysOf(h, "maker").size() == ledger::kMaxMemberKeys);
  auto extra = KeyFromLabel("maker-extra");
  CHECK(AddKey(h, AddKeyBody(h, extra, "maker"), h.key("maker")).code() ==
        Code::kFailedPrecondition);
  CHECK_FALSE(Has(h, SignerStateKey(extra.public_key())));

  // A key retired at this height may sign in this block only; from the next one it no longer
  // counts and leaves the member record with the next key transaction.
  auto old = KeyFromLabel("maker-1");
  REQUIRE(RetireKey(h, old.public_key(), h.height() + 1, h.key("maker")).ok());
  CHECK(AddKey(h, AddKeyBody(h, extra, "maker"), h.key("maker")).ok());
  auto keys = KeysOf(h, "maker");
  CHECK(keys.size() == ledger::kMaxMemberKeys);
  CHECK(std::find(keys.begin(), keys.end(), old.public_key()) == keys.end());
  // Its key record stays: the key is never held again, and it is refused as retired.
  CHECK(h.Load<KeyRecord>(SignerStateKey(old.public_key())).member == "maker");
  CHECK(SignWith(h, old, "late").code() == Code::kKeyRetired);
  CHECK(AddKey(h, AddKeyBody(h, old, "startup"), h.key("startup")).code() == Code::kAlreadyExists);
}

TEST_CASE("a retired key signs up to its height and is key_retired after", "[member_keys]") {
  ContractHarness h;
  auto second = KeyFromLabel("maker-2");
  REQUIRE(AddKey(h, AddKeyBody(h, second, "maker"), h.key("maker")).ok());
  const uint64_t until = h.height() + 3;  // the retirement commits at height() + 1
  ContractRun run = RetireKey(h, second.public_key(), until, second);  // a key may retire itself
  REQUIRE(run.ok());
  CHECK(run.Event("key.retiring", "member") == "maker");
  CHECK(run.Event("key.retiring", "key") == ToHex(second.public_key()));
  CHECK(run.Event("key.retiring", "valid_until_height") == std::to_string(until));
  CHECK(run.entities ==
        std::vector<std::string>{"member/maker", SignerStateKey(second.public_key())});
  CHECK(h.Load<KeyRecord>(SignerStateKey(second.public_key())) == KeyRecord{"maker", until});
  CHECK(KeysOf(h, "maker").size() == 2);  // listed until it is past

  CHECK(SignWith(h, second, "d1").ok());  // height until - 1
  CHECK(SignWith(h, second, "d2").ok());  // height until: the last one
  REQUIRE(h.height() == until);
  ContractRun late = SignWith(h, second, "d3");
  CHECK(late.code() == Code::kKeyRetired);
  CHECK_FALSE(Has(h, "dataset/d3"));
  CHECK(SignWith(h, h.key("maker"), "d4").ok());

  SECTION("admission refuses the key itself") {
    ledger::Transaction tx =
        h.Sign(ledger::TxKind::kDatasetRegister,
               EncodeFields(DatasetRegisterBody{"d5", Hash32{}, "d"}), {&second});
    AdmissionContext context{h.genesis().chain_id, h.height() + 1, h.genesis().params, true};
    CHECK(AdmitTransaction(tx, ledger::TxId(tx), context, h.state()).status().code() ==
          Code::kKeyRetired);
    context.height = until;
    CHECK(AdmitTransaction(tx, ledger::TxId(tx), context, h.state()).ok());
  }
}

TEST_CASE("key.retire refusals change nothing", "[member_keys]") {
  ContractHarness h;
  auto second = KeyFromLabel("maker-2");
  REQUIRE(AddKey(h, AddKeyBody(h, second, "maker"), h.key("maker")).ok());
  const crypto::PublicKey& first = h.key("maker").public_key();
  auto refused = [&](const crypto::PublicKey& key, uint64_t until, Code code) {
    KeyRecord before = LoadKeyRecord(h.state(), key).value().value_or(KeyRecord{"absent", 0});
    ContractRun run = RetireKey(h, key, until, h.key("maker"));
    CHECK(run.code() == code);
    CHECK(run.result.events.empty());
    CHECK(LoadKeyRecord(h.state(), key).value().value_or(KeyRecord{"absent", 0}) == before);
  };
  const uint64_t next = h.height() + 1;
  refused(KeyFromLabel("stranger").public_key(), next + 5, Code::kNotFound);
  refused(h.key("telco").public_key(), next + 5, Code::kForbidden);
  refused(second.public_key(), next - 1, Code::kInvalidArgument);
  refused(second.public_key(), kKeyNotRetiring, Code::kInvalidArgument);

  SECTION("the last key that is not retiring stays") {
    ContractHarness solo;
    ContractRun run =
        RetireKey(solo, solo.key("maker").public_key(), solo.height() + 5, solo.key("maker"));
    CHECK(run.code() == Code::kFailedPrecondition);
    REQUIRE(RetireKey(h, second.public_key(), h.height() + 10, h.key("maker")).ok());
    refused(first, h.height() + 10, Code::kFailedPrecondition);
  }
  SECTION("a key retires once") {
    REQUIRE(RetireKey(h, second.public_key(), h.height() + 10, h.key("maker")).ok());
    refused(second.public_key(), h.height() + 20, Code::kConflict);
  }
  SECTION("valid until this very height is allowed") {
    CHECK(RetireKey(h, second.public_key(), h.height() + 1, h.key("maker")).ok());
    CHECK(SignWith(h, second, "late").code() == Code::kKeyRetired);
  }
  SECTION("a body that does not decode") {
    CHECK(h.RunSignedBy(ledger::TxKind::kKeyRetire, Bytes(33, 0), {&h.key("maker")}).code() ==
          Code::kMalformed);
  }
  SECTION("exactly one signer") {
    ContractRun run =
        h.RunSignedBy(ledger::TxKind::kKeyRetire,
                      EncodeFields(KeyRetireBody{second.public_key(), h.height() + 5}),
                      {&h.key("maker"), &second});
    CHECK(run.code() == Code::kInvalidArgument);
    CHECK_FALSE(h.Load<KeyRecord>(SignerStateKey(second.public_key())).retiring());
  }
}

TEST_CASE("key changes replay to the same state root", "[member_keys]") {
  ContractHarness h;
  auto second = KeyFromLabel("maker-2");
  REQUIRE(AddKey(h, AddKeyBody(h, second, "maker"), h.key("maker")).ok());
  REQUIRE(RetireKey(h, h.key("maker").public_key(), h.height() + 3, second).ok());  // d1, d2 sign
  REQUIRE(SignWith(h, h.key("maker"), "d1").ok());
  REQUIRE(SignWith(h, h.key("maker"), "d2").ok());
  REQUIRE(SignWith(h, h.key("maker"), "d3").code() == Code::kKeyRetired);
  ContractHarness replayed;
  replayed.Replay(h.blocks());
  CHECK(replayed.state_root() == h.state_root());
}

}  // namespace
}  // namespace covalue::contracts
