// history_bench: how fast a page of an entity's history is answered on a chain of
// 1,000,000 signed transactions (issue #6: "in milliseconds"; issue #7: p99 ≤ 5 ms).
// Builds the chain through ChainStore on RocksDB (bench/bench_chain.h) — or reuses one
// given with --data — then measures pages of 100 items for hot and cold entities, by height
// and by time range, at the store (ChainStore::History) and through the real HTTP server
// (GET /v1/history/…, one loopback connection per request): first cold (the store reopened
// and the OS page cache of its files dropped with posix_fadvise), then warm (the same
// pages again). Prints a table; --json writes the figures for scripts/bench. Not a test.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_chain.h"
#include "bench/bench_util.h"
#include "common/decimal.h"
#include "node/api/http_client.h"
#include "node/api/http_server.h"
#include "node/ledger_api.h"
#include "node/read_only_service.h"
#include "node/storage/rocks_kv_store.h"

namespace covalue::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr size_t kPage = 100;
constexpr int64_t kHourMs = 3'600'000;

struct Options {
  BenchChainOptions chain;
  std::string data_dir;  // empty: a temporary folder, removed at the end
  size_t pages = 400;    // per query kind and phase
  std::string json_path;
  bool http = true;
};

// One page to read: an entity, from a height or within a time range.
struct Query {
  size_t kind = 0;  // index into kKinds
  std::string entity;
  uint64_t from_height = 0;
  int64_t from_time = 0, to_time = 0;  // a time range when to_time > 0
};

const char* const kKinds[] = {"hot entity, from a random height", "hot entity, 1 h time range",
                              "member, 1 h time range", "cold entity (one receipt)",
                              "grant (a few entries)"};
constexpr size_t kKindCount = std::size(kKinds);

struct Samples {
  std::vector<double> ms;      // wall time per page
  std::vector<double> cpu_ms;  // CPU time of the reading thread per page (store reads only)
  uint64_t items = 0;
};

double ThreadCpuMs() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Drops the OS page cache of every file in `dir` (clean pages only: files are synced first).
void DropPageCache(const std::string& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    int fd = ::open(entry.path().c_str(), O_RDONLY);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

uint64_t FolderBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

// The open chain: RocksDB, ChainStore and, while measuring over HTTP, the API server.
struct OpenChain {
  std::unique_ptr<storage::RocksKvStore> kv;
  std::unique_ptr<node::ChainStore> store;

  OpenChain(const std::string& dir, const ledger::Genesis& genesis) {
    kv = Check(storage::RocksKvStore::Open(dir), "opening the store");
    store = std::make_unique<node::ChainStore>(*kv);
    Status initialized = store->Initialize(genesis);
    if (!initialized.ok()) Fail("initializing: " + initialized.ToString());
  }
};

// Logical bytes (key + value, before RocksDB's compression) per key family ("blk/", "sv/",
// …), and the raw bytes of the transactions (their canonical encodings) in the blocks.
std::map<std::string, uint64_t> BytesByFamily(const storage::KvStore& kv, uint64_t* raw_tx_bytes) {
  std::map<std::string, uint64_t> families;
  auto it = kv.NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = AsString(it->key());
    std::string family(key.substr(0, key.find('/') + 1));
    families[family] += it->key().size() + it->value().size();
    if (family == "blk/") {
      auto block = Check(ledger::DecodeBlock(it->value()), "block");
      for (const auto& tx : block.txs) *raw_tx_bytes += ledger::EncodedTransactionSize(tx);
    }
  }
  return families;
}

