// Deriving a LinuxView: every fact is read from the target through
// tgt::LinuxPageTable (constants, a probe pgd_alloc(), a probe walk, the root
// register value), never computed here from Kconfig.
#include "harness/linux_view.h"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <stdexcept>

#include "harness/binding.h"
#include "reference/dispatch.h"
#include "targets/mm/memory.h"

namespace ptfold::harness {

const char* fold_name(Fold f) {
  switch (f) {
    case Fold::kNone: return "-";
    case Fold::kCompileTime: return "compile time";
    case Fold::kRunTime: return "run time";
  }
  return "?";
}

const char* pgd_alloc_name(PgdAlloc a) {
  switch (a) {
    case PgdAlloc::kPage: return "page";
    case PgdAlloc::kSlab: return "pgd_cache";
    case PgdAlloc::kTwoPages: return "2 pages (PTI)";
  }
  return "?";
}

const char* pgd_alloc_short(PgdAlloc a) {
  switch (a) {
    case PgdAlloc::kPage: return "page";
    case PgdAlloc::kSlab: return "slab";
    case PgdAlloc::kTwoPages: return "2pg";
  }
  return "?";
}

tgt::Level LinuxView::reader_of(int hw_index) const {
  tgt::Level best = tgt::Level::kPgd;
  for (const LinuxLevel& l : level)
    if (l.hw == hw_index) best = l.level;
  return best;
}

namespace {

// Memory for the reference walk that reads only zeros: enough to see where
// the hardware takes the root table from.
struct ZeroMem {
  u64 read64(u64 /*pa*/, int /*hw*/) const { return 0; }
};

// An address in the lower half whose index at every level is distinct and
// non-zero, so a folded helper that re-aligns its pointer and adds its own
// index is told apart from one returning the pointer.
u64 probe_address(const ref::Geometry& g, u64 salt) {
  const ref::Half& h = g.halves.front();
  return (u64{0x5a6b7c8d9e0f1234} * (salt + 1)) & h.va_hi & ~(g.page_size() - 1);
}

// What the folded level's helper does with its parent pointer, seen on a
// walk over tables built by the generic pXd_alloc() chain.
void probe_folds(LinuxView& v, const ref::Geometry& g, ViewTarget& t, ViewEnv& env) {
  static const char* const kOffset[] = {"pgd_offset", "p4d_offset", "pud_offset", "pmd_offset", "pte_offset"};
  env.set_lenient(true);  // a re-aligned pointer may leave a slab pgd object
  tgt::Mm<u64> mm;
  tgt::MmCounters c;
  try {
    mm.pgd = t.pgd_alloc(mm);
    for (u64 salt = 0; salt < 4; ++salt) {
      const u64 addr = probe_address(g, salt);
      u64 ptr = t.pgd_offset(mm, addr);
      std::array<u64, tgt::kLevels> p{};
      p[0] = ptr;
      for (int i = 1; i < tgt::kLevels - 1; ++i) {
        ptr = tgt::pxd_alloc(t, mm, c, static_cast<tgt::Level>(i), ptr, addr);
        if (!ptr) throw EnvError("pxd_alloc", "allocation failed");
        p[static_cast<size_t>(i)] = ptr;
      }
      bool undecided = false;
      for (int i = 1; i < tgt::kLevels - 1; ++i) {
        LinuxLevel& l = v.level[static_cast<size_t>(i)];
        if (l.fold == Fold::kNone || !l.how.empty()) continue;
        const char* name = tgt::level_name(l.level);
        const char* parent = tgt::level_name(static_cast<tgt::Level>(i - 1));
        const u64 up = p[static_cast<size_t>(i - 1)], got = p[static_cast<size_t>(i)];
        const u64 realigned = (up & ~(t.PAGE_SIZE() - 1)) + (t.index(l.level, addr) << 3);
        if (got == up && got == realigned) {
          undecided = true;
        } else if (got == up) {
          l.how = l.fold == Fold::kCompileTime
                      ? fmt::format("pgtable-no{}.h: ({}_t *){}p", name, name, parent)
                      : fmt::format("{} returns the {} pointer unchanged", kOffset[i], parent);
        } else if (got == realigned) {
          l.how = fmt::format("PTR_ALIGN_DOWN({}p, PAGE_SIZE) + {}_index(addr)", parent, name);
          if (l.fold == Fold::kRunTime) v.folded_realigns = true;
        } else {
          l.how = fmt::format("{}p {:#x} -> {:#x}", parent, up, got);
        }
      }
      if (!undecided) break;
    }
  } catch (const EnvError& e) {
    for (LinuxLevel& l : v.level)
      if (l.fold != Fold::kNone && l.how.empty()) l.how = std::string("not probed: ") + e.what();
  }
}

}  // namespace

LinuxView derive_linux_view(const ref::Geometry& g, std::string_view name, const ViewFactory& make) {
  // A slab pgd sits in the second half of its page, so a pointer re-aligned
  // to the page is told apart from the object's start.
  ViewEnv env(g.page_size(), 0, g.page_size() / 2);
  std::unique_ptr<ViewTarget> tp = make(config_for(g), env);
  if (!tp) throw std::invalid_argument(fmt::format("no target {} for {}", name, g.name));
  ViewTarget& t = *tp;
  LinuxView v = constant_view(g, name, t);

  // The pgd as pgd_alloc() really hands it out.
  {
    tgt::Mm<u64> mm;
    env.last_pgd = {};
    const u64 pgd = t.pgd_alloc(mm);
    v.pgd_alloc = env.last_pgd.kind;
    v.pgd_alloc_bytes = env.last_pgd.bytes;
    v.pgd_align = env.last_pgd.align;
    if (!v.pgd_alloc_bytes)
      throw std::logic_error(fmt::format("{} on {}: pgd_alloc() took no memory from the environment", name, g.name));
    // Where the hardware root of each half lies relative to the pgd.
    const u64 pgd_pa = env.pa(pgd);
    for (size_t h = 0; h < g.halves.size(); ++h) {
      ZeroMem zero;
      const u64 root = t.hw_root(pgd_pa, g.halves[h].upper);
      const auto w = ref::walk_half(g, static_cast<int>(h), g.halves[h].va_lo, root, zero);
      v.root_offset.push_back(w.steps.empty() ? 0 : static_cast<int64_t>(w.steps.front().table - pgd_pa));
    }
    t.pgd_free(mm, pgd);
  }
  probe_folds(v, g, t, env);
  return v;
}

namespace {
std::map<std::string, ViewProvider, std::less<>>& view_providers() {
  static std::map<std::string, ViewProvider, std::less<>> p;
  return p;
}
}  // namespace

void register_view_provider(std::string variant, ViewProvider provider) {
  view_providers()[std::move(variant)] = std::move(provider);
}

const LinuxView& linux_view(std::string_view variant, const ref::Geometry& g) {
  static std::mutex mu;
  static std::map<std::pair<std::string, std::string>, std::unique_ptr<LinuxView>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_pair(std::string(variant), g.name);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  if (auto p = view_providers().find(variant); p != view_providers().end())
    return *cache.emplace(std::move(key), std::make_unique<LinuxView>(p->second(g))).first->second;
  if (!tgt::find_variant(variant)) throw std::invalid_argument("unknown variant " + std::string(variant));
  const std::string name(variant);
  auto view = std::make_unique<LinuxView>(derive_linux_view(
      g, variant, [&name](const tgt::Config& c, ViewEnv& env) { return tgt::make_variant<u64>(name, c, env); }));
  return *cache.emplace(std::move(key), std::move(view)).first->second;
}

const LinuxView& upstream_view(const ref::Geometry& g) {
  const tgt::VariantInfo* v = tgt::upstream_for_family(g.family);
  if (!v) throw std::invalid_argument("no upstream variant for the family of " + g.name);
  return linux_view(v->name, g);
}

}  // namespace ptfold::harness
