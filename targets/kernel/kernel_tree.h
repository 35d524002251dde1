// KernelTreeTarget: the real page-table helpers of one Linux tree
// configuration (a .so built by tools/ktree/build.sh, loaded with
// KernelObject) behind ptfold's target interface, so every walk, oracle and
// command that runs a model runs the kernel's own code the same way.
//
// The Env supplies the memory: the configuration object gets the Env's arena
// (its struct page array covers it) and takes every page from the Env, so the
// Env's page states, poisoning, quarantine and leak checks apply to what the
// real code allocates and frees. Besides the Env contract of targets/env.h
// (with order-n pages: the kernel allocates them) the Env must offer what
// KernelTreeEnv below names.
// Runtime state enters only through the tgt::Config the harness derives from
// the geometry row (harness::config_for): TCR_EL1.T1SZ/DS and ARM64_HAS_VA52,
// LA57 and PTI, the RISC-V satp mode. Nothing here sets it independently.
#pragma once

#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/word.h"
#include "targets/config.h"
#include "targets/kernel/abi/ptf_abi.h"
#include "targets/linux.h"

namespace ptfold::tgt {

// The ABI header declares the exported object `ptf_ops` next to its type,
// which hides the type's plain name in C++.
using PtfOps = struct ptf_ops;

// One dlopen()ed configuration object (RTLD_LOCAL: its kernel globals stay
// private, so several configurations live in one process).
class KernelObject {
 public:
  // Loads `path` and checks its ABI; throws std::runtime_error naming the
  // file and what is wrong (missing symbol, other ABI version).
  explicit KernelObject(const std::string& path);
  // A configuration object linked into this binary (build.sh --static: its
  // one global is ptf_ops_<config>); `label` names it in errors. The same
  // ABI checks as a loaded one; throws std::runtime_error.
  KernelObject(const PtfOps* linked, std::string label);
  ~KernelObject();
  KernelObject(const KernelObject&) = delete;
  KernelObject& operator=(const KernelObject&) = delete;
  const PtfOps& ops() const { return *ops_; }
  const std::string& path() const { return path_; }

 private:
  void* handle_ = nullptr;
  const PtfOps* ops_ = nullptr;
  std::string path_;
};

// The runtime state of one scenario, from the Config the harness derived from
// the geometry row, and the Env's memory.
ptf_state kernel_state(const Config& cfg, u64 arena_base, u64 arena_size, u64 phys_offset);

// The kernel helper name an ops call stands for, as findings print it.
const char* kernel_offset_helper(Level child);

// The Env a configuration object runs on:
//   u64  arena_base() const, arena_size() const   the simulated memory
//   void report(const char* cls, std::string helper, std::string detail)
//                                                 raise a finding (no return)
template <class E>
concept KernelTreeEnv = LinuxEnv<E, u64> && EnvHigherOrderPages<E> &&
                        requires(E& e, const E& ce, const char* cls, std::string s) {
                          { ce.arena_base() } -> std::convertible_to<u64>;
                          { ce.arena_size() } -> std::convertible_to<u64>;
                          e.report(cls, s, s);
                        };

template <class Env>
class KernelTreeTarget final : public LinuxPageTable<u64, Env> {
  using Base = LinuxPageTable<u64, Env>;
  using B = bool;

 public:
  // Installs the state and the env bridge in the configuration object. One
  // target per object at a time: the object's globals are the kernel's.
  KernelTreeTarget(const Config& cfg, Env& env, const KernelObject& obj)
      : Base(cfg, env), obj_(obj), o_(obj.ops()) {
    static_assert(KernelTreeEnv<Env>, "the kernel-tree bridge needs a KernelTreeEnv");
    penv_.ctx = this;
    penv_.alloc_pages = &cb_alloc_pages;
    penv_.free_pages = &cb_free_pages;
    penv_.pagetable_stat = &cb_pagetable_stat;
    penv_.report = &cb_report;
    // swapper_pg_dir read-only, as in a booted arm64 kernel: the real
    // set_swapper_pgd() writes through the Env, any write in place faults.
    if constexpr (requires(Env& e, u64 p) { e.protect_swapper_pg_dir(p); })
      if (cfg.arch == Arch::kArm64) penv_.set_swapper_pgd = &cb_set_swapper_pgd;
    install();
  }

