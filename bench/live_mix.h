// LiveMix: the transactions the load generator submits to a running network (issue #7's
// mix of grants, usage receipts and contributions), as drafts to sign (tx_signing.h). It
// keeps a model of what it made — datasets, grants per (dataset, grantee), contributions per
// period — so that every transaction is valid when it commits, in any order within a batch:
// the measured mix only refers to what the setup batches created. Ids carry a tag drawn at
// construction, so two generators never collide on one chain. Single-threaded; not
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench/tx_signing.h"
#include "contracts/period.h"

namespace covalue::bench {

// Shares of the measured mix in percent (contributions: the rest).
struct MixShares {
  uint32_t grants = 30;  // grant.issue, one signer (the dataset's owner)
  uint32_t usage = 40;   // usage.record, two signers (provider and consumer)
  // The mean number of signatures per transaction of the mix.
  double SignaturesPerTx() const {
    return (grants + 2.0 * usage + (100.0 - grants - usage)) / 100.0;
  }
};

class LiveMix {
 public:
  // `members`: ids of members with the member role (at least 2, at most 64 — one venture
  // holds them all), in the order of the key list the drafts' signer indices refer to.
  // `now_ms`: the wall clock, for validity windows and periods.
  LiveMix(std::string chain_id, std::vector<std::string> members, int64_t now_ms, MixShares shares,
          uint64_t seed);

  // Setup, first batch: kDatasetsPerMember datasets per member, and one venture of all the
  // members with monthly periods from 2020-01 (contributions go to every month up to now).
  std::vector<Draft> SetupDatasetsAndVenture(uint64_t expiry_height);
  // Setup, second batch (after the first committed): for every ordered pair of members, a
  // grant from the provider to the consumer on the provider's first dataset — what the
  // usage receipts of the mix are recorded under.
  std::vector<Draft> SetupUsageGrants(uint64_t expiry_height);
  // `count` transactions of the mix in random order: grant.issue on the setup datasets,
  // usage.record under the setup grants, contribution.record to the venture.
  std::vector<Draft> Mix(size_t count, uint64_t expiry_height);

  const MixShares& shares() const { return m_shares; }

  static constexpr uint32_t kDatasetsPerMember = 4;

 private:
  ledger::Transaction Envelope(ledger::TxKind kind, Bytes body, uint64_t expiry_height);
  std::string Id(const std::string& what) const { return m_tag + "-" + what; }
  Draft NewGrant(uint64_t expiry_height);
  Draft NewUsage(uint64_t expiry_height);
  Draft NewContribution(uint64_t expiry_height);

  std::string m_chain_id;
  std::vector<std::string> m_members;
  int64_t m_now_ms;
  MixShares m_shares;
  std::mt19937_64 m_rng;
  std::string m_tag;
  uint64_t m_sequence = 0;  // for ids and nonces
  uint64_t m_grants_made = 0;
  std::map<std::pair<size_t, uint32_t>, uint32_t> m_grants_held;  // (dataset, grantee) -> grants
  std::vector<contracts::Period> m_periods;                       // open months, oldest first
  std::vector<uint32_t> m_contributions;                          // per period
  size_t m_next_period = 0;
};

}  // namespace covalue::bench