std::vector<Query> MakeQueries(const Options& options, const ledger::Genesis& genesis,
                               const node::ChainHead& head) {
  std::mt19937_64 rng(42);
  auto uniform = [&](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  int64_t first_time = BenchBlockTime(genesis, options.chain, 1);
  uint64_t txs = head.log_size;
  std::vector<Query> queries;
  for (size_t i = 0; i < options.pages; ++i) {
    const std::string& hot = kHotEntities[i % kHotEntities.size()];
    int64_t from = static_cast<int64_t>(
        uniform(static_cast<uint64_t>(first_time), static_cast<uint64_t>(head.time_ms - kHourMs)));
    char member[32];
    std::snprintf(member, sizeof member, "member/m%03u",
                  static_cast<unsigned>(uniform(1, options.chain.members - 1)));
    queries.push_back({0, hot, uniform(1, head.height * 97 / 100)});
    queries.push_back({1, hot, 0, from, from + kHourMs});
    queries.push_back({2, member, 0, from, from + kHourMs});
    queries.push_back({3, "receipt/r" + std::to_string(uniform(0, txs / 2)), 0});
    queries.push_back({4, "grant/g" + std::to_string(uniform(0, txs / 10)), 0});
  }
  std::shuffle(queries.begin(), queries.end(), rng);
  return queries;
}

// Reads one page at the store; returns the items read.
size_t StorePage(const node::ChainStore& store, const Query& q) {
  uint64_t from = q.from_height, to = UINT64_MAX;
  if (q.to_time > 0) {
    from = Check(store.FirstHeightAtOrAfter(q.from_time), "time index");
    to = Check(store.FirstHeightAtOrAfter(q.to_time), "time index") - 1;
  }
  return std::min(kPage, Check(store.History(q.entity, from, 0, kPage + 1, to), "history").size());
}

// Reads one page through the API; returns the items read.
size_t HttpPage(uint16_t port, const Query& q) {
  auto slash = q.entity.find('/');
  std::string target = "/v1/history/" + q.entity.substr(0, slash) + "/" + q.entity.substr(slash + 1) +
                       "?limit=" + std::to_string(kPage);
  if (q.to_time > 0) {
    target += "&from_time=" + std::to_string(q.from_time) + "&to_time=" + std::to_string(q.to_time);
  } else if (q.from_height > 0) {
    target += "&from_height=" + std::to_string(q.from_height);
  }
  auto response = Check(api::HttpCall("127.0.0.1", port, "GET", target), "HTTP call");
  if (response.status != 200) Fail(target + " answered " + response.body);
  return Json::parse(response.body)["items"].size();
}

template <class ReadPage>
std::vector<Samples> Measure(const std::vector<Query>& queries, ReadPage read_page) {
  std::vector<Samples> samples(kKindCount);
  for (const Query& q : queries) {
    double cpu = ThreadCpuMs();
    Clock::time_point start = Clock::now();
    size_t items = read_page(q);
    samples[q.kind].ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    samples[q.kind].cpu_ms.push_back(ThreadCpuMs() - cpu);
    samples[q.kind].items += items;
  }
  return samples;
}

// Walks all of `entity` page by page with the cursor; the time per page.
Samples WalkAll(const node::ChainStore& store, const std::string& entity) {
  Samples s;
  uint64_t height = 0;
  uint32_t index = 0;
  for (;;) {
    double cpu = ThreadCpuMs();
    Clock::time_point start = Clock::now();
    auto page = Check(store.History(entity, height, index, kPage + 1), "history");
    s.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    s.cpu_ms.push_back(ThreadCpuMs() - cpu);
    s.items += std::min(page.size(), kPage);
    if (page.size() <= kPage) return s;
    height = page[kPage].height;
    index = page[kPage].index;
  }
}

// One table row; `cold` may be empty (no cold pass), `cpu` says whether CPU times mean anything.
void PrintRow(const char* where, const char* kind, const Samples& cold, const Samples& warm, bool cpu) {
  auto cell = [](const Samples& s, const std::vector<double>& v, double p) {
    char text[16] = "";
    if (!s.ms.empty()) std::snprintf(text, sizeof text, "%.3f", Percentile(v, p));
    return std::string(text);
  };
  double per_page = static_cast<double>(warm.items) / static_cast<double>(std::max<size_t>(1, warm.ms.size()));
  std::printf("| %-5s | %-34s | %5zu | %5.1f | %8s | %8s | %8s | %8s | %8s | %8s |\n", where, kind,
              warm.ms.size(), per_page, cell(cold, cold.ms, 0.5).c_str(), cell(cold, cold.ms, 0.99).c_str(),
              cell(warm, warm.ms, 0.5).c_str(), cell(warm, warm.ms, 0.9).c_str(),
              cell(warm, warm.ms, 0.99).c_str(), cpu ? cell(warm, warm.cpu_ms, 0.99).c_str() : "-");
}

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    auto number = [&]() {
      auto n = ParseDecimal<uint64_t>(value());
      if (!n || *n == 0) Fail(arg + " needs a positive integer");
      return *n;
    };
    if (arg == "--txs") {
      options.chain.txs = number();
    } else if (arg == "--block-txs") {
      options.chain.block_txs = static_cast<uint32_t>(std::min<uint64_t>(number(), ledger::kMaxBlockTxs));
    } else if (arg == "--pages") {
      options.pages = number();
    } else if (arg == "--data") {
      options.data_dir = value();
    } else if (arg == "--json") {
      options.json_path = value();
    } else if (arg == "--no-http") {
      options.http = false;
    } else {
      Fail("usage: history_bench [--txs N] [--block-txs N] [--pages N] [--data DIR] "
           "[--json FILE] [--no-http]");
    }
  }
  return options;
}