  // (Re)installs the state and the env bridge: the configuration's runtime
  // starts over (every struct page free, a new swapper_pg_dir from the Env,
  // read-only on arm64, the gather empty), and so does what this target
  // remembers of it. The fuzz runner calls it once per input, after the
  // Env's memory was reset (its phys offset is the input's), and for the
  // target whose geometry the input runs when several share one object.
  void install() {
    typed_.clear();
    fresh_.clear();
    pending_.reset();
    env_error_ = nullptr;
    gathering_ = false;
    nr_pagetable_stat_ = 0;
    helper_ = nullptr;
    const ptf_state st = kernel_state(this->config(), this->env_.arena_base(), this->env_.arena_size(),
                                      this->env_.pa(this->env_.arena_base()) - this->env_.arena_base());
    Scope s(*this, "set_state", Level::kPgd);
    if (o_.set_state(&st, &penv_) != 0) {
      std::string why = pending_ ? pending_->detail : std::string("set_state failed");
      pending_.reset();
      throw std::runtime_error(std::string(o_.config) + ": " + why);
    }
    s.done();
    o_.linux_view(&view_);
    if constexpr (requires(Env& e, u64 p) { e.protect_swapper_pg_dir(p); })
      if (penv_.set_swapper_pgd) this->env_.protect_swapper_pg_dir(o_.swapper_pgd());
  }

  // Whose mmu_gather defers the frees of __pXd_free_tlb(). By default the
  // configuration's runtime queue, freed by tlb_finish_mmu() below (what
  // `check --kernel-tree` drives). With `env` set, every table the real
  // __pXd_free_tlb() queued is handed to the Env's gather at once
  // (env.tlb_remove_ptdesc()): the runtime's queue is flushed right after the
  // call - the kernel's free-time checks of the struct page (Bad page state)
  // run then - and the Env frees the pages at its own tlb_finish_mmu(), so
  // its deferred-free, use-after-free and lockless-free checks apply as to a
  // model (the fuzz runner, which finishes gathers on the Env).
  void set_gather_to_env(bool env) { gather_to_env_ = env; }

  const ptf_view& view() const { return view_; }
  const PtfOps& ops() const { return o_; }
  // Pages PageTable() in the real struct page array (a cross-check of the Env's count).
  u64 nr_pagetable_real() const { return o_.nr_pagetable(); }
  // NR_PAGETABLE from the kernel's own stat updates since set_state.
  long nr_pagetable_stat() const { return nr_pagetable_stat_; }
  // The configuration's swapper_pg_dir (init_mm.pgd), in the arena.
  u64 swapper_pgd() { return o_.swapper_pgd(); }

  // --- Geometry as the running kernel sees it: the real macros ------------------
  bool pgtable_l4_enabled() const override { return view_.l4_enabled; }
  bool pgtable_l5_enabled() const override { return view_.l5_enabled; }
  bool mm_p4d_folded() const override { return view_.folded[1]; }
  bool mm_pud_folded() const override { return view_.folded[2]; }
  bool mm_pmd_folded() const override { return view_.folded[3]; }
  unsigned vabits_actual() const override { return view_.va_bits_actual; }
  unsigned shift(Level l) const override { return view_.shift[idx(l)]; }
  u64 ptrs_per(Level l) const override { return view_.ptrs_per[idx(l)]; }
  bool folded(Level l) const override { return view_.folded[idx(l)]; }
  u64 PGD_SIZE() const override { return view_.pgd_size; }
  bool pgdir_is_page_size() const override { return view_.pgdir_is_page_size; }
  u64 pgd_alloc_size() const override { return view_.pgd_alloc_size; }
  unsigned phys_mask_shift() const override { return view_.phys_mask_shift; }

