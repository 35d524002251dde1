// The Linux walk next to the hardware walk, level by level: the comparison
// behind `ptfold walk`, the differential test, fuzz_walk and proof
// obligation 1. Templated over the word type like everything it runs.
#pragma once

#include <array>
#include <vector>

#include "base/static_vec.h"
#include "base/word.h"
#include "reference/dispatch.h"
#include "reference/geometry.h"
#include "harness/linux_view.h"
#include "targets/linux.h"

namespace ptfold::harness {

// The entry pointer Linux computes at each generic level (kernel VAs):
// pgd_offset_pgd -> p4d_offset -> pud_offset -> pmd_offset -> pte_offset_kernel.
template <class W>
struct LinuxWalk {
  std::array<W, tgt::kLevels> ptr{};
  std::array<W, tgt::kLevels> index{};  // pgd_index(addr) .. pte_index(addr)
  W addr{0};                                 // the address walked
};

template <class W, class Env>
LinuxWalk<W> linux_walk(tgt::LinuxPageTable<W, Env>& t, const W& pgd, const W& addr) {
  LinuxWalk<W> w;
  w.addr = addr;
  for (int i = 0; i < tgt::kLevels; ++i) {
    const auto l = static_cast<tgt::Level>(i);
    w.index[i] = t.index(l, addr);
    w.ptr[i] = t.offset(l, i == 0 ? pgd : w.ptr[i - 1], addr);
  }
  return w;
}

// Per hardware level: the Linux entry pointer of the level that reads it
// (as a physical address; where the hardware root is a shadow of the Linux
// table, the shadow entry: LinuxPageTable::hw_entry_ptr) and the hardware's
// entry address.
template <class W>
struct LevelCompare {
  int hw = 0;
  tgt::Level reader = tgt::Level::kPgd;
  W linux_entry_pa{0};
  W hw_entry{0};
  Bool<W> equal{};
};

// The comparison for every step of the hardware walk, stored inline (no
// allocation: the fuzzers run it after every op).
template <class W, class Env>
StaticVec<LevelCompare<W>, ref::kMaxWalkSteps> level_compares(const LinuxView& view,
                                                              tgt::LinuxPageTable<W, Env>& t,
                                                              const LinuxWalk<W>& lw,
                                                              const ref::WalkResult<W>& hw) {
  StaticVec<LevelCompare<W>, ref::kMaxWalkSteps> out;
  for (const ref::WalkStep<W>& st : hw.steps) {
    LevelCompare<W> c;
    c.hw = st.hw;
    c.reader = view.reader_of(st.hw);
    c.linux_entry_pa = t.env().pa(t.hw_entry_ptr(c.reader,
                                                 lw.ptr[static_cast<int>(c.reader)], lw.addr));
    c.hw_entry = st.entry;
    c.equal = c.linux_entry_pa == c.hw_entry;
    out.push_back(c);
  }
  return out;
}

// level_compares as a std::vector.
template <class W, class Env>
std::vector<LevelCompare<W>> compare_levels(const LinuxView& view,
                                            tgt::LinuxPageTable<W, Env>& t,
                                            const LinuxWalk<W>& lw,
                                            const ref::WalkResult<W>& hw) {
  const auto fixed = level_compares(view, t, lw, hw);
  return std::vector<LevelCompare<W>>(fixed.begin(), fixed.end());
}

}  // namespace ptfold::harness
