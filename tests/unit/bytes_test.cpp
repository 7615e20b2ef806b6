// common/bytes.h: CompareBytes, the one bytewise order the stores, their iterators and the
// audit's comparison of stored data share (RocksDB's bytewise comparator).
#include "common/bytes.h"

#include <catch2/catch.hpp>

namespace covalue {
namespace {

int Sign(int order) {
  return (order > 0) - (order < 0);
}

TEST_CASE("CompareBytes: unsigned bytes in order, then the shorter string first") {
  CHECK(CompareBytes(AsBytes(""), AsBytes("")) == 0);
  CHECK(Sign(CompareBytes(AsBytes(""), AsBytes("a"))) == -1);
  CHECK(Sign(CompareBytes(AsBytes("wal/"), AsBytes("wal/x"))) == -1);
  CHECK(Sign(CompareBytes(AsBytes("wal/x"), AsBytes("wal/"))) == 1);
  CHECK(Sign(CompareBytes(AsBytes("st/a"), AsBytes("st/b"))) == -1);
  CHECK(CompareBytes(AsBytes("st/a"), AsBytes("st/a")) == 0);
  // 0x80 and above sort after 0x7f: bytes compare unsigned.
  const Bytes high{0x80};
  const Bytes low{0x7f, 0xff};
  CHECK(Sign(CompareBytes(low, high)) == -1);
  CHECK(Sign(CompareBytes(high, low)) == 1);
}

}  // namespace
}  // namespace covalue