  // --- The walk ---------------------------------------------------------------
  u64 pgd_offset_pgd(const u64& pgd, const u64& addr) override { return call_offset(Level::kPgd, pgd, addr); }
  u64 p4d_offset(const u64& p, const u64& a) override { return call_offset(Level::kP4d, p, a); }
  u64 pud_offset(const u64& p, const u64& a) override { return call_offset(Level::kPud, p, a); }
  u64 pmd_offset(const u64& p, const u64& a) override { return call_offset(Level::kPmd, p, a); }
  u64 pte_offset_kernel(const u64& p, const u64& a) override { return call_offset(Level::kPte, p, a); }
  u64 p4d_offset_lockless(const u64& p, const u64& c, const u64& a) override { return call_lockless(Level::kP4d, p, c, a); }
  u64 pud_offset_lockless(const u64& p, const u64& c, const u64& a) override { return call_lockless(Level::kPud, p, c, a); }
  u64 pmd_offset_lockless(const u64& p, const u64& c, const u64& a) override { return call_lockless(Level::kPmd, p, c, a); }

  // --- Entry tests: pure functions of the value in the real headers -------------
  B pgd_none(const u64& v) const override { return o_.none(PTF_PGD, v); }
  B p4d_none(const u64& v) const override { return o_.none(PTF_P4D, v); }
  B pud_none(const u64& v) const override { return o_.none(PTF_PUD, v); }
  B pmd_none(const u64& v) const override { return o_.none(PTF_PMD, v); }
  B pte_none(const u64& v) const override { return o_.none(PTF_PTE, v); }
  B pgd_bad(const u64& v) const override { return o_.bad(PTF_PGD, v); }
  B p4d_bad(const u64& v) const override { return o_.bad(PTF_P4D, v); }
  B pud_bad(const u64& v) const override { return o_.bad(PTF_PUD, v); }
  B pmd_bad(const u64& v) const override { return o_.bad(PTF_PMD, v); }
  B pgd_present(const u64& v) const override { return o_.present(PTF_PGD, v); }
  B p4d_present(const u64& v) const override { return o_.present(PTF_P4D, v); }
  B pud_present(const u64& v) const override { return o_.present(PTF_PUD, v); }
  B pmd_present(const u64& v) const override { return o_.present(PTF_PMD, v); }
  B pte_present(const u64& v) const override { return o_.present(PTF_PTE, v); }
  B pud_leaf(const u64& v) const override { return o_.leaf(PTF_PUD, v); }
  B pmd_leaf(const u64& v) const override { return o_.leaf(PTF_PMD, v); }
  u64 pgd_page_paddr(const u64& v) const override { return o_.page_paddr(PTF_PGD, v); }
  u64 p4d_page_paddr(const u64& v) const override { return o_.page_paddr(PTF_P4D, v); }
  u64 pud_page_paddr(const u64& v) const override { return o_.page_paddr(PTF_PUD, v); }
  u64 pmd_page_paddr(const u64& v) const override { return o_.page_paddr(PTF_PMD, v); }
  u64 pte_to_phys_leaf(const u64& v) const override { return o_.page_paddr(PTF_PTE, v); }

