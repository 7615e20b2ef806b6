// Fuzz target: consensus messages (consensus/messages.h DecodeMessage) and the engine that
// receives them. The input is a script of up to 64 steps, each u8 control ‖ bytes message
// (u32 length ‖ bytes), run against validator 0 of four (fuzz::FuzzGenesis):
//   control & 1   re-sign the decoded message as validator 1 + (the index it names mod 3),
//                 so that it passes the signature check: a Byzantine validator's message
//                 (never as validator 0, so every vote of validator 0 is the engine's own);
//   control & 2   then fire the engine's timeout of kind (control >> 2) & 3 for its round;
//   control & 16  the host judges values valid (else invalid) when the engine asks.
// Properties: nothing crashes; a decoded message re-encodes to the same bytes; the engine
// never signs two different votes for one (height, round, type), never signs a message
// that does not verify, and commits heights one after another, each with a certificate
// that verifies.
#include <cstdint>
#include <map>
#include <tuple>

#include "codec/reader.h"
#include "consensus/engine.h"
#include "crypto/hash.h"
#include "fuzz/fuzz_support.h"

using namespace covalue;
using namespace covalue::consensus;

namespace {

constexpr size_t kMaxSteps = 64;
constexpr size_t kValidators = 4;

struct Host {
  const ValidatorSet& validators;
  const std::string& chain_id;
  bool values_valid = false;
  uint64_t committed = 0;
  std::map<std::tuple<uint64_t, uint32_t, VoteType>, Hash32> own_votes;

  // Carries out the engine's actions; answers value requests and checks, feeding the
  // answers back (bounded: an answer's actions are not answered again).
  void Run(Engine& engine, std::vector<Action> actions, int depth = 0) {
    std::vector<Event> answers;
    for (const Action& action : actions) {
      if (const auto* broadcast = std::get_if<Broadcast>(&action)) {
        CheckOwn(broadcast->message);
      } else if (const auto* request = std::get_if<RequestValue>(&action)) {
        Bytes value = {static_cast<uint8_t>(request->height), static_cast<uint8_t>(request->round)};
        answers.push_back(ValueReady{request->height, request->round, crypto::Sha256(value), value});
      } else if (const auto* validate = std::get_if<ValidateValue>(&action)) {
        bool valid = values_valid && crypto::Sha256(validate->value) == validate->value_id;
        answers.push_back(ValueValidated{validate->height, validate->value_id, valid});
      } else if (const auto* commit = std::get_if<Commit>(&action)) {
        FUZZ_CHECK(commit->height == committed + 1, "commits out of order");
        FUZZ_CHECK(VerifyCommitCertificate(commit->certificate, validators, chain_id,
                                           commit->height, commit->value_id)
                       .ok(),
                   "a commit certificate that does not verify");
        committed = commit->height;
      }
    }
    if (depth >= 4) return;
    for (const Event& event : answers) Run(engine, engine.Step(event), depth + 1);
  }

  void CheckOwn(const Message& message) {
    if (const auto* vote = std::get_if<Vote>(&message)) {
      if (vote->validator != 0) return;  // a relayed vote (a proof of lock), signed by another
      FUZZ_CHECK(VerifyVote(*vote, validators, chain_id).ok(), "signed a vote that does not verify");
      auto [it, inserted] = own_votes.emplace(std::make_tuple(vote->height, vote->round, vote->type),
                                              vote->value_id);
      FUZZ_CHECK(inserted || it->second == vote->value_id, "signed two different votes");
    } else {
      const auto& proposal = std::get<Proposal>(message);
      FUZZ_CHECK(proposal.proposer == 0, "proposed as another validator");
      FUZZ_CHECK(VerifyProposal(proposal, validators, chain_id).ok(), "a proposal that does not verify");
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<crypto::KeyPair> keys = [] {
    std::vector<crypto::KeyPair> k;
    for (size_t i = 0; i < kValidators; ++i) k.push_back(fuzz::LabelKey("validator-" + std::to_string(i)));
    return k;
  }();
  static const ValidatorSet validators =
      std::move(ValidatorSet::Create(fuzz::FuzzGenesis().validators)).value();
  const std::string& chain_id = fuzz::FuzzGenesis().chain_id;

  EngineConfig config;
  config.chain_id = chain_id;
  Engine engine(config, validators, keys[0], 1, SafetyState{});
  Host host{validators, chain_id, false, 0, {}};
  host.Run(engine, engine.Start());

  codec::Reader r(ByteView(data, size));
  for (size_t step = 0; step < kMaxSteps && r.remaining() > 0; ++step) {
    uint8_t control = 0;
    Bytes bytes;
    if (!r.U8(&control).ok() || !r.Bytes(&bytes).ok()) break;
    host.values_valid = (control & 16) != 0;
    auto decoded = DecodeMessage(bytes);
    if (decoded.ok()) {
      FUZZ_CHECK(EncodeMessage(*decoded) == bytes, "a consensus message re-encodes to other bytes");
      Message message = std::move(decoded).value();
      if (auto* proposal = std::get_if<Proposal>(&message)) {
        (void)VerifyProposal(*proposal, validators, chain_id);
        if (control & 1) {
          proposal->proposer = 1 + proposal->proposer % (kValidators - 1);
          SignProposal(*proposal, keys[proposal->proposer], chain_id);
        }
        host.Run(engine, engine.Step(ProposalReceived{*proposal}));
      } else {
        auto& vote = std::get<Vote>(message);
        (void)VerifyVote(vote, validators, chain_id);
        if (control & 1) {
          vote.validator = 1 + vote.validator % (kValidators - 1);
          SignVoteMessage(vote, keys[vote.validator], chain_id);
        }
        host.Run(engine, engine.Step(VoteReceived{vote}));
      }
    }
    if (control & 2) {
      auto kind = static_cast<TimeoutKind>((control >> 2) & 3);
      host.Run(engine, engine.Step(TimeoutFired{engine.height(), engine.round(), kind}));
    }
  }
  return 0;
}
