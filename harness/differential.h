// The concrete differential check: build real tables with the
// Linux helpers for boundary and random VAs in every half, then compare the
// Linux walk with the reference walk level by level and check the leaf.
#pragma once

#include <string>
#include <vector>

#include "harness/compare.h"
#include "harness/linux_view.h"
#include "harness/mem_env.h"
#include "reference/geometry.h"
#include "targets/linux.h"
#include "targets/mm/memory.h"
#include "targets/variants.h"

namespace ptfold::harness {

struct DifferentialReport {
  size_t vas_checked = 0;
  std::vector<std::string> failures;  // one line each
};

// Physical offset the differential check places tables at: above 2^50 when
// the geometry's descriptors can hold PA[51:50] (DS=1) or PA[51:48] (64K LPA),
// so the high-address encodings are exercised.
u64 test_phys_offset(const ref::Geometry& g);

// Physical addresses the kernel can hand to page tables: below both
// PHYS_MASK_SHIFT and the CPU's PA range (a 64K VA_BITS_52 kernel on a CPU
// without LPA never sees memory above 2^48).
unsigned pa_bits(const tgt::LinuxPageTable<u64, MemEnv>& t, const ref::Geometry& g);

// Boundary VAs of every half (range ends, each level's index boundaries) and
// `random_vas` random ones per half from `seed`; all page aligned.
std::vector<u64> test_vas(const ref::Geometry& g, unsigned seed, unsigned random_vas);

// Maps `va` to the page at `leaf_pa` the way generic mm code does (the
// pXd_alloc() chain, then set_pte); returns leaf_pa. Throws EnvError.
u64 map_page(tgt::LinuxPageTable<u64, MemEnv>& t, tgt::Mm<u64>& mm, tgt::MmCounters& c, u64 va,
             u64 leaf_pa);

// Runs a variant (built with MemEnv) on a geometry.
DifferentialReport run_differential(const tgt::VariantInfo& v, const ref::Geometry& g,
                                    unsigned seed, unsigned random_vas);

// The same on an already constructed target (tests of the test use it).
std::vector<std::string> differential_on(tgt::LinuxPageTable<u64, MemEnv>& t, MemEnv& env,
                                         const ref::Geometry& g, const LinuxView& view,
                                         unsigned seed, unsigned random_vas);

// __pte_to_phys(__phys_to_pte_val(pa)) == pa and the hardware's decoding of
// a table descriptor built by pXd_populate equals pa, for boundary PAs below
// the geometry's PHYS_MASK_SHIFT.
std::vector<std::string> descriptor_round_trip(const tgt::VariantInfo& v, const ref::Geometry& g);

}  // namespace ptfold::harness
