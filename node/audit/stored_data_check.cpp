#include "node/audit/stored_data_check.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node/chain_indexes.h"
#include "node/store_keys.h"

namespace covalue::audit {
namespace {

using node::keys::AppendBigEndian;
using node::keys::HasPrefix;
using node::keys::ReadBigEndian;

constexpr std::string_view kStateVersionPrefix = "sv/";
constexpr size_t kHeightSize = 8;

// A stored key for a message: printable ASCII as is, other bytes as <hex>; a state version
// as "sv/<state key> at height H".
std::string DescribeKey(ByteView key) {
  if (HasPrefix(key, AsBytes(kStateVersionPrefix)) &&
      key.size() >= kStateVersionPrefix.size() + 1 + kHeightSize &&
      key[key.size() - kHeightSize - 1] == 0) {
    uint64_t height = ~ReadBigEndian(key, key.size() - kHeightSize, kHeightSize);
    return std::string(AsString(key.first(key.size() - kHeightSize - 1))) + " at height " +
           std::to_string(height);
  }
  std::string out;
  Bytes run;
  auto flush = [&] {
    if (!run.empty()) out += "<" + ToHex(run) + ">";
    run.clear();
  };
  for (uint8_t c : key) {
    if (c >= 0x20 && c < 0x7f) {
      flush();
      out += static_cast<char>(c);
    } else {
      run.push_back(c);
    }
  }
  flush();
  return out;
}

// The entries of one key family of a store, in key order: the keys under `prefix` (with
// `exact`, the key `prefix` alone).
class FamilyCursor {
 public:
  FamilyCursor(const storage::KvStore& kv, std::string_view prefix, bool exact)
      : m_it(kv.NewIterator()), m_prefix(prefix), m_exact(exact) {
    m_it->Seek(AsBytes(prefix));
  }
  bool Valid() const {
    return m_it->Valid() && HasPrefix(m_it->key(), AsBytes(m_prefix)) &&
           (!m_exact || m_it->key().size() == m_prefix.size());
  }
  ByteView key() const { return m_it->key(); }
  ByteView value() const { return m_it->value(); }
  void Next() { m_it->Next(); }
  Status status() const { return m_it->status(); }

 private:
  std::unique_ptr<storage::KvIterator> m_it;
  std::string_view m_prefix;
  bool m_exact;
};

// The state versions a folder that keeps them from height `from` must hold, derived from the
// replay's (which start at 0), in key order: every version above `from` as the replay wrote
// it, and at `from` the state as it stood after block `from` — each key present then, with
// its value (what ChainStore writes at the genesis for `from` = 0, and what the one-time
// upgrade of an older folder copies from its state at its head `from`).
class ImpliedStateVersions {
 public:
  ImpliedStateVersions(const storage::KvStore& replayed, uint64_t from)
      : m_replay(replayed, kStateVersionPrefix, false), m_from(from) {
    Advance();
  }
  bool Valid() const { return m_valid; }
  ByteView key() const { return m_key; }
  ByteView value() const { return m_value; }
  void Next() { Advance(); }
  Status status() const { return m_replay.status(); }

 private:
  void Advance() {
    m_valid = false;
    while (m_replay.Valid()) {
      ByteView key = m_replay.key();
      if (key.size() < kStateVersionPrefix.size() + 1 + kHeightSize) {  // not the replay's
        Take(key, m_replay.value());
        m_replay.Next();
        return;
      }
      uint64_t height = ~ReadBigEndian(key, key.size() - kHeightSize, kHeightSize);
      if (height > m_from) {
        Take(key, m_replay.value());
        m_replay.Next();
        return;
      }
      // The key's newest version at or below `from` (newer versions sort first): its value
      // at `from`. The older ones are not kept.
      Bytes group(key.begin(), key.end() - kHeightSize);
      bool present = !m_replay.value().empty() && m_replay.value()[0] == 1;
      if (present) {
        Bytes at_from = group;
        AppendBigEndian(at_from, ~m_from, kHeightSize);
        Take(at_from, m_replay.value());
      }
      do {
        m_replay.Next();
      } while (m_replay.Valid() && m_replay.key().size() == group.size() + kHeightSize &&
               HasPrefix(m_replay.key(), group));
      if (present) return;
    }
  }
  void Take(ByteView key, ByteView value) {
    m_key.assign(key.begin(), key.end());
    m_value.assign(value.begin(), value.end());
    m_valid = true;
  }

