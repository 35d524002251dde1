// mm/memory_hotplug.c (6.12): the range check add_memory_resource() runs
// before arch_add_memory() maps anything - mhp_range_allowed() against
// mhp_get_pluggable_range(), which asks the arch (arch_get_mappable_range())
// and caps the range at PHYSMEM_END. Written against the LinuxPageTable
// interface: a variant's arch_get_mappable_range() is the one exercised.
#pragma once

#include <algorithm>

#include "base/word.h"
#include "targets/linux.h"

namespace ptfold::tgt {

template <class W, class Env>
PhysRange mhp_get_pluggable_range(LinuxPageTable<W, Env>& t, bool need_mapping, u64 phys_offset) {
  const u64 max_phys = t.PHYSMEM_END(phys_offset);
  if (!need_mapping) return {0, max_phys};
  PhysRange r = t.arch_get_mappable_range(phys_offset);
  if (r.start > max_phys) r = {0, 0};
  r.end = std::min(r.end, max_phys);
  return r;
}

// true when [start, start + size) may be plugged (the kernel's pr_warn and
// -E2BIG otherwise).
template <class W, class Env>
bool mhp_range_allowed(LinuxPageTable<W, Env>& t, u64 start, u64 size, bool need_mapping, u64 phys_offset) {
  const PhysRange r = mhp_get_pluggable_range(t, need_mapping, phys_offset);
  const u64 end = start + size;
  return start < end && start >= r.start && end - 1 <= r.end;
}

}  // namespace ptfold::tgt
