// Golden vector files (tests/vectors/*.json): the exact bytes of signed or hashed structures,
// built by a test from fixed inputs and compared with the hex stored in a file. A file holds
// a `description` (the grammar) and `vectors`, each {name, inputs, hex}; with
// COVALUE_UPDATE_VECTORS=1 the test rewrites the file instead (tests/vectors/README.md).
// Used by tests/unit/golden_vectors_test.cpp and tests/unit/body_vectors_test.cpp. For tests
// only; the checks report through Catch2. Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace covalue::testing {

struct Vector {
  std::string name;    // unique in its file
  std::string inputs;  // what the bytes were built from, for people
  Bytes bytes;
};

struct VectorFile {
  std::string file;  // under tests/vectors/
  std::string description;
  std::vector<Vector> vectors;
};

// COVALUE_UPDATE_VECTORS=1: the test writes the vector files instead of comparing them.
bool UpdateMode();

// The path of `file` under tests/vectors/.
std::string PathOf(const std::string& file);

// Compares `expected` with its file: every vector present with the same hex, names unique,
// no vector in the file that `expected` lacks. In update mode, rewrites the file instead.
void CheckVectorFile(const VectorFile& expected);

// The stored bytes of vector `name` in `file`, for decoding them back (FAILs if absent).
Bytes StoredBytes(const std::string& file, const std::string& name);

Bytes ToBytes(ByteView v);
// SHA-256 of `label`: the hashes in vector inputs read "SHA-256('label')".
Hash32 H(std::string_view label);

}  // namespace covalue::testing
