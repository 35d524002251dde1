// fuzz_walk: a fixed set of host pages per page size, tables placed where
// the input says, entries zeroed again after every input.
#include "fuzz/walk.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include <sys/mman.h>

#include "base/fixed_map.h"

#include "fuzz/decode.h"
#include "fuzz/external.h"
#include "fuzz/runner.h"
#include "fuzz/reader.h"
#include "harness/compare.h"
#include "harness/table_memory.h"
#include "reference/dispatch.h"
#include "targets/variants.h"

namespace ptfold::fuzz {

using tgt::Level;

namespace {

// The Env of fuzz_walk: eight pages - two for the pgd (a page, a slab
// object or x86 PTI's order-1 pair), six for the other tables - with
// accesses checked against the tables handed out (the memory core,
// harness/table_memory.h) and the entries written zeroed after each input.
class WalkEnv {
 public:
  static constexpr int kPages = 8;
  static constexpr int kTablePages = 6;
  // The pages sit, with an inaccessible page on each side, at a fixed
  // address (base/fixed_map.h: the same addresses and PAs in findings on
  // every run), aligned to two pages (x86 PTI's order-1 pgd).
  explicit WalkEnv(unsigned page_shift)
      : page_size_(u64{1} << page_shift),
        map_((u64{0x7c} << 40) + (u64{page_shift} << 32), (kPages + 4) * page_size_),
        base_(reinterpret_cast<unsigned char*>(map_.aligned(2 * page_size_, page_size_))) {
    if (mprotect(base_ - page_size_, page_size_, PROT_NONE) != 0 ||
        mprotect(base_ + kPages * page_size_, page_size_, PROT_NONE) != 0)
      throw std::bad_alloc();
  }
  WalkEnv(const WalkEnv&) = delete;
  WalkEnv& operator=(const WalkEnv&) = delete;

  void begin(const std::string* geometry, u64 phys_offset, unsigned pgd_slot, unsigned seed) {
    geometry_ = geometry;
    phys_offset_ = phys_offset;
    pgd_slot_ = pgd_slot;
    mem_.clear();
    pgd_va_ = pgd_size_ = 0;
    // A permutation of pages 2..7 for the next-level tables; pages 0-1 hold the pgd.
    for (int i = 0; i < kTablePages; ++i) order_[i] = i + 2;
    for (int i = kTablePages - 1; i > 0; --i) {
      const int j = static_cast<int>(seed % static_cast<unsigned>(i + 1));
      seed /= static_cast<unsigned>(i + 1);
      std::swap(order_[i], order_[j]);
    }
    next_ = 0;
  }
  void end() {
    written_.zero([this] { std::memset(base_, 0, kPages * page_size_); });
  }

  // --- tgt Env contract ------------------------------------------------------
  u64 read(u64 ptr, Level lvl) {
    const unsigned char* h = host(ptr);
    if (!h) wild(ptr, lvl, "read");
    return Mem::load(h);
  }
  void write(u64 ptr, Level lvl, u64 v) {
    unsigned char* h = host(ptr);
    if (!h) wild(ptr, lvl, "write");
    Mem::store(h, v);
    written_.note(h);
  }
  u64 pa(u64 va) const { return va + phys_offset_; }
  u64 va(u64 pa) const { return pa - phys_offset_; }
  void bug_on(bool cond, const char* helper, const char* what) {
    if (cond) raise("bug-on", helper, fmt::format("kernel BUG at {}: {}", helper, what));
  }
  u64 get_free_page(Level l) {
    if (l == Level::kPgd) return add_table(page(0), page_size_);
    // One VA needs one table per level: more is a helper allocating without end.
    if (next_ >= kTablePages)
      raise("alloc-limit", std::string(tgt::level_name(l)) + "_alloc_one",
            fmt::format("expected: at most {} table pages to map one address\nactual:   {} asks for more",
                        kTablePages, tgt::level_name(l)));
    return add_table(page(order_[next_++]), page_size_);
  }
  u64 get_free_pages(Level l, unsigned order) {
    if (order == 0) return get_free_page(l);
    if (l != Level::kPgd || order > 1)
      raise("alloc-limit", std::string(tgt::level_name(l)) + "_alloc_one",
            fmt::format("expected: order-0 tables (order 1 for an x86 PTI pgd)\nactual:   an order-{} {} table",
                        order, tgt::level_name(l)));
    return add_table(page(0), 2 * page_size_);
  }
  void free_pages(u64, unsigned, const char*) {}
  void free_page(u64, const char*) {}
  void pagetable_ctor(u64, Level) {}
  void pagetable_dtor(u64, Level) {}
  u64 pgd_cache_alloc(u64 size) {
    const u64 per_page = page_size_ / size;
    return add_table(page(0) + (pgd_slot_ % per_page) * size, size);
  }
  void pgd_cache_free(u64) {}
  void tlb_remove_ptdesc(tgt::MmuGather&, u64, Level) {}

