// load_gen: the load generator of issue #7's benchmark harness (./scripts/bench drives it;
// BENCHMARKS.md says what each figure means). Subcommands:
//   verify-rate  this machine's single-core Ed25519 verification rate (verify_rate.h)
//   run          against a running network: sets up what the mix needs (datasets, grants, a
//                venture), then measures peak commit throughput (several runs of pre-signed
//                transactions submitted as fast as the connections allow) and commit latency
//                at fractions of the median peak (paced, open loop)
//   wait-height  how long a node takes to reach a height (a fresh follower's block-sync
//                catch-up)
//   chain-bytes  the committed transactions and their raw encoded bytes, from a node's blocks
//   compact      compacts a stopped node's data folder (a copy of it) and gives its size
// Every transaction is signed before its measured window (signing time reported apart);
// commits are observed on one node's event stream (commit_watcher.h). Figures go to stdout
// and, with --json, to a file. Not a test.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "bench/commit_watcher.h"
#include "bench/live_mix.h"
#include "bench/load_client.h"
#include "bench/verify_rate.h"
#include "ledger/block.h"
#include "node/api/http_client.h"
#include "node/genesis_file.h"
#include "node/key_file.h"
#include "node/storage/rocks_kv_store.h"

namespace covalue::bench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// --name value arguments after the subcommand.
class Args {
 public:
  Args(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
      std::string name = argv[i];
      if (!name.starts_with("--") || i + 1 >= argc)
        Fail("expected --name value, got '" + name + "'");
      m_values[name.substr(2)] = argv[++i];
    }
  }
  std::string Text(const std::string& name, const std::string& fallback = "") const {
    auto it = m_values.find(name);
    if (it != m_values.end()) return it->second;
    if (fallback.empty()) Fail("--" + name + " is required");
    return fallback;
  }
  double Number(const std::string& name, double fallback) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return fallback;
    char* end = nullptr;
    double value = std::strtod(it->second.c_str(), &end);
    if (*end != '\0' || !(value > 0)) Fail("--" + name + " needs a positive number");
    return value;
  }

 private:
  std::map<std::string, std::string> m_values;
};

