// Memory hot-add and hot-remove on arm64 (arch/arm64/mm/mmu.c 6.12,
// CONFIG_MEMORY_HOTPLUG), the kernel-table side:
//   * arch_add_memory() maps the new range into the linear map of
//     swapper_pg_dir with __create_pgd_mapping(..., __pgd_pgtable_alloc,
//     flags): alloc_init_p4d -> alloc_init_pud -> alloc_init_cont_pmd /
//     init_pmd -> alloc_init_cont_pte / init_pte, a table where the parent
//     entry is none, a block where the range allows one;
//   * arch_remove_memory() -> __remove_pgd_mapping(): unmap_hotplug_range()
//     clears the leaves (free_mapped false: the memory itself is not freed
//     here), then free_empty_tables(start, end, PAGE_OFFSET, PAGE_END) frees
//     every table the range left empty - pgtable_range_aligned() against the
//     floor and ceiling, a scan of all PTRS_PER_* entries, the parent cleared,
//     free_hotplug_pgtable_page().
//   * before either, add_memory_resource() refuses a range
//     mhp_range_allowed() rejects (targets/mm/memory_hotplug.h); the linear
//     address is __phys_to_virt(start), PHYS_OFFSET being memstart_addr as
//     arm64_memblock_init() chose it at boot (boot memory, PA range, KASLR).
// Kernel page tables carry no constructor in 6.12: __pgd_pgtable_alloc is a
// bare __get_free_page and free_hotplug_pgtable_page() a bare free_pages(),
// so a page typed PG_table at that free is a bad page state. Folded levels
// return early (the pud function on !pgtable_l4_enabled(), the p4d function
// on !pgtable_l5_enabled()): the folded "table" is the pgd page.
//
// Level-indexed like targets/mm/free_pgtables.h and written against the
// LinuxPageTable interface only, so a folded level takes the paths its
// helpers give it and a variant's helpers are the ones exercised. CONT
// mappings and attributes are not modelled: they change no table structure.
#pragma once

#include <cstdint>

#include "base/word.h"
#include "targets/linux.h"
#include "targets/mm/free_pgtables.h"
#include "targets/mm/memory.h"
#include "targets/mm/memory_hotplug.h"

