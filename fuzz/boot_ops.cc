// Boot ops: a separate small environment whose early tables are each a page
// with an inaccessible page after it (so an index past a table is a wild
// access here, and a fault if this check were skipped), the model's
// BootHelpers, and the oracles from reference/.
#include "fuzz/boot_ops.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include <sys/mman.h>

#include "base/fixed_map.h"
#include "base/static_vec.h"
#include "fuzz/reader.h"
#include "harness/binding.h"
#include "harness/linux_view.h"
#include "harness/table_memory.h"
#include "reference/dispatch.h"
#include "reference/root.h"
#include "targets/boot.h"
#include "targets/variants.h"

namespace ptfold::fuzz {

using tgt::BootHelpers;
using tgt::Level;

namespace {

constexpr OpKind kBootKinds[6] = {OpKind::kEarlyP4d, OpKind::kStartupIdentity, OpKind::kModeProbe,
                                  OpKind::kGstageBlock, OpKind::kKptiNg, OpKind::kKvmUserWalk};

BootHelpers::Offer offer_of(OpKind k) {
  switch (k) {
    case OpKind::kEarlyP4d: return BootHelpers::kEarlyP4dOffset;
    case OpKind::kStartupIdentity: return BootHelpers::kStartupIdentity;
    case OpKind::kModeProbe: return BootHelpers::kSatpProbe;
    case OpKind::kKptiNg: return BootHelpers::kKptiNgLevels;
    case OpKind::kKvmUserWalk: return BootHelpers::kKvmUserWalk;
    default: return BootHelpers::kGstageBlockSize;
  }
}

[[noreturn]] void fail(const ref::Geometry& g, const char* cls, std::string helper, std::string detail) {
  Finding f(cls, std::move(helper), std::move(detail));
  f.geometry = g.name;
  throw f;
}

// The Env of boot ops: up to kObjects page-sized tables, each followed by an
// inaccessible page, handed out in order and zeroed again after every op, with
// accesses checked against the ones handed out (the memory core,
// harness/table_memory.h); the root register for probes (the RISC-V model's
// CSR hooks).
class BootEnv {
 public:
  static constexpr int kObjects = 6;
  // The tables sit at a fixed address (base/fixed_map.h): their addresses,
  // and the phys_base and PAs that reports print, are the same on every run.
  explicit BootEnv(unsigned page_shift)
      : page_size_(u64{1} << page_shift),
        map_((u64{0x7d} << 40) + (u64{page_shift} << 32), (2 * kObjects + 1) * page_size_) {  // + 1: to align
    const u64 base = map_.aligned(page_size_);
    for (int i = 0; i < kObjects; ++i) {
      objs_[i] = reinterpret_cast<unsigned char*>(base + 2 * static_cast<u64>(i) * page_size_);
      if (mprotect(objs_[i] + page_size_, page_size_, PROT_NONE) != 0) throw std::bad_alloc();
    }
  }
  BootEnv(const BootEnv&) = delete;
  BootEnv& operator=(const BootEnv&) = delete;