double Seconds(SteadyClock::duration d) {
  return std::chrono::duration<double>(d).count();
}
double Millis(SteadyClock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double ProcessCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void WriteJson(const Args& args, const Json& report) {
  std::string path = args.Text("json", "-");
  if (path != "-") std::ofstream(path) << report.dump(2) << "\n";
}

std::vector<ApiEndpoint> ParseEndpoints(const std::string& list) {
  std::vector<ApiEndpoint> endpoints;
  size_t begin = 0;
  while (begin <= list.size()) {
    size_t end = std::min(list.find(',', begin), list.size());
    auto [host, port] = Check(api::ParseHostPort(list.substr(begin, end - begin)), "--api");
    endpoints.push_back({host, port});
    begin = end + 1;
  }
  return endpoints;
}

Json GetJson(const ApiEndpoint& node, const std::string& target) {
  auto response = Check(api::HttpCall(node.host, node.port, "GET", target), "GET " + target);
  if (response.status != 200)
    Fail("GET " + target + " answered " + std::to_string(response.status) + " " + response.body);
  return Json::parse(response.body);
}

// ---- run -------------------------------------------------------------------------------------

// The network under load: its APIs, the member keys, the mix, and the commit watcher.
struct Network {
  std::vector<ApiEndpoint> apis;
  size_t watch = 0;  // the node whose events are followed
  std::vector<crypto::KeyPair> keys;
  std::unique_ptr<LiveMix> mix;
  std::unique_ptr<CommitWatcher> watcher;
  std::unique_ptr<LoadClient> client;
  uint64_t max_tx_lifetime = 0;
};

// Members with the member role, from the network folder's genesis.json and keys/<id>.key.
void LoadMembers(const std::string& net_dir, Network& network, std::vector<std::string>* members) {
  ledger::Genesis genesis =
      Check(node::ReadGenesisFile((fs::path(net_dir) / "genesis.json").string()), "genesis");
  for (const auto& member : genesis.members) {
    if ((member.roles & ledger::kRoleMember) == 0) continue;
    members->push_back(member.id);
    network.keys.push_back(
        Check(node::ReadKeyFile((fs::path(net_dir) / "keys" / (member.id + ".key")).string(),
                                std::nullopt),
              "key of " + member.id));
  }
  if (members->size() < 2) Fail("the network needs at least two members with the member role");
}

// The outcome of one batch of submissions.
struct Batch {
  std::vector<std::string> ids;
  std::vector<Submission> submissions;
  size_t raw_bytes = 0;
  double sign_seconds = 0;
  LoadRunStats stats;
  double client_cpu_seconds = 0;
  double machine_busy = 0;  // the share of all cores busy (any process) while it ran
  size_t committed = 0;
  SteadyClock::time_point first_sent{}, last_answered{}, last_committed{};
  std::vector<double> latency_ms;  // commit observed − due (paced) or first send (max rate)
  std::map<std::string, size_t> refusals;
};

// Signs `drafts` (timed), prepares the requests round-robin over the nodes, with `due`
// times `interval` apart when paced.
Batch Prepare(Network& network, std::vector<Draft> drafts, SteadyClock::duration interval) {
  Batch batch;
  SteadyClock::time_point start = SteadyClock::now();
  std::vector<ledger::Transaction> txs =
      Check(SignDrafts(std::move(drafts), network.keys, 0), "signing");
  batch.sign_seconds = Seconds(SteadyClock::now() - start);
  batch.submissions.resize(txs.size());
  for (size_t i = 0; i < txs.size(); ++i) {
    Bytes encoded = ledger::EncodeTransaction(txs[i]);
    batch.raw_bytes += encoded.size();
    batch.ids.push_back(ToHex(ledger::TxId(txs[i])));
    Submission& s = batch.submissions[i];
    s.node = i % network.apis.size();
    s.request = TxRequest(network.apis[s.node], ToHex(encoded));
    s.due = interval * static_cast<int64_t>(i);
  }
  return batch;
}

// Submits a prepared batch and waits until every accepted transaction is seen committed (or
// `wait` passes); fills in the outcome.
void Submit(Network& network, Batch& batch, bool paced, std::chrono::seconds wait) {
  double cpu = ProcessCpuSeconds();
  CpuTicks ticks = ReadCpuTicks();
  network.watcher->Watch(batch.ids);
  batch.stats = Check(network.client->Run(batch.submissions, paced), "submitting");
  std::vector<std::string> refused;
  for (size_t i = 0; i < batch.submissions.size(); ++i) {
    const std::string& refusal = batch.submissions[i].refusal;
    if (!refusal.empty() && refusal != "replay") refused.push_back(batch.ids[i]);
  }
  network.watcher->Unwatch(refused);
  bool all = network.watcher->WaitAll(SteadyClock::now() + wait);
  batch.client_cpu_seconds = ProcessCpuSeconds() - cpu;
  batch.machine_busy = BusyShare(ticks, ReadCpuTicks());
  batch.first_sent = SteadyClock::time_point::max();
  for (size_t i = 0; i < batch.submissions.size(); ++i) {
    const Submission& s = batch.submissions[i];
    batch.first_sent = std::min(batch.first_sent, s.sent);
    batch.last_answered = std::max(batch.last_answered, s.answered);
    // "replay": a request sent again after a dropped connection found its first sending
    // committed (ids are never reused); it is judged by its commit like the others.
    if (!s.refusal.empty() && s.refusal != "replay") {
      ++batch.refusals[s.refusal];
      continue;
    }
    auto committed = network.watcher->CommittedAt(batch.ids[i]);
    if (!committed) continue;
    ++batch.committed;
    batch.last_committed = std::max(batch.last_committed, *committed);
    batch.latency_ms.push_back(Millis(*committed - s.due_at));
  }
  if (!all) {  // accepted, never seen: ask the node what became of a few
    auto unseen = network.watcher->Unseen();
    std::fprintf(
        stderr, "  %zu accepted transactions not seen committed within %lld s (stream: %s)\n",
        unseen.size(), static_cast<long long>(wait.count()), network.watcher->last_error().c_str());
    for (size_t i = 0; i < std::min<size_t>(unseen.size(), 3); ++i) {
      auto answer = api::HttpCall(network.apis[network.watch].host,
                                  network.apis[network.watch].port, "GET", "/v1/tx/" + unseen[i]);
      std::fprintf(stderr, "    %s: %s\n", unseen[i].c_str(),
                   answer.ok() ? answer.value().body.substr(0, 300).c_str()
                               : answer.status().ToString().c_str());
    }
    network.watcher->Unwatch(
        unseen);  // counted as not committed; later batches do not wait for them
  }
  for (const auto& [code, count] : batch.refusals) {
    std::fprintf(stderr, "  refused %zu × %s\n", count, code.c_str());
  }
}

// Signs and submits a setup batch at max rate; every transaction must commit.
void SetupBatch(Network& network, std::vector<Draft> drafts, const char* what) {
  Batch batch = Prepare(network, std::move(drafts), {});
  Submit(network, batch, false, std::chrono::seconds(120));
  if (batch.committed != batch.ids.size())
    Fail(std::string("setup: not all of ") + what + " committed");
  std::printf("setup: %zu %s committed\n", batch.committed, what);
}

uint64_t ExpiryHeight(const Network& network) {
  return GetJson(network.apis[network.watch], "/v1/status")["height"].get<uint64_t>() +
         network.max_tx_lifetime;
}

Json BatchJson(const Batch& batch) {
  Json refusals = Json::object();
  for (const auto& [code, count] : batch.refusals) refusals[code] = count;
  Json j = {{"txs", batch.ids.size()},
            {"committed", batch.committed},
            {"refused", refusals},
            {"raw_tx_bytes", batch.raw_bytes},
            {"sign_seconds", batch.sign_seconds},
            {"client_cpu_seconds", batch.client_cpu_seconds},
            {"machine_busy", batch.machine_busy},
            {"mempool_full_retries", batch.stats.mempool_full_retries},
            {"reconnects", batch.stats.reconnects}};
  if (batch.committed > 0) {
    double window = Seconds(batch.last_committed - batch.first_sent);
    j["window_seconds"] = window;
    j["commit_tps"] = static_cast<double>(batch.committed) / window;
    j["submit_tps"] =
        static_cast<double>(batch.ids.size()) / Seconds(batch.last_answered - batch.first_sent);
    j["latency_ms"] = {{"p50", Percentile(batch.latency_ms, 0.50)},
                       {"p90", Percentile(batch.latency_ms, 0.90)},
                       {"p99", Percentile(batch.latency_ms, 0.99)},
                       {"max", Percentile(batch.latency_ms, 1.0)}};
  }
  return j;
}

int Run(const Args& args) {
  Network network;
  network.apis = ParseEndpoints(args.Text("api"));
  network.watch = static_cast<size_t>(args.Number("watch", 1)) - 1;
  if (network.watch >= network.apis.size())
    Fail("--watch is a node number, 1.." + std::to_string(network.apis.size()));
  const size_t peak_runs = static_cast<size_t>(args.Number("peak-runs", 3));
  const size_t peak_txs = static_cast<size_t>(args.Number("peak-txs", 20000));
  const double latency_seconds = args.Number("latency-seconds", 20);
  const size_t connections = static_cast<size_t>(args.Number("connections", 8));
  // The rate the latency fractions apply to, instead of the median peak: to compare two
  // builds at the same rates.
  const double latency_base = args.Number("latency-base", 0);
  std::vector<double> fractions = {0.5, 0.9};

  std::vector<std::string> members;
  LoadMembers(args.Text("net"), network, &members);
  Json status = GetJson(network.apis[network.watch], "/v1/status");
  network.max_tx_lifetime = status["max_tx_lifetime"].get<uint64_t>();
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  network.mix = std::make_unique<LiveMix>(status["chain_id"].get<std::string>(), members, now_ms,
                                          MixShares{}, static_cast<uint64_t>(now_ms));
  network.watcher = std::make_unique<CommitWatcher>(network.apis[network.watch],
                                                    status["height"].get<uint64_t>());
  network.client = std::make_unique<LoadClient>(network.apis, connections);
  std::printf(
      "load_gen: %zu members, %zu nodes (%zu connections each), commits seen on node %zu; mix %u%% "
      "grant.issue, %u%% usage.record, %u%% contribution.record (%.2f signatures per "
      "transaction)\n",
      members.size(), network.apis.size(), connections, network.watch + 1,
      network.mix->shares().grants, network.mix->shares().usage,
      100 - network.mix->shares().grants - network.mix->shares().usage,
      network.mix->shares().SignaturesPerTx());

  SetupBatch(network, network.mix->SetupDatasetsAndVenture(ExpiryHeight(network)),
             "datasets and the venture");
  SetupBatch(network, network.mix->SetupUsageGrants(ExpiryHeight(network)), "usage grants");

  Json report = {{"signatures_per_tx", network.mix->shares().SignaturesPerTx()},
                 {"connections_per_node", connections},
                 {"peak_runs", Json::array()},
                 {"latency_runs", Json::array()}};
  std::vector<double> peaks;
  for (size_t run = 1; run <= peak_runs; ++run) {
    Batch batch = Prepare(network, network.mix->Mix(peak_txs, ExpiryHeight(network)), {});
    Submit(network, batch, false, std::chrono::seconds(300));
    Json j = BatchJson(batch);
    if (!j.contains("commit_tps")) Fail("peak run " + std::to_string(run) + ": nothing committed");
    peaks.push_back(j["commit_tps"].get<double>());
    std::printf(
        "peak run %zu: %zu txs signed in %.2f s; committed %zu in %.2f s: %.0f tx/s (submitted at "
        "%.0f tx/s); "
        "CPU busy %.0f%%, this client %.1f s\n",
        run, batch.ids.size(), batch.sign_seconds, batch.committed,
        j["window_seconds"].get<double>(), peaks.back(), j["submit_tps"].get<double>(),
        batch.machine_busy * 100, batch.client_cpu_seconds);
    std::fflush(stdout);
    report["peak_runs"].push_back(j);
  }
  if (peaks.empty()) Fail("no peak run (--peak-runs 0)");
  double peak = Percentile(peaks, 0.5);
  report["commit_tps"] = peak;
  report["commit_tps_min"] = *std::min_element(peaks.begin(), peaks.end());
  report["commit_tps_max"] = *std::max_element(peaks.begin(), peaks.end());
  if (latency_base > 0) report["latency_base_tps"] = latency_base;
  for (double fraction : fractions) {
    double rate = fraction * (latency_base > 0 ? latency_base : peak);
    size_t count = std::max<size_t>(1, static_cast<size_t>(rate * latency_seconds));
    auto interval = std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(1.0 / rate));
    Batch batch = Prepare(network, network.mix->Mix(count, ExpiryHeight(network)), interval);
    Submit(network, batch, true, std::chrono::seconds(120));
    Json j = BatchJson(batch);
    j["fraction_of_peak"] = fraction;
    j["target_tps"] = rate;
    if (j.contains("latency_ms")) {
      std::printf(
          "latency at %.0f%% of the peak (%.0f tx/s for %.0f s): committed %zu of %zu; p50 %.1f "
          "ms, "
          "p90 %.1f ms, p99 %.1f ms, max %.1f ms; CPU busy %.0f%%\n",
          fraction * 100, rate, latency_seconds, batch.committed, batch.ids.size(),
          j["latency_ms"]["p50"].get<double>(), j["latency_ms"]["p90"].get<double>(),
          j["latency_ms"]["p99"].get<double>(), j["latency_ms"]["max"].get<double>(),
          batch.machine_busy * 100);
    }
    std::fflush(stdout);
    report["latency_runs"].push_back(j);
  }
  status = GetJson(network.apis[network.watch], "/v1/status");
  report["height"] = status["height"];
  report["log_size"] = status["log_size"];
  WriteJson(args, report);
  return 0;
}

