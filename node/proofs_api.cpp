#include "node/proofs_api.h"

#include "codec/writer.h"
#include "common/decimal.h"
#include "node/genesis_file.h"
#include "node/json_views.h"

namespace covalue::node {
namespace {

using api::ErrorResponse;
using api::HttpRequest;
using api::JsonResponse;
using api::Responder;

// Encoded blocks per answer: at most this many, and no more once this much hex is out.
constexpr uint64_t kMaxEncodedBlocks = 1000;
constexpr size_t kEncodedBudgetChars = 16u << 20;

Json HashList(const std::vector<Hash32>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(ToHex(h));
  return out;
}

// A block's header and commit certificate, as views and as their canonical encodings (what
// a verifier decodes and checks; the views are for people).
Json CertifiedHeaderJson(const ledger::Block& block, const consensus::ValidatorSet& validators) {
  codec::Writer certificate;
  consensus::EncodeCommitCertificate(certificate, block.certificate);
  return {{"height", block.header.height},
          {"log_size", block.header.log_size},
          {"log_root", ToHex(block.header.log_root)},
          {"header", HeaderToJson(block.header)},
          {"header_encoded", ToHex(ledger::EncodeBlockHeader(block.header))},
          {"certificate", CertificateToJson(block.certificate, validators)},
          {"certificate_encoded", ToHex(certificate.bytes())}};
}

// The committed block at `height` (1..head), or not_found / invalid_argument naming `what`.
Result<ledger::Block> CommittedBlock(const ChainStore& store, uint64_t height,
                                     const std::string& what) {
  uint64_t head = store.Head().height;
  if (height == 0 || height > head) {
    return Status(Code::kNotFound, what + ": no block at height " + std::to_string(height) +
                                       " (the head is " + std::to_string(head) + ")");
  }
  COVALUE_ASSIGN_OR_RETURN(auto block, store.GetBlock(height));
  if (!block) return Status(Code::kCorruption, "block " + std::to_string(height) + " is missing");
  return std::move(*block);
}

// A required decimal query parameter.
Result<uint64_t> HeightQuery(const HttpRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  std::optional<uint64_t> value =
      it == request.query.end() ? std::nullopt : ParseDecimal<uint64_t>(it->second);
  if (!value) return Status(Code::kInvalidArgument, name + " must be a block height");
  return *value;
}

Result<Json> TxProof(LedgerService& service, const HttpRequest& request) {
  auto id = Hash32FromHex(request.params.at("id"));
  if (!id.ok()) return Status(Code::kInvalidArgument, "tx id must be 64 hex characters");
  const ChainStore& store = service.store();
  COVALUE_ASSIGN_OR_RETURN(auto location, store.FindTx(*id));
  if (!location) {
    return Status(Code::kNotFound, "transaction " + ToHex(*id) + " is not committed on this node");
  }
  COVALUE_ASSIGN_OR_RETURN(ledger::Block block, CommittedBlock(store, location->height, "proof"));
  if (location->index >= block.txs.size() || block.header.log_size < block.txs.size()) {
    return Status(Code::kCorruption,
                  "transaction index points past block " + std::to_string(location->height));
  }
  const ledger::Transaction& tx = block.txs[location->index];
  const ledger::TxResult& result = block.results[location->index];
  uint64_t leaf_index = block.header.log_size - block.txs.size() + location->index;
  COVALUE_ASSIGN_OR_RETURN(auto path,
                           crypto::MerkleInclusionProof(store, leaf_index, block.header.log_size));
  return Json{
      {"tx_id", ToHex(*id)},
      {"height", location->height},
      {"index", location->index},
      {"leaf_index", leaf_index},
      {"log_size", block.header.log_size},
      {"log_root", ToHex(block.header.log_root)},
      {"leaf", ToHex(ledger::EncodeLogLeaf(location->height, location->index, *id, result))},
      {"audit_path", HashList(path)},
      {"tx", TransactionToJson(tx)},
      {"tx_encoded", ToHex(ledger::EncodeTransaction(tx))},
      {"result", TxResultToJson(result)},
      {"result_encoded", ToHex(ledger::EncodeTxResult(result))},
      {"block", CertifiedHeaderJson(block, service.validators())}};
}

Result<Json> Consistency(LedgerService& service, const HttpRequest& request) {
  COVALUE_ASSIGN_OR_RETURN(uint64_t from, HeightQuery(request, "from"));
  COVALUE_ASSIGN_OR_RETURN(uint64_t to, HeightQuery(request, "to"));
  if (from == 0 || from > to) return Status(Code::kInvalidArgument, "need 1 <= from <= to");
  const ChainStore& store = service.store();
  COVALUE_ASSIGN_OR_RETURN(ledger::Block old_block, CommittedBlock(store, from, "from"));
  COVALUE_ASSIGN_OR_RETURN(ledger::Block new_block, CommittedBlock(store, to, "to"));
  if (old_block.header.log_size == 0) {
    return Status(Code::kInvalidArgument, "the log is empty at block " + std::to_string(from) +
                                              ": there is nothing to prove consistent");
  }
  COVALUE_ASSIGN_OR_RETURN(
      auto proof,
      crypto::MerkleConsistencyProof(store, old_block.header.log_size, new_block.header.log_size));
  return Json{{"from", CertifiedHeaderJson(old_block, service.validators())},
              {"to", CertifiedHeaderJson(new_block, service.validators())},
              {"proof", HashList(proof)}};
}

Result<Json> Frontier(LedgerService& service, const HttpRequest& request) {
  COVALUE_ASSIGN_OR_RETURN(uint64_t height, HeightQuery(request, "height"));
  const ChainStore& store = service.store();
  uint64_t size = 0;
  Hash32 root = crypto::MerkleEmptyRoot();
  if (height > 0) {
    COVALUE_ASSIGN_OR_RETURN(ledger::Block block, CommittedBlock(store, height, "frontier"));
    size = block.header.log_size;
    root = block.header.log_root;
  }
  COVALUE_ASSIGN_OR_RETURN(auto nodes, crypto::MerkleFrontier(store, size));
  Json list = Json::array();
  for (const auto& n : nodes) {
    list.push_back({{"level", n.level}, {"index", n.index}, {"hash", ToHex(n.hash)}});
  }
  return Json{{"height", height}, {"log_size", size}, {"log_root", ToHex(root)}, {"nodes", list}};
}

Result<Json> EncodedBlocks(LedgerService& service, const HttpRequest& request) {
  auto height = ParseDecimal<uint64_t>(request.params.at("height"));
  if (!height || *height == 0)
    return Status(Code::kInvalidArgument, "height must be a positive integer");
  uint64_t count = 1;
  if (auto it = request.query.find("count"); it != request.query.end()) {
    auto parsed = ParseDecimal<uint64_t>(it->second);
    if (!parsed || *parsed == 0 || *parsed > kMaxEncodedBlocks) {
      return Status(Code::kInvalidArgument,
                    "count must be 1.." + std::to_string(kMaxEncodedBlocks));
    }
    count = *parsed;
  }
  const ChainStore& store = service.store();
  uint64_t last = std::min(store.Head().height, *height + count - 1);
  Json blocks = Json::array();
  size_t chars = 0;
  for (uint64_t h = *height; h <= last && (h == *height || chars < kEncodedBudgetChars); ++h) {
    COVALUE_ASSIGN_OR_RETURN(ledger::Block block, CommittedBlock(store, h, "encoded"));
    std::string hex = ToHex(ledger::EncodeBlock(block));
    chars += hex.size();
    blocks.push_back({{"height", h},
                      {"block_id", ToHex(ledger::BlockId(block.header))},
                      {"block", std::move(hex)}});
  }
  if (blocks.empty()) {
    COVALUE_RETURN_IF_ERROR(CommittedBlock(store, *height, "encoded").status());
  }
  return Json{{"blocks", blocks}};
}

}  // namespace

void AddProofRoutes(api::Router& router, LedgerService& service) {
  // Each handler answers its JSON, or its error with the stable code.
  auto route = [&service](Result<Json> (*handler)(LedgerService&, const HttpRequest&)) {
    return [&service, handler](const HttpRequest& request, Responder respond) {
      auto answer = handler(service, request);
      respond(answer.ok() ? JsonResponse(200, *answer) : ErrorResponse(answer.status()));
    };
  };
  router.Add("GET", "/v1/tx/{id}/proof", route(TxProof));
  router.Add("GET", "/v1/log/consistency", route(Consistency));
  router.Add("GET", "/v1/log/frontier", route(Frontier));
  router.Add("GET", "/v1/blocks/{height}/encoded", route(EncodedBlocks));
  router.Add("GET", "/v1/genesis", [&service](const HttpRequest&, Responder respond) {
    respond(JsonResponse(200, {{"hash", ToHex(ledger::GenesisHash(service.genesis()))},
                               {"genesis", GenesisToJson(service.genesis())}}));
  });
}

}  // namespace covalue::node
