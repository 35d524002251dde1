// Anonymous read-write memory at a fixed address where the kernel lets us
// (MAP_FIXED_NOREPLACE), else wherever mmap puts it. Simulated memory mapped
// here has the same addresses on every run, so table addresses, the PAs
// derived from them and every report that prints them are byte-identical.
// The slots, one per page size (hint + (page_shift << 32)), sit in the user
// half's high memory that ASan leaves to the program:
//   0x7c << 40  fuzz_walk's tables (fuzz/walk.cc)
//   0x7d << 40  the boot ops' early tables (fuzz/boot_ops.cc)
//   0x7e << 40  the machine's arena (fuzz/machine.cc)
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>

#include "base/word.h"

namespace ptfold {

class FixedMapping {
 public:
  // `extra_flags`: more mmap flags (MAP_NORESERVE). Throws std::bad_alloc.
  FixedMapping(u64 hint, size_t bytes, int extra_flags = 0) : bytes_(bytes) {
    void* const fixed = reinterpret_cast<void*>(hint);
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | extra_flags;
    p_ = mmap(fixed, bytes, PROT_READ | PROT_WRITE, flags | MAP_FIXED_NOREPLACE, -1, 0);
    if (p_ != fixed) {
      if (p_ != MAP_FAILED) munmap(p_, bytes);  // kernels before 4.17 take the flag as a hint
      p_ = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
    }
    if (p_ == MAP_FAILED) throw std::bad_alloc();
  }
  ~FixedMapping() { munmap(p_, bytes_); }
  FixedMapping(const FixedMapping&) = delete;
  FixedMapping& operator=(const FixedMapping&) = delete;

  u64 start() const { return reinterpret_cast<u64>(p_); }
  // The first address at or after start() + skip aligned to `align` (a power of two).
  u64 aligned(u64 align, u64 skip = 0) const { return (start() + skip + align - 1) & ~(align - 1); }

 private:
  void* p_;
  size_t bytes_;
};

}  // namespace ptfold
