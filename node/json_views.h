// JSON views of ledger values for the API and the CLI: blocks, headers, transactions,
// results, certificates and records. For people only — nothing here is ever signed or
// hashed (docs/spec/encoding.md is what is). Pure functions; thread-safe.
#pragma once

#include "consensus/validator_set.h"
#include "contracts/dataset_register.h"
#include "contracts/member_record.h"
#include "ledger/block.h"
#include "node/json_fields.h"

namespace covalue::node {

Json HeaderToJson(const ledger::BlockHeader& header);
Json TransactionToJson(const ledger::Transaction& tx);
Json TxResultToJson(const ledger::TxResult& result);
Json CertificateToJson(const consensus::CommitCertificate& certificate,
                       const consensus::ValidatorSet& validators);
Json BlockToJson(const ledger::Block& block, const consensus::ValidatorSet& validators);
Json DatasetToJson(const contracts::DatasetRecord& dataset);
Json MemberToJson(const contracts::MemberRecord& member);

}  // namespace covalue::node
