#include "consensus/safety_guard.h"

#include <tuple>

namespace covalue::consensus {

Bytes EncodeSafetyState(const SafetyState& s) {
  codec::Writer w;
  w.U16(1);  // format version
  w.U64(s.height);
  w.U32(s.round);
  w.U8(static_cast<uint8_t>(s.step));
  w.Hash(s.value_id);
  w.U32(static_cast<uint32_t>(s.locked_round));
  w.Hash(s.locked_id);
  w.Bytes(s.locked_value);
  for (const auto* votes : {&s.lock_proof, &s.own_votes}) {
    w.Count(votes->size());
    for (const auto& vote : *votes) w.Bytes(EncodeMessage(vote));
  }
  return std::move(w).Take();
}

Result<SafetyState> DecodeSafetyState(ByteView bytes) {
  codec::Reader r(bytes);
  SafetyState s;
  uint16_t version = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&version));
  if (version != 1) return Status(Code::kUnsupportedVersion, "safety state version unknown");
  COVALUE_RETURN_IF_ERROR(r.U64(&s.height));
  COVALUE_RETURN_IF_ERROR(r.U32(&s.round));
  uint8_t step = 0;
  COVALUE_RETURN_IF_ERROR(r.U8(&step));
  if (step > static_cast<uint8_t>(SignStep::kPrecommit)) {
    return Status(Code::kUnknownEnum, "unknown signing step");
  }
  s.step = static_cast<SignStep>(step);
  COVALUE_RETURN_IF_ERROR(r.Hash(&s.value_id));
  uint32_t locked_round = 0;
  COVALUE_RETURN_IF_ERROR(r.U32(&locked_round));
  s.locked_round = static_cast<int32_t>(locked_round);
  COVALUE_RETURN_IF_ERROR(r.Hash(&s.locked_id));
  COVALUE_RETURN_IF_ERROR(r.Bytes(&s.locked_value, kMaxValueBytes));
  for (auto* votes : {&s.lock_proof, &s.own_votes}) {
    uint32_t count = 0;
    COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxValidators, 4));
    for (uint32_t i = 0; i < count; ++i) {
      Bytes encoded;
      COVALUE_RETURN_IF_ERROR(r.Bytes(&encoded, 256));
      COVALUE_ASSIGN_OR_RETURN(Message message, DecodeMessage(encoded));
      if (!std::holds_alternative<Vote>(message)) {
        return Status(Code::kMalformed, "safety state holds a proposal where a vote belongs");
      }
      votes->push_back(std::get<Vote>(message));
    }
  }
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return s;
}

Status SafetyGuard::Check(uint64_t height, uint32_t round, SignStep step,
                          const Hash32& value_id) const {
  auto next = std::make_tuple(height, round, static_cast<uint8_t>(step));
  auto last = std::make_tuple(m_state.height, m_state.round, static_cast<uint8_t>(m_state.step));
  if (next > last) return Status::Ok();
  if (next == last && value_id == m_state.value_id) return Status::Ok();  // the same again
  return Status(Code::kConflict, "refusing to sign (" + std::to_string(height) + ", " +
                                     std::to_string(round) + ", " +
                                     std::to_string(static_cast<int>(step)) +
                                     "): conflicts with what was signed at (" +
                                     std::to_string(m_state.height) + ", " +
                                     std::to_string(m_state.round) + ", " +
                                     std::to_string(static_cast<int>(m_state.step)) + ")");
}

void SafetyGuard::Record(uint64_t height, uint32_t round, SignStep step, const Hash32& value_id) {
  if (height != m_state.height) {
    // A new height: the old lock no longer applies.
    m_state.locked_round = -1;
    m_state.locked_id = {};
    m_state.locked_value.clear();
    m_state.lock_proof.clear();
  }
  if (height != m_state.height || round != m_state.round) m_state.own_votes.clear();
  m_state.height = height;
  m_state.round = round;
  m_state.step = step;
  m_state.value_id = value_id;
}

void SafetyGuard::KeepOwnVote(const Vote& vote) { m_state.own_votes.push_back(vote); }

void SafetyGuard::Lock(uint64_t height, int32_t round, const Hash32& value_id, const Bytes& value,
                       std::vector<Vote> proof) {
  // Locking happens together with signing the precommit at this height (Record first).
  m_state.height = height;
  m_state.locked_round = round;
  m_state.locked_id = value_id;
  m_state.locked_value = value;
  m_state.lock_proof = std::move(proof);
}

}  // namespace covalue::consensus