  void begin(const ref::Geometry& g, u64 phys_offset, const char* helper) {
    g_ = &g;
    phys_offset_ = phys_offset;
    helper_ = helper;
    used_ = 0;
    mem_.clear();
    root_ = 0;
    on_root_ = nullptr;
  }
  void end() {
    for (int i = 0; i < used_; ++i) std::memset(objs_[i], 0, page_size_);
    used_ = 0;
    mem_.clear();
    on_root_ = nullptr;
  }
  u64 take() {
    if (used_ >= kObjects) throw std::runtime_error("ptfold: internal: boot op ran out of early tables");
    unsigned char* o = objs_[used_++];
    mem_.add(reinterpret_cast<u64>(o), page_size_, o);
    return reinterpret_cast<u64>(o);
  }
  void on_root_write(std::function<void(u64)> f) { on_root_ = std::move(f); }

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
  }
  // A whole early table at once; anything else entry by entry, so the first
  // write outside the tables is reported as write() reports it.
  void clear_page(u64 ptr) {
    const int o = object_of(ptr);
    if (o >= 0 && ptr == reinterpret_cast<u64>(objs_[o])) {
      std::memset(objs_[o], 0, page_size_);
      return;
    }
    for (u64 i = 0; i < page_size_; i += 8) write(ptr + i, Level::kPte, 0);
  }
  u64 pa(u64 va) const { return va + phys_offset_; }
  u64 va(u64 pa) const { return pa - phys_offset_; }
  void bug_on(bool cond, const char* helper, const char* what) const {
    if (cond) fail(*g_, "bug-on", helper, fmt::format("kernel BUG at {}: {}", helper, what));
  }
  u64 get_free_page(Level) { return take(); }
  void free_page(u64, const char*) {}
  // Early tables are single pages; no boot helper allocates more at once.
  u64 get_free_pages(Level l, unsigned order) {
    if (order) throw std::logic_error("ptfold: internal: a boot op asked for an order-n early table");
    return get_free_page(l);
  }
  void free_pages(u64, unsigned, const char*) {}
  void pagetable_ctor(u64, Level) {}
  void pagetable_dtor(u64, Level) {}
  u64 pgd_cache_alloc(u64) { return take(); }
  void pgd_cache_free(u64) {}
  void tlb_remove_ptdesc(tgt::MmuGather&, u64, Level) {}
  // The root register: writes follow the CPU's rule (satp is WARL).
  void csr_write_satp(u64 v) {
    root_ = ref::root_write(*g_, root_, v);
    if (on_root_) on_root_(root_);
  }
  u64 csr_swap_satp(u64 v) {
    const u64 old = root_;
    root_ = ref::root_write(*g_, root_, v);
    return old;
  }

  // --- reference Mem contract ------------------------------------------------
  u64 read64(u64 pa_, int) const {
    const unsigned char* h = host(va(pa_));
    return h ? Mem::load(h) : 0;
  }
  // The first of `n` entries from `table` (kernel VA) other than slot `skip`
  // that is not zero, with its value in *v (0: none). Entries outside the
  // early tables read as 0, as read64 reads them.
  u64 first_nonzero(u64 table, u64 n, u64 skip, u64* v) const {
    *v = 0;
    const int o = object_of(table);
    if (o >= 0 && table == reinterpret_cast<u64>(objs_[o]) && n * 8 <= page_size_) {
      const auto* e = reinterpret_cast<const u64*>(objs_[o]);
      for (u64 i = 0; i < n; ++i)
        if (e[i] && i != skip) return *v = e[i], i;
      return n;
    }
    for (u64 i = 0; i < n; ++i)
      if (i != skip && inside(table + 8 * i))
        if (const u64 x = *reinterpret_cast<const u64*>(table + 8 * i)) return *v = x, i;
    return n;
  }
  bool inside(u64 p) const { return host(p) != nullptr; }
  int object_of(u64 p) const {
    for (int i = 0; i < used_; ++i)
      if (p - reinterpret_cast<u64>(objs_[i]) < page_size_) return i;
    return -1;
  }
  u64 page_size() const { return page_size_; }

 private:
  using Mem = harness::TableMemory<harness::NoTableInfo, kObjects>;
  // An 8-byte aligned entry inside an early table handed out for this op.
  unsigned char* host(u64 ptr) const { return (ptr & 7) ? nullptr : mem_.host_of(ptr); }
  // Out of line: no strings in read()'s frame for ASan to poison per access.
  [[noreturn, gnu::cold, gnu::noinline]] void wild(u64 ptr, Level lvl, const char* op) const {
    // Name the table the access ran off: the object just below it.
    std::string near = "outside every early table";
    for (int i = 0; i < used_; ++i) {
      const u64 base = reinterpret_cast<u64>(objs_[i]);
      if (ptr >= base + page_size_ && ptr - base < 2 * page_size_)
        near = fmt::format("{:#x} bytes past the end of early table {} ({:#x}, {} bytes)", ptr - base - page_size_,
                           i, base, page_size_);
    }
    fail(*g_, "wild-access", helper_,
         fmt::format("expected: {} of a {} entry inside one of the {} early tables\nactual:   {} at {:#x}, {}", op,
                     tgt::level_name(lvl), used_, op, ptr, near));
  }

