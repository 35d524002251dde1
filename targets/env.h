// The Env contract: what the Linux helper models (targets/), the generic mm
// code (targets/mm/) and the kernel-tree bridge (targets/kernel/) ask of the
// environment they run in - memory, the page allocator, BUG reporting - as
// C++20 concepts. This header is the contract's one statement; every
// concrete Env static_asserts the concepts it implements next to its class
// (harness/mem_env.h, fuzz/machine.h, fuzz/walk.cc, fuzz/boot_ops.cc,
// solver/sym_env.h), and every model that uses a hook beyond the mandatory
// ones names the concept it needs, so an Env lacking a hook a model needs is
// a compile error, never a check skipped in silence.
//
// Pointers are kernel virtual addresses held in a W, entries descriptor
// values held in a W (targets/linux.h). W is u64 for every concrete Env and
// smt::BV for the symbolic one (solver/sym_env.h).
#pragma once

#include <concepts>

#include "base/word.h"
#include "targets/config.h"

namespace ptfold::tgt {

// struct mmu_gather: the env queues page-table pages here and frees them at
// tlb_finish_mmu() (fuzz/ models the deferred-free protocol).
struct MmuGather {
  void* owner = nullptr;
};

// --- Mandatory: the walk hooks, generic over the word type -----------------
//   W    read(const W& ptr, Level lvl)              READ_ONCE(*ptr)
//   void write(const W& ptr, Level lvl, const W& v) WRITE_ONCE(*ptr, v)
//   W    pa(const W& va) / va(const W& pa)          __pa / __va (linear map)
//   void bug_on(const Bool<W>& cond, const char* helper, const char* what)
//                                                   BUG_ON / VM_BUG_ON
// An access outside every live table is the env's to report (each env says
// what counts as a finding); the models never check it themselves.
template <class E, class W>
concept EnvWalk = requires(E& e, const W& w, Level l, const Bool<W>& cond, const char* s) {
  { e.read(w, l) } -> std::convertible_to<W>;
  e.write(w, l, w);
  { e.pa(w) } -> std::convertible_to<W>;
  { e.va(w) } -> std::convertible_to<W>;
  e.bug_on(cond, s, s);
};

// --- Mandatory: the allocation hooks, concrete (u64) only ------------------
//   u64  get_free_page(Level lvl)                   zeroed page (kernel VA)
//   void free_page(u64 va, const char* helper)      free_page/pagetable_free
//   void pagetable_ctor(u64 va, Level lvl)          pagetable_*_ctor
//   void pagetable_dtor(u64 va, Level lvl)          pagetable_*_dtor
//   u64  pgd_cache_alloc(u64 size)                  kmem_cache_alloc(pgd_cache):
//                                                   an object aligned to its size
//   void pgd_cache_free(u64 va)                     kmem_cache_free
//   void tlb_remove_ptdesc(MmuGather&, u64 va, Level lvl)   deferred free
// The symbolic env provides them as stubs that throw a harness error
// (allocation paths run concretely only; targets/linux.h).
template <class E>
concept EnvAlloc = requires(E& e, u64 p, Level l, const char* s, MmuGather& tlb) {
  { e.get_free_page(l) } -> std::same_as<u64>;
  e.free_page(p, s);
  e.pagetable_ctor(p, l);
  e.pagetable_dtor(p, l);
  { e.pgd_cache_alloc(p) } -> std::same_as<u64>;
  e.pgd_cache_free(p);
  e.tlb_remove_ptdesc(tlb, p, l);
};

// Every Env a LinuxPageTable<W, Env> is built on (its constructor asserts it).
template <class E, class W>
concept LinuxEnv = EnvWalk<E, W> && EnvAlloc<E>;

// --- Capabilities: hooks only some envs have --------------------------------
// Each is its own concept. A model that cannot do without one requires it
// (a compile error on an env without it); one that can names the concept in
// its `if constexpr` and says what it does instead.

// __get_free_pages / free_pages: 2^order zeroed pages aligned to their size
// (x86 PTI's order-1 pgd; the x86 model requires it).
//   u64  get_free_pages(Level lvl, unsigned order)
//   void free_pages(u64 va, unsigned order, const char* helper)
template <class E>
concept EnvHigherOrderPages = requires(E& e, u64 p, Level l, unsigned order, const char* s) {
  { e.get_free_pages(l, order) } -> std::same_as<u64>;
  e.free_pages(p, order, s);
};

// memset(va, 0, PAGE_SIZE) of a table the env handed out, in one call (a
// bounds check and a memset). Without it the models write the page entry by
// entry - the same accesses, each checked.
//   void clear_page(u64 va)
template <class E>
concept EnvClearPage = requires(E& e, u64 p) { e.clear_page(p); };

// The index of the first of n entries at ptr with stop(READ_ONCE(entry)), n
// if none: exactly what n read()s in order return and report. Without it
// the models do the n reads.
//   u64  scan(u64 ptr, u64 n, Level lvl, Stop stop)
template <class E>
concept EnvScan = requires(E& e, u64 p, Level l, bool (*stop)(u64)) {
  { e.scan(p, p, l, stop) } -> std::same_as<u64>;
};

// A read-only swapper_pg_dir: init_mm's pgd once the kernel has booted (0:
// not yet), and the fixmap write into it (arm64 set_swapper_pgd()). An env
// without them has a writable swapper, and the arm64 model writes in place.
//   u64  swapper_pg_dir()
//   void set_swapper_pgd(u64 ptr, u64 v)
template <class E>
concept EnvReadOnlySwapper = requires(E& e, u64 p) {
  { e.swapper_pg_dir() } -> std::convertible_to<u64>;
  e.set_swapper_pgd(p, p);
};

// WARN_ON(cond): reported as a warning. Without it a WARN_ON is reported
// through bug_on() (warn_on_or_bug() below); code that must tell the two apart
// requires the concept.
//   void warn_on(bool cond, const char* helper, const char* what)
template <class E>
concept EnvWarnOn = requires(E& e, bool c, const char* s) { e.warn_on(c, s, s); };

// pXd_ERROR(): a bad entry free_pgd_range() met and clears (the generic mm
// code that clears bad entries requires it).
//   void bad_entry(Level l, u64 ptr, u64 v)
template <class E>
concept EnvBadEntry = requires(E& e, Level l, u64 p) { e.bad_entry(l, p, p); };

// gup_fast's on-stack entry copies: the walk reads them with read() (the
// lockless helpers take the copy by its address), so an env that checks
// reads against its tables must know them (targets/mm/gup.h requires it).
//   void stack_copy_push(u64 addr)
//   void stack_copy_pop()
template <class E>
concept EnvStackCopies = requires(E& e, u64 p) {
  e.stack_copy_push(p);
  e.stack_copy_pop();
};

// A writer racing fast GUP's lockless walk: right after the walk copies an
// entry (READ_ONCE into its stack local) and before it descends, another
// CPU may clear or change the live entry, as free_pgtables() or a collapse
// does; the descent must use the copy. gup_fast tells an env that has it
// each time it took a copy, so the env can be that writer.
//   void lockless_snapshot(Level l, u64 ptr)   the walk copied *ptr (level l)
template <class E>
concept EnvLocklessRace = requires(E& e, Level l, u64 p) { e.lockless_snapshot(l, p); };

// The RISC-V satp CSR: writes follow the CPU's rule (WARL), the swap
// returns the old value (set_satp_mode() requires it).
//   void csr_write_satp(u64 v)
//   u64  csr_swap_satp(u64 v)
template <class E>
concept EnvSatp = requires(E& e, u64 v) {
  e.csr_write_satp(v);
  { e.csr_swap_satp(v) } -> std::convertible_to<u64>;
};

// WARN_ON(cond) through the env's warn_on() where it has one, else as a BUG:
// the check is made either way. `cond` is a Bool<W> of the env's word.
template <class Env, class Cond>
void warn_on_or_bug(Env& env, const Cond& cond, const char* helper, const char* what) {
  if constexpr (EnvWarnOn<Env>)
    env.warn_on(cond, helper, what);
  else
    env.bug_on(cond, helper, what);
}

}  // namespace ptfold::tgt
