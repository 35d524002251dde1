// The lockless walk of fast GUP (mm/gup.c 6.12: gup_fast_pgd_range ->
// gup_fast_p4d_range -> gup_fast_pud_range -> gup_fast_pmd_range ->
// gup_fast_pte_range) for one page. Every level copies its entry into a
// local on the host stack and hands the helpers that local *by address*, as
// the kernel's macros do with &(pgd) - the pattern behind ZOO-04 and ZOO-05.
// The helpers read those locals through env.read(), so the env must know
// them from stray stack pointers: the walk requires EnvStackCopies
// (targets/env.h).
#pragma once

#include <cstdint>

#include "base/word.h"
#include "targets/linux.h"

namespace ptfold::tgt {

// What the lockless walk reached: the entry pointers it read at each level
// (kernel VAs; a folded level's pointer is its parent's or the folded
// helper's result) and the leaf, if any.
struct GupResult {
  u64 ptr[kLevels] = {};  // pgdp, p4dp, pudp, pmdp, ptep as computed; a
                         // folded level's may be the parent's on-stack copy
  u64 val[kLevels] = {};  // the entry value read at each level
  int depth = -1;          // deepest level whose entry was read
  bool leaf = false;       // a present leaf was found at level `depth`
  u64 leaf_value = 0;
};

namespace gup_detail {

// Where the on-stack copies sit: all four in gup_fast's frame, in one
// 64 KiB-aligned block, each at byte 0x7f8 of its own 16 KiB quarter - the
// same page offsets for every page size in every run. A helper that rounds
// &copy down to its page and re-indexes (ZOO-04) lands on a copy - and the
// bug hides - only at index 255 (4K, 16K pages) or 255 + 2048k (64K pages),
// never one of the decoder's first, last or middle picks, instead of
// wherever ASLR's sub-page stack offset put it (the arm64-lockless-stackcopy
// regression once came out clean that way: its index matched the copy's
// offset by chance). One block, not one per level: ASan clears a frame's
// shadow on return, and four 64 KiB-aligned frames cost fuzz_ops 4% of its
// executions in memset.
struct alignas(65536) StackCopies {
  struct alignas(16384) Quarter {
    unsigned char below[0x7f8];
    u64 v;
  };
  Quarter level[4];  // pgd, p4d, pud, pmd
  u64& pgd() { return level[0].v; }
  u64& p4d() { return level[1].v; }
  u64& pud() { return level[2].v; }
  u64& pmd() { return level[3].v; }
};

template <EnvStackCopies Env>
struct StackCopy {
  Env& env;
  StackCopy(Env& e, const void* p) : env(e) { env.stack_copy_push(reinterpret_cast<u64>(p)); }
  ~StackCopy() { env.stack_copy_pop(); }
  StackCopy(const StackCopy&) = delete;
  StackCopy& operator=(const StackCopy&) = delete;
};

// The local's address escapes into the env (another translation unit), so
// the copy really lives in the frame, as the kernel's does.
template <class Env>
u64 addr_of(const u64& local) {
  return reinterpret_cast<u64>(&local);
}

// The walk has its copy of the entry at `ptr`: from here on the live entry
// may change under it (EnvLocklessRace).
template <class Env>
void copied(Env& env, Level l, u64 ptr) {
  if constexpr (EnvLocklessRace<Env>) env.lockless_snapshot(l, ptr);
}

// gup_fast_pte_range(pmd, pmdp, addr, ...): ptep = pte_offset_map(&pmd, addr).
template <class Env>
void pte_range(LinuxPageTable<u64, Env>& t, u64 pmd_copy_addr, u64 addr, GupResult& r) {
  const u64 ptep = t.pte_offset_kernel(pmd_copy_addr, addr);
  r.ptr[4] = ptep;
  const u64 pte = t.env().read(ptep, Level::kPte);  // ptep_get_lockless
  r.val[4] = pte;
  r.depth = 4;
  if (to_bool(t.pte_present(pte))) {
    r.leaf = true;
    r.leaf_value = pte;
  }
}

template <class Env>
void pmd_range(LinuxPageTable<u64, Env>& t, StackCopies& s, u64 pudp, u64 pud_copy_addr, u64 addr,
               GupResult& r) {
  const u64 pmdp = t.pmd_offset_lockless(pudp, pud_copy_addr, addr);
  r.ptr[3] = pmdp;
  u64& pmd = s.pmd();
  pmd = t.env().read(pmdp, Level::kPmd);  // pmdp_get_lockless
  StackCopy<Env> guard(t.env(), &pmd);
  copied(t.env(), Level::kPmd, pmdp);
  r.val[3] = pmd;
  r.depth = 3;
  if (!to_bool(t.pmd_present(pmd))) return;
  if (to_bool(t.pmd_leaf(pmd))) {
    r.leaf = true;
    r.leaf_value = pmd;
    return;
  }
  pte_range(t, addr_of<Env>(pmd), addr, r);
}

template <class Env>
void pud_range(LinuxPageTable<u64, Env>& t, StackCopies& s, u64 p4dp, u64 p4d_copy_addr, u64 addr,
               GupResult& r) {
  const u64 pudp = t.pud_offset_lockless(p4dp, p4d_copy_addr, addr);
  r.ptr[2] = pudp;
  u64& pud = s.pud();
  pud = t.env().read(pudp, Level::kPud);  // READ_ONCE(*pudp)
  StackCopy<Env> guard(t.env(), &pud);
  copied(t.env(), Level::kPud, pudp);
  r.val[2] = pud;
  r.depth = 2;
  if (!to_bool(t.pud_present(pud))) return;
  if (to_bool(t.pud_leaf(pud))) {
    r.leaf = true;
    r.leaf_value = pud;
    return;
  }
  pmd_range(t, s, pudp, addr_of<Env>(pud), addr, r);
}

template <class Env>
void p4d_range(LinuxPageTable<u64, Env>& t, StackCopies& s, u64 pgdp, u64 pgd_copy_addr, u64 addr,
               GupResult& r) {
  const u64 p4dp = t.p4d_offset_lockless(pgdp, pgd_copy_addr, addr);
  r.ptr[1] = p4dp;
  u64& p4d = s.p4d();
  p4d = t.env().read(p4dp, Level::kP4d);  // READ_ONCE(*p4dp)
  StackCopy<Env> guard(t.env(), &p4d);
  copied(t.env(), Level::kP4d, p4dp);
  r.val[1] = p4d;
  r.depth = 1;
  if (!to_bool(t.p4d_present(p4d))) return;
  pud_range(t, s, p4dp, addr_of<Env>(p4d), addr, r);
}

}  // namespace gup_detail

// gup_fast_pgd_range(addr, addr + PAGE_SIZE) on `mm`. Concrete only.
// Its frame is not ASan-instrumented: for the 64 KiB-aligned copies ASan
// poisoned and cleared the shadow of a 256 KiB frame on every call, and it
// has nothing to add there - every read of the copies, or near them, goes
// through the env's access check first (fuzz/machine.h: only a registered
// copy's own address is readable), so a stray one is reported before the
// host access happens.
template <EnvStackCopies Env>
__attribute__((no_sanitize("address"))) GupResult gup_fast(LinuxPageTable<u64, Env>& t, const Mm<u64>& mm, u64 addr) {
  GupResult r;
  const u64 pgdp = t.pgd_offset(mm, addr);
  r.ptr[0] = pgdp;
  gup_detail::StackCopies s;
  u64& pgd = s.pgd();
  pgd = t.env().read(pgdp, Level::kPgd);  // READ_ONCE(*pgdp)
  gup_detail::StackCopy<Env> guard(t.env(), &pgd);
  gup_detail::copied(t.env(), Level::kPgd, pgdp);
  r.val[0] = pgd;
  r.depth = 0;
  if (to_bool(t.pgd_none(pgd))) return r;
  gup_detail::p4d_range(t, s, pgdp, gup_detail::addr_of<Env>(pgd), addr, r);
  return r;
}

}  // namespace ptfold::tgt