  // --- Updates through the real setters ------------------------------------------
  void set_pgd(const u64& p, const u64& v) override { call_set("set_pgd", Level::kPgd, p, v); }
  void set_p4d(const u64& p, const u64& v) override { call_set("set_p4d", Level::kP4d, p, v); }
  void set_pud(const u64& p, const u64& v) override { call_set("set_pud", Level::kPud, p, v); }
  void set_pmd(const u64& p, const u64& v) override { call_set("set_pmd", Level::kPmd, p, v); }
  void set_pte(const u64& p, const u64& v) override { call_set("set_pte", Level::kPte, p, v); }
  void pgd_clear(const u64& p) override { call_clear("pgd_clear", Level::kPgd, p); }
  void p4d_clear(const u64& p) override { call_clear("p4d_clear", Level::kP4d, p); }
  void pud_clear(const u64& p) override { call_clear("pud_clear", Level::kPud, p); }
  void pmd_clear(const u64& p) override { call_clear("pmd_clear", Level::kPmd, p); }
  void pte_clear(const u64& p) override { call_clear("pte_clear", Level::kPte, p); }
  void pgd_populate(const Mm<u64>& mm, const u64& p, const u64& c) override { call_populate("pgd_populate", mm, Level::kPgd, p, c); }
  void p4d_populate(const Mm<u64>& mm, const u64& p, const u64& c) override { call_populate("p4d_populate", mm, Level::kP4d, p, c); }
  void pud_populate(const Mm<u64>& mm, const u64& p, const u64& c) override { call_populate("pud_populate", mm, Level::kPud, p, c); }
  void pmd_populate(const Mm<u64>& mm, const u64& p, const u64& c) override {
    call_populate(mm.init_mm ? "pmd_populate_kernel" : "pmd_populate", mm, Level::kPmd, p, c);
  }
  u64 mk_leaf(Level l, const u64& pa) const override { return o_.mk_leaf(idx(l), pa); }
  u64 __phys_to_pte_val(const u64& pa) const override { return o_.phys_to_pte_val(pa); }
  u64 __pte_to_phys(const u64& v) const override { return o_.pte_to_phys(v); }
  u64 hw_root(const u64& pgd_pa, bool upper) const override { return o_.hw_root(pgd_pa, upper); }
  // x86 PTI: the user half's CR3 names the second page of the pgd, the
  // shadow copy kernel_to_user_pgdp() writes; the real pgd setters keep it.
  u64 hw_entry_ptr(Level l, const u64& ptr, const u64& addr) const override {
    // (arch/x86/include/asm/pgtable_64.h kernel_to_user_pgdp(): set bit PAGE_SHIFT)
    if (this->config().arch != Arch::kX86_64 || view_.pgd_alloc_size != 2 * this->PAGE_SIZE()) return ptr;
    const bool in_pgd_page = l == Level::kPgd || (l == Level::kP4d && folded(Level::kP4d));
    if (!in_pgd_page || (addr >> 63) != 0) return ptr;
    return ptr | this->PAGE_SIZE();
  }
  bool swapper_pg_dir_read_only() const override { return penv_.set_swapper_pgd != nullptr; }
  bool has_fast_gup() const override { return o_.has_fast_gup != 0; }