namespace ptfold::tgt::arm64 {

// __pgd_pgtable_alloc(shift): a zeroed page (init_clear_pgtable), no ctor.
template <class Env>
u64 __pgd_pgtable_alloc(LinuxPageTable<u64, Env>& t, Level l) {
  return t.env().get_free_page(l);
}

// free_hotplug_pgtable_page(virt_to_page(table)): free_pages, no dtor.
template <class Env>
void free_hotplug_pgtable_page(LinuxPageTable<u64, Env>& t, u64 table) {
  t.env().free_page(table & ~(t.PAGE_SIZE() - 1), "free_hotplug_pgtable_page");
}

namespace hotplug_detail {

inline const char* alloc_init_name(Level l) {
  switch (l) {
    case Level::kP4d: return "alloc_init_p4d";
    case Level::kPud: return "alloc_init_pud";
    case Level::kPmd: return "alloc_init_cont_pmd";
    default: return "alloc_init_cont_pte";
  }
}
inline const char* unmap_name(Level l) {
  switch (l) {
    case Level::kPgd: return "unmap_hotplug_range";
    case Level::kP4d: return "unmap_hotplug_p4d_range";
    case Level::kPud: return "unmap_hotplug_pud_range";
    case Level::kPmd: return "unmap_hotplug_pmd_range";
    default: return "unmap_hotplug_pte_range";
  }
}
inline const char* free_empty_name(Level l) {
  switch (l) {
    case Level::kPgd: return "free_empty_tables";
    case Level::kP4d: return "free_empty_p4d_table";
    case Level::kPud: return "free_empty_pud_table";
    case Level::kPmd: return "free_empty_pmd_table";
    default: return "free_empty_pte_table";
  }
}

// WARN_ON(cond): hot-add and hot-remove report WARN_ONs as warnings, so
// they require an env that tells a WARN from a BUG (EnvWarnOn).
template <EnvWarnOn Env>
void warn_on(LinuxPageTable<u64, Env>& t, bool cond, const char* helper, const char* what) {
  t.env().warn_on(cond, helper, what);
}

// Whether init_pmd / alloc_init_pud maps [addr, next) at level l with one
// block: pmd always, pud only with 4K pages (pud_sect_supported()), and
// only when addr, next and phys are aligned to the level's size.
template <class Env>
bool block_fits(const LinuxPageTable<u64, Env>& t, Level l, u64 addr, u64 next, u64 phys) {
  if (l == Level::kPud ? t.PAGE_SIZE() != 4096 : l != Level::kPmd) return false;
  const u64 low = (u64{1} << t.shift(l)) - 1;
  return ((addr | next | phys) & low) == 0;
}

// alloc_init_<l>(parentp, addr, end, phys): the table below the parent
// entry (allocated and populated when the entry is none), then each level-l
// entry of [addr, end): a leaf, a block, or the next level down.
template <class Env>
void alloc_init(LinuxPageTable<u64, Env>& t, const Mm<u64>& mm, Level l, u64 parentp, u64 addr, u64 end,
                u64 phys) {
  const Level parent = parent_of(l);
  const u64 pv = t.env().read(parentp, parent);
  if (to_bool(t.none(parent, pv))) {
    const u64 table = __pgd_pgtable_alloc(t, l);
    t.populate(mm, parent, parentp, table);  // __pXd_populate
  } else {
    t.env().bug_on(to_bool(t.bad(parent, pv)), alloc_init_name(l), "BUG_ON(pXd_bad(parent))");
  }
  u64 p = t.offset(l, parentp, addr);  // pXd_set_fixmap_offset
  u64 next;
  do {
    next = pxd_addr_end(t, l, addr, end);
    if (l == Level::kPte || block_fits(t, l, addr, next, phys))
      t.set(l, p, t.mk_leaf(l, phys));  // __set_pte_nosync / pmd_set_huge / pud_set_huge
    else
      alloc_init(t, mm, child_of(l), p, addr, next, phys);
    phys += next - addr;
  } while (p += 8, addr = next, addr != end);
}

// The loop both removal walks run at each level: every level-l entry of
// [addr, end) below parentp that is not pXd_none, as f(p, entry, addr, next).
template <class Env, class F>
void for_each_entry(LinuxPageTable<u64, Env>& t, Level l, u64 parentp, u64 addr, u64 end, F&& f) {
  u64 next;
  do {
    next = pxd_addr_end(t, l, addr, end);
    const u64 p = t.offset(l, parentp, addr);
    const u64 v = t.env().read(p, l);
    if (!to_bool(t.none(l, v))) f(p, v, addr, next);
  } while (addr = next, addr < end);
}

// unmap_hotplug_<l>_range(parentp, addr, end, free_mapped = false); at kPgd
// (parentp the pgd itself) unmap_hotplug_range().
template <class Env>
void unmap_hotplug(LinuxPageTable<u64, Env>& t, Level l, u64 parentp, u64 addr, u64 end) {
  for_each_entry(t, l, parentp, addr, end, [&](u64 p, u64 v, u64 a, u64 next) {
    warn_on(t, !to_bool(t.present(l, v)), unmap_name(l), "WARN_ON(!pXd_present())");
    if (l == Level::kPte || ((l == Level::kPmd || l == Level::kPud) && to_bool(t.is_leaf(l, v))))
      t.clear(l, p);  // __pte_clear / pmd_clear / pud_clear
    else
      unmap_hotplug(t, child_of(l), p, a, next);
  });
}

// pgtable_range_aligned(start, end, floor, ceiling, mask).
inline bool pgtable_range_aligned(u64 start, u64 end, u64 floor, u64 ceiling, u64 mask) {
  start &= mask;
  if (start < floor) return false;
  if (ceiling) {
    ceiling &= mask;
    if (!ceiling) return false;
  }
  if (end - 1 > ceiling - 1) return false;
  return true;
}

// for (i = 0; i < PTRS_PER_<L>; i++) if (!pXd_none(READ_ONCE(table[i])))
// return; - through the env's scan() where it has one (EnvScan), else the
// same reads one by one.
template <class Env>
bool table_in_use(LinuxPageTable<u64, Env>& t, Level l, u64 table) {
  const u64 n = t.ptrs_per(l);
  const auto in_use = [&](u64 v) { return !to_bool(t.none(l, v)); };
  if constexpr (EnvScan<Env>) return t.env().scan(table, n, l, in_use) != n;
  for (u64 i = 0; i < n; ++i)
    if (in_use(t.env().read(table + 8 * i, l))) return true;
  return false;
}

// free_empty_<l>_table(parentp, addr, end, floor, ceiling); at kPgd (parentp
// the pgd itself) free_empty_tables(), which frees no pgd.
template <class Env>
void free_empty_table(LinuxPageTable<u64, Env>& t, Level l, u64 parentp, u64 addr, u64 end, u64 floor,
                      u64 ceiling) {
  const u64 start = addr;
  if (l == Level::kPte) {
    // Only a sanity check: the unmap loops cleared the ptes.
    do {
      const u64 v = t.env().read(t.offset(Level::kPte, parentp, addr), Level::kPte);
      warn_on(t, !to_bool(t.none(Level::kPte, v)), "free_empty_pte_table", "WARN_ON(!pte_none(pte))");
    } while (addr += t.PAGE_SIZE(), addr < end);
  } else {
    for_each_entry(t, l, parentp, addr, end, [&](u64 p, u64 v, u64 a, u64 next) {
      warn_on(t, !to_bool(t.present(l, v)) || (l != Level::kP4d && to_bool(t.is_leaf(l, v))), free_empty_name(l),
              "WARN_ON(!pXd_present() || !pXd_table() || pXd_sect())");
      free_empty_table(t, child_of(l), p, a, next, floor, ceiling);
    });
    if (l == Level::kPgd || t.hotplug_level_folded(l)) return;  // the folded level's early return
  }
  const Level parent = parent_of(l);
  if (!pgtable_range_aligned(start, end, floor, ceiling, ~((u64{1} << t.shift(parent)) - 1))) return;
  // Free the table only when every entry is none; overlap with other
  // regions was handled by the floor/ceiling check.
  const u64 table = t.offset(l, parentp, 0);
  if (table_in_use(t, l, table)) return;
  t.clear(parent, parentp);  // pmd_clear / pud_clear / p4d_clear / pgd_clear
  // __flush_tlb_kernel_pgtable(start): no TLB in the model.
  free_hotplug_pgtable_page(t, table);
}

}  // namespace hotplug_detail

// __create_pgd_mapping(init_mm.pgd, phys, virt, size, ..., __pgd_pgtable_alloc,
// flags) as arch_add_memory() calls it; virt, phys and size page-aligned.
template <class Env>
void __create_pgd_mapping(LinuxPageTable<u64, Env>& t, const Mm<u64>& init_mm, u64 phys, u64 virt, u64 size) {
  u64 addr = virt;
  const u64 end = virt + size;
  u64 pgdp = t.pgd_offset(init_mm, addr);
  u64 next;
  do {
    next = pxd_addr_end(t, Level::kPgd, addr, end);
    hotplug_detail::alloc_init(t, init_mm, Level::kP4d, pgdp, addr, next, phys);
    phys += next - addr;
  } while (pgdp += 8, addr = next, addr != end);
}

// __remove_pgd_mapping(init_mm.pgd, start, size).
template <class Env>
void __remove_pgd_mapping(LinuxPageTable<u64, Env>& t, const Mm<u64>& init_mm, const LinearMap& lm, u64 start,
                          u64 size) {
  const u64 end = start + size;
  hotplug_detail::warn_on(t, start < lm.page_offset || end - 1 > lm.end - 1, "__remove_pgd_mapping",
                          "WARN_ON((start < PAGE_OFFSET) || (end > PAGE_END))");
  // unmap_hotplug_range(start, end, false, NULL) and free_empty_tables(start,
  // end, PAGE_OFFSET, PAGE_END): the per-level loops, from init_mm's pgd.
  hotplug_detail::unmap_hotplug(t, Level::kPgd, init_mm.pgd, start, end);
  hotplug_detail::free_empty_table(t, Level::kPgd, init_mm.pgd, start, end, lm.page_offset, lm.end);
}

// The boot memory arm64_memblock_init() (arch/arm64/mm/init.c) starts from.
using tgt::BootMemory;

// ARM64_MEMSTART_ALIGN: PUD_SIZE with 4K pages, CONT_PMD_SIZE (32 pmds of
// 32M) with 16K, PMD_SIZE with 64K - at least a memory section
// (SECTION_SIZE_BITS 27, 29 with 64K), which changes none of them.
template <class Env>
u64 ARM64_MEMSTART_ALIGN(const LinuxPageTable<u64, Env>& t) {
  return t.PAGE_SIZE() == 65536 ? u64{1} << 29 : u64{1} << 30;
}

// arm64_memblock_init()'s choice of memstart_addr (PHYS_OFFSET): the boot
// memory's start rounded down, moved up when the memory does not fit the
// linear region, moved down by 2^52 - 2^vabits_actual for a 52-bit kernel on
// smaller hardware (so PAGE_OFFSET still stands for the start of memory),
// then moved down by KASLR within the slack the PA range leaves. The KVM
// nVHE cap of the region to 51 bits is not modelled (no hypervisor here).
template <class Env>
u64 arm64_memblock_init(const LinuxPageTable<u64, Env>& t, const BootMemory& mem) {
  const LinearMap lm = t.hotplug_linear_map();
  const int64_t linear_region_size = static_cast<int64_t>(lm.end - lm.start);  // PAGE_END - _PAGE_OFFSET(vabits_actual)
  const u64 align = ARM64_MEMSTART_ALIGN(t);
  u64 memstart = mem.dram_start & ~(align - 1);
  if (memstart + linear_region_size < mem.dram_end)
    memstart = (mem.dram_end - linear_region_size + align - 1) & ~(align - 1);
  if (t.config().VA_BITS == 52 && t.vabits_actual() != 52)
    memstart -= lm.start - (u64{0} - (u64{1} << 52));  // _PAGE_OFFSET(vabits_actual) - _PAGE_OFFSET(52)
  int64_t range = linear_region_size - static_cast<int64_t>(u64{1} << mem.parange);
  if (mem.memstart_offset_seed > 0 && range >= static_cast<int64_t>(align)) {
    range /= static_cast<int64_t>(align);
    memstart -= align * static_cast<u64>((range * mem.memstart_offset_seed) >> 16);
  }
  return memstart;
}

// __phys_to_virt(): ((x) - PHYS_OFFSET) | PAGE_OFFSET.
template <class Env>
u64 __phys_to_virt(const LinuxPageTable<u64, Env>& t, u64 phys, u64 phys_offset) {
  return (phys - phys_offset) | t.hotplug_linear_map().page_offset;
}

// arch_add_memory(): after add_memory_resource()'s mhp_range_allowed(), the
// range mapped at its linear-map address (VM_BUG_ON on a range not allowed).
template <class Env>
void arch_add_memory(LinuxPageTable<u64, Env>& t, const Mm<u64>& init_mm, u64 start, u64 size, u64 phys_offset) {
  t.env().bug_on(!mhp_range_allowed(t, start, size, true, phys_offset), "arch_add_memory",
                 "VM_BUG_ON(!mhp_range_allowed(start, size, true))");
  __create_pgd_mapping(t, init_mm, start, __phys_to_virt(t, start, phys_offset), size);
}

// arch_remove_memory(): __remove_pgd_mapping() of the range's linear map.
template <class Env>
void arch_remove_memory(LinuxPageTable<u64, Env>& t, const Mm<u64>& init_mm, u64 start, u64 size, u64 phys_offset) {
  __remove_pgd_mapping(t, init_mm, t.hotplug_linear_map(), __phys_to_virt(t, start, phys_offset), size);
}

// The model's MemoryHotplug (targets/linux.h): the functions above on the
// model's own helpers, so a variant's overrides are what runs. Hot-add and
// hot-remove report WARN_ONs, so the env must have warn_on() (EnvWarnOn).
template <EnvWarnOn Env>
class Arm64MemoryHotplug final : public MemoryHotplug {
 public:
  explicit Arm64MemoryHotplug(LinuxPageTable<u64, Env>& t) : t_(t) {}
  u64 memblock_init(const BootMemory& mem) override { return arm64_memblock_init(t_, mem); }
  void arch_add_memory(const Mm<u64>& init_mm, u64 start, u64 size, u64 phys_offset) override {
    arm64::arch_add_memory(t_, init_mm, start, size, phys_offset);
  }
  void arch_remove_memory(const Mm<u64>& init_mm, u64 start, u64 size, u64 phys_offset) override {
    arm64::arch_remove_memory(t_, init_mm, start, size, phys_offset);
  }

 private:
  LinuxPageTable<u64, Env>& t_;
};

}  // namespace ptfold::tgt::arm64