int Run(const Options& options) {
  ledger::Genesis genesis = BenchGenesis(options.chain);
  bool temporary = options.data_dir.empty();
  std::string dir = options.data_dir;
  if (temporary) {
    std::string pattern = (fs::temp_directory_path() / "covalue-history-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) Fail("cannot make a temporary folder");
    dir = pattern;
  }
  MachineDescription machine = DescribeMachine();
  std::printf("history_bench: %s, %u cores, RAM %.1f GiB, load average %s; data in %s\n",
              machine.cpu_model.c_str(), machine.cores, machine.ram_gib, LoadAverage().c_str(), dir.c_str());
  Json report;
  {
    OpenChain chain(dir, genesis);
    if (chain.store->Head().height == 0) {
      std::printf("building %llu transactions in blocks of %u ...\n",
                  static_cast<unsigned long long>(options.chain.txs), options.chain.block_txs);
      auto stats = Check(BuildBenchChain(*chain.store, genesis, options.chain,
                                         [](uint64_t height, uint64_t txs) {
                                           if (height % 50 == 0) {
                                             std::printf("  height %llu, %llu txs\n",
                                                         static_cast<unsigned long long>(height),
                                                         static_cast<unsigned long long>(txs));
                                             std::fflush(stdout);
                                           }
                                         }),
                         "building the chain");
      std::printf("built in %.1f s (signing %.1f s of it, overlapped)\n", stats.seconds, stats.sign_seconds);
      report["build_seconds"] = stats.seconds;
      report["sign_seconds"] = stats.sign_seconds;
    }
  }
  std::unique_ptr<OpenChain> open;
  auto reopen_cold = [&] {
    open.reset();
    DropPageCache(dir);
    open = std::make_unique<OpenChain>(dir, genesis);
  };
  reopen_cold();
  node::ChainHead head = open->store->Head();
  uint64_t bytes = FolderBytes(dir);
  std::printf("chain: %llu transactions in %llu blocks; %.2f GB on disk, %.0f bytes per transaction\n",
              static_cast<unsigned long long>(head.log_size), static_cast<unsigned long long>(head.height),
              static_cast<double>(bytes) / 1e9, static_cast<double>(bytes) / static_cast<double>(head.log_size));
  uint64_t raw_tx_bytes = 0;
  auto families = BytesByFamily(*open->kv, &raw_tx_bytes);
  std::printf("raw transactions %.0f bytes each; on disk %.2f × that. Logical bytes per transaction by key family:",
              static_cast<double>(raw_tx_bytes) / static_cast<double>(head.log_size),
              static_cast<double>(bytes) / static_cast<double>(raw_tx_bytes));
  for (const auto& [family, total] : families) {
    std::printf(" %s %.0f", family.c_str(), static_cast<double>(total) / static_cast<double>(head.log_size));
  }
  std::printf("\nhot entities:");
  for (const std::string& entity : kHotEntities) {
    std::printf(" %s %llu entries", entity.c_str(),
                static_cast<unsigned long long>(WalkAll(*open->store, entity).items));
  }
  std::printf("\n");
  report["disk_bytes_per_raw_byte"] = static_cast<double>(bytes) / static_cast<double>(raw_tx_bytes);
  reopen_cold();  // the scans above warmed the caches
  std::vector<Query> queries = MakeQueries(options, genesis, head);

  std::printf("\npages of up to %zu items; wall times in ms (cpu p99: CPU time of the reading thread);\n"
              "cold = store reopened and its files dropped from the page cache; warm = the same pages again\n",
              kPage);
  std::printf("| where | query                              | pages | items | cold p50 | cold p99 | warm p50 | warm p90 | warm p99 | cpu p99  |\n");
  std::printf("|-------|------------------------------------|-------|-------|----------|----------|----------|----------|----------|----------|\n");
  auto store_page = [&](const Query& q) { return StorePage(*open->store, q); };
  auto store_cold = Measure(queries, store_page);
  auto store_warm = Measure(queries, store_page);
  for (size_t k = 0; k < kKindCount; ++k) PrintRow("store", kKinds[k], store_cold[k], store_warm[k], true);
  PrintRow("store", "cursor walk of all grant/hot-g1", Samples{}, WalkAll(*open->store, "grant/hot-g1"), true);
  report["store_hot_p50_ms"] = Percentile(store_warm[0].ms, 0.5);
  report["store_hot_p99_ms"] = Percentile(store_warm[0].ms, 0.99);
  report["store_hot_cold_p99_ms"] = Percentile(store_cold[0].ms, 0.99);
  report["store_hot_cpu_p99_ms"] = Percentile(store_warm[0].cpu_ms, 0.99);

  if (options.http) {
    reopen_cold();
    node::ReadOnlyService service(genesis, *open->store);
    boost::asio::io_context io;
    api::HttpServer server(io, api::HttpServerOptions{}, node::BuildLedgerApi(service));
    if (!server.Start().ok()) Fail("cannot start the API server");
    std::thread io_thread([&io] { io.run(); });
    auto http_page = [&](const Query& q) { return HttpPage(server.port(), q); };
    auto http_cold = Measure(queries, http_page);
    auto http_warm = Measure(queries, http_page);
    server.Stop();
    io.stop();
    io_thread.join();
    for (size_t k = 0; k < kKindCount; ++k) PrintRow("http", kKinds[k], http_cold[k], http_warm[k], false);
    double worst_p99 = 0;
    for (const auto& s : http_warm) worst_p99 = std::max(worst_p99, Percentile(s.ms, 0.99));
    report["history_p50_ms"] = Percentile(http_warm[0].ms, 0.5);
    report["history_p99_ms"] = worst_p99;
    report["history_cold_p99_ms"] = Percentile(http_cold[0].ms, 0.99);
  }
  open.reset();
  std::printf("\nload average at the end: %s\n", LoadAverage().c_str());
  report["txs"] = head.log_size;
  report["blocks"] = head.height;
  report["disk_bytes"] = bytes;
  if (!options.json_path.empty()) std::ofstream(options.json_path) << report.dump(2) << "\n";
  if (temporary) fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace covalue::bench

int main(int argc, char** argv) {
  return covalue::bench::Run(covalue::bench::ParseArgs(argc, argv));
}