  u64 page_size_;
  FixedMapping map_;
  unsigned char* objs_[kObjects] = {};
  int used_ = 0;
  Mem mem_;
  const ref::Geometry* g_ = nullptr;
  u64 phys_offset_ = 0;
  const char* helper_ = "";
  u64 root_ = 0;
  std::function<void(u64)> on_root_;
};

static_assert(tgt::LinuxEnv<BootEnv, u64> && tgt::EnvHigherOrderPages<BootEnv> && tgt::EnvClearPage<BootEnv> &&
              tgt::EnvSatp<BootEnv>);

BootEnv& env_for(unsigned page_shift) {
  static std::unique_ptr<BootEnv> envs[3];
  const int i = page_shift == 12 ? 0 : page_shift == 14 ? 1 : 2;
  if (!envs[i]) envs[i] = std::make_unique<BootEnv>(page_shift);
  return *envs[i];
}

// What a model offers and accepts, asked once per (variant, geometry).
struct Limits {
  unsigned offers = 0;
  unsigned max_phys_bits = 0;
  u64 image_align = 0, max_image = 0;
  unsigned probe_bits = 0;
  u64 probe_align = 0;
};

const Limits& limits_for(const tgt::VariantInfo& v, const ref::Geometry& g) {
  static std::map<std::pair<const tgt::VariantInfo*, const ref::Geometry*>, Limits> cache;
  auto it = cache.find({&v, &g});
  if (it != cache.end()) return it->second;
  Limits l;
  auto t = tgt::make_variant<u64>(v.name, harness::config_for(g), env_for(g.page_shift));
  if (BootHelpers* b = t ? t->boot_helpers() : nullptr) {
    l.offers = b->offers();
    l.max_phys_bits = b->startup_max_phys_bits();
    l.image_align = b->startup_image_align();
    l.max_image = b->startup_max_image_size();
    l.probe_bits = b->probe_max_phys_bits();
    l.probe_align = b->probe_align();
  }
  return cache.emplace(std::pair{&v, &g}, l).first->second;
}

u64 low_mask(unsigned bits) { return bits >= 64 ? ~u64{0} : (u64{1} << bits) - 1; }

// A physical address from the input, like decode_va: per hardware level a
// table index (first, last, middle or hashed entries - where early index
// arithmetic wraps), or a raw value when the mode byte has bit 7 set.
u64 decode_phys(Reader& r, const ref::Geometry& g) {
  const uint8_t m = r.u8();
  if (m & 0x80) return r.u64le();
  const uint32_t x = r.u32le();
  u64 pa = 0;
  for (size_t i = 0; i < g.hw.size() && i < 10; ++i) {
    const ref::HwLevel& l = g.hw[i];
    const u64 n = l.entries;
    const u64 idx = pick_level_index((x >> (3 * i)) & 7, m, i, n);
    pa += (idx & (n - 1)) << l.lo;
  }
  return pa;
}

void put_raw(std::vector<uint8_t>& out, u64 v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

int half_index(const ref::Geometry& g, bool upper) {
  for (size_t i = 0; i < g.halves.size(); ++i)
    if (g.halves[i].upper == upper) return static_cast<int>(i);
  return 0;
}

std::string fault_text(const ref::Geometry& g, const ref::WalkResult<u64>& hw) {
  return fmt::format("faults ({}) at {}", ref::fault_name(hw.fault),
                     hw.fault_hw >= 0 ? g.hw[static_cast<size_t>(hw.fault_hw)].name : std::string("the root"));
}

// The stage-2 block sizes the architecture offers in every mode: leaf sizes
// common to all rows of the family (with this page size), the page excluded
// (O9: the set must not depend on the mode booted).
const std::set<u64>& common_block_sizes(const ref::Geometry& g) {
  static std::map<std::pair<std::string, unsigned>, std::set<u64>> cache;
  auto key = std::pair{g.family, g.page_shift};
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  std::set<u64> common;
  bool first = true;
  for (const ref::Geometry& row : ref::catalogue()) {
    if (row.family != g.family || row.page_shift != g.page_shift) continue;
    std::set<u64> sizes;
    for (const ref::HwLevel& l : row.hw)
      if (l.leaf_ok && l.lo != row.page_shift) sizes.insert(u64{1} << l.lo);
    if (first) {
      common = sizes;
      first = false;
    } else {
      std::set<u64> keep;
      std::set_intersection(common.begin(), common.end(), sizes.begin(), sizes.end(),
                            std::inserter(keep, keep.begin()));
      common = keep;
    }
  }
  return cache.emplace(key, common).first->second;
}

}  // namespace

bool is_boot_op(OpKind k) {
  return std::find(std::begin(kBootKinds), std::end(kBootKinds), k) != std::end(kBootKinds);
}

void normalise_boot_op(Op* op, const tgt::VariantInfo& v, const ref::Geometry& g) {
  const Limits& l = limits_for(v, g);
  op->mm = 0;
  const u64 max_image = l.max_image ? l.max_image : u64{1} << 30;
  switch (op->kind) {
    case OpKind::kEarlyP4d:
      op->va = place_in_half(half_for(g, kKernelMm), op->va, g.page_size());
      op->pa = (op->pa % max_image) & ~(g.page_size() - 1);
      break;
    case OpKind::kStartupIdentity: {
      if (!(l.offers & BootHelpers::kStartupIdentity)) break;
      const u64 align = l.image_align, slots = max_image / align;
      u64 n = op->len / align;
      n = n == 0 ? 1 : (n - 1) % slots + 1;
      op->len = n * align;
      op->pa &= low_mask(l.max_phys_bits) & ~(align - 1);
      const u64 top = low_mask(l.max_phys_bits) + 1;
      if (op->pa + op->len > top) op->pa = top - op->len;
      break;
    }
    case OpKind::kModeProbe:
      if (!(l.offers & BootHelpers::kSatpProbe)) break;
      op->pa &= low_mask(l.probe_bits) & ~(g.page_size() - 1);
      break;
    default:
      break;
  }
}

void decode_boot_op(Reader& r, const tgt::VariantInfo& v, const ref::Geometry& g, Op* op) {
  switch (op->kind) {
    case OpKind::kEarlyP4d:
      op->va = decode_va(r, g, half_for(g, kKernelMm));
      op->pa = r.u32le();
      break;
    case OpKind::kStartupIdentity: {
      op->pa = decode_phys(r, g);
      const Limits& l = limits_for(v, g);
      op->len = u64{r.u16le()} * (l.image_align ? l.image_align : g.page_size());
      break;
    }
    case OpKind::kModeProbe:
      op->pa = decode_phys(r, g);
      break;
    case OpKind::kGstageBlock: {
      const uint8_t m = r.u8();
      op->len = (m & 0x80) ? r.u64le() : u64{1} << (m & 63);
      break;
    }
    default:
      break;
  }
  normalise_boot_op(op, v, g);
}

void encode_boot_op(std::vector<uint8_t>& out, const Op& op, const tgt::VariantInfo& v, const ref::Geometry& g) {
  switch (op.kind) {
    case OpKind::kEarlyP4d:
      out.push_back(0x80);
      put_raw(out, op.va, 8);
      put_raw(out, op.pa, 4);
      break;
    case OpKind::kStartupIdentity: {
      out.push_back(0x80);
      put_raw(out, op.pa, 8);
      const Limits& l = limits_for(v, g);
      put_raw(out, op.len / (l.image_align ? l.image_align : g.page_size()), 2);
      break;
    }
    case OpKind::kModeProbe:
      out.push_back(0x80);
      put_raw(out, op.pa, 8);
      break;
    case OpKind::kGstageBlock:
      out.push_back(0x80);
      put_raw(out, op.len, 8);
      break;
    default:
      break;
  }
}

bool boot_op_applies(const Op& op, const tgt::VariantInfo& v, const ref::Geometry& g) {
  return is_boot_op(op.kind) && (limits_for(v, g).offers & offer_of(op.kind)) != 0;
}

// The chunks of an image at [pa, pa + len) (step-aligned) whose identity
// map the startup op walks: the first and the last, both sides of every
// boundary where an index above the chunk's level changes (where an index
// that wraps instead of carrying, 81c7ed296dcd, maps the wrong entry), and
// four chunks hashed from the op, so that over a run every chunk is walked
// while one op costs a few walks, not one per chunk of up to 1 GiB.
StaticVec<u64, 16> identity_probes(const ref::Geometry& g, u64 pa, u64 len, u64 step) {
  StaticVec<u64, 16> out;
  const u64 n = len / step;
  if (n == 0) return out;
  auto add = [&](u64 i) {
    if (i >= n || out.size() == out.capacity()) return;
    for (const u64 va : out)
      if (va == pa + i * step) return;
    out.push_back(pa + i * step);
  };
  add(0);
  add(n - 1);
  // The smallest span above a chunk that one upper-level entry maps.
  u64 span = 0;
  for (const ref::HwLevel& l : g.hw)
    if ((u64{1} << l.lo) > step && (!span || (u64{1} << l.lo) < span)) span = u64{1} << l.lo;
  if (span)
    for (u64 b = (pa / span + 1) * span; b < pa + len && out.size() + 2 <= out.capacity() - 4; b += span) {
      add((b - pa) / step - 1);
      add((b - pa) / step);
    }
  for (u64 k = 0; k < 4; ++k) add(((pa / step) * 2654435761u + len / step * 40503u + k * 0x9e3779b97f4a7c15u) % n);
  return out;
}

size_t run_boot_op(const Op& op, const tgt::VariantInfo& v, const ref::Geometry& g, u64 phys_offset) {
  BootEnv& env = env_for(g.page_shift);
  auto t = tgt::make_variant<u64>(v.name, harness::config_for(g), env);
  BootHelpers* b = t ? t->boot_helpers() : nullptr;
  const BootHelpers::Offer offer = offer_of(op.kind);
  if (!b || !(b->offers() & offer)) return 0;
  const std::string helper = b->helper_name(offer);
  // The mode probe runs with the MMU off: the addresses the model holds are
  // physical, so the env's linear map must be the identity.
  env.begin(g, op.kind == OpKind::kModeProbe ? 0 : phys_offset, b->helper_name(offer));
  struct End {
    BootEnv& e;
    ~End() { e.end(); }
  } end{env};
  size_t checks = 0;

  switch (op.kind) {
    // O5 + canonical (ZOO-10): the early pgd slot for va points at a p4d
    // table; the pointer the helper returns must be the address, in the
    // early table mapping, of the p4d entry the hardware reads for va.
    case OpKind::kEarlyP4d: {
      const u64 pgd = env.take(), p4d = env.take();
      tgt::Mm<u64> mm;
      mm.init_mm = true;
      mm.pgd = pgd;
      const u64 pgdp = t->pgd_offset(mm, op.va);
      t->pgd_populate(mm, pgdp, p4d);
      // The early tables sit image-off bytes into an image loaded at an
      // aligned phys_base.
      const u64 align = b->startup_image_align() ? b->startup_image_align() : env.page_size();
      const u64 lowest = std::min(env.pa(pgd), env.pa(p4d));
      const u64 phys_base = (lowest - std::min(op.pa, lowest)) & ~(align - 1);
      const u64 page_offset = b->early_page_offset();
      const u64 got = b->early_p4d_offset(pgdp, op.va, page_offset, phys_base);
      ++checks;
      u64 want = pgdp;
      const harness::LinuxLevel& lp4d = harness::linux_view(v.name, g).lin(Level::kP4d);
      if (lp4d.fold == harness::Fold::kNone) {
        const ref::WalkResult<u64> hw = ref::walk_half(g, half_index(g, true), op.va, b->early_root(env.pa(pgd)),
                                                       env, ref::WalkOptions{.tables_only = true});
        const ref::WalkStep<u64>* step = nullptr;
        for (const auto& s : hw.steps)
          if (s.hw == lp4d.hw) step = &s;
        if (!step)
          fail(g, "walk-mismatch", helper,
               fmt::format("va {:#x}: the hardware walk from the early pgd never reaches the p4d table ({})", op.va,
                           fault_text(g, hw)));
        want = step->entry + b->early_table_va_offset(phys_base);
      }
      const unsigned sign = g.vabits_actual - 1;
      const u64 top = got >> sign;
      const bool canonical = top == 0 || top == (~u64{0} >> sign);
      if (got != want || !canonical)
        fail(g, "walk-mismatch", helper,
             fmt::format("va {:#x}, PAGE_OFFSET {:#x}, phys_base {:#x}, early pgd at pa {:#x}, p4d table at pa {:#x}\n"
                         "expected: {:#018x} (the p4d entry the hardware reads, in the early table mapping)\n"
                         "actual:   {:#018x}{}",
                         op.va, page_offset, phys_base, env.pa(pgd), env.pa(p4d), want, got,
                         canonical ? "" : " (non-canonical)"));
      break;
    }

    // O2 + O5 (ZOO-16): the early tables are separate exact-size objects,
    // so an index past a table is a wild access; then every aligned chunk of
    // the image must translate to itself from the early root.
    case OpKind::kStartupIdentity: {
      const u64 pgd = env.take();
      u64 tables[BootHelpers::kMaxStartupTables] = {};
      for (int i = 0; i < b->startup_tables() && i < BootHelpers::kMaxStartupTables; ++i) tables[i] = env.take();
      b->startup_identity(op.pa, op.len, pgd, tables);
      const u64 root = b->early_root(env.pa(pgd));
      const u64 step = b->startup_image_align();
      for (const u64 va : identity_probes(g, op.pa, op.len, step)) {
        ++checks;
        const ref::WalkResult<u64> hw = ref::walk_half(g, std::max(ref::half_of(g, va), 0), va, root, env);
        if (!hw.ok() || hw.oa != va)
          fail(g, "walk-mismatch", helper,
               fmt::format("image at pa {:#x}, {:#x} bytes: the identity map of {:#x}\n"
                           "expected: translates to itself\nactual:   {}",
                           op.pa, op.len, va,
                           hw.ok() ? fmt::format("translates to {:#x}", hw.oa) : fault_text(g, hw)));
      }
      break;
    }

    // O5 + O9 (ZOO-11): every root-register write that turns translation
    // on must find the probe code identity-mapped, through a root table
    // holding nothing but that path; afterwards the mode chosen is the
    // CPU's best and the early tables are clean.
    case OpKind::kModeProbe: {
      u64 tables[BootHelpers::kProbeTables];
      for (u64& tb : tables) tb = env.take();
      const u64 probe = op.pa;
      env.on_root_write([&](u64 root) {
        const ref::Geometry* mode = ref::root_geometry(g, root);
        if (!mode) return;
        ++checks;
        const ref::WalkResult<u64> hw = ref::walk_half(*mode, std::max(ref::half_of(*mode, probe), 0), probe, root, env);
        if (!hw.ok() || hw.oa != probe)
          fail(g, "walk-mismatch", helper,
               fmt::format("after the root register write {:#018x} ({} walk) the identity map of the probe code\n"
                           "expected: {:#x} translates to itself\nactual:   {}",
                           root, mode->name, probe,
                           hw.ok() ? fmt::format("translates to {:#x}", hw.oa) : fault_text(*mode, hw)));
        const u64 used = hw.steps.front().entry;
        const u64 base = used & ~(mode->root_bytes() - 1);
        u64 stale = 0;
        if (const u64 i = env.first_nonzero(env.va(base), mode->root_entries(), (used - base) / 8, &stale); stale)
          fail(g, "stale-state", helper,
               fmt::format("after the root register write {:#018x} ({} walk) for probe code at {:#x}\n"
                           "expected: the root table holds only the entry at slot {}\n"
                           "actual:   slot {} holds {:#018x}",
                           root, mode->name, probe, (used - base) / 8, i, stale));
      });
      b->probe_modes(tables, probe);
      ++checks;
      if (t->vabits_actual() != g.vabits_actual)
        fail(g, "mode-mismatch", helper,
             fmt::format("probe code at {:#x}\nexpected: the CPU's best mode, {}-bit VAs\nactual:   chose {}-bit VAs",
                         probe, g.vabits_actual, t->vabits_actual()));
      for (int k = 0; k < BootHelpers::kProbeTables; ++k) {
        u64 e = 0;
        if (const u64 i = env.first_nonzero(tables[k], env.page_size() / 8, ~u64{0}, &e); e)
          fail(g, "stale-state", helper,
               fmt::format("probe code at {:#x}\nexpected: early table {} cleared after the probe\n"
                           "actual:   slot {} holds {:#018x}",
                           probe, k, i, e));
      }
      break;
    }

    // O9 (ZOO-21): kpti rewrites swapper_pg_dir's entries as non-global
    // with a walk of as many levels as the hardware walks - the reference's
    // level count for the page size and vabits_actual.
    case OpKind::kKptiNg: {
      ++checks;
      const int want = static_cast<int>(g.hw.size());
      const int got = b->kpti_ng_levels();
      if (got != want)
        fail(g, "level-count", helper,
             fmt::format("{}K pages, vabits_actual {}\nexpected: {} levels, as the hardware walks (from {})\n"
                         "actual:   {} levels",
                         g.page_size() >> 10, g.vabits_actual, want, g.hw.front().name, got));
      break;
    }

    // O9 (ZOO-20): KVM walks a VMM's page tables (TTBR0's) itself; it must
    // start where the hardware starts, with the same input-address size.
    case OpKind::kKvmUserWalk: {
      ++checks;
      const ref::Half& user = half_for(g, 0);
      const int want_level = g.hw.front().arch_level;
      const int got_level = b->kvm_user_start_level();
      const unsigned got_ia = b->kvm_user_ia_bits();
      if (got_level != want_level || got_ia != user.ia)
        fail(g, "level-count", helper,
             fmt::format("{}K pages, vabits_actual {}\nexpected: the walk of mm->pgd from level {} over {} bits, as "
                         "the hardware walks {}\nactual:   from level {} over {} bits",
                         g.page_size() >> 10, g.vabits_actual, want_level, user.ia, user.name, got_level, got_ia));
      break;
    }

    // O9 (ZOO-12): a size is mapped as a stage-2 block exactly when it is
    // a leaf size the architecture has in every mode.
    case OpKind::kGstageBlock: {
      ++checks;
      const std::set<u64>& sizes = common_block_sizes(g);
      const bool want = sizes.count(op.len) != 0;
      const bool got = b->gstage_block_size(op.len);
      if (got != want)
        fail(g, "mode-mismatch", helper,
             fmt::format("VMA page size {:#x}\nexpected: {} (block sizes in every mode: {:#x})\nactual:   {}", op.len,
                         want ? "mapped as a block" : "not a block", fmt::join(sizes, ", "),
                         got ? "mapped as a block" : "not a block"));
      break;
    }
    default:
      break;
  }
  return checks;
}

}  // namespace ptfold::fuzz
