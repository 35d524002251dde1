// The variant table (names, families, descriptions, commit ids).
#include "targets/variants.h"

namespace ptfold::tgt {

const char* level_name(Level l) {
  static const char* const kNames[] = {"pgd", "p4d", "pud", "pmd", "pte"};
  return kNames[static_cast<int>(l)];
}

const std::vector<VariantInfo>& variants() {
  static const std::vector<VariantInfo> kAll = {
      {"arm64", "arm64-lpa2", true,
       "Linux 6.12 arm64 helpers: LPA2/LVA runtime folding, page round-down; p4d freed through the mmu_gather",
       "v6.12 + Qi Zheng's P4D series (v5 04-05/17)", ""},
      {"arm64-boot", "arm64-boot", true,
       "boot-time page size RFC: runtime shifts, folded helpers return the pointer", "RFC 2024-10-14 53/57, 57/57", ""},
      {"arm64-pudfree-nodtor", "arm64-lpa2", false,
       "pud_free() frees with free_page(), skipping pagetable_pud_dtor()",
       "0dd4f60a2c76 (linux-next de701dc1f7f8), fixed by 3137db4c66bf", "arm64-4k-va48"},
      {"arm64-boot-rounddown", "arm64-boot", false,
       "boot-time page size keeping the LPA2 round-down in the folded helpers (sub-page pgd)",
       "RFC 2024-10-14 57/57 (hazard in 0dd4f60a2c76's helper)", "arm64-64k-va48-boot"},
      {"arm64-fold-cast", "arm64-lpa2", false,
       "LPA2-style folded helpers return the incoming pointer unchanged", "-", "arm64-4k-va52-nolpa2"},
      {"arm64-descriptor-ds", "arm64-lpa2", false,
       "__phys_to_pte_val() drops PA[51:50] under DS=1", "-", "arm64-4k-va52-lpa2"},
      {"arm64-lockless-stackcopy", "arm64-lpa2", false,
       "generic p4d_offset_lockless() returns the on-stack pgd copy; folded pud re-aligns it",
       "fixed by 36639013b346", "arm64-16k-va52-nolpa2"},
      {"arm64-setpud-buildtime-fold", "arm64-lpa2", false,
       "set_pud() takes the swapper_pg_dir detour only when pud is folded at build time",
       "fixed by 90e636f60b76", "arm64-16k-va52-nolpa2"},
      {"arm64-kvm-buildtime-levels", "arm64-lpa2", false,
       "get_user_mapping_size() starts KVM's walk of user page tables at 4 - CONFIG_PGTABLE_LEVELS",
       "fixed by 95e059b5db60", "arm64-4k-va52-nolpa2"},
      {"arm64-kpti-buildtime-levels", "arm64-lpa2", false,
       "__kpti_install_ng_mappings() walks with CONFIG_PGTABLE_LEVELS, not lowered for a level folded at run time",
       "before the LPA2 series (most likely 2b6c8f96cc47, not verified)", "arm64-4k-va52-nolpa2"},
      {"arm64-hotplug-unchecked", "arm64-lpa2", false,
       "memory hot-add maps ranges below the reachable linear map: no arch_get_mappable_range() (mm's __weak [0, -1])",
       "4ab215061554, fixed by 58284a901b42", "arm64-4k-va52-nolpa2"},
      {"arm64-hotplug-kaslr-wrap", "arm64-lpa2", false,
       "arch_get_mappable_range() without the KASLR wrap clamp: a start above the end refuses every hot-add",
       "58284a901b42, fixed by ee7febce0519", "arm64-4k-va48"},
      {"arm64-hotplug-p4d-noguard", "arm64-lpa2", false,
       "free_empty_p4d_table() without its !pgtable_l5_enabled() early return: a folded p4d frees the pgd",
       "- (hazard in the LPA2 series' p4d freeing)", "arm64-4k-va48"},
      {"arm64-p4d-free-at-once", "arm64-lpa2", false,
       "6.12's __p4d_free_tlb(): p4d_free() at once, not through the mmu_gather (no RCU-delayed free for fast GUP)",
       "v6.12; fixed by Qi Zheng's \"arm64: pgtable: use mmu gather to free p4d level page table\" (v5 05/17)",
       "arm64-4k-va52-lpa2"},
      {"arm64-test-alloc-forever", "arm64-lpa2", false, "test only: pte_alloc_one() allocates without end", "", "arm64-4k-va48"},
      {"x86_64", "x86_64", true,
       "Linux 6.12 x86-64 helpers: LA57 runtime p4d folding, compile-time nop4d, PTI two-page pgd",
       "v6.12 + Qi Zheng's P4D statistics (v5 04/17)", ""},
      {"riscv64", "riscv64", true,
       "Linux 6.12 riscv64 helpers: Sv57/Sv48/Sv39 runtime p4d and pud folding",
       "v6.12 + Qi Zheng's P4D statistics (v5 04/17)", ""},
      {"x86_64-kasan-early-p4d", "x86_64", false,
       "KASAN early_p4d_offset() applies __pa_nodebug() to the already-physical pgd_val() (LA57 only)",
       "12a8cc7fcf54, exposed by d52888aa2753, fixed by f3176ec9420d", "x86_64-la57"},
      {"x86_64-startup-wrap", "x86_64", false,
       "__startup_64() identity map: PMD index wrapped before the add, P4D/PUD i+1 unwrapped",
       "fixed by 81c7ed296dcd", "x86_64-la57"},
      {"riscv64-satp-stale-pgdir", "riscv64", false,
       "set_satp_mode() retries Sv48 on an early_pg_dir still holding the Sv57 entry",
       "011f09d12052, fixed by d5fdade9331f", "riscv64-sv48"},
      {"riscv64-kvm-pgdir-size", "riscv64", false,
       "KVM G-stage map compares the VMA page size with the runtime PGDIR_SIZE instead of PUD_SIZE",
       "9d05c1fee837, fixed by c25a6dddc62c", "riscv64-sv48"},
  };
  return kAll;
}

const VariantInfo* find_variant(std::string_view name) {
  for (const VariantInfo& v : variants())
    if (v.name == name) return &v;
  return nullptr;
}

const VariantInfo* upstream_for_family(std::string_view family) {
  for (const VariantInfo& v : variants())
    if (v.upstream && v.family == family) return &v;
  return nullptr;
}

}  // namespace ptfold::tgt
