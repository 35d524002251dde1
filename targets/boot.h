// Boot-time and KVM helpers that sit beside the page-table walk in some
// architectures (docs/bugs.md ZOO-10, ZOO-11, ZOO-12, ZOO-16, ZOO-21): the KASAN
// early p4d offset and the kernel image's early identity map (x86-64), the
// satp mode probe and the KVM G-stage block-size check (RISC-V), the kpti
// level count (arm64). A model that has
// one says so in offers(); the fuzzers ask the model through
// LinuxPageTable::boot_helpers(), never by architecture or geometry name.
// Concrete only (u64): this code runs long before anything is symbolic.
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>

#include "base/word.h"

namespace ptfold::tgt {

class BootHelpers {
 public:
  enum Offer : unsigned {
    kEarlyP4dOffset = 1u << 0,   // KASAN early_p4d_offset() over early tables
    kStartupIdentity = 1u << 1,  // identity map of the kernel image at boot
    kSatpProbe = 1u << 2,        // probe of the translation modes the CPU has
    kGstageBlockSize = 1u << 3,  // KVM stage-2 block-size classification
    kKptiNgLevels = 1u << 4,     // level count of the kpti non-global rewrite
    kKvmUserWalk = 1u << 5,      // KVM's walk of a VMM's user page tables
  };
  virtual ~BootHelpers() = default;
  // The Offer bits this model has.
  virtual unsigned offers() const = 0;
  // The kernel function an offer stands for (findings name it).
  virtual const char* helper_name(Offer o) const = 0;

  // --- KASAN early p4d offset ------------------------------------------------
  // PAGE_OFFSET as it is when the helper runs (before KASLR moves it).
  virtual u64 early_page_offset() const { return 0; }
  // VA - PA of the mapping early tables are reached through, for an image
  // loaded at `phys_base` (x86: the kernel image map).
  virtual u64 early_table_va_offset(u64 /*phys_base*/) const { return 0; }
  // `pgdp`: the early pgd slot for `addr` (an env address). Returns the p4d
  // entry pointer for `addr` as an address in the early table mapping, or
  // `pgdp` itself when p4d is folded.
  virtual u64 early_p4d_offset(u64 pgdp, u64 /*addr*/, u64 /*page_offset_base*/, u64 /*phys_base*/) {
    return pgdp;
  }

  // --- Identity map of the kernel image ----------------------------------------
  // Bits of physical address the kernel may be loaded below (MAX_PHYSMEM_BITS).
  virtual unsigned startup_max_phys_bits() const { return 0; }
  // Load alignment and the largest image (KERNEL_IMAGE_SIZE).
  virtual u64 startup_image_align() const { return 0; }
  virtual u64 startup_max_image_size() const { return 0; }
  // The early page-table pages the identity map uses below the pgd, in the
  // kernel's allocation order (x86: pud, pmd, then p4d with 5-level paging).
  static constexpr int kMaxStartupTables = 4;
  virtual int startup_tables() const { return 0; }
  // Maps [physaddr, physaddr + size) to itself in the early tables: `pgd`
  // is the root, `tables` the pages above, each a separate object.
  virtual void startup_identity(u64 /*physaddr*/, u64 /*size*/, u64 /*pgd*/, const u64* /*tables*/) {}
  // The root register value that makes the hardware walk `pgd_pa` (CR3).
  virtual u64 early_root(u64 pgd_pa) const { return pgd_pa; }

  // --- Translation-mode probe ----------------------------------------------------
  // The early tables the probe uses, root first, each a page.
  static constexpr int kProbeTables = 4;
  // Alignment of the region the probe identity-maps (the code doing the
  // probe lives there) and how far its physical address may go.
  virtual u64 probe_align() const { return 0; }
  virtual unsigned probe_max_phys_bits() const { return 0; }
  // Runs the probe with `tables` (early_pg_dir first) for code at
  // `probe_pa`; the env supplies the root register. Afterwards the model's
  // vabits_actual() is the mode it chose.
  virtual void probe_modes(const u64* /*tables*/, u64 /*probe_pa*/) {}

  // --- KVM stage-2 block sizes ----------------------------------------------------
  // Whether a VMA page size is mapped as a stage-2 block.
  virtual bool gstage_block_size(u64 /*vma_pagesize*/) const { return false; }

  // --- kpti's non-global rewrite of the kernel mappings -------------------------
  // The number of levels the rewrite walks swapper_pg_dir with.
  virtual int kpti_ng_levels() const { return 0; }

  // --- KVM's walk of user page tables (get_user_mapping_size()) -------------------
  // The input-address size and the architectural level (Arm: -1..3) the
  // walk of mm->pgd starts at.
  virtual unsigned kvm_user_ia_bits() const { return 0; }
  virtual int kvm_user_start_level() const { return 0; }
};

// A model's boot_helpers(): its BootHelpers H, made on first use; none for a
// symbolic word (W other than u64): this code is concrete only.
template <class H, class W, class Model>
BootHelpers* lazy_boot_helpers(std::unique_ptr<BootHelpers>& slot, Model& model) {
  if constexpr (std::is_same_v<W, u64>) {
    if (!slot) slot = std::make_unique<H>(model);
    return slot.get();
  } else {
    return nullptr;
  }
}

}  // namespace ptfold::tgt
