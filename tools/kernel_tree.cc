// Kernel-tree mode: tree discovery, configuration objects, and the checks
// of `ptfold check --kernel-tree` on the real helpers of a Linux tree.
#include "tools/kernel_tree.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "fuzz/finding.h"
#include "fuzz/machine.h"
#include "harness/linux_view.h"
#include "harness/binding.h"
#include "harness/compare.h"
#include "harness/differential.h"
#include "reference/dispatch.h"
#include "targets/mm/free_pgtables.h"
#include "targets/mm/gup.h"
#include "targets/mm/memory.h"
#include "targets/variants.h"
#include "tools/cli.h"
#include "tools/render.h"

#ifndef PTFOLD_SOURCE_DIR
#error "PTFOLD_SOURCE_DIR must name the repository (tools/CMakeLists.txt sets it)"
#endif

namespace ptfold::cli {

namespace fs = std::filesystem;
using tgt::Level;
static_assert(tgt::KernelTreeEnv<fuzz::Machine>);
using Target = tgt::KernelTreeTarget<fuzz::Machine>;

namespace {

std::string source_dir() {
  if (const char* d = std::getenv("PTFOLD_SOURCE_DIR")) return d;
  return PTFOLD_SOURCE_DIR;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a command with stderr passed through (build.sh's progress line);
// returns its exit status and stdout.
int run_capture(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

std::string build_script() { return source_dir() + "/tools/ktree/build.sh"; }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string default_kernel_tree() {
  // Where tools/setup.sh unpacks Debian's linux-source-6.12.
  if (const char* d = std::getenv("PTFOLD_KERNEL_TREE"); d && *d) return d;
  return "/var/cache/ptfold/trees/linux-source-6.12";
}

KernelTree open_kernel_tree(const std::string& dir_in) {
  const std::string dir = dir_in.empty() ? default_kernel_tree() : dir_in;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw UsageError(fmt::format("kernel tree '{}' does not exist", dir),
                     dir_in.empty() ? "run tools/setup.sh as root to unpack Debian's linux-source-6.12, or pass --kernel-tree DIR"
                                    : "give the top directory of an unpacked Linux source tree");
  KernelTree t;
  t.dir = fs::canonical(dir, ec).string();
  std::ifstream mk(t.dir + "/Makefile");
  std::map<std::string, std::string> v;
  for (std::string line; std::getline(mk, line) && v.size() < 4;)
    for (const char* key : {"VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION"})
      if (line.rfind(std::string(key) + " =", 0) == 0 && !v.count(key))
        v[key] = trim(line.substr(line.find('=') + 1)).erase(0, line.substr(line.find('=') + 1).find_first_not_of(' '));
  if (!v.count("VERSION") || !fs::exists(t.dir + "/Kconfig") || !fs::exists(t.dir + "/include/linux/pgtable.h"))
    throw UsageError(fmt::format("'{}' is not a Linux source tree", dir),
                     "point --kernel-tree at the top of an unpacked tree (it has Makefile, Kconfig and include/linux/pgtable.h)");
  t.version = v["VERSION"] + "." + v["PATCHLEVEL"] + "." + v["SUBLEVEL"] + v["EXTRAVERSION"];
  return t;
}

std::vector<std::string> kernel_overlays() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(source_dir() + "/targets/kernel/overlays", ec))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void require_overlay(const std::string& name) {
  const auto all = kernel_overlays();
  if (std::find(all.begin(), all.end(), name) != all.end()) return;
  std::string names;
  for (const auto& n : all) names += (names.empty() ? "" : ", ") + n;
  throw UsageError(fmt::format("unknown overlay '{}'", name),
                   names.empty() ? "this checkout carries no overlays (targets/kernel/overlays)"
                                 : "the overlays are: " + names);
}

std::vector<TreeGeometry> tree_geometries(const KernelTree& t, const std::vector<const ref::Geometry*>& geos) {
  std::string out;
  const int rc = run_capture(build_script() + " --list --tree " + shell_quote(t.dir), &out);
  if (rc != 0) throw std::runtime_error(fmt::format("tools/ktree/build.sh --list failed (exit {})", rc));
  std::map<std::string, std::vector<std::string>> rows;
  for (const std::string& line : split(out, '\n')) {
    const auto f = split(line, '\t');
    if (f.size() >= 3) rows[f[0]] = f;
  }
  std::vector<TreeGeometry> res;
  for (const ref::Geometry* g : geos) {
    TreeGeometry tg;
    tg.geometry = g;
    auto it = rows.find(g->name);
    if (it == rows.end()) {
      tg.why_not = "no kernel configuration for this geometry in tools/ktree/geometries.tsv";
    } else {
      tg.config = it->second[1];
      tg.provided = it->second[2] == "ok";
      if (!tg.provided) tg.why_not = it->second.size() > 3 ? it->second[3] : it->second[2];
    }
    res.push_back(tg);
  }
  return res;
}

std::optional<std::string> build_kernel_object(const KernelTree& t, const ref::Geometry& g,
                                               const std::string& overlay, std::string* why) {
  std::string cmd = build_script() + " --tree " + shell_quote(t.dir) + " --geometry " + shell_quote(g.name);
  if (!overlay.empty()) cmd += " --overlay " + shell_quote(overlay);
  // stdout is the object's path; stderr the progress lines ("ptfold:
  // preparing ..."), passed through as they come, except the one that says
  // the geometry is not in this tree, which the caller reports itself.
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + build_script());
  std::string path, not_in_tree, error, line;
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    line.pop_back();
    const std::string tag = fmt::format("ptfold: {}: not in this tree (", g.name);
    if (line.rfind(tag, 0) == 0) {
      not_in_tree = line.substr(tag.size());
      if (!not_in_tree.empty() && not_in_tree.back() == ')') not_in_tree.pop_back();
    } else if (line.rfind("ptfold: error: ", 0) == 0) {
      error = line.substr(15);
    } else if (line.rfind("ptfold: ", 0) != 0 && line.size() > 3 && line.compare(line.size() - 3, 3, ".so") == 0) {
      path = line;
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    line.clear();
  }
  const int st = pclose(p);
  const int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  if (rc == 3) {
    if (why) *why = not_in_tree.empty() ? "the tree does not provide it" : not_in_tree;
    return std::nullopt;
  }
  if (rc != 0 || path.empty())
    throw std::runtime_error(error.empty() ? fmt::format("tools/ktree/build.sh failed for {} (exit {})", g.name, rc)
                                           : error);
  return path;
}

namespace {

constexpr int kUserMm = 0, kKernelMm = 1;

// Everything one geometry's checks share: the machine, the real target, its
// mms and what was mapped.
struct KernelRun {
  const ref::Geometry& g;
  fuzz::Machine m;
  std::unique_ptr<Target> t;
  explicit KernelRun(const tgt::KernelObject& obj, const ref::Geometry& geo)
      : g(geo), m(geo.page_shift) {
    m.reset(harness::test_phys_offset(geo), 1, fuzz::PageTypeEncoding::kPgty);
    m.set_geometry_name(geo.name);
    t = std::make_unique<Target>(harness::config_for(geo), m, obj);
  }
};

// harness::map_page() and pa_bits() for the machine: the pXd_alloc() chain
// generic mm code runs, then set_pte(); the PAs the kernel can hand out.
void map_page(Target& t, tgt::Mm<u64>& mm, tgt::MmCounters& c, u64 va, u64 leaf_pa) {
  u64 ptr = t.pgd_offset(mm, va);
  for (int i = 1; i < tgt::kLevels; ++i) {
    ptr = tgt::pxd_alloc(t, mm, c, static_cast<Level>(i), ptr, va);
    if (!ptr) throw std::runtime_error(fmt::format("{}_alloc failed", tgt::level_name(static_cast<Level>(i))));
  }
  t.set_pte(ptr, t.mk_leaf(Level::kPte, leaf_pa));
}
unsigned kernel_pa_bits(const Target& t, const ref::Geometry& g) { return std::min(t.phys_mask_shift(), g.hwc.oa_bits); }

[[noreturn]] void finding(const KernelRun& r, const char* cls, const std::string& helper, const std::string& detail) {
  r.m.report(cls, helper, detail);
}

// The entry pointer of a level, the table page it lies in.
u64 page_of(const KernelRun& r, u64 ptr) { return ptr & ~(r.g.page_size() - 1); }

struct Mapped {
  u64 va, leaf_pa;
};

// The mm of a half with the VAs mapped the way generic mm code does, then
// torn down with the real free paths and checked for leaks. The user half is
// a new mm (pgd_alloc()); the kernel half is init_mm itself, whose pgd is the
// configuration's swapper_pg_dir: the kernel's own tables, which pgd_alloc()
// copies into every new pgd on x86 and RISC-V, so they must never be another
// pgd's private tables.
class HalfMm {
 public:
  HalfMm(KernelRun& r, int half) : r_(r), half_(half) {
    mm_.init_mm = r.g.halves[half].upper;
    r_.m.set_current_mm(id());
    mm_.pgd = mm_.init_mm ? r_.t->swapper_pgd() : r_.t->pgd_alloc(mm_);
    if (!mm_.pgd) finding(r_, "bug-on", mm_.init_mm ? "swapper_pg_dir" : "pgd_alloc", "expected: a pgd\nactual:   NULL");
    r_.m.mark_pgd(mm_.pgd, id(), true);
  }
  int id() const { return mm_.init_mm ? kKernelMm : kUserMm; }
  tgt::Mm<u64>& mm() { return mm_; }
  tgt::MmCounters& counters() { return c_; }

  void map(u64 va, u64 leaf_pa) {
    r_.m.set_current_mm(id());
    map_page(*r_.t, mm_, c_, va, leaf_pa);
    mapped_.push_back({va, leaf_pa});
  }
  const std::vector<Mapped>& mapped() const { return mapped_; }

  // User half: free_pgd_range() over the half (the real __pXd_free_tlb()
  // through the mmu_gather, then tlb_finish_mmu()), then pgd_free(). Kernel
  // half: the kernel never frees its own tables (vmalloc's stay); here each
  // is unhooked from its entry and freed bottom-up with the level's pXd_free()
  // (init_mm: pte_free_kernel()) - the path seed bug A took - so the next
  // batch starts from an empty swapper_pg_dir. Then the leak check.
  void teardown() {
    r_.m.set_current_mm(id());
    const ref::Half& h = r_.g.halves[half_];
    if (!mm_.init_mm) {
      tgt::MmuGather tlb;
      const u64 end = h.va_hi + 1;  // 0 for a half that ends at 2^64: "to the top"
      tgt::free_pgd_range(*r_.t, tlb, mm_, c_, h.va_lo, end, 0, 0);
      r_.t->tlb_finish_mmu();
    } else {
      std::set<u64> tables[tgt::kLevels];
      std::set<std::pair<u64, int>> entries;  // the entries pointing at them
      for (const Mapped& mp : mapped_) {
        const harness::LinuxWalk<u64> lw = harness::linux_walk(*r_.t, mm_.pgd, mp.va);
        for (int l = 1; l < tgt::kLevels; ++l)
          if (!r_.t->folded(static_cast<Level>(l))) {
            tables[l].insert(page_of(r_, lw.ptr[l]));
            entries.insert({lw.ptr[l - 1], l - 1});
          }
      }
      // swapper_pg_dir is read-only (arm64): its entries through the fixmap
      const u64 swapper = r_.t->swapper_pg_dir_read_only() ? r_.m.swapper_pg_dir() : 0;
      for (const auto& [ptr, l] : entries) {
        if (swapper && page_of(r_, ptr) == swapper) r_.m.set_swapper_pgd(ptr, 0);
        else r_.m.write(ptr, static_cast<Level>(l), 0);
      }
      for (int l = tgt::kLevels - 1; l >= 1; --l)
        for (u64 tbl : tables[l]) r_.t->free(mm_, static_cast<Level>(l), tbl);
    }
    if (!mm_.init_mm) {
      r_.m.mark_pgd(mm_.pgd, id(), false);
      r_.t->pgd_free(mm_, mm_.pgd);
    }
    std::string first;
    if (const size_t n = r_.m.live_owned_by(id(), &first))
      finding(r_, "leak", mm_.init_mm ? "pgd_free" : "free_pgd_range",
              fmt::format("expected: every page-table page of the {} half freed after teardown\n"
                          "actual:   {} still allocated, first: {}",
                          h.name, n, first));
    mapped_.clear();
  }

 private:
  KernelRun& r_;
  int half_;
  tgt::Mm<u64> mm_;
  tgt::MmCounters c_;
  std::vector<Mapped> mapped_;
};

// Linux's view from the real macros against the upstream model's LinuxView
// of the row: a difference is a tree that does not build the geometry the
// row describes (or a model that does not model it).
void check_view(KernelRun& r) {
  const Target& t = *r.t;
  for (int i = 0; i < tgt::kLevels; ++i) {
    const Level l = static_cast<Level>(i);
    const harness::LinuxLevel& ll = harness::upstream_view(r.g).level[static_cast<size_t>(i)];
    const bool folded = ll.fold != harness::Fold::kNone;
    if (t.folded(l) != folded)
      finding(r, "view-mismatch", fmt::format("mm_{}_folded", tgt::level_name(l)),
              fmt::format("expected: {} {} (the geometry row)\nactual:   the tree's {}", tgt::level_name(l),
                          folded ? "folded" : "not folded", t.folded(l) ? "folds it" : "does not fold it"));
    if (!folded && t.shift(l) != ll.shift)
      finding(r, "view-mismatch", fmt::format("{}_SHIFT", i == 0 ? "PGDIR" : i == 4 ? "PAGE" : std::string(tgt::level_name(l))),
              fmt::format("expected: {}\nactual:   {}", ll.shift, t.shift(l)));
  }
  if (t.vabits_actual() != r.g.vabits_actual)
    finding(r, "view-mismatch", "vabits_actual",
            fmt::format("expected: {} (the geometry row)\nactual:   {}", r.g.vabits_actual, t.vabits_actual()));
}

// The real allocation and free paths on their own: the __pXd_alloc() race
// loser's pXd_alloc_one() + pXd_free(), and pXd_alloc_one() + __pXd_free_tlb()
// + tlb_finish_mmu(); at a folded level, pXd_free()/__pXd_free_tlb() of the
// folded "table" (an entry of the level above) must free nothing.
void check_free_paths(KernelRun& r) {
  HalfMm user(r, 0);
  tgt::Mm<u64>& mm = user.mm();
  const u64 va = r.g.halves[0].va_lo + r.g.page_size() * 3;
  for (int i = 1; i < tgt::kLevels; ++i) {
    const Level l = static_cast<Level>(i);
    if (r.t->folded(l)) continue;
    const long before = r.m.nr_pagetable();
    const u64 a = r.t->alloc_one(mm, l, va);
    if (!a) finding(r, "bug-on", fmt::format("{}_alloc_one", tgt::level_name(l)), "expected: a table\nactual:   NULL");
    r.t->free(mm, l, a);
    tgt::MmuGather tlb;
    const u64 b = r.t->alloc_one(mm, l, va);
    r.t->free_tlb(tlb, mm, l, b, va);
    r.t->tlb_finish_mmu();
    if (r.m.nr_pagetable() != before)
      finding(r, "bad-page-state", fmt::format("pagetable_{}_dtor", tgt::level_name(l)),
              fmt::format("expected: NR_PAGETABLE back to {} after {}_alloc_one + {}_free\nactual:   {}", before,
                          tgt::level_name(l), tgt::level_name(l), r.m.nr_pagetable()));
  }
  // Folded levels: the kernel's free_pgd_range() calls __pXd_free_tlb() on
  // the folded pointer, which is an entry of the pgd page itself.
  user.map(va, 0);
  const harness::LinuxWalk<u64> lw = harness::linux_walk(*r.t, mm.pgd, va);
  for (int i = 1; i < tgt::kLevels - 1; ++i) {
    const Level l = static_cast<Level>(i);
    if (!r.t->folded(l)) continue;
    const u64 ptr = lw.ptr[i];
    r.t->free(mm, l, ptr);
    tgt::MmuGather tlb;
    r.t->free_tlb(tlb, mm, l, ptr, va);
    r.t->tlb_finish_mmu();
  }
  user.teardown();
}

// The concrete differential check on the real helpers: tables built with
// them for the row's boundary and random VAs, each level's entry pointer
// against the reference walk, the leaf against the translation; then fast
// GUP's lockless walk on stack copies; torn down every batch.
size_t check_differential(KernelRun& r, unsigned seed, unsigned random_vas, size_t* gup_walks) {
  const std::vector<u64> vas = harness::test_vas(r.g, seed, random_vas);
  const unsigned pa_bits = kernel_pa_bits(*r.t, r.g);
  const harness::LinuxView view = harness::constant_view(r.g, "kernel-tree", *r.t);
  constexpr size_t kBatch = 16;
  size_t checked = 0;
  for (int half = 0; half < static_cast<int>(r.g.halves.size()); ++half) {
    const ref::Half& h = r.g.halves[half];
    std::mt19937_64 rng(seed * 2 + half);
    std::vector<u64> mine;
    for (u64 va : vas)
      if (va >= h.va_lo && va <= h.va_hi) mine.push_back(va);
    for (size_t b = 0; b < mine.size(); b += kBatch) {
      HalfMm hm(r, half);
      const u64 root = r.t->hw_root(r.m.pa(hm.mm().pgd), h.upper);
      for (size_t k = b; k < std::min(mine.size(), b + kBatch); ++k) {
        const u64 va = mine[k];
        const u64 leaf_pa = (rng() & genmask(pa_bits - 1, 0)) & ~(r.g.page_size() - 1);
        hm.map(va, leaf_pa);
      }
      for (const Mapped& mp : hm.mapped()) {
        const u64 va = mp.va | 0x8;
        const harness::LinuxWalk<u64> lw = harness::linux_walk(*r.t, hm.mm().pgd, va);
        const ref::WalkResult<u64> hw = ref::walk_half(r.g, half, va, root, r.m);
        for (const auto& c : harness::compare_levels(view, *r.t, lw, hw))
          if (!c.equal)
            finding(r, "walk-mismatch", tgt::kernel_offset_helper(static_cast<Level>(c.reader)),
                    fmt::format("{} va {:#018x}: at hardware level {} the {} entry\n"
                                "expected: pa {:#x} (the hardware's entry)\nactual:   pa {:#x} (the real helper's)",
                                h.name, mp.va, r.g.hw[c.hw].name, tgt::level_name(c.reader), c.hw_entry,
                                c.linux_entry_pa));
        if (!hw.ok())
          finding(r, "walk-mismatch", "set_pte",
                  fmt::format("{} va {:#018x}: the hardware walk faults ({}) at {}", h.name, mp.va,
                              ref::fault_name(hw.fault),
                              hw.fault_hw >= 0 ? r.g.hw[hw.fault_hw].name : std::string("root")));
        if (hw.oa != (mp.leaf_pa | 0x8))
          finding(r, "walk-mismatch", "mk_pte",
                  fmt::format("{} va {:#018x}\nexpected: translation to {:#x}\nactual:   the hardware translates to {:#x}",
                              h.name, mp.va, mp.leaf_pa | 0x8, hw.oa));
        ++checked;
        if (!h.upper) {
          // gup_fast(): the lockless walk on its stack copies reaches the
          // same leaf (the machine names any read off the tables); then the
          // same walk with a writer clearing the live entry of one level,
          // and of every level, right after the walk copied it (O11): the
          // walk must reach the leaf through its copies or stop on the
          // cleared entry it re-read, never descend through the live one.
          for (unsigned race : {0u, 1u, 2u, 4u, 8u, 15u}) {
            tgt::GupResult g;
            {
              fuzz::Machine::LocklessWalk walk(r.m, race);
              g = tgt::gup_fast(*r.t, hm.mm(), mp.va);
            }
            const bool stopped_on_clear = !g.leaf && g.depth >= 0 && r.m.read_the_clear(g, g.depth);
            if ((!g.leaf || r.t->__pte_to_phys(g.leaf_value) != mp.leaf_pa) && !stopped_on_clear)
              finding(r, "walk-mismatch", "gup_fast",
                      fmt::format("gup_fast va {:#x} is mapped{}\nexpected: a present pte leaf for pa {:#x}\n"
                                  "actual:   {} at {} (value {:#x})",
                                  mp.va, race ? fmt::format(", a writer clearing entries under the walk (race {:#x})", race) : "",
                                  mp.leaf_pa, g.leaf ? "leaf" : "no leaf",
                                  g.depth >= 0 ? tgt::level_name(static_cast<Level>(g.depth)) : "pgd", g.leaf_value));
            ++*gup_walks;
          }
        }
      }
      hm.teardown();
    }
  }
  return checked;
}

// The boot helpers the object has, taken from the tree by name (x86 KASAN's
// early_p4d_offset()): the oracle of fuzz_ops's boot op (O5), on the
// machine. An early pgd and a p4d table, the pgd entry for each VA populated
// by the real pgd_populate(), the image loaded at an aligned phys_base below
// them; the pointer returned must be the p4d entry the hardware reads for the
// VA, in the kernel image mapping (where p4d is folded: the pgd entry).
// PAGE_OFFSET that early and the image mapping's offset are the upstream
// model's facts (its BootHelpers). Returns the calls checked; 0 when the
// object has no boot helper.
size_t check_boot_helpers(KernelRun& r, unsigned seed) {
  if (!r.t->ops().early_p4d_offset) return 0;
  const tgt::VariantInfo* v = tgt::upstream_for_family(r.g.family);
  auto model = tgt::make_variant<u64>(v->name, harness::config_for(r.g), r.m);
  tgt::BootHelpers* b = model->boot_helpers();
  if (!b || !(b->offers() & tgt::BootHelpers::kEarlyP4dOffset))
    throw std::logic_error("ptfold: internal: " + v->name + " has no early_p4d_offset to take facts from");
  const int upper = static_cast<int>(r.g.halves.size()) - 1;
  const ref::Half& h = r.g.halves[upper];
  const harness::LinuxView view = harness::constant_view(r.g, "kernel-tree", *r.t);
  const harness::LinuxLevel& lp4d = view.lin(Level::kP4d);
  std::mt19937_64 rng(seed);
  size_t checked = 0;
  for (int k = 0; k < 32; ++k) {
    const u64 va = k == 0 ? h.va_lo : k == 1 ? h.va_hi & ~u64{7} : (h.va_lo + (rng() % (h.va_hi - h.va_lo))) & ~u64{7};
    tgt::Mm<u64> mm;
    mm.init_mm = true;
    mm.pgd = r.m.get_free_page(Level::kPgd);
    const u64 p4d = r.m.get_free_page(Level::kP4d);
    if (!mm.pgd || !p4d) throw std::runtime_error("the machine has no pages for the early tables");
    const u64 pgdp = r.t->pgd_offset(mm, va);
    r.t->pgd_populate(mm, pgdp, p4d);
    const u64 lowest = std::min(r.m.pa(mm.pgd), r.m.pa(p4d));
    const u64 image_off = (rng() % 64) * r.g.page_size();
    const u64 align = b->startup_image_align() ? b->startup_image_align() : r.g.page_size();
    const u64 phys_base = (lowest - std::min(image_off, lowest)) & ~(align - 1);
    const u64 page_offset = b->early_page_offset();
    const u64 got = r.t->early_p4d_offset(pgdp, va, page_offset, phys_base);
    u64 want = pgdp;
    if (lp4d.fold == harness::Fold::kNone) {
      const ref::WalkResult<u64> hw = ref::walk_half(r.g, upper, va, r.t->hw_root(r.m.pa(mm.pgd), true), r.m,
                                                     ref::WalkOptions{.tables_only = true});
      const ref::WalkStep<u64>* step = nullptr;
      for (const auto& st : hw.steps)
        if (st.hw == lp4d.hw) step = &st;
      if (!step)
        finding(r, "walk-mismatch", "early_p4d_offset",
                fmt::format("va {:#x}: the hardware walk from the early pgd never reaches the p4d table", va));
      want = step->entry + b->early_table_va_offset(phys_base);
    }
    if (got != want)
      finding(r, "walk-mismatch", "early_p4d_offset",
              fmt::format("va {:#x}, PAGE_OFFSET {:#x}, phys_base {:#x}, early pgd at pa {:#x}, p4d table at pa {:#x}\n"
                          "expected: {:#018x} (the p4d entry the hardware reads, in the kernel image mapping)\n"
                          "actual:   {:#018x} (the tree's early_p4d_offset())",
                          va, page_offset, phys_base, r.m.pa(mm.pgd), r.m.pa(p4d), want, got));
    r.m.write(pgdp, Level::kPgd, 0);
    r.m.free_page(p4d, "early tables");
    r.m.free_page(mm.pgd, "early tables");
    ++checked;
  }
  return checked;
}

// arm64 memory hot-add's range check, the tree's arch_get_mappable_range(),
// for PHYS_OFFSETs (memstart_addr) from the bottom of the PA space up and
// KASLR's below it: the range must be the PAs of the linear map's reachable
// part, [_PAGE_OFFSET(vabits_actual), PAGE_END - 1] (the layout: the upstream
// model's view), a start below PA 0 clamped to 0 (the fuzz runner's hot-add
// oracle, O5). Returns the PHYS_OFFSETs checked; 0 without the function.
size_t check_hotplug_range(KernelRun& r) {
  if (!r.t->has_mappable_range()) return 0;
  __extension__ using i128 = __int128;
  const tgt::LinearMap& lm = harness::upstream_view(r.g).linear_map;
  if (lm.empty()) throw std::logic_error("ptfold: internal: no linear map in the upstream view of " + r.g.name);
  const u64 lin_lo = lm.start - lm.page_offset, lin_hi = lm.end - 1 - lm.page_offset;
  std::vector<i128> offsets = {0, i128{1} << 30, i128{1} << 31, i128{1} << 40, -(i128{1} << 30), -(i128{1} << 40),
                               -static_cast<i128>(lin_lo), -static_cast<i128>(lin_lo) - (i128{1} << 30)};
  size_t checked = 0;
  for (const i128 off : offsets) {
    if (off + static_cast<i128>(lin_hi) < 0 || off + static_cast<i128>(lin_hi) >= (i128{1} << 64)) continue;
    const u64 phys_offset = static_cast<u64>(off);
    const i128 lo = static_cast<i128>(lin_lo) + off;
    const tgt::PhysRange want{lo < 0 ? u64{0} : static_cast<u64>(lo), static_cast<u64>(off + static_cast<i128>(lin_hi))};
    const tgt::PhysRange got = r.t->arch_get_mappable_range(phys_offset);
    if (got.start != want.start || got.end != want.end)
      finding(r, "hotplug-range", "arch_get_mappable_range",
              fmt::format("PHYS_OFFSET {:#x} (memstart_addr), vabits_actual {}; the linear map [{:#x}, {:#x}] holds "
                          "PAs [{:#x}, {:#x}]\n"
                          "expected: arch_get_mappable_range() [{:#x}, {:#x}]\n"
                          "actual:   [{:#x}, {:#x}] (the tree's)",
                          phys_offset, r.t->vabits_actual(), lm.start, lm.end - 1, want.start, want.end, want.start,
                          want.end, got.start, got.end));
    ++checked;
  }
  return checked;
}

// Model vs real: our upstream model of the family and the tree's helpers on
// the same machine, the same tables and the same inputs; the first helper
// whose answers differ is named.
size_t check_model_vs_real(KernelRun& r, unsigned seed) {
  const tgt::VariantInfo* v = tgt::upstream_for_family(r.g.family);
  if (!v) return 0;
  auto model = tgt::make_variant<u64>(v->name, harness::config_for(r.g), r.m);
  Target& real = *r.t;
  size_t compared = 0;
  auto differ = [&](const std::string& helper, const std::string& what, u64 m, u64 k) {
    ++compared;
    if (m != k)
      finding(r, "model-mismatch", helper,
              fmt::format("{}\nexpected: {:#x} (ptfold's model '{}')\nactual:   {:#x} (the tree)", what, m, v->name, k));
  };
  differ("vabits_actual", "vabits_actual", model->vabits_actual(), real.vabits_actual());
  differ("pgtable_l4_enabled", "pgtable_l4_enabled()", model->pgtable_l4_enabled(), real.pgtable_l4_enabled());
  differ("pgtable_l5_enabled", "pgtable_l5_enabled()", model->pgtable_l5_enabled(), real.pgtable_l5_enabled());
  const char* shifts[] = {"PGDIR_SHIFT", "P4D_SHIFT", "PUD_SHIFT", "PMD_SHIFT", "PAGE_SHIFT"};
  const char* ptrs[] = {"PTRS_PER_PGD", "PTRS_PER_P4D", "PTRS_PER_PUD", "PTRS_PER_PMD", "PTRS_PER_PTE"};
  for (int i = 0; i < tgt::kLevels; ++i) {
    const Level l = static_cast<Level>(i);
    differ(fmt::format("mm_{}_folded", tgt::level_name(l)), "folded", model->folded(l), real.folded(l));
    if (real.folded(l)) continue;  // a folded level's shift/count are its parent's business
    differ(shifts[i], shifts[i], model->shift(l), real.shift(l));
    differ(ptrs[i], ptrs[i], model->ptrs_per(l), real.ptrs_per(l));
  }
  differ("PGD_SIZE", "PGD_SIZE", model->PGD_SIZE(), real.PGD_SIZE());
  differ("pgdir_is_page_size", "pgdir_is_page_size()", model->pgdir_is_page_size(), real.pgdir_is_page_size());
  differ("pgd_alloc", "bytes pgd_alloc() returns", model->pgd_alloc_size(), real.pgd_alloc_size());
  differ("PHYS_MASK_SHIFT", "PHYS_MASK_SHIFT", model->phys_mask_shift(), real.phys_mask_shift());

  // Descriptor encoding over the PA range the geometry can use: the address
  // the hardware reads back from each encoding (releases differ in bits it
  // ignores: 6.12 repeats PA[49:48] in 64K descriptor bits [49:48], 6.1 not).
  const unsigned pa_bits = kernel_pa_bits(real, r.g);
  for (unsigned b = r.g.page_shift; b < pa_bits; ++b)
    for (u64 pa : {u64{1} << b, (u64{1} << (b + 1)) - r.g.page_size()}) {
      differ("__phys_to_pte_val", fmt::format("the table address the hardware reads from __phys_to_pte_val({:#x})", pa),
             ref::next_table_address(r.g, model->__phys_to_pte_val(pa) | 3),
             ref::next_table_address(r.g, real.__phys_to_pte_val(pa) | 3));
      const u64 d = real.__phys_to_pte_val(pa) | 3;
      differ("__pte_to_phys", fmt::format("__pte_to_phys({:#x})", d), model->__pte_to_phys(d), real.__pte_to_phys(d));
    }

  // The walk and the entry tests on tables the real code built, both halves.
  std::mt19937_64 rng(seed ^ 0x5eed);
  const std::vector<u64> vas = harness::test_vas(r.g, seed, 8);
  for (int half = 0; half < static_cast<int>(r.g.halves.size()); ++half) {
    const ref::Half& h = r.g.halves[half];
    HalfMm hm(r, half);
    const u64 pgd_pa = r.m.pa(hm.mm().pgd);
    differ("hw_root", fmt::format("hw_root(pgd pa {:#x}, {})", pgd_pa, h.name), model->hw_root(pgd_pa, h.upper),
           real.hw_root(pgd_pa, h.upper));
    size_t n = 0;
    for (u64 va : vas) {
      if (va < h.va_lo || va > h.va_hi || n++ >= 24) continue;
      hm.map(va, (rng() & genmask(pa_bits - 1, 0)) & ~(r.g.page_size() - 1));
    }
    for (const Mapped& mp : hm.mapped()) {
      u64 parent = hm.mm().pgd;
      for (int i = 0; i < tgt::kLevels; ++i) {
        const Level l = static_cast<Level>(i);
        const std::string at = fmt::format("{} va {:#018x}", h.name, mp.va);
        const u64 kp = real.offset(l, parent, mp.va);
        differ(tgt::kernel_offset_helper(l), at + ": entry pointer (from the same parent)", model->offset(l, parent, mp.va), kp);
        const u64 e = r.m.read(kp, l);
        const std::string lv = tgt::level_name(l);
        differ(lv + "_none", at, model->none(l, e), real.none(l, e));
        differ(lv + "_present", at, model->present(l, e), real.present(l, e));
        if (i < 4) differ(lv + "_bad", at, model->bad(l, e), real.bad(l, e));
        if (i >= 2) differ(i == 4 ? "pte_present" : lv + "_leaf", at, model->is_leaf(l, e), real.is_leaf(l, e));
        if (to_bool(real.present(l, e)) && !real.folded(l))
          differ(i == 4 ? "__pte_to_phys" : lv + "_page_paddr", at, model->page_paddr(l, e), real.page_paddr(l, e));
        // The lockless helpers, fed a stack copy of the parent entry.
        if (i >= 1 && i <= 3 && !h.upper) {
          const u64 pe = r.m.read(parent, tgt::parent_of(l));
          const u64 copy = pe;
          r.m.stack_copy_push(reinterpret_cast<u64>(&copy));
          const u64 mk = model->offset_lockless(l, parent, reinterpret_cast<u64>(&copy), mp.va);
          const u64 kk = real.offset_lockless(l, parent, reinterpret_cast<u64>(&copy), mp.va);
          r.m.stack_copy_pop();
          // At a folded level the generic helper answers the caller's copy
          // (&pXd), an arch's own may answer the entry it was copied from
          // (arm64's p4d_offset_lockless_folded() since 36639013b346; 6.1
          // still has the generic one): both hold the entry gup_fast reads.
          const auto entry = [&](u64 p) { return p == parent || p == reinterpret_cast<u64>(&copy); };
          differ(lv + "_offset_lockless", at, mk, real.folded(l) && entry(mk) && entry(kk) ? mk : kk);
        }
        parent = kp;
      }
    }
    hm.teardown();
  }
  return compared;
}

// The tree's own mm/debug_vm_pgtable.c (ops.debug_vm_pgtable), on memory of
// its own: its THP test page is 2^HPAGE_PMD_ORDER pages (512 with 4K pages,
// 2048 with 16K), beyond the fuzz machine's arena. The environment is the
// kernel's page allocator and nothing more: pages handed out zeroed and
// aligned to their size, taken back poisoned; the first report the object
// makes (a WARN_ON() of the test, a BUG(), the allocator's Bad page state,
// check_mm()'s page-table bytes) is the finding, named by the function the
// object names; pages still out afterwards with no report are a leak.
class DvpEnv {
 public:
  static constexpr size_t kPages = 4096;
  explicit DvpEnv(unsigned page_shift) : page_size_(u64{1} << page_shift), used_(kPages, 0) {
    const u64 bytes = kPages * page_size_;
    // aligned to its own size: every order it can hand out comes aligned
    raw_ = mmap(nullptr, 2 * bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw_ == MAP_FAILED) throw std::runtime_error("no address space for debug_vm_pgtable's memory");
    base_ = (reinterpret_cast<u64>(raw_) + bytes - 1) & ~(bytes - 1);
    env_.ctx = this;
    env_.alloc_pages = [](void* c, unsigned order, const char*) -> ptf_u64 { return self(c).alloc(order); };
    env_.free_pages = [](void* c, ptf_u64 va, unsigned order, const char* h) { self(c).free(va, order, h); };
    env_.pagetable_stat = [](void*, ptf_u64, long) {};
    env_.report = [](void* c, const char* cls, const char* helper, const char* text) {
      DvpEnv& e = self(c);
      if (std::strcmp(cls, "printk") == 0 || e.cls_) return;  // a message; the first report wins
      e.cls_ = cls;
      e.helper_ = helper ? helper : "debug_vm_pgtable";
      e.text_ = text ? text : "";
    };
  }
  ~DvpEnv() { munmap(raw_, 2 * kPages * page_size_); }
  DvpEnv(const DvpEnv&) = delete;
  DvpEnv& operator=(const DvpEnv&) = delete;
  const ptf_env* env() const { return &env_; }
  u64 base() const { return base_; }
  u64 size() const { return kPages * page_size_; }
  size_t live() const { return live_; }
  const char* cls() const { return cls_; }
  const std::string& helper() const { return helper_; }
  const std::string& text() const { return text_; }

 private:
  static DvpEnv& self(void* c) { return *static_cast<DvpEnv*>(c); }
  u64 alloc(unsigned order) {
    const size_t n = size_t{1} << order;
    for (size_t i = 0; i + n <= kPages; i += n) {
      if (std::any_of(used_.begin() + static_cast<long>(i), used_.begin() + static_cast<long>(i + n),
                      [](char u) { return u != 0; }))
        continue;
      std::fill(used_.begin() + static_cast<long>(i), used_.begin() + static_cast<long>(i + n), 1);
      live_ += n;
      const u64 va = base_ + i * page_size_;
      std::memset(reinterpret_cast<void*>(va), 0, n * page_size_);
      return va;
    }
    return 0;  // as alloc_pages() may: the test skips what needs the pages
  }
  void free(u64 va, unsigned order, const char* helper) {
    const size_t i = (va - base_) / page_size_, n = size_t{1} << order;
    for (size_t j = i; j < i + n; ++j) {
      if (j >= kPages || !used_[j]) {
        if (!cls_) {
          cls_ = "bad-free";
          helper_ = helper ? helper : "debug_vm_pgtable";
          text_ = fmt::format("expected: free_pages() of pages the page allocator handed out\n"
                              "actual:   {:#x} (order {}) is not allocated", va, order);
        }
        return;
      }
    }
    std::fill(used_.begin() + static_cast<long>(i), used_.begin() + static_cast<long>(i + n), 0);
    live_ -= n;
    std::memset(reinterpret_cast<void*>(va), 0x6b, n * page_size_);  // a later read sees junk
  }

  u64 page_size_;
  void* raw_ = nullptr;
  u64 base_ = 0;
  std::vector<char> used_;
  size_t live_ = 0;
  ptf_env env_{};
  const char* cls_ = nullptr;
  std::string helper_, text_;
};

// The random number debug_vm_pgtable() draws (its user address) from the
// check's seed: deterministic, one per seed.
u64 dvp_random(unsigned seed) { return (u64{seed} + 1) * 0x9E3779B97F4A7C15ull; }

// Runs the object's debug_vm_pgtable() in the geometry's runtime state; the
// stage line when it passed or cannot run, a finding (thrown) otherwise.
std::string check_debug_vm_pgtable(KernelRun& r, const tgt::KernelObject& obj, u64 random) {
  const tgt::PtfOps& o = obj.ops();
  if (!o.debug_vm_pgtable)
    return fmt::format("debug_vm_pgtable not applicable: {}", o.debug_vm_pgtable_absent ? o.debug_vm_pgtable_absent : "not built");
  DvpEnv e(r.g.page_shift);
  // Memory at 4 GiB; at 2^50 where arm64 descriptors carry addresses above 48 bits (LPA2, 64K
  // LVA), so OA[51:48] are exercised. Not the machine's physical addresses: the sparse memory
  // model holds at most MAX_PHYSMEM_BITS (46 on 4-level x86), which those may exceed.
  const u64 pa0 = r.g.arch == ref::Arch::kArm64 && kernel_pa_bits(*r.t, r.g) > 48 ? u64{1} << 50 : u64{1} << 32;
  const ptf_state st = tgt::kernel_state(harness::config_for(r.g), e.base(), e.size(), pa0 - e.base());
  if (o.set_state(&st, e.env()) != 0)
    throw std::runtime_error(fmt::format("set_state for debug_vm_pgtable failed: {}", e.text()));
  const size_t booted = e.live();  // swapper_pg_dir (and a pgd_cache page) stay the kernel's
  const int rc = o.debug_vm_pgtable(random);
  if (e.cls()) {
    const std::string cls = std::strcmp(e.cls(), "BUG") == 0 ? "bug-on" : std::strcmp(e.cls(), "WARN") == 0 ? "warn" : e.cls();
    finding(r, cls.c_str(), e.helper(),
            fmt::format("{}\n(mm/debug_vm_pgtable.c, the tree's own test, random {:#x})", e.text(), random));
  }
  if (rc != 0)
    throw std::runtime_error(fmt::format("debug_vm_pgtable() returned {} (out of memory in {} pages?)", rc, DvpEnv::kPages));
  if (e.live() != booted)
    finding(r, "leak", "debug_vm_pgtable",
            fmt::format("expected: every page debug_vm_pgtable() allocated freed by its destroy_args()\n"
                        "actual:   {} pages still allocated (random {:#x})", e.live() - booted, random));
  return "debug_vm_pgtable passed";
}

}  // namespace

const char* const kKernelStages[7] = {"view",          "free-paths",   "differential",     "model-vs-real",
                                      "boot-helpers",  "hotplug-range", "debug_vm_pgtable"};

KernelCheckResult check_kernel_geometry(const tgt::KernelObject& obj, const ref::Geometry& g, unsigned seed,
                                        unsigned random_vas, const std::string& only, u64 random) {
  KernelCheckResult res;
  const char* stage = "set_state";
  const auto runs = [&](const char* s) { return only.empty() || only == s; };
  try {
    KernelRun r(obj, g);
    stage = "view";
    if (runs("view")) {
      check_view(r);
      res.stages.push_back("view");
    }
    stage = "free paths";
    if (runs("free-paths")) {
      check_free_paths(r);
      res.stages.push_back("free paths");
    }
    stage = "differential";
    if (runs("differential")) {
      size_t gups = 0;
      const size_t n = check_differential(r, seed, random_vas, &gups);
      res.stages.push_back(fmt::format("differential {} VAs", n));
      res.stages.push_back(fmt::format("gup_fast {} walks", gups));
    }
    stage = "model-vs-real";
    if (runs("model-vs-real")) {
      const size_t c = check_model_vs_real(r, seed);
      res.stages.push_back(fmt::format("model-vs-real {} answers", c));
    }
    stage = "boot helpers";
    if (runs("boot-helpers"))
      if (const size_t c = check_boot_helpers(r, seed)) res.stages.push_back(fmt::format("early_p4d_offset {} calls", c));
    stage = "hotplug range";
    if (runs("hotplug-range"))
      if (const size_t c = check_hotplug_range(r)) res.stages.push_back(fmt::format("arch_get_mappable_range {} layouts", c));
    // the tree's own self-test last: it installs its own memory in the object
    stage = "debug_vm_pgtable";
    if (runs("debug_vm_pgtable"))
      res.stages.push_back(check_debug_vm_pgtable(r, obj, random ? random : dvp_random(seed)));
  } catch (const fuzz::Finding& f) {
    fuzz::Finding copy = f;
    if (copy.geometry.empty()) copy.geometry = g.name;
    res.first_line = copy.first_line();
    res.finding = res.first_line + "\n" + copy.detail + fmt::format("\nfound by: the {} stage of check --kernel-tree ({})",
                                                                      stage, obj.ops().config);
  } catch (const std::exception& e) {
    res.first_line = fmt::format("ptfold: harness-error: {} on {}", stage, g.name);
    res.finding = res.first_line + "\n" + e.what();
  }
  return res;
}

harness::Explained explain_kernel_walk(const tgt::KernelObject& obj, const ref::Geometry& g, u64 va) {
  harness::Explained e;
  e.geometry = g.name;
  e.variant = std::string("kernel tree: ") + obj.ops().config + " (" + obj.ops().uts_release +
              (*obj.ops().overlay ? std::string(", overlay ") + obj.ops().overlay : std::string()) + ")";
  e.va = va;
  const ref::Half& h = harness::explain_half(g, va, e);
  KernelRun r(obj, g);
  e.phys_offset = harness::test_phys_offset(g);
  const char* const helpers[] = {"pgd_offset", "p4d_offset", "pud_offset", "pmd_offset", "pte_offset_kernel"};
  const harness::LinuxView view = harness::constant_view(g, "kernel-tree", *r.t);
  e.pgd_alloc_bytes = view.pgd_size;
  e.pgd_alloc = view.pgdir_is_page_size ? harness::PgdAlloc::kPage : harness::PgdAlloc::kSlab;
  for (int i = 0; i < tgt::kLevels; ++i) {
    const Level l = static_cast<Level>(i);
    const harness::LinuxLevel& ll = view.level[static_cast<size_t>(i)];
    harness::ExplainedLinuxLevel x;
    x.level = ll.level;
    x.helper = helpers[i];
    // Folding as the tree does it (the view reads it through the target).
    x.fold = ll.fold;
    x.how = ll.how;
    x.hw = ll.hw;
    x.reads_hw = view.reader_of(ll.hw) == ll.level;
    x.shift = r.t->shift(l);
    x.ptrs = r.t->ptrs_per(l);
    x.index = r.t->index(l, va);
    e.levels.push_back(x);
  }
  try {
    HalfMm hm(r, e.half);
    e.pgd_va = hm.mm().pgd;
    e.pgd_pa = r.m.pa(hm.mm().pgd);
    e.root = r.t->hw_root(e.pgd_pa, h.upper);
    const unsigned bits = kernel_pa_bits(*r.t, g);
    e.leaf_pa = ((va >> g.page_shift) * 0x9E3779B97F4A7C15ull) & genmask(bits - 1, g.page_shift);
    hm.map(va & ~(g.page_size() - 1), e.leaf_pa);
    e.leaf_pa |= va & (g.page_size() - 1);
    harness::explain_walks(g, view, *r.t, r.m, hm.mm().pgd, va, e);
    hm.teardown();
  } catch (const fuzz::Finding& f) {
    fuzz::Finding copy = f;
    if (copy.geometry.empty()) copy.geometry = g.name;
    e.error = copy.first_line() + "\n" + copy.detail;
  }
  return e;
}

namespace {
// Loaded configuration objects by path: geometries that differ only in
// runtime state share one.
class ObjectCache {
 public:
  const tgt::KernelObject& get(const std::string& path) {
    auto& p = objs_[path];
    if (!p) p = std::make_unique<tgt::KernelObject>(path);
    return *p;
  }

 private:
  std::map<std::string, std::unique_ptr<tgt::KernelObject>> objs_;
};
}  // namespace

int geometries_kernel_tree(const std::string& dir, const std::string& glob, bool json) {
  const KernelTree t = open_kernel_tree(dir);
  const auto rows = tree_geometries(t, select_geometries(glob));
  if (json) {
    nlohmann::json out;
    out["kernel_tree"] = t.dir;
    out["version"] = t.version;
    out["geometries"] = nlohmann::json::array();
    for (const TreeGeometry& r : rows) {
      nlohmann::json j;
      j["geometry"] = r.geometry->name;
      j["config"] = r.config;
      j["in_tree"] = r.provided;
      if (!r.provided) j["why_not"] = r.why_not;
      out["geometries"].push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("kernel tree {} (Linux {})\n", t.dir, t.version);
  std::cout << fmt::format("{:<24} {:<18} {}\n", "geometry", "configuration", "in this tree");
  size_t n = 0;
  for (const TreeGeometry& r : rows) {
    n += r.provided;
    std::cout << fmt::format("{:<24} {:<18} {}\n", r.geometry->name, r.config.empty() ? "-" : r.config,
                             r.provided ? "yes" : "no: " + r.why_not);
  }
  std::cout << fmt::format("\n{} of {} geometries are in this tree; `ptfold check --kernel-tree {}` runs the real helpers on them.\n",
                           n, rows.size(), t.dir);
  return 0;
}

int walk_kernel_tree(const std::string& dir, const std::string& overlay, const std::string& geometry,
                     const std::string& va_text, bool json) {
  const KernelTree t = open_kernel_tree(dir);
  if (!overlay.empty()) require_overlay(overlay);
  const ref::Geometry& g = require_geometry(geometry);
  const u64 va = parse_u64(va_text, "VA");
  std::string why;
  std::optional<std::string> so;
  try {
    so = build_kernel_object(t, g, overlay, &why);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "ptfold: error: %s\n", e.what());
    return 1;
  }
  if (!so) {
    std::cout << fmt::format("{}: not in this tree ({}): nothing walked\n", g.name, why);
    return 3;
  }
  tgt::KernelObject obj(*so);
  harness::Explained e;
  try {
    e = explain_kernel_walk(obj, g, va);
  } catch (const std::invalid_argument& err) {
    throw UsageError(err.what(), "give a VA inside one of the listed ranges");
  }
  if (json)
    std::cout << explained_json(e).dump(2) << "\n";
  else
    std::cout << explained_text(e, g);
  return e.agrees() ? 0 : 1;
}

int check_kernel_tree(const std::string& dir, const std::string& overlay, const std::string& geometry_glob,
                      unsigned random_vas, const std::string& only, u64 dvp_random) {
  const KernelTree t = open_kernel_tree(dir);
  if (!overlay.empty()) require_overlay(overlay);
  const auto geos = select_geometries(geometry_glob);
  const auto rows = tree_geometries(t, geos);
  std::cout << fmt::format("== kernel tree {} (Linux {}){} ==\n", t.dir, t.version,
                           overlay.empty() ? "" : ", overlay " + overlay);
  if (only.empty())
    std::cout << "   differential walk, free paths, gup_fast and model-vs-real on the tree's own helpers, its boot\n"
                 "   helpers taken by name, and the tree's own mm/debug_vm_pgtable.c\n";
  else
    std::cout << fmt::format("   only the {} stage\n", only);
  ObjectCache cache;
  struct Built {
    std::optional<std::string> so;
    std::string why, error;
  };
  std::map<std::string, Built> built;  // by configuration: one build (or failure) each
  size_t clean = 0, absent = 0, failed = 0, k = 0, wanted = 0;
  for (const TreeGeometry& r : rows) wanted += r.provided;
  std::vector<std::string> reports;
  for (const TreeGeometry& r : rows) {
    const ref::Geometry& g = *r.geometry;
    if (!r.provided) {
      ++absent;
      std::cout << fmt::format("  {:<24} not in this tree ({})\n", g.name, r.why_not);
      continue;
    }
    std::fprintf(stderr, "ptfold: kernel tree: [%zu/%zu] %s: configuration %s\n", ++k, wanted, g.name.c_str(),
                 r.config.c_str());
    // Geometries that differ only in boot-time state share a configuration:
    // it is built (or found in the cache) once.
    std::string why;
    std::optional<std::string> so;
    std::string build_error;
    if (auto it = built.find(r.config); it != built.end()) {
      so = it->second.so;
      why = it->second.why;
      build_error = it->second.error;
    } else {
      try {
        so = build_kernel_object(t, g, overlay, &why);
      } catch (const std::runtime_error& e) {
        build_error = e.what();
      }
      built[r.config] = {so, why, build_error};
    }
    if (!build_error.empty()) {
      ++failed;
      std::cout << fmt::format("  {:<24} {:<18} BUILD FAILED: {}\n", g.name, r.config, build_error);
      continue;
    }
    if (!so) {
      ++absent;
      std::cout << fmt::format("  {:<24} not in this tree ({})\n", g.name, why);
      continue;
    }
    KernelCheckResult res;
    try {
      res = check_kernel_geometry(cache.get(*so), g, 1, random_vas, only, dvp_random);
    } catch (const std::runtime_error& e) {
      res.first_line = fmt::format("ptfold: harness-error: load on {}", g.name);
      res.finding = res.first_line + "\n" + e.what();
    }
    if (res.finding.empty()) {
      ++clean;
      std::string st;
      for (const std::string& s : res.stages) st += (st.empty() ? "" : ", ") + s;
      std::cout << fmt::format("  {:<24} {:<18} clean ({})\n", g.name, r.config, st);
    } else {
      ++failed;
      std::cout << fmt::format("  {:<24} {:<18} FINDING\n", g.name, r.config);
      reports.push_back(res.finding);
    }
  }
  for (const std::string& rep : reports) std::cout << "\n" << rep << "\n";
  std::cout << fmt::format("\n== summary ==\nkernel tree: {} geometries clean, {} with findings, {} not in this tree\n",
                           clean, failed, absent);
  if (failed) {
    std::cout << "ptfold check --kernel-tree: FAILED\n";
    return 1;
  }
  if (!clean) {
    std::cout << "ptfold check --kernel-tree: nothing ran (no selected geometry is in this tree; not a pass)\n";
    return 3;
  }
  std::cout << "ptfold check --kernel-tree: clean\n";
  return 0;
}

}  // namespace ptfold::cli
