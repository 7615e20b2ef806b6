// Seeds and case counts for the property tests (tests/property/*_test.cpp). Each run draws
// a base seed (or takes COVALUE_PROPERTY_SEED) and prints it; the first case runs from the
// base, each next one from a hash of the seed before, so that
//   COVALUE_PROPERTY_SEED=<the failing case's seed> COVALUE_PROPERTY_CASES=1 <test binary> "<test
//   case>"
// reruns exactly the case that failed (the failure message prints that line).
// COVALUE_PROPERTY_CASES=<n> sets how many cases each property test runs. Deterministic
// given the seed (no std distributions, whose output differs between standard libraries).
// Not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace covalue::testing {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A small deterministic generator for one case.
class CaseRng {
 public:
  explicit CaseRng(uint64_t seed) : m_state(seed) {}
  uint64_t Next() { return SplitMix64(m_state); }
  // Uniform in [lo, hi] (the modulo bias is irrelevant here).
  uint64_t Range(uint64_t lo, uint64_t hi) {
    uint64_t span = hi - lo + 1;
    return span == 0 ? Next() : lo + Next() % span;
  }
  bool Chance(uint32_t percent) { return Range(1, 100) <= percent; }
  template <class T>
  const T& Pick(const std::vector<T>& values) {
    return values[Range(0, values.size() - 1)];
  }
  template <class T>
  void Shuffle(std::vector<T>& values) {
    for (size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[Range(0, i - 1)]);
  }

 private:
  uint64_t m_state;
};

// The cases of one property test: their count and the seed of each.
class PropertyCases {
 public:
  // `command`: the binary and the Catch2 test case ("settlement_property_test \"largest*\"").
  PropertyCases(const char* command, uint64_t default_cases) : m_name(command) {
    const char* seed = std::getenv("COVALUE_PROPERTY_SEED");
    const char* cases = std::getenv("COVALUE_PROPERTY_CASES");
    m_base =
        seed ? std::strtoull(seed, nullptr, 0)
             : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    m_count = cases ? std::strtoull(cases, nullptr, 0) : default_cases;
    m_next_seed = m_base;
    std::printf("%s: %llu cases from COVALUE_PROPERTY_SEED=%llu\n", m_name,
                static_cast<unsigned long long>(m_count), static_cast<unsigned long long>(m_base));
    std::fflush(stdout);
  }
  // Runs `one_case(seed)` for each case in turn, each under INFO of the command line that
  // reruns it alone (so a failure prints it); then prints how many passed.
  template <class OneCase>
  void Run(OneCase&& one_case) {
    uint64_t ran = 0;
    for (; ran < m_count; ++ran) {
      uint64_t seed = NextSeed();
      INFO(Reproduce(seed));
      one_case(seed);
    }
    std::printf("%s: %llu cases passed\n", m_name, static_cast<unsigned long long>(ran));
    std::fflush(stdout);
  }

 private:
  // The seed of the next case: the base for the first, then each the hash of the one before.
  uint64_t NextSeed() {
    uint64_t seed = m_next_seed;
    uint64_t state = seed ^ 0x5851F42D4C957F2DULL;  // not the case's own stream
    m_next_seed = SplitMix64(state);
    return seed;
  }
  // The command line that reruns the case of `case_seed` alone.
  std::string Reproduce(uint64_t case_seed) const {
    return "reproduce with COVALUE_PROPERTY_SEED=" + std::to_string(case_seed) +
           " COVALUE_PROPERTY_CASES=1 " + m_name;
  }

  const char* m_name;
  uint64_t m_base = 0;
  uint64_t m_count = 0;
  uint64_t m_next_seed = 0;
};

}  // namespace covalue::testing
