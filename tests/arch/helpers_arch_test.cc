// The x86-64 and RISC-V helper models: the runtime-geometry folding rules of
// the kernel's arch/x86 and arch/riscv asm/pgtable*.h and asm/pgalloc.h (folded offsets return the pointer they were given,
// folded frees do nothing), PTI's shadow pgd, and tests of the differential
// test on the new geometries (a wrong helper must be caught).
#include <gtest/gtest.h>

#include "harness/binding.h"
#include "harness/compare.h"
#include "harness/differential.h"
#include "harness/mem_env.h"
#include "reference/dispatch.h"
#include "reference/geometry.h"
#include "targets/mm/memory.h"
#include "targets/variants.h"

namespace ptfold::harness {
namespace {

using tgt::Level;

struct Model {
  explicit Model(const char* geometry, const char* variant = nullptr)
      : g(*ref::find(geometry)), env(g.page_size()) {
    const tgt::Config cfg = config_for(g);
    t = tgt::make_variant<u64>(variant ? variant : tgt::upstream_for_family(g.family)->name, cfg, env);
  }
  const ref::Geometry& g;
  MemEnv env;
  std::unique_ptr<tgt::LinuxPageTable<u64, MemEnv>> t;
};

TEST(X86_64Helpers, runtime_geometry_follows_la57) {
  Model on("x86_64-la57"), off("x86_64-nola57"), nop4d("x86_64-4level");
  EXPECT_TRUE(on.t->pgtable_l5_enabled());
  EXPECT_EQ(on.t->shift(Level::kPgd), 48u);
  EXPECT_EQ(on.t->ptrs_per(Level::kP4d), 512u);
  EXPECT_FALSE(off.t->pgtable_l5_enabled());
  EXPECT_EQ(off.t->shift(Level::kPgd), 39u);
  EXPECT_EQ(off.t->ptrs_per(Level::kP4d), 1u);
  EXPECT_EQ(off.t->shift(Level::kP4d), 39u);  // P4D_SHIFT stays 39
  EXPECT_EQ(nop4d.t->ptrs_per(Level::kP4d), 1u);
  EXPECT_EQ(off.t->pgd_index(0xffff888000000000), 273u);
  EXPECT_EQ(on.t->pgd_index(0xff11000000000000), 273u);
}

TEST(X86_64Helpers, p4d_offset_folded_returns_the_pgd_pointer) {
  for (const char* name : {"x86_64-nola57", "x86_64-4level"}) {
    Model m(name);
    tgt::Mm<u64> mm;
    mm.pgd = m.t->pgd_alloc(mm);
    const u64 pgdp = m.t->pgd_offset(mm, 0x00007f1234567000);
    EXPECT_EQ(m.t->p4d_offset(pgdp, 0x00007f1234567000), pgdp) << name;
    EXPECT_FALSE(m.t->pgd_none(0)) << name;  // folded: never none
    EXPECT_TRUE(m.t->pgd_present(0)) << name;
    EXPECT_TRUE(m.t->p4d_none(0)) << name;  // the PML4 entry itself is real
    m.t->pgd_free(mm, mm.pgd);
  }
}

TEST(X86_64Helpers, p4d_free_and_tlb_do_nothing_when_folded) {
  Model m("x86_64-nola57");
  tgt::Mm<u64> mm;
  mm.pgd = m.t->pgd_alloc(mm);
  tgt::MmuGather tlb;
  m.t->p4d_free(mm, mm.pgd);  // the aliasing root must survive
  m.t->__p4d_free_tlb(tlb, mm, mm.pgd, 0);
  EXPECT_EQ(m.env.live_allocations(), 1u);
  m.t->pgd_free(mm, mm.pgd);
  EXPECT_EQ(m.env.live_allocations(), 0u);
}

TEST(X86_64Helpers, p4d_pud_and_pmd_pages_are_constructed_and_destructed) {
  Model m("x86_64-la57");
  tgt::Mm<u64> mm;
  const u64 pud = m.t->pud_alloc_one(mm, 0), pmd = m.t->pmd_alloc_one(mm, 0);
  EXPECT_EQ(m.env.nr_pagetable(), 2);
  m.t->pud_free(mm, pud);
  m.t->pmd_free(mm, pmd);
  EXPECT_EQ(m.env.nr_pagetable(), 0);
  // pagetable_p4d_ctor/dtor: the P4D statistics of Qi Zheng's series (none in 6.12).
  const u64 p4d = m.t->p4d_alloc_one(mm, 0);
  EXPECT_EQ(m.env.nr_pagetable(), 1);
  m.t->p4d_free(mm, p4d);
  EXPECT_EQ(m.env.nr_pagetable(), 0);
  EXPECT_EQ(m.env.live_allocations(), 0u);
}

TEST(X86_64Helpers, pti_user_entries_are_shadowed_in_the_second_page) {
  Model m("x86_64-pti");
  tgt::Mm<u64> mm;
  tgt::MmCounters c;
  mm.pgd = m.t->pgd_alloc(mm);
  EXPECT_EQ(mm.pgd % 8192, 0u);
  const u64 user_va = 0x00007f0000000000, kernel_va = 0xffff888000000000;
  map_page(*m.t, mm, c, user_va, 0x5000);
  map_page(*m.t, mm, c, kernel_va, 0x6000);
  const u64 uslot = mm.pgd + 8 * 254, kslot = mm.pgd + 8 * 273;
  const u64 kernel_copy = m.env.read(uslot, Level::kPgd);
  const u64 user_copy = m.env.read(uslot + 4096, Level::kPgd);
  EXPECT_NE(user_copy, 0u);
  EXPECT_EQ(kernel_copy, user_copy | tgt::x86_64::_PAGE_NX);  // NX in the kernel's copy
  EXPECT_NE(m.env.read(kslot, Level::kPgd), 0u);
  EXPECT_EQ(m.env.read(kslot + 4096, Level::kPgd), 0u);       // kernel slots are not shadowed
  EXPECT_EQ(m.t->hw_root(m.env.pa(mm.pgd), false), m.env.pa(mm.pgd) + 4096);
  EXPECT_EQ(m.t->hw_root(m.env.pa(mm.pgd), true), m.env.pa(mm.pgd));
  EXPECT_EQ(m.t->hw_entry_ptr(Level::kP4d, uslot, user_va), uslot + 4096);
  EXPECT_EQ(m.t->hw_entry_ptr(Level::kP4d, kslot, kernel_va), kslot);
  EXPECT_EQ(m.t->hw_entry_ptr(Level::kPud, uslot, user_va), uslot);
}

TEST(Riscv64Helpers, runtime_shifts_and_folded_offsets) {
  Model sv39("riscv64-sv39"), sv48("riscv64-sv48");
  EXPECT_EQ(sv39.t->shift(Level::kPgd), 30u);
  EXPECT_EQ(sv39.t->shift(Level::kP4d), 30u);
  EXPECT_EQ(sv48.t->shift(Level::kPgd), 39u);
  EXPECT_EQ(sv48.t->shift(Level::kP4d), 39u);
  tgt::Mm<u64> mm;
  mm.pgd = sv39.t->pgd_alloc(mm);
  const u64 va = 0xffffffc012345000;
  const u64 pgdp = sv39.t->pgd_offset(mm, va);
  EXPECT_EQ(pgdp, mm.pgd + 8 * 256);
  const u64 p4dp = sv39.t->p4d_offset(pgdp, va);
  EXPECT_EQ(p4dp, pgdp);
  EXPECT_EQ(sv39.t->pud_offset(p4dp, va), pgdp);
  EXPECT_FALSE(sv39.t->p4d_none(0));
  EXPECT_TRUE(sv39.t->p4d_present(0));
  sv39.t->pgd_free(mm, mm.pgd);
}

TEST(Riscv64Helpers, folded_alloc_returns_null_and_frees_do_nothing) {
  Model m("riscv64-sv39");
  tgt::Mm<u64> mm;
  tgt::MmuGather tlb;
  mm.pgd = m.t->pgd_alloc(mm);
  EXPECT_EQ(m.t->pud_alloc_one(mm, 0), 0u);
  EXPECT_EQ(m.t->p4d_alloc_one(mm, 0), 0u);
  m.t->pud_free(mm, mm.pgd);
  m.t->p4d_free(mm, mm.pgd);
  m.t->__pud_free_tlb(tlb, mm, mm.pgd, 0);
  m.t->__p4d_free_tlb(tlb, mm, mm.pgd, 0);
  EXPECT_EQ(m.env.live_allocations(), 1u);
  m.t->pgd_free(mm, mm.pgd);
}

TEST(Riscv64Helpers, satp_names_the_boot_mode) {
  for (const char* name : {"riscv64-sv57", "riscv64-sv48", "riscv64-sv39"}) {
    Model m(name);
    EXPECT_EQ(m.t->hw_root(0x80200000, false) >> 60, m.g.hwc.satp_mode) << name;
    EXPECT_EQ(m.t->hw_root(0x80200000, true) & genmask(43, 0), 0x80200u) << name;
  }
}

TEST(ArchHelpers, table_descriptors_decode_to_the_same_address_on_both_sides) {
  // Obligation 4's second half: the next-table address the helpers extract
  // equals the one the architecture decodes, for every PA bit Linux can set.
  for (const ref::Geometry* g : ref::select("x86_64-*")) {
    Model m(g->name.c_str());
    const unsigned pa_bits = harness::pa_bits(*m.t, *g);
    EXPECT_EQ(pa_bits, 52u) << g->name;
    for (unsigned b = 12; b < pa_bits; ++b) {
      const u64 pa = u64{1} << b;
      const u64 desc = m.t->__phys_to_pte_val(pa) | tgt::x86_64::_PAGE_TABLE | tgt::x86_64::_PAGE_NX;
      EXPECT_EQ(ref::next_table_address(*g, desc), pa) << g->name << " bit " << b;
      EXPECT_EQ(m.t->pud_page_paddr(desc), pa) << g->name << " bit " << b;
    }
  }
  for (const ref::Geometry* g : ref::select("riscv64-*")) {
    Model m(g->name.c_str());
    const unsigned pa_bits = harness::pa_bits(*m.t, *g);
    EXPECT_EQ(pa_bits, 56u) << g->name;
    for (unsigned b = 12; b < pa_bits; ++b) {
      const u64 pa = u64{1} << b;
      const u64 desc = m.t->__phys_to_pte_val(pa) | tgt::riscv64::_PAGE_TABLE;
      EXPECT_EQ(ref::next_table_address(*g, desc), pa) << g->name << " bit " << b;
      EXPECT_EQ(m.t->pmd_page_paddr(desc), pa) << g->name << " bit " << b;
    }
  }
}

// --- Tests of the differential test on the new architectures ----------------

// PTI without the hardware-entry hook: the user-mode walk reads the second
// page, the Linux pointer is in the first, so every user VA must disagree.
template <class W, class Env>
class PtiNoHook : public tgt::x86_64::X86_64<W, Env> {
 public:
  using tgt::x86_64::X86_64<W, Env>::X86_64;
  W hw_entry_ptr(Level, const W& ptr, const W&) const override { return ptr; }
};

// PTI without the shadow copy: the user pgd page stays empty.
template <class W, class Env>
class PtiNoShadow : public tgt::x86_64::X86_64<W, Env> {
 public:
  using tgt::x86_64::X86_64<W, Env>::X86_64;
  void set_p4d(const W& p, const W& v) override { this->env_.write(p, Level::kP4d, v); }
};

template <template <class, class> class V>
std::vector<std::string> run(const char* geometry) {
  const ref::Geometry& g = *ref::find(geometry);
  MemEnv env(g.page_size());
  V<u64, MemEnv> t(config_for(g), env);
  const LinuxView view = derive_linux_view(g, "test", [](const tgt::Config& c, ViewEnv& e) {
    return std::make_unique<V<u64, ViewEnv>>(c, e);
  });
  return differential_on(t, env, g, view, /*seed=*/1, /*random_vas=*/16);
}

TEST(DifferentialOfTheTestArch, upstream_pti_passes_and_broken_pti_models_fail) {
  EXPECT_TRUE(run<tgt::x86_64::X86_64>("x86_64-pti").empty());
  const auto no_hook = run<PtiNoHook>("x86_64-pti");
  ASSERT_FALSE(no_hook.empty());
  EXPECT_NE(no_hook.front().find(" user "), std::string::npos) << no_hook.front();
  EXPECT_FALSE(run<PtiNoShadow>("x86_64-pti").empty());
}

TEST(DifferentialOfTheTestArch, registered_pgdir_shift_mutants_are_caught_where_they_show) {
  EXPECT_TRUE(run<tgt::riscv64::Riscv64>("riscv64-sv39").empty());
  const auto sv39 = run_differential(*tgt::find_variant("riscv64-sv39-pgdir-shift"), *ref::find("riscv64-sv39"), 1, 16);
  ASSERT_FALSE(sv39.failures.empty());
  EXPECT_NE(sv39.failures.front().find("pud at hw level 2"), std::string::npos) << sv39.failures.front();
  EXPECT_TRUE(run_differential(*tgt::find_variant("riscv64-sv39-pgdir-shift"), *ref::find("riscv64-sv48"), 1, 16)
                  .failures.empty());
  const auto nola57 = run_differential(*tgt::find_variant("x86_64-pgdir-shift-buildtime"), *ref::find("x86_64-nola57"), 1, 16);
  ASSERT_FALSE(nola57.failures.empty());
  EXPECT_NE(nola57.failures.front().find("p4d at hw PML4"), std::string::npos) << nola57.failures.front();
  EXPECT_TRUE(run_differential(*tgt::find_variant("x86_64-pgdir-shift-buildtime"), *ref::find("x86_64-la57"), 1, 16)
                  .failures.empty());
}

TEST(DifferentialOfTheTestArch, the_x86_upstream_variant_passes_every_x86_geometry) {
  for (const ref::Geometry* g : ref::select("x86_64-*")) {
    const auto r = run_differential(*tgt::find_variant("x86_64"), *g, 1, 64);
    EXPECT_GT(r.vas_checked, 0u);
    EXPECT_TRUE(r.failures.empty()) << r.failures.front();
  }
}

}  // namespace
}  // namespace ptfold::harness