// ---- the other subcommands ------------------------------------------------------------------

int VerifyRate(const Args& args) {
  double seconds = args.Number("seconds", 3);
  double rate = MeasureVerifyRate(seconds);
  MachineDescription machine = DescribeMachine();
  std::printf("Ed25519 verify (libsodium, one core): %.0f per second (%.1f µs each); %u cores\n",
              rate, 1e6 / rate, machine.cores);
  WriteJson(args, {{"verify_rate_per_core", rate}, {"cores", machine.cores}, {"seconds", seconds}});
  return 0;
}

// Polls a node's status every 20 ms until its height reaches --height: the time from
// --since-ms (the wall-clock time the node was started, ms since 1970; default: this
// command's start) and from then to the node's first answer.
int WaitHeight(const Args& args) {
  ApiEndpoint node = ParseEndpoints(args.Text("api")).front();
  uint64_t target = static_cast<uint64_t>(args.Number("height", 1));
  double timeout = args.Number("timeout", 600);
  SteadyClock::time_point start = SteadyClock::now();
  if (double since_ms = args.Number("since-ms", 0); since_ms > 0) {
    double now_ms = std::chrono::duration<double, std::milli>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    start -= std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double, std::milli>(now_ms - since_ms));
  }
  std::optional<SteadyClock::time_point> first_answer;
  uint64_t height = 0;
  SteadyClock::time_point progress = SteadyClock::now();  // the last time the height grew
  for (;;) {
    auto response =
        api::HttpCall(node.host, node.port, "GET", "/v1/status", "", std::chrono::seconds(5));
    SteadyClock::time_point now = SteadyClock::now();
    if (response.ok() && response.value().status == 200) {
      if (!first_answer) first_answer = now;
      Json status = Json::parse(response.value().body);
      if (status["height"].get<uint64_t>() > height) {
        height = status["height"].get<uint64_t>();
        progress = now;
      }
      if (height >= target) {
        double seconds = Seconds(now - start);
        uint64_t txs = status["log_size"].get<uint64_t>();
        std::printf(
            "reached height %llu (%llu transactions) in %.2f s (API up after %.2f s): %.0f tx/s\n",
            static_cast<unsigned long long>(target), static_cast<unsigned long long>(txs), seconds,
            Seconds(*first_answer - start), static_cast<double>(txs) / seconds);
        WriteJson(args, {{"height", target},
                         {"txs", txs},
                         {"seconds", seconds},
                         {"startup_seconds", Seconds(*first_answer - start)},
                         {"tps", static_cast<double>(txs) / seconds}});
        return 0;
      }
    }
    if (Seconds(now - start) > timeout || Seconds(now - progress) > 60) {
      Fail("height " + std::to_string(target) + " not reached: at " + std::to_string(height) +
           " after " + std::to_string(static_cast<int>(Seconds(now - start))) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Reads every block in its canonical encoding (GET /v1/blocks/{h}/encoded) and counts the
// transactions and their encoded bytes.
int ChainBytes(const Args& args) {
  ApiEndpoint node = ParseEndpoints(args.Text("api")).front();
  uint64_t head = GetJson(node, "/v1/status")["height"].get<uint64_t>();
  uint64_t txs = 0, tx_bytes = 0, block_bytes = 0;
  for (uint64_t height = 1; height <= head;) {
    Json page = GetJson(node, "/v1/blocks/" + std::to_string(height) + "/encoded?count=1000");
    for (const auto& entry : page["blocks"]) {
      Bytes encoded = Check(FromHex(entry["block"].get<std::string>()), "block hex");
      ledger::Block block = Check(ledger::DecodeBlock(encoded), "block");
      block_bytes += encoded.size();
      for (const auto& tx : block.txs) tx_bytes += ledger::EncodedTransactionSize(tx);
      txs += block.txs.size();
      ++height;
    }
  }
  std::printf(
      "%llu blocks, %llu transactions, %.0f raw bytes per transaction, %.0f encoded block bytes "
      "per "
      "transaction\n",
      static_cast<unsigned long long>(head), static_cast<unsigned long long>(txs),
      static_cast<double>(tx_bytes) / static_cast<double>(std::max<uint64_t>(1, txs)),
      static_cast<double>(block_bytes) / static_cast<double>(std::max<uint64_t>(1, txs)));
  WriteJson(
      args,
      {{"blocks", head}, {"txs", txs}, {"raw_tx_bytes", tx_bytes}, {"block_bytes", block_bytes}});
  return 0;
}

// Compacts the store in --data (a stopped node's folder, or a copy: it is rewritten) and
// writes its size in bytes: the chain at rest, without the level-0 files not yet compacted
// that a node leaves behind, whose size depends on the moment it stopped.
int Compact(const Args& args) {
  std::string folder = args.Text("data");
  {
    auto store = Check(storage::RocksKvStore::Open(folder, {.create_if_missing = false}), "store");
    Check(store->CompactAll(), "compaction");
  }
  uint64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  std::printf("compacted: %llu bytes\n", static_cast<unsigned long long>(bytes));
  WriteJson(args, {{"db_bytes_compacted", bytes}});
  return 0;
}

}  // namespace
}  // namespace covalue::bench

int main(int argc, char** argv) {
  using namespace covalue::bench;
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "verify-rate") return VerifyRate(Args(argc, argv, 2));
  if (command == "run") return Run(Args(argc, argv, 2));
  if (command == "wait-height") return WaitHeight(Args(argc, argv, 2));
  if (command == "chain-bytes") return ChainBytes(Args(argc, argv, 2));
  if (command == "compact") return Compact(Args(argc, argv, 2));
  std::fprintf(
      stderr,
      "usage: load_gen verify-rate [--seconds S] [--json FILE]\n"
      "       load_gen run --net DIR --api H:P,H:P,... [--watch N] [--peak-runs N] [--peak-txs N]\n"
      "                    [--latency-seconds S] [--latency-base TPS] [--connections N] [--json FILE]\n"
      "       load_gen wait-height --api H:P --height H [--since-ms T] [--timeout S] [--json "
      "FILE]\n"
      "       load_gen chain-bytes --api H:P [--json FILE]\n"
      "       load_gen compact --data DIR [--json FILE]\n");
  return 2;
}
