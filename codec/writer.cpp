#include "codec/writer.h"

#include <cassert>
#include <limits>

namespace covalue::codec {

void Writer::Bytes(ByteView bytes) {
  Count(bytes.size());
  Raw(bytes);
}

void Writer::Count(size_t n) {
  // Every producer bounds its own sizes far below this; exceeding it is a bug.
  assert(n <= std::numeric_limits<uint32_t>::max());
  U32(static_cast<uint32_t>(n));
}

}  // namespace covalue::codec
