// A sparse physical memory for reference-walk tests: 8-byte words at
// physical addresses, zero where never written.
#pragma once

#include <map>

#include "base/word.h"

namespace ptfold::test {

struct SparseMem {
  std::map<u64, u64> words;
  u64 read64(u64 pa, int /*hw*/) const {
    auto it = words.find(pa);
    return it == words.end() ? 0 : it->second;
  }
  void write64(u64 pa, u64 v) { words[pa] = v; }
};

}  // namespace ptfold::test
