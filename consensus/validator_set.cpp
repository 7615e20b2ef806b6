#include "consensus/validator_set.h"

#include <set>

namespace covalue::consensus {

Result<ValidatorSet> ValidatorSet::Create(std::vector<Validator> validators) {
  if (validators.empty()) return Status(Code::kInvalidArgument, "validator set is empty");
  if (validators.size() > kMaxValidators) {
    return Status(Code::kInvalidArgument, "more than " + std::to_string(kMaxValidators) + " validators");
  }
  std::set<crypto::PublicKey> seen;
  for (const auto& v : validators) {
    if (!seen.insert(v.key).second) {
      return Status(Code::kInvalidArgument, "validator key listed twice: " + v.name);
    }
  }
  return ValidatorSet(std::move(validators));
}

std::optional<size_t> ValidatorSet::IndexOf(const crypto::PublicKey& key) const {
  for (size_t i = 0; i < m_validators.size(); ++i) {
    if (m_validators[i].key == key) return i;
  }
  return std::nullopt;
}

}  // namespace covalue::consensus
