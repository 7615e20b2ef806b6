// `covalue audit …`: the auditor's kit (docs/spec/audit.md). verify checks a whole chain —
// from a data folder or a node's API — with only the genesis as trust and prints a short
// report; export writes a bundle of blocks from..to; verify-bundle checks one with no node;
// proof fetches and checks a transaction's inclusion proof. Exit 0 when everything checks,
// 1 with "block H: <what is wrong>" (or the error) otherwise, 2 for a usage error, and 3
// (kExitPartial) when a bundle that starts after block 1 checks but was not replayed from
// the genesis and --accept-partial was not given.
#include <chrono>
#include <cstdio>
#include <set>

#include "common/decimal.h"
#include "node/audit/api_chain_source.h"
#include "node/audit/bundle_chain_source.h"
#include "node/audit/bundle_export.h"
#include "node/audit/chain_verifier.h"
#include "node/audit/data_folder_source.h"
#include "node/audit/proof_check.h"
#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/cli/node_client.h"
#include "node/genesis_file.h"

namespace covalue::cli {
namespace {

constexpr const char* kUsage =
    "audit verify (--data DIR | --node ADDR) --genesis FILE\n"
    "  audit export --node ADDR --from H --to H --out FILE\n"
    "  audit verify-bundle FILE --genesis FILE [--accept-partial]\n"
    "  audit proof TX_ID --node ADDR --genesis FILE";

// A bundle from block F > 1 checked without error, but its state before F is the certified
// anchor's, not replayed: not a full audit unless the caller says a partial one will do.
constexpr int kExitPartial = 3;

audit::JsonFetcher FetcherFor(const NodeClient& client) {
  return [client](const std::string& target) { return client.Get(target); };
}

void PrintReport(const audit::ChainSource& source, const audit::AuditReport& report,
                 double seconds) {
  std::printf("audit of %s\n", source.Describe().c_str());
  std::printf("  chain id        %s\n", report.chain_id.c_str());
  std::printf("  genesis hash    %s\n", ToHex(report.genesis_hash).c_str());
  if (report.blocks == 0) {
    std::printf("  blocks          none checked\n");
  } else {
    std::printf("  blocks          %llu..%llu (%llu)\n",
                static_cast<unsigned long long>(report.first_height),
                static_cast<unsigned long long>(report.first_height + report.blocks - 1),
                static_cast<unsigned long long>(report.blocks));
  }
  std::printf("  transactions    %llu, %llu signatures verified\n",
              static_cast<unsigned long long>(report.transactions),
              static_cast<unsigned long long>(report.tx_signatures));
  std::printf("  certificates    %llu, %llu signatures verified\n",
              static_cast<unsigned long long>(report.certificates),
              static_cast<unsigned long long>(report.certificate_signatures));
  if (report.state_replayed) {
    std::printf("  state           replayed from the genesis; results equal the replay's\n");
    if (report.stored_data_compared) {
      std::printf(
          "  stored data     blocks, state, indexes, log nodes and state versions (kept from "
          "height %llu) equal the replay's\n",
          static_cast<unsigned long long>(report.state_versions_from));
    }
  } else {
    std::printf(
        "  state           not replayed: the range starts at block %llu (a replay needs "
        "block 1); results checked against the certified log roots\n",
        static_cast<unsigned long long>(report.first_height));
  }
  std::printf("  state root      %s\n", ToHex(report.state_root).c_str());
  std::printf("  log             %llu leaves, root %s\n",
              static_cast<unsigned long long>(report.log_size), ToHex(report.log_root).c_str());
  std::printf("  time            %.2f s\n", seconds);
}

// Checks every block of `source` and prints the report: 0 if all is consistent, else 1; a
// range not replayed from the genesis (`anchor` given) that checks gives 0 only with
// `accept_partial`, else kExitPartial.
int Audit(audit::ChainSource& source, const ledger::Genesis& genesis,
          std::optional<audit::RangeAnchor> anchor, bool accept_partial = false) {
  auto start = std::chrono::steady_clock::now();
  auto verifier = audit::ChainVerifier::Create(genesis, std::move(anchor));
  if (!verifier.ok()) return Fail(verifier.status());
  Status status = audit::VerifyChain(source, **verifier);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const audit::AuditReport& report = (*verifier)->report();
  PrintReport(source, report, seconds);
  if (!status.ok()) {
    std::printf("result: FAILED\n");
    std::fflush(stdout);
    std::fprintf(stderr, "audit failed: %s\n", status.message().c_str());
    return 1;
  }
  if (report.state_replayed) {
    std::printf("result: ok\n");
    return 0;
  }
  const unsigned long long first = report.first_height;
  const unsigned long long last = report.first_height + report.blocks - 1;
  if (accept_partial) {
    std::printf(
        "result: ok \u2014 certified, blocks %llu..%llu not replayed from genesis "
        "(--accept-partial)\n",
        first, last);
    return 0;
  }
  std::printf("result: partial \u2014 certified, blocks %llu..%llu not replayed from genesis\n",
              first, last);
  std::fflush(stdout);
  std::fprintf(stderr,
               "audit partial: the bundle starts at block %llu, so the state before it is taken "
               "from its certified anchor (block %llu) and blocks %llu..%llu were not replayed "
               "from the genesis; to accept this partial check pass --accept-partial (exit 0), "
               "for a full one export the bundle from block 1 (audit export --from 1)\n",
               first, first - 1, first, last);
  return kExitPartial;
}

// The flags every sub-command shares, read once.
struct AuditArgs {
  Args args;
  std::optional<ledger::Genesis> genesis;  // --genesis, when required
  std::optional<NodeClient> client;        // --node, when given
};

// Parses `argv` with the value flags `flags` (and --genesis, --node), the boolean flags
// `bool_flags` and `positionals` positional arguments, then reads the genesis (if
// `needs_genesis`) and the node address. On failure sets `exit_code`: 2 for a usage error, 1
// for an unreadable genesis or a bad address.
std::optional<AuditArgs> ParseAuditArgs(const Argv& argv, std::set<std::string> flags,
                                        const std::set<std::string>& bool_flags, size_t positionals,
                                        bool needs_genesis, int* exit_code) {
  flags.insert("genesis");
  flags.insert("node");
  auto args = Args::Parse(argv, flags, bool_flags);
  if (!args.ok()) {
    *exit_code = UsageError(args.status().message());
    return std::nullopt;
  }
  if (args->positionals().size() != positionals || (needs_genesis && !args->Has("genesis"))) {
    *exit_code = UsageError(kUsage);
    return std::nullopt;
  }
  AuditArgs out{std::move(args).value(), std::nullopt, std::nullopt};
  if (needs_genesis) {
    auto genesis = node::ReadGenesisFile(*out.args.Get("genesis"));
    if (!genesis.ok()) {
      *exit_code = Fail(genesis.status());
      return std::nullopt;
    }
    out.genesis = std::move(genesis).value();
  }
  if (auto address = out.args.Get("node")) {
    auto client = NodeClient::Connect(*address);
    if (!client.ok()) {
      *exit_code = Fail(client.status());
      return std::nullopt;
    }
    out.client = std::move(client).value();
  }
  return out;
}

int RunVerify(const Argv& argv) {
  int exit_code = 0;
  auto parsed = ParseAuditArgs(argv, {"data"}, {}, 0, true, &exit_code);
  if (!parsed) return exit_code;
  auto data = parsed->args.Get("data");
  if (data.has_value() == parsed->client.has_value()) {
    return UsageError("audit verify needs one of --data DIR or --node ADDR");
  }
  const ledger::Genesis& genesis = *parsed->genesis;
  if (data) {
    auto source = audit::DataFolderSource::Open(*data, genesis);
    if (!source.ok()) return Fail(source.status());
    return Audit(**source, genesis, std::nullopt);
  }
  auto source =
      audit::ApiChainSource::Open(*parsed->args.Get("node"), FetcherFor(*parsed->client), genesis);
  if (!source.ok()) return Fail(source.status());
  return Audit(**source, genesis, std::nullopt);
}

int RunExport(const Argv& argv) {
  int exit_code = 0;
  auto parsed = ParseAuditArgs(argv, {"from", "to", "out"}, {}, 0, false, &exit_code);
  if (!parsed) return exit_code;
  auto from = parsed->args.Get("from");
  auto to = parsed->args.Get("to");
  auto out = parsed->args.Get("out");
  if (!parsed->client || !from || !to || !out) return UsageError(kUsage);
  auto from_height = ParseDecimal<uint64_t>(*from);
  auto to_height = ParseDecimal<uint64_t>(*to);
  if (!from_height || !to_height) return UsageError("--from and --to are block heights");
  Status exported = audit::ExportBundle(*parsed->args.Get("node"), FetcherFor(*parsed->client),
                                        *from_height, *to_height, *out);
  if (!exported.ok()) return Fail(exported);
  std::printf("bundle %s: blocks %llu..%llu\n", out->c_str(),
              static_cast<unsigned long long>(*from_height),
              static_cast<unsigned long long>(*to_height));
  return 0;
}

int RunVerifyBundle(const Argv& argv) {
  int exit_code = 0;
  auto parsed = ParseAuditArgs(argv, {}, {"accept-partial"}, 1, true, &exit_code);
  if (!parsed) return exit_code;
  auto source = audit::BundleChainSource::Open(parsed->args.positionals()[0]);
  if (!source.ok()) return Fail(source.status());
  Hash32 bundle_genesis = ledger::GenesisHash((*source)->info().genesis);
  if (bundle_genesis != ledger::GenesisHash(*parsed->genesis)) {
    return Fail(Status(Code::kConflict, "the bundle holds the chain of another genesis (" +
                                            ToHex(bundle_genesis) + ")"));
  }
  return Audit(**source, *parsed->genesis, (*source)->info().anchor,
               parsed->args.Has("accept-partial"));
}

int RunProof(const Argv& argv) {
  int exit_code = 0;
  auto parsed = ParseAuditArgs(argv, {}, {}, 1, true, &exit_code);
  if (!parsed) return exit_code;
  if (!parsed->client) return UsageError(kUsage);
  auto tx_id = Hash32FromHex(parsed->args.positionals()[0]);
  if (!tx_id.ok()) return UsageError("TX_ID must be 64 hex characters");
  auto proof = parsed->client->Get("/v1/tx/" + ToHex(*tx_id) + "/proof");
  if (!proof.ok()) return Fail(proof.status());
  auto checked = audit::CheckTxProof(*proof, *tx_id, *parsed->genesis);
  if (!checked.ok()) {
    std::fprintf(stderr, "proof failed: %s\n", checked.status().ToString().c_str());
    return 1;
  }
  const ledger::BlockHeader& header = checked->header;
  std::printf("proof ok: transaction %s\n", ToHex(*tx_id).c_str());
  std::printf("  block           %llu (%s), index %u, certified by %zu of %zu validators\n",
              static_cast<unsigned long long>(header.height),
              ToHex(ledger::BlockId(header)).c_str(), checked->index,
              checked->certificate_signatures, parsed->genesis->validators.size());
  std::printf("  kind            %s\n", std::string(ledger::TxKindName(checked->tx.kind)).c_str());
  std::printf("  result          %s%s%s\n", std::string(CodeName(checked->result.code)).c_str(),
              checked->result.message.empty() ? "" : ": ", checked->result.message.c_str());
  std::printf("  log             leaf %llu of %llu, root %s\n",
              static_cast<unsigned long long>(checked->leaf_index),
              static_cast<unsigned long long>(header.log_size), ToHex(header.log_root).c_str());
  return 0;
}

}  // namespace

int RunAudit(const Argv& argv) {
  if (argv.empty()) return UsageError(kUsage);
  Argv rest(argv.begin() + 1, argv.end());
  if (argv[0] == "verify") return RunVerify(rest);
  if (argv[0] == "export") return RunExport(rest);
  if (argv[0] == "verify-bundle") return RunVerifyBundle(rest);
  if (argv[0] == "proof") return RunProof(rest);
  return UsageError(kUsage);
}

}  // namespace covalue::cli