  // --- reference Mem contract --------------------------------------------------
  u64 read64(u64 pa_, int) {
    const unsigned char* h = host(va(pa_));
    return h ? Mem::load(h) : 0;
  }

 private:
  using Mem = harness::TableMemory<harness::NoTableInfo, kPages>;
  u64 page(int i) const { return reinterpret_cast<u64>(base_) + static_cast<u64>(i) * page_size_; }
  // The tables' addresses are their host addresses.
  u64 add_table(u64 va_, u64 size) {
    if (mem_.size() == 0) pgd_va_ = va_, pgd_size_ = size;  // pgd_alloc() comes first
    mem_.add(va_, size, reinterpret_cast<unsigned char*>(va_));
    return va_;
  }
  // An 8-byte aligned entry inside a table handed out for this input.
  unsigned char* host(u64 ptr) const { return (ptr & 7) ? nullptr : mem_.host_of(ptr); }
  // Out of line: no strings in read()'s frame for ASan to poison per access.
  [[noreturn, gnu::cold, gnu::noinline]] void wild(u64 ptr, Level lvl, const char* op) const {
    raise("wild-access", offset_helper(lvl),
          fmt::format("expected: {} of a {} entry inside a page-table page or the pgd object\n"
                      "actual:   {} at {:#x}, outside all {} tables (pgd at {:#x}, {} bytes)",
                      op, tgt::level_name(lvl), op, ptr, mem_.size(), pgd_va_, pgd_size_));
  }
  [[noreturn]] void raise(const char* cls, std::string helper, std::string detail) const {
    Finding f(cls, std::move(helper), std::move(detail));
    f.geometry = *geometry_;
    throw f;
  }

