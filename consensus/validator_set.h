// ValidatorSet: the validators that may sign blocks, fixed by the genesis, with the
// quorum rule (more than two thirds, i.e. 2f+1 of n = 3f+1). Every validator has one vote.
// Immutable after construction; thread-safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "crypto/keys.h"

namespace covalue::consensus {

struct Validator {
  std::string name;  // node name, e.g. "shipcorp-node"
  crypto::PublicKey key;
};

// More validators than a commit certificate can list (its decoder's limit).
inline constexpr size_t kMaxValidators = 1024;

class ValidatorSet {
 public:
  // Fails on an empty set, more than kMaxValidators, or a key listed twice.
  static Result<ValidatorSet> Create(std::vector<Validator> validators);

  size_t size() const { return m_validators.size(); }
  // The largest f with n >= 3f + 1.
  size_t MaxFaulty() const { return (m_validators.size() - 1) / 3; }
  // The smallest number of votes that is more than two thirds of n (2f+1 when n = 3f+1).
  size_t Quorum() const { return m_validators.size() * 2 / 3 + 1; }
  const Validator& at(size_t index) const { return m_validators.at(index); }
  const std::vector<Validator>& validators() const { return m_validators; }
  std::optional<size_t> IndexOf(const crypto::PublicKey& key) const;

 private:
  explicit ValidatorSet(std::vector<Validator> validators) : m_validators(std::move(validators)) {}
  std::vector<Validator> m_validators;
};

}  // namespace covalue::consensus