  FamilyCursor m_replay;
  const uint64_t m_from;
  bool m_valid = false;
  Bytes m_key;
  Bytes m_value;
};

// Walks both cursors together; the first difference is named.
template <typename Stored, typename Expected>
Status CompareEntries(Stored& stored, Expected& expected) {
  while (stored.Valid() || expected.Valid()) {
    int order = !stored.Valid()     ? 1
                : !expected.Valid() ? -1
                                    : CompareBytes(stored.key(), expected.key());
    if (order < 0) {
      return Status(Code::kCorruption, "the data folder holds " + DescribeKey(stored.key()) +
                                           ", which the replay does not give");
    }
    if (order > 0) {
      return Status(Code::kCorruption, "the data folder lacks " + DescribeKey(expected.key()) +
                                           ", which the replay gives");
    }
    ByteView a = stored.value();
    ByteView b = expected.value();
    if (!std::equal(a.begin(), a.end(), b.begin(), b.end())) {
      return Status(Code::kCorruption, "the data folder's " + DescribeKey(stored.key()) +
                                           " differs from the replay's");
    }
    stored.Next();
    expected.Next();
  }
  COVALUE_RETURN_IF_ERROR(stored.status());
  return expected.status();
}

}  // namespace

Result<uint64_t> CompareStoredData(const storage::KvStore& stored, const storage::KvStore& replayed,
                                   uint64_t head_height, node::WorkerPool& pool) {
  // The height the folder keeps state versions from, checked first: the comparison of sv/
  // needs it. Its error is reported in its place, after the key families'.
  Status versions_meta = Status::Ok();
  uint64_t from = 0;
  auto versions_from = node::indexes::ReadIndexMeta(stored);
  if (!versions_from.ok()) {
    versions_meta = Status(Code::kCorruption,
                           "the data folder's meta/indexes: " + versions_from.status().message());
  } else if (!*versions_from) {
    versions_meta = Status(
        Code::kCorruption,
        "the data folder has no meta/indexes (the height its state versions start at)");
  } else if (**versions_from > head_height) {
    versions_meta = Status(Code::kCorruption,
                           "the data folder's meta/indexes says state versions start at "
                           "height " +
                               std::to_string(**versions_from) + ", after its head " +
                               std::to_string(head_height));
  } else {
    from = **versions_from;
  }

  // The key families a block's commit writes the same way on the node and in the replay
  // (docs/spec/storage.md), then the state versions from `from`. Not compared: the validator's
  // safety state and consensus WAL (its own, not derived from the chain). Each is compared on
  // its own, on the pool's threads; the first difference in this order is reported.
  struct Family {
    std::string_view prefix;
    bool exact;
  };
  static constexpr Family kFamilies[] = {
      {"meta/genesis", true}, {"meta/head", true}, {"blk/", false}, {"tx/", false},
      {"log/", false},        {"st/", false},      {"hist/", false}, {"time/", false}};
  constexpr size_t kStateVersions = std::size(kFamilies);  // the last comparison
  // The largest first, so that no thread is left with a large one at the end.
  static constexpr size_t kClaimOrder[] = {6, kStateVersions, 2, 4, 3, 5, 7, 0, 1};
  static_assert(
      [] {
        bool named[std::size(kClaimOrder)] = {};
        for (size_t which : kClaimOrder) {
          if (which >= std::size(kClaimOrder) || named[which]) return false;
          named[which] = true;
        }
        return std::size(kClaimOrder) == kStateVersions + 1;
      }(),
      "kClaimOrder names every comparison exactly once");
  std::vector<Status> compared(kStateVersions + 1);
  auto compare = [&](size_t item) {
    size_t which = kClaimOrder[item];
    if (which == kStateVersions) {
      if (!versions_meta.ok()) return;
      FamilyCursor in_folder(stored, kStateVersionPrefix, false);
      ImpliedStateVersions implied(replayed, from);
      compared[which] = CompareEntries(in_folder, implied);
      return;
    }
    FamilyCursor in_folder(stored, kFamilies[which].prefix, kFamilies[which].exact);
    FamilyCursor in_replay(replayed, kFamilies[which].prefix, kFamilies[which].exact);
    compared[which] = CompareEntries(in_folder, in_replay);
  };
  pool.ParallelFor(std::size(kClaimOrder), compare);
  for (size_t which = 0; which < kStateVersions; ++which) {
    COVALUE_RETURN_IF_ERROR(compared[which]);
  }
  COVALUE_RETURN_IF_ERROR(versions_meta);
  COVALUE_RETURN_IF_ERROR(compared[kStateVersions]);
  return from;
}

}  // namespace covalue::audit
