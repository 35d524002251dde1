// The focused oracles of the x86-64 and RISC-V boot/KVM helpers beside the
// page-table walk (docs/bugs.md ZOO-10, ZOO-11, ZOO-12, ZOO-16), for the unit
// tests of tests/arch/ only: each runs a variant's helper on MemEnv and judges
// it with the reference (walk, satp WARL rule, leaf sizes). They own no fact:
// the layout and rules come from reference/, the folding from the LinuxView;
// the fuzzers' engine for the same helpers is fuzz/boot_ops.cc. Every
// function returns findings as strings whose first word group is the dedup
// key `<class>: <helper> on <geometry>`; an empty result means the helper
// behaved.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/binding.h"
#include "harness/linux_view.h"
#include "harness/mem_env.h"
#include "reference/dispatch.h"
#include "reference/riscv64.h"
#include "targets/riscv64/riscv64.h"
#include "targets/variants.h"
#include "targets/x86_64/x86_64.h"

namespace ptfold::harness {

// ---------------------------------------------------------------------------
// ZOO-10: x86 KASAN early_p4d_offset() (O5 + canonical check). For each VA,
// early_pg_dir's slot points at a p4d page; the pointer the helper returns
// must be the image-map address (PA + __START_KERNEL_map - phys_base) of the
// entry the hardware reads at the p4d level, and canonical.
struct EarlyX86Layout {
  u64 page_offset_base;  // PAGE_OFFSET
};

inline std::vector<std::string> check_early_p4d_offset(std::string_view variant,
                                                       const ref::Geometry& g,
                                                       const EarlyX86Layout& lay,
                                                       const std::vector<u64>& vas) {
  using X86 = tgt::x86_64::X86_64<u64, MemEnv>;
  std::vector<std::string> out;
  MemEnv env(g.page_size());
  auto t = tgt::make_variant<u64>(variant, config_for(g), env);
  auto* x = dynamic_cast<X86*>(t.get());
  if (!x) return {fmt::format("harness: {} is not an x86-64 variant", variant)};
  const u64 pgd = env.get_free_page(tgt::Level::kPgd), p4d = env.get_free_page(tgt::Level::kP4d);
  // The image sits 16 MiB above a 2 MiB-aligned phys_base below the tables.
  const u64 phys_base = (env.pa(pgd) & ~genmask(20, 0)) - (u64{16} << 20);
  const typename X86::EarlyLayout el{lay.page_offset_base, phys_base};
  const u64 image = X86::__START_KERNEL_map - phys_base;  // VA - PA for the image map
  for (u64 va : vas) {
    const int half = ref::half_of(g, va);
    const u64 pgdp = pgd + 8 * x->pgd_index(va);
    env.write(pgdp, tgt::Level::kPgd, env.pa(p4d) | tgt::x86_64::_KERNPG_TABLE);
    // The pgd slot is passed as the env address it is read through; the
    // p4d pointer comes back as an image-map address.
    const u64 got_image = x->early_p4d_offset(pgdp, va, el);
    // Only the pgd and p4d levels are populated: read zeros below them.
    struct Lenient {
      const MemEnv& e;
      u64 read64(u64 pa, int hw) const { return e.contains(e.va(pa)) ? e.read64(pa, hw) : 0; }
    } mem{env};
    const ref::WalkResult<u64> hw =
        ref::walk_half(g, half, va, env.pa(pgd), mem, ref::WalkOptions{.tables_only = true});
    const LinuxLevel& lp4d = linux_view(variant, g).lin(tgt::Level::kP4d);
    const int p4d_hw = lp4d.hw;
    // Folded: the helper returns the pointer it was given (pgdp).
    const u64 want = lp4d.fold != Fold::kNone
                         ? pgdp
                         : hw.steps.at(static_cast<size_t>(p4d_hw)).entry + image;
    const unsigned sign = g.vabits_actual - 1;
    const u64 top = got_image >> sign;
    const bool canonical = top == 0 || top == (~u64{0} >> sign);
    if (got_image != want || !canonical)
      out.push_back(fmt::format(
          "walk mismatch: early_p4d_offset on {}: va {:#018x} PAGE_OFFSET {:#018x}: returned {:#018x}{}, "
          "the hardware reads the p4d entry at image address {:#018x}",
          g.name, va, lay.page_offset_base, got_image, canonical ? "" : " (non-canonical)", want));
    env.write(pgdp, tgt::Level::kPgd, 0);
  }
  return out;
}

// ---------------------------------------------------------------------------
// ZOO-16: x86 __startup_64() identity map (O5, O2). The early tables are one
// contiguous allocation as early_dynamic_pgts is (pud, pmd, p4d, spare), so
// an index that runs off its table silently corrupts the next one, as in the
// kernel; the reference walk of every 2 MiB of the image from CR3 must then
// map it to itself.
inline std::vector<std::string> check_startup_identity(std::string_view variant,
                                                       const ref::Geometry& g, u64 physaddr,
                                                       u64 size) {
  using X86 = tgt::x86_64::X86_64<u64, MemEnv>;
  std::vector<std::string> out;
  MemEnv env(g.page_size());
  auto t = tgt::make_variant<u64>(variant, config_for(g), env);
  auto* x = dynamic_cast<X86*>(t.get());
  if (!x) return {fmt::format("harness: {} is not an x86-64 variant", variant)};
  const u64 pgd = env.get_free_page(tgt::Level::kPgd);
  const u64 pgts = env.get_free_pages(tgt::Level::kPmd, 2);
  try {
    x->__startup_64_identity(physaddr, size, pgd, pgts);
  } catch (const EnvError& e) {
    out.push_back(fmt::format("out of bounds: __startup_64 on {}: image {:#x}+{:#x}: {}", g.name,
                              physaddr, size, e.what()));
    return out;
  }
  const u64 PMD_SIZE = u64{1} << 21;
  for (u64 va = physaddr; va < physaddr + size; va += PMD_SIZE) {
    const ref::WalkResult<u64> hw = ref::walk_half(g, ref::half_of(g, va), va, env.pa(pgd), env);
    if (!hw.ok() || hw.oa != va) {
      out.push_back(fmt::format(
          "walk mismatch: __startup_64 on {}: image {:#x}+{:#x}: va {:#x} {}", g.name, physaddr, size,
          va,
          hw.ok() ? fmt::format("translates to {:#x}, not to itself", hw.oa)
                  : fmt::format("faults ({}) at {}", ref::fault_name(hw.fault),
                                hw.fault_hw >= 0 ? g.hw[hw.fault_hw].name : std::string("root"))));
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// ZOO-12: KVM RISC-V G-stage block sizes (O9): the page sizes mapped as
// blocks must be the architecture's PMD- and PUD-level leaf sizes (levels 1
// and 2, RISC-V privileged spec Sv39/Sv48/Sv57) in every Sv mode. Checked for every power of two.
inline std::vector<std::string> check_gstage_block_sizes(std::string_view variant,
                                                         const ref::Geometry& g) {
  using Rv = tgt::riscv64::Riscv64<u64, MemEnv>;
  MemEnv env(g.page_size());
  auto t = tgt::make_variant<u64>(variant, config_for(g), env);
  auto* r = dynamic_cast<Rv*>(t.get());
  if (!r) return {fmt::format("harness: {} is not a riscv64 variant", variant)};
  std::vector<std::string> out;
  for (unsigned k = g.page_shift; k < 64; ++k) {
    const u64 size = u64{1} << k;
    bool arch = false;
    for (const ref::HwLevel& l : g.hw)
      if ((l.arch_level == 1 || l.arch_level == 2) && l.leaf_ok && l.lo == k) arch = true;
    if (r->gstage_block_size(size) != arch)
      out.push_back(fmt::format("mode mismatch: gstage_block_size on {}: size {:#x} {} as a block, "
                                "the level-{} leaf sizes are {:#x} and {:#x}",
                                g.name, size, arch ? "not mapped" : "mapped", "1/2",
                                u64{1} << 21, u64{1} << 30));
  }
  return out;
}

// ---------------------------------------------------------------------------
// ZOO-11: RISC-V set_satp_mode() (O5 + O9). The env holds satp with the WARL
// rule of the geometry's CPU (best mode = the row's mode); every write that
// takes effect switches translation on, so the identity map of the probe's
// own PMD must translate to itself under that mode. Afterwards the mode the
// kernel chose must be the CPU's best, and the early tables clean.
class SatpEnv : public MemEnv {
 public:
  SatpEnv(const ref::Geometry& cpu, u64 probe_va)
      : MemEnv(cpu.page_size()), cpu_(cpu), probe_va_(probe_va) {}
  void csr_write_satp(u64 v) {
    satp_ = ref::riscv64::satp_write(satp_, v, cpu_.hwc.satp_mode);
    check_translation();
  }
  u64 csr_swap_satp(u64 v) {
    const u64 old = satp_;
    satp_ = ref::riscv64::satp_write(satp_, v, cpu_.hwc.satp_mode);
    return old;
  }
  const std::vector<std::string>& findings() const { return findings_; }

 private:
  void check_translation() {
    const unsigned mode = static_cast<unsigned>(satp_ >> 60);
    if (mode == ref::riscv64::kModeBare) return;
    const ref::Geometry* g = ref::find("riscv64-sv" + std::to_string(ref::riscv64::va_bits_of_mode(mode)));
    const ref::WalkResult<u64> hw = ref::walk_half(*g, 0, probe_va_, satp_, *this);
    if (!hw.ok() || hw.oa != probe_va_)
      findings_.push_back(fmt::format(
          "walk mismatch: set_satp_mode on {}: after satp <- {:#018x} (Sv{}) the identity map of "
          "{:#x} {}",
          cpu_.name, satp_, ref::riscv64::va_bits_of_mode(mode), probe_va_,
          hw.ok() ? fmt::format("translates to {:#x}", hw.oa)
                  : fmt::format("faults ({}) at {}", ref::fault_name(hw.fault),
                                hw.fault_hw >= 0 ? g->hw[hw.fault_hw].name : std::string("satp"))));
  }
  const ref::Geometry& cpu_;
  u64 probe_va_;
  u64 satp_ = 0;
  std::vector<std::string> findings_;
};

static_assert(tgt::LinuxEnv<SatpEnv, u64> && tgt::EnvSatp<SatpEnv>);

inline std::vector<std::string> check_set_satp_mode(std::string_view variant, const ref::Geometry& g,
                                                    u64 set_satp_mode_pmd = 0x80200000) {
  using Rv = tgt::riscv64::Riscv64<u64, SatpEnv>;
  SatpEnv env(g, set_satp_mode_pmd + 0x1234);
  auto t = tgt::make_variant<u64>(variant, config_for(g), env);
  auto* r = dynamic_cast<Rv*>(t.get());
  if (!r) return {fmt::format("harness: {} is not a riscv64 variant", variant)};
  const typename Rv::EarlyTables tables{env.get_free_page(tgt::Level::kPgd),
                                        env.get_free_page(tgt::Level::kP4d),
                                        env.get_free_page(tgt::Level::kPud),
                                        env.get_free_page(tgt::Level::kPmd)};
  r->set_satp_mode(tables, set_satp_mode_pmd);
  std::vector<std::string> out = env.findings();
  if (r->vabits_actual() != g.vabits_actual)
    out.push_back(fmt::format("mode mismatch: set_satp_mode on {}: chose Sv{}, the CPU's best is Sv{}",
                              g.name, r->vabits_actual(), g.vabits_actual));
  for (u64 table : {tables.early_pg_dir, tables.early_p4d, tables.early_pud, tables.early_pmd})
    for (u64 i = 0; i < 512; ++i)
      if (env.read(table + 8 * i, tgt::Level::kPte) != 0) {
        out.push_back(fmt::format("stale state: set_satp_mode on {}: early table {:#x} slot {} not cleared",
                                  g.name, table, i));
        return out;
      }
  return out;
}

}  // namespace ptfold::harness
