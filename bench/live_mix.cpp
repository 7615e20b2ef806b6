#include "bench/live_mix.h"

#include <cstdio>

#include "contracts/contributions.h"
#include "contracts/dataset_register.h"
#include "contracts/grants.h"
#include "contracts/usage.h"
#include "contracts/ventures.h"

namespace covalue::bench {
namespace {

constexpr int64_t kWindowFrom = 1'577'836'800'000;                           // 2020-01-01T00:00:00Z
constexpr int64_t kWindowUntil = 4'102'444'800'000;                          // 2100-01-01T00:00:00Z
constexpr uint32_t kMaxGrantsPerPair = contracts::kMaxGrantsPerGrantee - 1;  // one setup grant

}  // namespace

LiveMix::LiveMix(std::string chain_id, std::vector<std::string> members, int64_t now_ms,
                 MixShares shares, uint64_t seed)
    : m_chain_id(std::move(chain_id)),
      m_members(std::move(members)),
      m_now_ms(now_ms),
      m_shares(shares),
      m_rng(seed) {
  char tag[16];
  std::snprintf(tag, sizeof tag, "b%06llx", static_cast<unsigned long long>(m_rng() & 0xffffff));
  m_tag = tag;
  contracts::Period last = contracts::PeriodOf(contracts::PeriodLength::kMonth, now_ms);
  for (contracts::Period p = contracts::PeriodOf(contracts::PeriodLength::kMonth, kWindowFrom);
       p <= last; p = contracts::NextPeriod(p)) {
    m_periods.push_back(p);
  }
  m_contributions.assign(m_periods.size(), 0);
}

ledger::Transaction LiveMix::Envelope(ledger::TxKind kind, Bytes body, uint64_t expiry_height) {
  ledger::Transaction tx;
  tx.chain_id = m_chain_id;
  tx.kind = kind;
  tx.nonce = m_rng();
  tx.expiry_height = expiry_height;
  tx.body = std::move(body);
  return tx;
}

std::vector<Draft> LiveMix::SetupDatasetsAndVenture(uint64_t expiry_height) {
  std::vector<Draft> drafts;
  for (uint32_t m = 0; m < m_members.size(); ++m) {
    for (uint32_t k = 0; k < kDatasetsPerMember; ++k) {
      Hash32 content{};
      for (auto& b : content) b = static_cast<uint8_t>(m_rng());
      contracts::DatasetRegisterBody body{Id("d" + std::to_string(m) + "-" + std::to_string(k)),
                                          content, "benchmark dataset"};
      drafts.push_back(
          {Envelope(ledger::TxKind::kDatasetRegister, contracts::EncodeFields(body), expiry_height),
           {m}});
    }
  }
  contracts::VentureCreateBody venture;
  venture.venture_id = Id("v");
  venture.members = m_members;
  venture.currency = "EUR";
  venture.period_length = contracts::PeriodLength::kMonth;
  venture.first_period = m_periods.front();
  venture.treasurer = m_members.front();
  drafts.push_back(
      {Envelope(ledger::TxKind::kVentureCreate, contracts::EncodeFields(venture), expiry_height),
       {0}});
  return drafts;
}

std::vector<Draft> LiveMix::SetupUsageGrants(uint64_t expiry_height) {
  std::vector<Draft> drafts;
  for (uint32_t p = 0; p < m_members.size(); ++p) {
    for (uint32_t c = 0; c < m_members.size(); ++c) {
      if (p == c) continue;
      contracts::GrantIssueBody body{Id("u" + std::to_string(p) + "-" + std::to_string(c)),
                                     Id("d" + std::to_string(p) + "-0"),
                                     m_members[c],
                                     "",
                                     {"analytics"},
                                     {"read"},
                                     kWindowFrom,
                                     kWindowUntil,
                                     0,
                                     0};
      drafts.push_back(
          {Envelope(ledger::TxKind::kGrantIssue, contracts::EncodeFields(body), expiry_height),
           {p}});
    }
  }
  return drafts;
}

Draft LiveMix::NewGrant(uint64_t expiry_height) {
  const size_t datasets = m_members.size() * kDatasetsPerMember;
  const uint32_t members = static_cast<uint32_t>(m_members.size());
  for (size_t attempts = 0; attempts < datasets * members; ++attempts) {
    // Every dataset in turn, then the next grantee of each: grants spread evenly.
    uint64_t k = m_grants_made++;
    size_t dataset = static_cast<size_t>(k % datasets);
    uint32_t owner = static_cast<uint32_t>(dataset / kDatasetsPerMember);
    uint32_t grantee = (owner + 1 + static_cast<uint32_t>(k / datasets % (members - 1))) % members;
    uint32_t& held = m_grants_held[{dataset, grantee}];
    if (held >= kMaxGrantsPerPair) continue;
    ++held;
    contracts::GrantIssueBody body{
        Id("g" + std::to_string(++m_sequence)),
        Id("d" + std::to_string(owner) + "-" + std::to_string(dataset % kDatasetsPerMember)),
        m_members[grantee],
        "",
        {"analytics", "billing"},
        {"read", "aggregate"},
        kWindowFrom,
        kWindowUntil,
        0,
        0};
    return {Envelope(ledger::TxKind::kGrantIssue, contracts::EncodeFields(body), expiry_height),
            {owner}};
  }
  // Every (dataset, grantee) holds its maximum: a receipt instead.
  return NewUsage(expiry_height);
}

Draft LiveMix::NewUsage(uint64_t expiry_height) {
  const uint32_t members = static_cast<uint32_t>(m_members.size());
  uint32_t provider = static_cast<uint32_t>(m_rng() % members);
  uint32_t consumer = (provider + 1 + static_cast<uint32_t>(m_rng() % (members - 1))) % members;
  contracts::UsageRecordBody body;
  body.receipt_id = Id("r" + std::to_string(++m_sequence));
  body.grant_id = Id("u" + std::to_string(provider) + "-" + std::to_string(consumer));
  body.purpose = "analytics";
  body.operation = "read";
  body.quantity = 1 + m_rng() % 1000;
  body.unit = "rows";
  body.used_at_ms = m_now_ms - 3'600'000;  // an hour ago: inside the window, before any block
  for (auto& b : body.evidence_hash) b = static_cast<uint8_t>(m_rng());
  return {Envelope(ledger::TxKind::kUsageRecord, contracts::EncodeFields(body), expiry_height),
          {provider, consumer}};
}

Draft LiveMix::NewContribution(uint64_t expiry_height) {
  for (size_t attempts = 0; attempts < m_periods.size(); ++attempts) {
    size_t period = m_next_period++ % m_periods.size();
    if (m_contributions[period] >= contracts::kMaxContributionsPerPeriod) continue;
    ++m_contributions[period];
    uint32_t contributor = static_cast<uint32_t>(m_rng() % m_members.size());
    contracts::ContributionRecordBody body;
    body.contribution_id = Id("c" + std::to_string(++m_sequence));
    body.venture_id = Id("v");
    body.kind = contracts::ContributionKind::kData;
    body.quantity = 1 + m_rng() % 1000;
    body.unit = "rows";
    body.value = 100 + m_rng() % 10'000;
    body.period = m_periods[period];
    for (auto& b : body.evidence_hash) b = static_cast<uint8_t>(m_rng());
    return {
        Envelope(ledger::TxKind::kContributionRecord, contracts::EncodeFields(body), expiry_height),
        {contributor}};
  }
  // Every open month holds its maximum: a receipt instead.
  return NewUsage(expiry_height);
}

std::vector<Draft> LiveMix::Mix(size_t count, uint64_t expiry_height) {
  std::vector<Draft> drafts;
  drafts.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint32_t roll = static_cast<uint32_t>(m_rng() % 100);
    if (roll < m_shares.grants) {
      drafts.push_back(NewGrant(expiry_height));
    } else if (roll < m_shares.grants + m_shares.usage) {
      drafts.push_back(NewUsage(expiry_height));
    } else {
      drafts.push_back(NewContribution(expiry_height));
    }
  }
  return drafts;
}

}  // namespace covalue::bench