  // --- Allocation through the real code ---------------------------------------
  // init_mm's pgd is swapper_pg_dir (the kernel never allocates it); any
  // other mm's comes from the real pgd_alloc().
  u64 pgd_alloc(Mm<u64>& mm) override {
    if (mm.init_mm) return o_.swapper_pgd();
    Scope s(*this, "pgd_alloc", Level::kPgd);
    ptf_mm m = to_ptf(mm);
    const u64 pgd = o_.pgd_alloc(&m);
    s.done();
    return pgd;
  }
  void pgd_free(Mm<u64>& mm, u64 pgd) override {
    if (mm.init_mm && pgd == o_.swapper_pgd()) return;  // never freed
    Scope s(*this, "pgd_free", Level::kPgd);
    ptf_mm m = to_ptf(mm);
    o_.pgd_free(&m, pgd);
    s.done();
  }
  u64 p4d_alloc_one(Mm<u64>& mm, u64 a) override { return call_alloc("p4d_alloc_one", mm, Level::kP4d, a); }
  u64 pud_alloc_one(Mm<u64>& mm, u64 a) override { return call_alloc("pud_alloc_one", mm, Level::kPud, a); }
  u64 pmd_alloc_one(Mm<u64>& mm, u64 a) override { return call_alloc("pmd_alloc_one", mm, Level::kPmd, a); }
  u64 pte_alloc_one(Mm<u64>& mm) override {
    return call_alloc(mm.init_mm ? "pte_alloc_one_kernel" : "pte_alloc_one", mm, Level::kPte, 0);
  }
  void p4d_free(Mm<u64>& mm, u64 t) override { call_free("p4d_free", mm, Level::kP4d, t); }
  void pud_free(Mm<u64>& mm, u64 t) override { call_free("pud_free", mm, Level::kPud, t); }
  void pmd_free(Mm<u64>& mm, u64 t) override { call_free("pmd_free", mm, Level::kPmd, t); }
  void pte_free(Mm<u64>& mm, u64 t) override { call_free(mm.init_mm ? "pte_free_kernel" : "pte_free", mm, Level::kPte, t); }
  // __pXd_free_tlb: queued in the configuration's real mmu_gather; the
  // pages go back to the Env at tlb_finish_mmu().
  void __p4d_free_tlb(MmuGather& g, Mm<u64>& mm, u64 t, u64 a) override { call_free_tlb("__p4d_free_tlb", g, mm, Level::kP4d, t, a); }
  void __pud_free_tlb(MmuGather& g, Mm<u64>& mm, u64 t, u64 a) override { call_free_tlb("__pud_free_tlb", g, mm, Level::kPud, t, a); }
  void __pmd_free_tlb(MmuGather& g, Mm<u64>& mm, u64 t, u64 a) override { call_free_tlb("__pmd_free_tlb", g, mm, Level::kPmd, t, a); }
  void __pte_free_tlb(MmuGather& g, Mm<u64>& mm, u64 t, u64 a) override { call_free_tlb("__pte_free_tlb", g, mm, Level::kPte, t, a); }
  // --- Boot helpers taken from the tree (ops.early_p4d_offset != NULL) -------------
  // x86 KASAN early_p4d_offset(pgdp, addr) with PAGE_OFFSET and phys_base as
  // they are that early in boot; the p4d entry pointer in the image mapping.
  u64 early_p4d_offset(u64 pgdp, u64 addr, u64 page_offset_base, u64 phys_base) {
    Scope s(*this, "early_p4d_offset", Level::kP4d);
    const u64 r = o_.early_p4d_offset(pgdp, addr, page_offset_base, phys_base);
    s.done();
    return r;
  }
  // arm64 arch_get_mappable_range() of the tree (ops.mappable_range), with
  // memstart_addr = phys_offset; the kernel's __weak fallback where the
  // object has none.
  bool has_mappable_range() const { return o_.mappable_range != nullptr; }
  PhysRange arch_get_mappable_range(u64 phys_offset) override {
    if (!o_.mappable_range) return Base::arch_get_mappable_range(phys_offset);
    Scope s(*this, "arch_get_mappable_range", Level::kPgd);
    ptf_u64 start = 0, end = 0;
    o_.mappable_range(phys_offset, &start, &end);
    s.done();
    return {start, end};
  }
  // tlb_finish_mmu(): the configuration frees what its gather queued.
  void tlb_finish_mmu() {
    Scope s(*this, "tlb_finish_mmu", Level::kPte);
    o_.tlb_finish();
    gathering_ = false;
    s.done();
  }

 private:
  static int idx(Level l) { return static_cast<int>(l); }
  static ptf_mm to_ptf(const Mm<u64>& mm) { return ptf_mm{mm.pgd, mm.init_mm ? 1 : 0}; }

  // What the configuration reported during one ops call, raised when the call
  // returns (the C frames are not unwound through).
  struct Pending {
    std::string cls, helper, detail;
  };

  // One ops call: names the kernel helper (every report and Env call made
  // from inside it is about that helper) and raises what was reported once
  // the call returned. done() must be reached; an exception leaves it.
  class Scope {
   public:
    Scope(KernelTreeTarget& t, const char* helper, Level lvl)
        : t_(t), prev_helper_(t.helper_), prev_level_(t.level_) {
      t_.helper_ = helper;
      t_.level_ = lvl;
    }
    ~Scope() {
      t_.helper_ = prev_helper_;
      t_.level_ = prev_level_;
    }
    void done() {
      t_.sync_new_tables();
      t_.helper_ = prev_helper_;
      t_.level_ = prev_level_;
      t_.raise_pending();
    }

   private:
    KernelTreeTarget& t_;
    const char* prev_helper_;
    Level prev_level_;
  };

