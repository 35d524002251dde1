// A small concrete environment for the target models: page-aligned host
// memory as "physical" memory behind a linear map, a pgd_cache that places
// sub-page pgds where asked, and checked accesses. Used by the unit tests and
// `ptfold walk`; the fuzzers use fuzz/'s full machine instead.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "base/word.h"
#include "harness/table_memory.h"
#include "targets/linux.h"

namespace ptfold::harness {

// A helper misbehaved in a way the environment can see (BUG_ON, an access
// outside every allocation, freeing something that was not allocated).
struct EnvError : std::runtime_error {
  EnvError(std::string helper_, std::string what_)
      : std::runtime_error(helper_ + ": " + what_), helper(std::move(helper_)), what_s(std::move(what_)) {}
  std::string helper;
  std::string what_s;
};

class MemEnv {
 public:
  // Where simulated table memory starts; it ends below kSimBase + kSimBytes.
  static constexpr u64 kSimBase = u64{1} << 28;
  static constexpr u64 kSimBytes = u64{1} << 36;
  // `phys_offset` is added to host addresses to form physical addresses, so
  // tables can sit above 2^48 (LPA2) while host pointers stay small.
  // `pgd_slab_offset`: where in its page a sub-page pgd object is placed
  // (a multiple of the object size).
  explicit MemEnv(u64 page_size, u64 phys_offset = 0, u64 pgd_slab_offset = 0);
  ~MemEnv();
  MemEnv(const MemEnv&) = delete;
  MemEnv& operator=(const MemEnv&) = delete;

  // --- tgt Env contract ------------------------------------------------------
  u64 read(u64 ptr, tgt::Level lvl) const;
  void write(u64 ptr, tgt::Level lvl, u64 v);
  u64 pa(u64 va) const { return va + phys_offset_; }
  u64 va(u64 pa) const { return pa - phys_offset_; }
  void bug_on(bool cond, const char* helper, const char* what) const {
    if (cond) throw EnvError(helper, std::string("BUG: ") + what);
  }
  u64 get_free_page(tgt::Level lvl) { return get_free_pages(lvl, 0); }
  void free_page(u64 va, const char* helper) { free_pages(va, 0, helper); }
  // __get_free_pages / free_pages: 2^order pages, aligned to their size.
  u64 get_free_pages(tgt::Level lvl, unsigned order);
  void free_pages(u64 va, unsigned order, const char* helper);
  void pagetable_ctor(u64 va, tgt::Level lvl);
  void pagetable_dtor(u64 va, tgt::Level lvl);
  u64 pgd_cache_alloc(u64 size);
  void pgd_cache_free(u64 va);
  void tlb_remove_ptdesc(tgt::MmuGather&, u64 va, tgt::Level) { free_page(va, "tlb_remove_ptdesc"); }

  // --- reference Mem contract ------------------------------------------------
  u64 read64(u64 pa_, int /*hw*/) const { return read(va(pa_), tgt::Level::kPte); }

  // --- introspection -----------------------------------------------------------
  bool contains(u64 va, u64 len = 8) const;  // len at most 8
  // Lenient mode (for explaining a broken walk): an access outside every
  // object but inside a page the env owns (e.g. the rest of a slab page) is
  // performed, as the kernel would, and the first one is remembered.
  void set_lenient(bool on) { lenient_ = on; }
  const std::string& first_wild_access() const { return wild_; }
  long nr_pagetable() const { return nr_pagetable_; }
  size_t live_allocations() const { return mem_.size(); }
  u64 page_size() const { return page_size_; }

 private:
  // An allocation's own facts beside its range in the memory core.
  struct Alloc {
    void* host_block = nullptr;  // the host block (larger for a slab object: its page)
    u64 block = 0;               // the simulated address of the host block's start
    bool table_typed = false;
  };
  // The live allocations: simulated ranges and the host bytes behind them.
  TableMemory<Alloc> mem_;
  // Simulated addresses from kSimBase upwards, never reused.
  SimAddresses sim_{kSimBase, kSimBytes};
  u64 take_sim(u64 size);
  // The host byte behind simulated address ptr of a len-byte access in an
  // object (or, with in_block, anywhere in an object's host block).
  unsigned char* host_of(u64 ptr, u64 len, bool in_block) const;
  u64 page_size_;
  u64 phys_offset_;
  u64 pgd_slab_offset_;
  long nr_pagetable_ = 0;
  u64 live_bytes_ = 0;  // host memory of live allocations (slab pages whole)
  void charge(tgt::Level lvl, u64 size);
  bool lenient_ = false;
  mutable std::string wild_;
  bool in_host_block(u64 va) const;
  void check_access(u64 ptr, tgt::Level lvl, const char* kind) const;
};

static_assert(tgt::LinuxEnv<MemEnv, u64> && tgt::EnvHigherOrderPages<MemEnv>);

}  // namespace ptfold::harness
