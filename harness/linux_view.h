// Linux's side of a geometry - PTRS_PER_*, shifts, which levels are folded
// and how, the pgd allocation, the root offsets, leaf sizes, the linear map -
// as one target reports it through tgt::LinuxPageTable. The one owner of
// those facts: the prover, the fuzzers, the renderers all read a LinuxView
// and none of them recomputes one (docs/design.md, "One owner per fact").
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/word.h"
#include "harness/mem_env.h"
#include "reference/geometry.h"
#include "targets/linux.h"
#include "targets/variants.h"

namespace ptfold::harness {

// How a level the running kernel does not use is folded away.
enum class Fold { kNone, kCompileTime, kRunTime };
const char* fold_name(Fold f);  // "-", "compile time", "run time"

// Where pgd_alloc() takes the pgd from, as observed on a probe call.
enum class PgdAlloc { kPage, kSlab, kTwoPages };
const char* pgd_alloc_name(PgdAlloc a);  // "page", "pgd_cache", "2 pages (PTI)"
const char* pgd_alloc_short(PgdAlloc a);  // "page", "slab", "2pg"

// One generic level as the running kernel sees it.
struct LinuxLevel {
  tgt::Level level = tgt::Level::kPgd;
  Fold fold = Fold::kNone;
  unsigned shift = 0;  // PGDIR_SHIFT, P4D_SHIFT, ... (PAGE_SHIFT for pte)
  u64 ptrs = 0;        // PTRS_PER_PGD, ...
  int hw = 0;          // index into Geometry::hw of the table this level's entry
                       // lives in; a folded level shares the one above
  std::string how;     // folded: what its offset helper was seen to do
  u64 leaf_size = 0;   // bytes a leaf entry at this level maps, 0 where Linux
                       // maps none (a folded level, pud over a folded pmd, or
                       // a table level the hardware allows no block at)
};

struct LinuxView {
  std::string variant, geometry;
  unsigned pgtable_levels = 0;  // CONFIG_PGTABLE_LEVELS
  unsigned levels = 0;          // levels the running kernel uses (not folded)
  unsigned vabits_actual = 0;
  bool covers_hw = true;        // levels == the hardware walk's level count
  std::array<LinuxLevel, tgt::kLevels> level{};
  // A level folded at run time whose offset helper re-aligns the pointer to
  // its page (arm64 LPA2 style) rather than returning it unchanged.
  bool folded_realigns = false;

  u64 pgd_size = 0;               // PGD_SIZE
  bool pgdir_is_page_size = false;
  PgdAlloc pgd_alloc = PgdAlloc::kPage;  // what pgd_alloc() was seen to call
  u64 pgd_alloc_bytes = 0;        // the object it returned
  u64 pgd_align = 0;              // its alignment
  std::vector<int64_t> root_offset;  // per ref half: bytes from the pgd to
                                     // the root table the hardware is given
                                     // (negative: the root starts below the
                                     // pgd object, which a sub-page pgd allows)
  unsigned phys_mask_shift = 0;   // PHYS_MASK_SHIFT
  tgt::LinearMap linear_map;      // PAGE_OFFSET / reachable start / PAGE_END