  // The Env learns that a page became a page table from the real struct
  // page (PageTable() after the call that allocated it), and that it stopped
  // being one when it comes back: the NR_PAGETABLE stat the kernel updates
  // names no page on configurations without MEMCG, and the kernel does not
  // say which level a ctor was for - the call does.
  void sync_new_tables() {
    for (const auto& fresh : fresh_) {
      const u64 va = fresh.first;
      const Level lvl = fresh.second;
      if (o_.page_is_table(va) && typed_.insert(va).second)
        guarded([&]() -> int { this->env_.pagetable_ctor(va, lvl); return 0; }, 0);
    }
    fresh_.clear();
  }
  void sync_freed_table(u64 va) {
    for (size_t i = 0; i < fresh_.size(); ++i)
      if (fresh_[i].first == va) {
        fresh_.erase(fresh_.begin() + static_cast<long>(i));
        break;
      }
    const bool real = o_.page_is_table(va);
    auto it = typed_.find(va);
    if (it != typed_.end() && !real) {
      this->env_.pagetable_dtor(va, level_);
    } else if (it == typed_.end() && real) {
      // Typed in the same call it is freed in: the Env must see the type
      // it is freed with.
      this->env_.pagetable_ctor(va, level_);
    }
    if (it != typed_.end()) typed_.erase(it);
  }

  void raise_pending() {
    if (env_error_) {
      std::exception_ptr e = env_error_;
      env_error_ = nullptr;
      pending_.reset();
      std::rethrow_exception(e);
    }
    if (pending_) {
      Pending p = std::move(*pending_);
      pending_.reset();
      this->env_.report(p.cls.c_str(), p.helper, p.detail);
      throw std::logic_error("ptfold: internal: Env::report returned");
    }
  }

  u64 call_offset(Level child, u64 parentp, u64 addr) {
    Scope s(*this, kernel_offset_helper(child), child);
    const u64 r = o_.offset(idx(child), parentp, addr);
    s.done();
    return r;
  }
  u64 call_lockless(Level child, u64 parentp, u64 copy, u64 addr) {
    Scope s(*this, child == Level::kP4d ? "p4d_offset_lockless"
                   : child == Level::kPud ? "pud_offset_lockless" : "pmd_offset_lockless", child);
    const u64 r = o_.offset_lockless(idx(child), parentp, copy, addr);
    s.done();
    return r;
  }
  void call_set(const char* helper, Level l, u64 p, u64 v) {
    Scope s(*this, helper, l);
    o_.set(idx(l), p, v);
    s.done();
  }
  void call_clear(const char* helper, Level l, u64 p) {
    Scope s(*this, helper, l);
    o_.clear(idx(l), p);
    s.done();
  }
  void call_populate(const char* helper, const Mm<u64>& mm, Level l, u64 p, u64 child) {
    Scope s(*this, helper, l);
    const ptf_mm m = to_ptf(mm);
    o_.populate(&m, idx(l), p, child);
    s.done();
  }
  u64 call_alloc(const char* helper, const Mm<u64>& mm, Level l, u64 addr) {
    Scope s(*this, helper, l);
    const ptf_mm m = to_ptf(mm);
    const u64 r = o_.alloc_one(&m, idx(l), addr);
    s.done();
    return r;
  }
  void call_free(const char* helper, const Mm<u64>& mm, Level l, u64 t) {
    Scope s(*this, helper, l);
    const ptf_mm m = to_ptf(mm);
    o_.free_one(&m, idx(l), t);
    s.done();
  }
  void call_free_tlb(const char* helper, MmuGather& g, const Mm<u64>& mm, Level l, u64 t, u64 a) {
    Scope s(*this, helper, l);
    if (!gathering_) {
      const ptf_mm m = to_ptf(mm);
      o_.tlb_gather(&m);
      gathering_ = true;
    }
    o_.free_tlb(idx(l), t, a);
    if (gather_to_env_) {
      // The runtime's queue (tlb_remove_table()) goes to the Env's gather:
      // cb_free_pages() sees in_env_gather_ and queues instead of freeing.
      in_env_gather_ = &g;
      o_.tlb_finish();
      in_env_gather_ = nullptr;
      gathering_ = false;
    }
    s.done();
  }