  u64 page_size_;
  FixedMapping map_;
  unsigned char* base_;
  const std::string* geometry_ = nullptr;
  u64 phys_offset_ = 0;
  unsigned pgd_slot_ = 0;
  int order_[kTablePages] = {};
  int next_ = 0;
  Mem mem_;
  u64 pgd_va_ = 0, pgd_size_ = 0;
  // One walk writes an entry per level; past 16 the eight pages are zeroed.
  harness::WriteLog<16> written_;
};

static_assert(tgt::LinuxEnv<WalkEnv, u64> && tgt::EnvHigherOrderPages<WalkEnv>);

WalkEnv& env_for(unsigned page_shift) {
  static std::unique_ptr<WalkEnv> envs[3];
  const int i = page_shift == 12 ? 0 : page_shift == 14 ? 1 : 2;
  if (!envs[i]) envs[i] = std::make_unique<WalkEnv>(page_shift);
  return *envs[i];
}

using Table = tgt::LinuxPageTable<u64, WalkEnv>;

// One instantiated variant per (pair) and its PA facts, built on first use.
struct PairCache {
  std::unique_ptr<Table> t;
  const tgt::VariantInfo* variant = nullptr;
  const ref::Geometry* geometry = nullptr;
  unsigned pa_bits = 48;
  const harness::LinuxView* view = nullptr;
  StaticVec<u64, 3> offsets;
};

std::string case_text(const WalkCase& c) {
  return fmt::format(
      "variant {}\ngeometry {}\nwalk half={} va={:#x} leaf={} pa={:#x} round-trip-pa={:#x}\n"
      "placement phys={:#x} pgd-slot={} table-seed={}\n",
      c.variant, c.geometry, c.half, c.va, tgt::level_name(c.leaf), c.pa, c.round_trip_pa, c.phys_offset,
      c.pgd_slot, c.table_seed);
}

// The reports, out of line and cold: their strings and fmt arguments would
// otherwise sit in the hot frame, where ASan poisons and unpoisons every
// local's scope on each input.
[[noreturn, gnu::cold, gnu::noinline]] void fail(const ref::Geometry& g, const char* cls, std::string helper,
                                                 std::string detail) {
  Finding f(cls, std::move(helper), std::move(detail));
  f.geometry = g.name;
  throw f;
}

[[noreturn, gnu::cold, gnu::noinline]] void fail_level(const ref::Geometry& g, const ref::Half& h, u64 va,
                                                       const harness::LevelCompare<u64>& lc) {
  const auto l = static_cast<Level>(lc.reader);
  const std::string helper = offset_helper(l);
  fail(g, "walk-mismatch", helper,
       fmt::format("va {:#x} ({}): at hardware level {} the {} entry\n"
                   "expected: pa {:#x} (the entry the hardware reads)\nactual:   pa {:#x} (the entry {} computes)",
                   va, h.name, g.hw[lc.hw].name, tgt::level_name(l), lc.hw_entry, lc.linux_entry_pa, helper));
}

[[noreturn, gnu::cold, gnu::noinline]] void fail_translation(const ref::Geometry& g, const ref::Half& h, u64 va,
                                                             Level leaf, u64 want_pa, u64 lsize,
                                                             const ref::WalkResult<u64>& hw) {
  fail(g, "walk-mismatch", "__phys_to_pte_val",
       fmt::format("va {:#x} ({}) mapped by a {} entry\nexpected: pa {:#x}, {:#x}-byte leaf\n"
                   "actual:   {}",
                   va, h.name, tgt::level_name(leaf), want_pa, lsize,
                   hw.ok() ? fmt::format("pa {:#x}, {:#x}-byte leaf", hw.oa, hw.leaf_size)
                           : fmt::format("{} fault at {}", ref::fault_name(hw.fault),
                                         hw.fault_hw >= 0 ? g.hw[hw.fault_hw].name : std::string("(root)"))));
}

[[noreturn, gnu::cold, gnu::noinline]] void fail_round_trip(const ref::Geometry& g, u64 pa, u64 back) {
  fail(g, "round-trip", "__pte_to_phys",
       fmt::format("expected: __pte_to_phys(__phys_to_pte_val({:#x})) == {:#x}\nactual:   {:#x}", pa, pa, back));
}

// One walk case on a target in its env (fuzz_walk's WalkEnv for a model,
// the machine for real code): the path built as pXd_alloc() does, the Linux
// walk against the hardware walk, the translation, a descriptor round trip.
// A difference is thrown as a Finding.
template <class Env>
void walk_case(tgt::LinuxPageTable<u64, Env>& t, Env& env, const ref::Geometry& g, const harness::LinuxView& view,
               const WalkCase& c, const ref::Half& h, u64 in_page, u64 lsize) {
  tgt::Mm<u64> mm;
  mm.init_mm = h.upper;
  mm.pgd = t.pgd_alloc(mm);
  // The path to the leaf, built as pXd_alloc() does (without the per-mm
  // counters, fuzz_ops' business): a table where the parent entry is
  // pXd_none - never at a folded level, whose pXd_none is 0 - then
  // pXd_offset. lw.ptr is the Linux walk of va: va and c.va differ below
  // the leaf only, so their entries are the same.
  harness::LinuxWalk<u64> lw;
  const u64 va = c.va + in_page;
  lw.addr = va;
  lw.ptr[0] = t.pgd_offset(mm, c.va);
  for (int i = 1; i <= static_cast<int>(c.leaf); ++i) {
    const auto l = static_cast<Level>(i), parent = static_cast<Level>(i - 1);
    if (t.none(parent, env.read(lw.ptr[i - 1], parent)))
      t.populate(mm, parent, lw.ptr[i - 1], t.alloc_one(mm, l, c.va));
    lw.ptr[i] = t.offset(l, lw.ptr[i - 1], c.va);
  }
  t.set(c.leaf, lw.ptr[static_cast<int>(c.leaf)], t.mk_leaf(c.leaf, c.pa));

  const ref::WalkResult<u64> hw = ref::walk_half(g, c.half, va, t.hw_root(env.pa(mm.pgd), h.upper), env);
  // A hardware walk that went on below the leaf (a leaf encoded as a table)
  // is compared at those levels too.
  int depth = -1;
  for (const auto& st : hw.steps) depth = std::max(depth, static_cast<int>(view.reader_of(st.hw)));
  for (int i = static_cast<int>(c.leaf) + 1; i <= depth; ++i)
    lw.ptr[i] = t.offset(static_cast<Level>(i), lw.ptr[i - 1], va);
  for (const auto& lc : harness::level_compares(view, t, lw, hw))
    if (!lc.equal) fail_level(g, h, va, lc);
  if (!hw.ok() || hw.oa != c.pa + in_page || hw.leaf_size != lsize)
    fail_translation(g, h, va, c.leaf, c.pa + in_page, lsize, hw);
  const u64 back = t.__pte_to_phys(t.__phys_to_pte_val(c.round_trip_pa));
  if (back != c.round_trip_pa) fail_round_trip(g, c.round_trip_pa, back);
}

}  // namespace

bool run_walk_input(const uint8_t* data, size_t size, const std::vector<harness::Pair>& pairs,
                    std::optional<Finding>* finding, std::string* trace) {
  if (size < 2 || pairs.empty()) return false;
  // One entry per pair of `pairs` (the process-wide selection: its address
  // and size identify it), rebuilt when a caller passes another selection.
  static const std::vector<harness::Pair>* cached_for = nullptr;
  static std::vector<PairCache> cache;
  if (cached_for != &pairs || cache.size() != pairs.size()) {
    cache.clear();
    cache.resize(pairs.size());
    cached_for = &pairs;
  }
  Reader r(data, size);
  const size_t pi = r.u8() % pairs.size();
  const harness::Pair& p = pairs[pi];
  const ref::Geometry& g = *p.geometry;
  WalkEnv& env = env_for(g.page_shift);
  PairCache& pc = cache[pi];
  if (!pc.view || pc.variant != p.variant || pc.geometry != p.geometry) {
    if (!external_target(*p.variant)) pc.t = tgt::make_variant<u64>(p.variant->name, harness::config_for(g), env);
    pc.variant = p.variant;
    pc.geometry = p.geometry;
    pc.view = &harness::linux_view(p.variant->name, g);
    pc.pa_bits = pa_bits_of(pc.view->phys_mask_shift, g);
    pc.offsets = phys_offsets_for(pc.pa_bits);
  }
  const harness::LinuxView& view = *pc.view;

  WalkCase c;
  c.variant = p.variant->name;
  c.geometry = g.name;
  const uint8_t opt = r.u8();
  c.phys_offset = pc.offsets[(opt & 3) % pc.offsets.size()];
  c.half = (opt >> 2) & 1 ? 1 : 0;
  if (c.half >= static_cast<int>(g.halves.size())) c.half = 0;
  c.leaf = static_cast<Level>(4 - ((opt >> 3) & 3) % 3);  // pte, pmd or pud
  if (!block_allowed(view, c.leaf)) c.leaf = Level::kPte;
  c.pgd_slot = r.u8();
  c.table_seed = r.u8();
  const ref::Half& h = g.halves[static_cast<size_t>(c.half)];
  const u64 lsize = leaf_size(view, c.leaf);
  c.va = decode_va(r, g, h) & ~(lsize - 1);
  const u64 pa_mask = (u64{1} << pc.pa_bits) - 1;
  c.pa = (r.u40le() << g.page_shift) & pa_mask & ~(lsize - 1);
  c.round_trip_pa = (r.u40le() << g.page_shift) & pa_mask;
  const u64 in_page = (r.u16le() << 3) & (lsize - 1);

  if (const ExternalTarget* x = external_target(*p.variant)) {
    // Real code (fuzz/external.h): the target's memory is the machine's arena,
    // reset for the input; its allocator, not the input, places the tables
    // (pgd-slot and table-seed have no effect).
    Machine& m = machine_for(g.page_shift);
    m.reset(c.phys_offset, 1, PageTypeEncoding::kPgty);
    m.set_geometry_name(g.name);
    MachineTable& t = external_table(*p.variant, g, m);
    try {
      x->begin_input(t, m);
      m.set_current_mm(h.upper ? kKernelMm : 0);
      walk_case(t, m, g, view, c, h, in_page, lsize);
    } catch (Finding& f) {
      *finding = std::move(f);
      *trace = case_text(c);
    }
    return true;
  }
  Table& t = *pc.t;
  env.begin(&g.name, c.phys_offset, c.pgd_slot, c.table_seed);
  try {
    walk_case(t, env, g, view, c, h, in_page, lsize);
  } catch (Finding& f) {
    env.end();
    *finding = std::move(f);
    *trace = case_text(c);
    return true;
  }
  env.end();
  return true;
}

}  // namespace ptfold::fuzz
