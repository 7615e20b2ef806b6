// covalue_chain_probe: a test-only tool (never installed, not part of the `covalue` CLI) that
// reads many blocks or transactions from one node's API in one process, for the cluster tests'
// agreement check (tests/integration/cluster_lib.sh, verify_agreement). The check reads every
// block and every acknowledged transaction from each of 5 nodes; one `covalue query` process per
// item costs a process start each, about 1 s under the sanitizers, which alone outlasted the
// test's timeout. The answers are the API's own (GET /v1/blocks/{height}, GET /v1/tx/{id}).
//
//   covalue_chain_probe --node ADDR blocks FROM TO [--txs FILE]
//     one line per height FROM..TO: "HEIGHT BLOCK_ID STATE_ROOT", or "HEIGHT missing missing"
//     when the node does not give it; with --txs, the ids of each block's transactions are
//     appended to FILE, one per line, in chain order (a block without its list is an error).
//   covalue_chain_probe --node ADDR txs
//     reads one transaction id per line (the first word; an empty line is an error) on stdin
//     and prints "ID HEIGHT BLOCK_ID", or "ID missing missing" when the node does not give it.
//
// Exit 0 when every request was answered (found or not), 1 on an error, 2 for a usage error.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "common/decimal.h"
#include "node/api/http_client.h"
#include "node/json_fields.h"

namespace {

using namespace covalue;

constexpr const char* kUsage =
    "usage: covalue_chain_probe --node ADDR blocks FROM TO [--txs FILE]\n"
    "       covalue_chain_probe --node ADDR txs   (ids on stdin)\n";

int Usage(const std::string& why) {
  std::fprintf(stderr, "%s\n%s", why.c_str(), kUsage);
  return 2;
}

int Fail(const std::string& why) {
  std::fprintf(stderr, "error: %s\n", why.c_str());
  return 1;
}

// One GET: the parsed answer for 200, nullopt for any other status or a body that is not
// JSON. A connection that fails is an error: the node is not answering at all.
class Probe {
 public:
  Probe(std::string host, uint16_t port) : m_host(std::move(host)), m_port(port) {}

  Result<std::optional<node::Json>> Get(const std::string& target) const {
    auto response = api::HttpCall(m_host, m_port, "GET", target, "", std::chrono::seconds(5));
    if (!response.ok()) return response.status();
    if (response->status != 200) return std::optional<node::Json>();
    node::Json json = node::Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return std::optional<node::Json>();
    return std::optional<node::Json>(std::move(json));
  }

 private:
  std::string m_host;
  uint16_t m_port;
};

// A string member of a JSON object, or "missing".
std::string Text(const node::Json& json, const char* name) {
  auto it = json.find(name);
  if (it == json.end() || !it->is_string()) return "missing";
  return it->get<std::string>();
}

int Blocks(const Probe& probe, uint64_t from, uint64_t to, const std::string& txs_path) {
  std::ofstream txs;
  if (!txs_path.empty()) {
    txs.open(txs_path, std::ios::app);
    if (!txs) return Fail("cannot write " + txs_path);
  }
  for (uint64_t height = from; height <= to; ++height) {
    auto block = probe.Get("/v1/blocks/" + std::to_string(height));
    if (!block.ok()) return Fail(block.status().ToString());
    if (!*block || !(*block)->contains("header")) {
      std::printf("%llu missing missing\n", static_cast<unsigned long long>(height));
      continue;
    }
    const node::Json& header = (**block)["header"];
    std::printf("%llu %s %s\n", static_cast<unsigned long long>(height),
                Text(header, "id").c_str(), Text(header, "state_root").c_str());
    if (txs.is_open()) {
      if (!(*block)->contains("txs") || !(**block)["txs"].is_array()) {
        return Fail("block " + std::to_string(height) + " has no list of transactions");
      }
      for (const node::Json& tx : (**block)["txs"]) txs << Text(tx, "id") << '\n';
    }
  }
  if (txs.is_open() && !txs.flush()) return Fail("cannot write " + txs_path);
  return 0;
}

int Txs(const Probe& probe) {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string id;
    if (!(words >> id)) return Fail("an empty line where a transaction id was expected");
    auto tx = probe.Get("/v1/tx/" + id);
    if (!tx.ok()) return Fail(tx.status().ToString());
    std::string height = "missing";
    if (*tx && (*tx)->contains("height") && (**tx)["height"].is_number_unsigned()) {
      height = std::to_string((**tx)["height"].get<uint64_t>());
    }
    std::printf("%s %s %s\n", id.c_str(), height.c_str(),
                *tx ? Text(**tx, "block_id").c_str() : "missing");
  }
  return 0;
}

// Output that could not be written (a full disk) must not pass for a short answer.
int Finish(int code) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return Fail("cannot write the output");
  return code;
}

int Run(int argc, char** argv) {
  if (argc < 4 || std::string(argv[1]) != "--node") return Usage("--node ADDR comes first");
  auto address = api::ParseHostPort(argv[2]);
  if (!address.ok()) return Usage(address.status().ToString());
  Probe probe(address->first, address->second);
  std::string what = argv[3];
  if (what == "txs" && argc == 4) return Finish(Txs(probe));
  if (what != "blocks" || (argc != 6 && argc != 8)) return Usage("unexpected arguments");
  std::optional<uint64_t> from = ParseDecimal<uint64_t>(argv[4]);
  std::optional<uint64_t> to = ParseDecimal<uint64_t>(argv[5]);
  if (!from || !to) return Usage("FROM and TO must be heights");
  std::string txs_path;
  if (argc == 8) {
    if (std::string(argv[6]) != "--txs") return Usage("unexpected '" + std::string(argv[6]) + "'");
    txs_path = argv[7];
  }
  return Finish(Blocks(probe, *from, *to, txs_path));
}

}  // namespace

int main(int argc, char** argv) {
  return Run(argc, argv);
}
