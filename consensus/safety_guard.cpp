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
  COVALUE_RETURN_IF_ERROR(r.Bytes(&s.locked_value, 1u << 30));
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
  }
  m_state.height = height;
  m_state.round = round;
  m_state.step = step;
  m_state.value_id = value_id;
}

void SafetyGuard::Lock(uint64_t height, int32_t round, const Hash32& value_id, const Bytes& value) {
  // Locking happens together with signing the precommit at this height (Record first).
  m_state.height = height;
  m_state.locked_round = round;
  m_state.locked_id = value_id;
  m_state.locked_value = value;
}

}  // namespace covalue::consensus