  // --- the ptf_env bridge (called from inside the configuration object) -------
  static KernelTreeTarget& self(void* ctx) { return *static_cast<KernelTreeTarget*>(ctx); }
  // Runs an Env call from a callback; an Env exception is kept for the end of
  // the ops call (the first one wins) and the callback returns `fail`.
  template <class F>
  auto guarded(F&& f, decltype(f()) fail) noexcept -> decltype(f()) {
    try {
      return f();
    } catch (...) {
      if (!env_error_ && !pending_) env_error_ = std::current_exception();
      return fail;
    }
  }
  static ptf_u64 cb_alloc_pages(void* ctx, unsigned order, const char*) {
    KernelTreeTarget& t = self(ctx);
    return t.guarded(
        [&]() -> u64 {
          const u64 va = order == 0 ? t.env_.get_free_page(t.level_) : t.env_.get_free_pages(t.level_, order);
          // The kernel writes entries directly, past the Env's write(); the
          // page is handed over zeroed whatever the Env remembers of it.
          if (va) {
            std::memset(reinterpret_cast<void*>(va), 0, t.PAGE_SIZE() << order);
            t.fresh_.push_back({va, t.level_});
          }
          return va;
        },
        u64{0});
  }
  static void cb_free_pages(void* ctx, ptf_u64 va, unsigned order, const char* helper) {
    KernelTreeTarget& t = self(ctx);
    // Frees reached through the mmu_gather name the gather path; every other
    // one the helper the harness called.
    const char* h = t.helper_ && std::strcmp(t.helper_, "tlb_finish_mmu") != 0 ? t.helper_ : helper;
    t.guarded(
        [&]() -> int {
          t.sync_freed_table(va);
          if (t.in_env_gather_ && order == 0) t.env_.tlb_remove_ptdesc(*t.in_env_gather_, va, t.level_);
          else if (order == 0) t.env_.free_page(va, h);
          else t.env_.free_pages(va, order, h);
          return 0;
        },
        0);
  }
  static void cb_set_swapper_pgd(void* ctx, ptf_u64 ptr, ptf_u64 v) {
    KernelTreeTarget& t = self(ctx);
    t.guarded([&]() -> int { t.env_.set_swapper_pgd(ptr, v); return 0; }, 0);
  }
  // NR_PAGETABLE as the kernel counts it (the real lruvec/node stat).
  static void cb_pagetable_stat(void* ctx, ptf_u64, long delta) { self(ctx).nr_pagetable_stat_ += delta; }
  static void cb_report(void* ctx, const char* cls, const char* helper, const char* text) {
    KernelTreeTarget& t = self(ctx);
    if (cls && std::strcmp(cls, "printk") == 0) return;  // a kernel message, not a finding
    if (t.pending_ || t.env_error_) return;  // the first report of a call wins
    Pending p;
    p.cls = report_class(cls);
    p.helper = t.helper_ ? t.helper_ : (helper ? helper : "?");
    // A store into the read-only swapper is set_pXd()'s, inlined into the
    // helper the harness called: named as the model names it.
    if (p.cls == "ro-write" && t.helper_) p.helper = std::string("set_") + level_name(t.level_);
    p.detail = text ? text : "";
    if (helper && p.helper != helper) p.detail += std::string("\n(reported in ") + helper + ")";
    t.pending_ = std::move(p);
  }
  // The kernel's report kinds as ptfold finding classes (fuzz/finding.h).
  static std::string report_class(const char* cls) {
    if (!cls) return "bug-on";
    if (std::strcmp(cls, "BUG") == 0) return "bug-on";
    if (std::strcmp(cls, "WARN") == 0) return "warn";
    return cls;
  }

  const KernelObject& obj_;
  const PtfOps& o_;
  ptf_env penv_{};
  ptf_view view_{};
  const char* helper_ = nullptr;
  Level level_ = Level::kPgd;
  bool gathering_ = false;
  bool gather_to_env_ = false;
  MmuGather* in_env_gather_ = nullptr;  // set while the runtime's queue goes to the Env's gather
  long nr_pagetable_stat_ = 0;
  std::vector<std::pair<u64, Level>> fresh_;  // pages allocated by the current call
  std::set<u64> typed_;                       // pages the Env was told are tables
  std::optional<Pending> pending_;
  std::exception_ptr env_error_;
};

}  // namespace ptfold::tgt
