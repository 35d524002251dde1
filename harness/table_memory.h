// The checked-memory core of the concrete Envs (targets/env.h): which
// address ranges are live page tables, where their bytes are on the host,
// whether an access lies inside one, what was written since the env last
// zeroed its tables, and deterministic simulated addresses. MemEnv
// (harness/mem_env.h), fuzz_walk's WalkEnv (fuzz/walk.cc) and the boot ops'
// BootEnv (fuzz/boot_ops.cc) keep their live tables here; what an access
// outside them means - which finding, with which words - stays each env's
// own policy, as do fuzz_walk's eight fixed pages and the boot ops' early
// tables. The fuzz machine (fuzz/machine.h) answers the same question from
// its struct-page array instead: docs/design.md, "The memory core", says why.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "base/static_vec.h"
#include "base/word.h"

namespace ptfold::harness {

struct NoTableInfo {};

// Live table ranges [va, va + size), none overlapping, each at least 8
// bytes, with the host bytes behind them and an env's own Info. Up to kScan
// ranges (the fuzzers' envs: a handful per input) are kept in the order they
// were added and scanned; past that they are sorted by va and searched.
// `Fixed` > 0: at most that many ranges (at most kScan), stored inline - the
// fuzzers' envs, which start over on every input and free no single table,
// then neither allocate nor touch the heap on their hot path.
template <class Info = NoTableInfo, size_t Fixed = 0>
class TableMemory {
 public:
  struct Range {
    u64 va = 0, size = 0;
    unsigned char* host = nullptr;  // the host byte behind va
    [[no_unique_address]] Info info{};
  };
  static constexpr size_t kScan = 8;
  static_assert(Fixed <= kScan, "inline storage is for sets small enough to scan");
  using Store = std::conditional_t<Fixed == 0, std::vector<Range>, StaticVec<Range, Fixed>>;

  TableMemory() {
    if constexpr (Fixed == 0) ranges_.reserve(kScan);
  }

  // Makes [va, va + size) live with its bytes at host.
  Range& add(u64 va, u64 size, unsigned char* host, Info info = {}) {
    if (ranges_.size() < kScan || va > ranges_.back().va) {
      ranges_.push_back(Range{va, size, host, std::move(info)});
      if constexpr (Fixed == 0)
        if (ranges_.size() == kScan + 1) sort();
      return ranges_.back();
    }
    if constexpr (Fixed == 0) {
      auto it = std::upper_bound(ranges_.begin(), ranges_.end(), va,
                                 [](u64 a, const Range& r) { return a < r.va; });
      return *ranges_.insert(it, Range{va, size, host, std::move(info)});
    } else {
      ranges_.push_back(Range{va, size, host, std::move(info)});  // past Fixed: std::length_error
      return ranges_.back();
    }
  }
  // The live range that starts at va, nullptr if none.
  Range* at(u64 va) {
    if (ranges_.size() <= kScan) {
      for (Range& r : ranges_)
        if (r.va == va) return &r;
      return nullptr;
    }
    auto it = std::lower_bound(ranges_.begin(), ranges_.end(), va, [](const Range& r, u64 a) { return r.va < a; });
    return it != ranges_.end() && it->va == va ? &*it : nullptr;
  }
  const Range* at(u64 va) const { return const_cast<TableMemory*>(this)->at(va); }
  // Forgets the range r (from at() or holding()); the order is kept.
  void erase(const Range* r) {
    static_assert(Fixed == 0, "inline sets are cleared, not erased from");
    ranges_.erase(ranges_.begin() + (r - ranges_.data()));
  }
  void clear() { ranges_.clear(); }

  // The live range holding all of [ptr, ptr + len), len at most 8; nullptr
  // if none.
  const Range* holding(u64 ptr, u64 len = 8) const {
    if (ranges_.size() <= kScan) {
      for (const Range& r : ranges_)
        if (ptr - r.va <= r.size - len) return &r;
      return nullptr;
    }
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), ptr,
                               [](u64 a, const Range& r) { return a < r.va; });
    if (it == ranges_.begin()) return nullptr;
    --it;
    return ptr - it->va <= it->size - len ? &*it : nullptr;
  }
  // The host bytes behind [ptr, ptr + len) inside one live range, nullptr if
  // the access leaves every range.
  unsigned char* host_of(u64 ptr, u64 len = 8) const {
    const Range* r = holding(ptr, len);
    return r ? r->host + (ptr - r->va) : nullptr;
  }

  // The live ranges: in the order added while there are at most kScan of
  // them, sorted by va beyond.
  const Store& ranges() const { return ranges_; }
  size_t size() const { return ranges_.size(); }

  static u64 load(const unsigned char* h) {
    u64 v;
    std::memcpy(&v, h, 8);
    return v;
  }
  static void store(unsigned char* h, u64 v) { std::memcpy(h, &v, 8); }

 private:
  void sort() {
    std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.va < b.va; });
  }
  Store ranges_;
};

// The entries written since the tables were last zeroed, so that an env
// that reuses its tables for the next input zeroes those 8-byte entries
// rather than whole pages; past N of them, everything (all()).
template <unsigned N>
class WriteLog {
 public:
  void note(unsigned char* host) {
    if (n_ < N) at_[n_++] = host;
    else overflow_ = true;
  }
  // Zeroes what was written: the logged entries, or everything through
  // zero_all() when more were written than the log holds.
  template <class ZeroAll>
  void zero(ZeroAll&& zero_all) {
    if (overflow_) zero_all();
    else
      for (unsigned i = 0; i < n_; ++i) std::memset(at_[i], 0, 8);
    n_ = 0;
    overflow_ = false;
  }

 private:
  unsigned char* at_[N] = {};
  unsigned n_ = 0;
  bool overflow_ = false;
};

// Simulated addresses handed out upwards from base and never reused: the
// same calls give the same addresses on every run (host addresses differ
// with ASLR), so output that shows them is byte-identical.
class SimAddresses {
 public:
  SimAddresses(u64 base, u64 bytes) : end_(base + bytes), next_(base) {}
  // The next size-aligned block of size bytes; false when the space is used up.
  bool take(u64 size, u64* at) {
    const u64 a = (next_ + size - 1) & ~(size - 1);
    if (a + size > end_) return false;
    next_ = a + size;
    *at = a;
    return true;
  }

 private:
  u64 end_, next_;
};

}  // namespace ptfold::harness