  const LinuxLevel& lin(tgt::Level l) const { return level[static_cast<size_t>(l)]; }
  // The Linux level whose entry the hardware reads at hw level i: the deepest
  // one mapped onto it (a folded level's entry *is* that entry).
  tgt::Level reader_of(int hw_index) const;
  // Whether Linux may map a leaf at level l.
  bool leaf_ok(tgt::Level l) const { return lin(l).leaf_size != 0; }
};

// The environment a view is derived in: MemEnv, remembering how pgd_alloc()
// asked for its memory.
class ViewEnv : public MemEnv {
 public:
  using MemEnv::MemEnv;
  u64 get_free_page(tgt::Level lvl) { return get_free_pages(lvl, 0); }
  u64 get_free_pages(tgt::Level lvl, unsigned order) {
    if (lvl == tgt::Level::kPgd) last_pgd = {order == 0 ? PgdAlloc::kPage : PgdAlloc::kTwoPages,
                                             page_size() << order, page_size() << order};
    return MemEnv::get_free_pages(lvl, order);
  }
  // kmem_cache_alloc(pgd_cache): the cache is created with the object size as
  // its alignment (arm64 pgd_cache_init()), the Env contract for pgd_cache_alloc.
  u64 pgd_cache_alloc(u64 size) {
    last_pgd = {PgdAlloc::kSlab, size, size};
    return MemEnv::pgd_cache_alloc(size);
  }
  struct Seen {
    PgdAlloc kind = PgdAlloc::kPage;
    u64 bytes = 0, align = 0;
  } last_pgd;
};

static_assert(tgt::LinuxEnv<ViewEnv, u64> && tgt::EnvHigherOrderPages<ViewEnv>);

using ViewTarget = tgt::LinuxPageTable<u64, ViewEnv>;
using ViewFactory = std::function<std::unique_ptr<ViewTarget>(const tgt::Config&, ViewEnv&)>;

// The part of a view that the target's constants give, from any
// implementation of the interface in any Env (no call that allocates): the
// levels, their folding and hardware tables, leaf sizes, PGD_SIZE,
// pgdir_is_page_size(), PHYS_MASK_SHIFT and the linear map. The pgd
// allocation, root offsets and fold probes stay empty.
template <class Env>
LinuxView constant_view(const ref::Geometry& g, std::string_view name, const tgt::LinuxPageTable<u64, Env>& t);

// Asks a target (any implementation of the interface: a model or real kernel
// code) for its full view of geometry g: constant_view() plus a probe
// pgd_alloc(), the root register's offsets and a probe walk for how the
// folded levels fold. `name` labels the view.
LinuxView derive_linux_view(const ref::Geometry& g, std::string_view name, const ViewFactory& make);

// The view of a registered variant on g, derived once and cached. Throws
// std::invalid_argument for an unknown variant.
const LinuxView& linux_view(std::string_view variant, const ref::Geometry& g);
// Where the view of a variant registered at run time (tgt::register_variant:
// a kernel tree's real code) comes from: the target itself (for real code
// its ops table's ptf_view, through constant_view()). linux_view() asks the
// provider once per geometry and caches what it returns.
using ViewProvider = std::function<LinuxView(const ref::Geometry&)>;
void register_view_provider(std::string variant, ViewProvider provider);
// The view of g's upstream variant (the family's reference target).
const LinuxView& upstream_view(const ref::Geometry& g);

// A level exists in a build with n levels when n > 5 - its index (p4d: > 4,
// pud: > 3, pmd: > 2); a folded level the build has is folded at run time.
inline bool compiled_in(const tgt::Config& c, int i) {
  return i == 0 || i == 4 || c.PGTABLE_LEVELS > 5u - static_cast<unsigned>(i);
}

template <class Env>
LinuxView constant_view(const ref::Geometry& g, std::string_view name, const tgt::LinuxPageTable<u64, Env>& t) {
  const tgt::Config& cfg = t.config();
  LinuxView v;
  v.variant = std::string(name);
  v.geometry = g.name;
  v.pgtable_levels = cfg.PGTABLE_LEVELS;
  v.vabits_actual = t.vabits_actual();
  int hw = 0;
  for (int i = 0; i < tgt::kLevels; ++i) {
    const auto lv = static_cast<tgt::Level>(i);
    LinuxLevel& l = v.level[static_cast<size_t>(i)];
    l.level = lv;
    l.shift = t.shift(lv);
    l.ptrs = t.ptrs_per(lv);
    if (t.folded(lv)) l.fold = compiled_in(cfg, i) ? Fold::kRunTime : Fold::kCompileTime;
    // A level that is not folded starts a new hardware table below the pgd.
    if (i > 0 && l.fold == Fold::kNone) ++hw;
    l.hw = hw;
  }
  v.levels = static_cast<unsigned>(hw + 1);
  v.covers_hw = v.levels == g.hw.size();
  for (LinuxLevel& l : v.level) l.hw = std::min(l.hw, static_cast<int>(g.hw.size()) - 1);
  // Leaves: always at pte; at pmd and pud when the level is not folded, the
  // level below is not folded either (pgtable-nopmd.h makes pud_leaf() 0),
  // and the hardware allows a block in that table.
  for (int i = tgt::kLevels - 1; i >= 0; --i) {
    LinuxLevel& l = v.level[static_cast<size_t>(i)];
    const bool ok = l.level == tgt::Level::kPte ||
                    ((l.level == tgt::Level::kPmd || l.level == tgt::Level::kPud) && l.fold == Fold::kNone &&
                     v.level[static_cast<size_t>(i + 1)].fold == Fold::kNone &&
                     g.hw[static_cast<size_t>(l.hw)].leaf_ok);
    l.leaf_size = ok ? u64{1} << l.shift : 0;
  }
  v.pgd_size = t.PGD_SIZE();
  v.pgdir_is_page_size = t.pgdir_is_page_size();
  v.phys_mask_shift = t.phys_mask_shift();
  v.linear_map = t.hotplug_linear_map();
  return v;
}

}  // namespace ptfold::harness
