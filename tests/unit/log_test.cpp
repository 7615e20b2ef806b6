// Structured logs (common/log.h): every line is logfmt — ts, level, component, msg, then the
// fields — with values quoted and escaped so a line always parses, and lines below the
// process's level left out.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "tests/support/temp_dir.h"

using namespace covalue;

namespace {

// What `write` sends to stderr.
template <typename F>
std::string CaptureStderr(F write) {
  covalue::testing::TempDir dir;
  std::string path = dir.Sub("stderr");
  std::fflush(stderr);
  int saved = ::dup(2);
  REQUIRE(saved >= 0);
  REQUIRE(std::freopen(path.c_str(), "w", stderr) != nullptr);
  write();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("log lines are logfmt with quoted, escaped values", "[log]") {
  SetLogLevel(LogLevel::kInfo);
  std::string line = CaptureStderr([] {
    Log(LogLevel::kInfo, "chain", "block committed",
        {{"height", "12"},
         {"note", "say \"hi\"\nnow"},
         {"empty", ""},
         {"eq", "a=b"},
         {"tab", "a\tb"}});
  });
  INFO(line);
  REQUIRE(line.rfind("ts=", 0) == 0);
  CHECK(line.find(" level=info component=chain msg=\"block committed\" height=12 "
                  "note=\"say \\\"hi\\\"\\nnow\" empty=\"\" eq=\"a=b\" tab=\"a\\u0009b\"\n") !=
        std::string::npos);
  CHECK(line.size() > 27);
  CHECK(line[7] == '-');  // ts=YYYY-MM-DDTHH:MM:SS.mmmZ
  CHECK(line.substr(26, 2) == "Z ");
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
}

TEST_CASE("lines below the level are left out", "[log]") {
  SetLogLevel(LogLevel::kWarn);
  std::string text = CaptureStderr([] {
    Log(LogLevel::kInfo, "node", "quiet");
    Log(LogLevel::kWarn, "node", "loud");
  });
  SetLogLevel(LogLevel::kInfo);
  CHECK(text.find("msg=quiet") == std::string::npos);
  CHECK(text.find("level=warn component=node msg=loud") != std::string::npos);
  LogLevel level;
  CHECK(ParseLogLevel("debug", &level));
  CHECK(level == LogLevel::kDebug);
  CHECK(!ParseLogLevel("verbose", &level));
}
