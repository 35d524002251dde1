// The proof obligations (docs/proofs.md), one symbolic run of the Linux
// walk (locked and lockless) and the reference walk per (variant, geometry,
// half), then one named query per level and property.
//
// Symbolic inputs:  va            the address (any address of the half)
//                   pgd_pa        the pgd, aligned as pgd_alloc() aligns it
//                   T1..Tn        the other tables, page aligned
//                   S0..S3        fast GUP's on-stack entry copies (any
//                                 8-byte aligned address)
// all physical addresses below 2^PA, PA = min(PHYS_MASK_SHIFT, OA size), as
// harness::pa_bits() does for the concrete differential check.
#include "solver/obligations.h"

#include <fmt/format.h>

#include <cxxabi.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <typeinfo>

#include "harness/binding.h"
#include "harness/compare.h"
#include "harness/linux_view.h"
#include "reference/dispatch.h"
#include "reference/root.h"
#include "solver/replay.h"
#include "solver/sym_env.h"

namespace ptfold::solver {

namespace {

using smt::Bool;
using smt::BV;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// __va(pa) = pa + PAGE_OFFSET-like constant: page aligned, so the sub-page
// bits the folded helpers and their checks look at are the PA's.
u64 linear_offset_for(const ref::Geometry& g) { return ~u64{0} << std::min(g.va_bits, 63u); }

// [base, base + size) holds the 8-byte entry at p. `base_align` is what the
// preconditions guarantee about base. When base is aligned to the
// (power-of-two) size, the test is pure bit masking - much cheaper for Z3
// than the subtraction, which is the general form (no wrap: base + size stays
// below 2^PA by the preconditions).
Bool inside(const BV& p, const BV& base, u64 size, u64 base_align) {
  if (is_pow2(size) && base_align % size == 0)
    return land((p & BV(~(size - 1))) == base, smt::ule(p & BV(size - 1), BV(size - 8)));
  return smt::ule(p - base, BV(size - 8));
}

// A Mem that holds `desc` in hardware table `at` and SymEnv's descriptors
// elsewhere: the reference walk then decodes `desc` as the hardware does.
struct DecodeMem {
  SymEnv& env;
  int at;
  BV desc;
  BV read64(const BV& /*pa*/, int hw) { return hw == at ? desc : env.descriptor(hw); }
};

struct Half {
  const tgt::VariantInfo& v;
  const ref::Geometry& g;
  int index;
  const ref::Half& h;
  const harness::LinuxView& view;  // the variant's Linux facts on g
  SymEnv env;
  std::unique_ptr<SymEnv::Target> t;
  unsigned pa_bits = 48;
  BV va;
  BV pgd_pa;
  BV pgd_va;
  BV root;
  Bool pre;
  harness::LinuxWalk<BV> lw;
  // Fast GUP's lockless walk (targets/mm/gup.h): each level's entry copied to
  // the stack at S[level], the next helper handed the copy's address.
  harness::LinuxWalk<BV> llw;
  BV stack[tgt::kLevels - 1];
  ref::WalkResult<BV> hw;
  std::vector<harness::LevelCompare<BV>> cmp, cmp_lockless;
  std::vector<SymEnv::BugOn> bug_ons;
  std::vector<smt::ShiftRecord> shifts;

  Half(const tgt::VariantInfo& v_, const ref::Geometry& g_, int index_, const TargetFactory& make)
      : v(v_), g(g_), index(index_), h(g_.halves.at(static_cast<size_t>(index_))),
        view(harness::linux_view(v_.name, g_)), env(g_, view, linear_offset_for(g_)) {
    t = make ? make(harness::config_for(g), env) : tgt::make_variant<BV>(v.name, harness::config_for(g), env);
    if (!t) throw std::logic_error("solver: unknown variant " + v.name);
    pa_bits = std::min(t->phys_mask_shift(), g.hwc.oa_bits);
    env.attach(t.get(), h.upper, pa_bits);
    va = in_half(BV::fresh("va"));
    pgd_pa = aligned_below_pa(BV::fresh("pgd_pa"), view.pgd_align);
    pgd_va = env.va(pgd_pa);
    smt::take_shift_audit();
    smt::audit_label("hw_root");
    root = t->hw_root(pgd_pa, h.upper);
    smt::audit_label("hardware walk");
    hw = ref::walk_half(g, index, va, root, env, ref::WalkOptions{.tables_only = true});
    smt::audit_label("linux walk");
    lw = harness::linux_walk(*t, pgd_va, va);
    cmp = harness::compare_levels(view, *t, lw, hw);
    smt::audit_label("lockless walk");
    llw = lockless_walk();
    cmp_lockless = lockless_compares();
    bug_ons = env.take_bug_ons();
    shifts = smt::take_shift_audit();
    pre = preconditions();
  }

  // gup_fast_pgd_range() .. gup_fast_pte_range(): pgdp from pgd_offset();
  // then for p4d, pud, pmd p?d_offset_lockless(parentp, &copy, addr), and
  // pte_offset_map(&pmd copy, addr) (pte_offset_kernel here). The copies
  // hold what their parent pointer holds: SymEnv reads by level, so a helper
  // reading the copy sees the descriptor the hardware reads.
  harness::LinuxWalk<BV> lockless_walk() {
    harness::LinuxWalk<BV> w;
    w.addr = va;
    for (int i = 0; i < tgt::kLevels; ++i) w.index[i] = t->index(static_cast<tgt::Level>(i), va);
    for (int i = 0; i + 1 < tgt::kLevels; ++i)
      stack[i] = BV::fresh(fmt::format("stack_{}_{}", tgt::level_name(static_cast<tgt::Level>(i)), index)) & BV(~u64{7});
    w.ptr[0] = t->offset(tgt::Level::kPgd, pgd_va, va);
    for (int i = 1; i + 1 < tgt::kLevels; ++i)
      w.ptr[i] = t->offset_lockless(static_cast<tgt::Level>(i), w.ptr[i - 1], stack[i - 1], va);
    w.ptr[tgt::kLevels - 1] = t->pte_offset_kernel(stack[tgt::kLevels - 2], va);
    return w;
  }

  // Per hardware level, whether the lockless walk reaches the entry the
  // hardware reads. The level reading it (reader_of, as for the locked walk)
  // may hold the address of an ancestor's on-stack copy - the generic
  // compile-time folds: p4d_offset_lockless() returns &pgd, the nopud
  // pud_offset_lockless() passes that on - and then reads the copy: it
  // reaches the entry when that ancestor does. Any other pointer must be the
  // entry itself (a run-time folded level reads the table).
  std::vector<harness::LevelCompare<BV>> lockless_compares() {
    std::vector<harness::LevelCompare<BV>> out;
    for (const ref::WalkStep<BV>& st : hw.steps) {
      harness::LevelCompare<BV> c;
      c.hw = st.hw;
      c.reader = view.reader_of(st.hw);
      c.hw_entry = st.entry;
      const auto rl = static_cast<tgt::Level>(c.reader);
      std::vector<Bool> reach;
      for (int i = 0; i <= static_cast<int>(c.reader); ++i) {
        Bool r = env.pa(t->hw_entry_ptr(rl, llw.ptr[i], va)) == st.entry;
        for (int k = 0; k < i; ++k) r = lor(r, land(llw.ptr[i] == stack[k], reach[static_cast<size_t>(k)]));
        reach.push_back(r);
      }
      c.linux_entry_pa = env.pa(t->hw_entry_ptr(rl, llw.ptr[static_cast<int>(c.reader)], va));
      c.equal = reach.back();
      out.push_back(c);
    }
    return out;
  }

  // The inputs are built so that every value of the fresh variable is a
  // valid input and every valid input is reachable: alignment and range hold
  // by construction (bit masks), which Z3's rewriter exploits far better
  // than the equivalent side constraints. preconditions() still states them,
  // so a construction slip cannot make a proof vacuous unnoticed.
  BV in_half(const BV& x) const {
    const u64 size = h.va_hi - h.va_lo + 1;  // 0 for the full 2^64 range
    if (size == 0 || !is_pow2(size) || (h.va_lo & (size - 1))) return x;
    return BV(h.va_lo) | (x & BV(size - 1));
  }
  BV aligned_below_pa(const BV& x, u64 align) const {
    const unsigned lo = ilog2(align);
    if (!is_pow2(align) || lo >= pa_bits) return x;
    return x & BV(genmask(pa_bits - 1, lo));
  }

  u64 pa_limit() const { return pa_bits >= 64 ? ~u64{0} : (u64{1} << pa_bits); }

  Bool page_ok(const BV& p, u64 size, u64 align) const {
    return land((p & BV(align - 1)) == BV(u64{0}), smt::ule(p, BV(pa_limit() - size)));
  }

  Bool preconditions() const {
    Bool p = hw.in_range;
    p = land(p, page_ok(pgd_pa, view.pgd_alloc_bytes, view.pgd_align));
    const std::vector<BV>& T = env.tables();
    for (size_t i = 1; i < T.size(); ++i) p = land(p, page_ok(T[i], g.page_size(), g.page_size()));
    return p;
  }

  // Table `hw` (physical base, allocated size): the pgd allocation for the
  // root, a page for every other table.
  struct Alloc {
    BV base;
    u64 size, align;
  };
  Alloc allocation(int hw_index) const {
    if (hw_index == 0) return {pgd_pa, view.pgd_alloc_bytes, view.pgd_align};
    return {env.tables().at(static_cast<size_t>(hw_index)), g.page_size(), g.page_size()};
  }
};

struct Item {
  std::string query;
  std::string level;
  Bool bad;  // the violation, under the half's preconditions
  std::function<void(const smt::Model&, Counterexample&)> explain;
  std::string helper;     // the Linux helper at fault when `bad` holds
  bool lockless = false;  // about fast GUP's walk: show it, not the locked one
};

const char* const kOffsetHelpers[tgt::kLevels] = {"pgd_offset", "p4d_offset", "pud_offset", "pmd_offset",
                                                       "pte_offset_kernel"};
const char* const kLocklessHelpers[tgt::kLevels] = {"pgd_offset", "p4d_offset_lockless", "pud_offset_lockless",
                                                         "pmd_offset_lockless", "pte_offset_kernel"};

// The C++ class of the target ("FoldCast"): where the helpers the SARIF
// locations name are defined.
std::string class_name(const SymEnv::Target& t) {
  const char* mangled = typeid(t).name();
  int status = 0;
  char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string n = status == 0 && d ? d : mangled;
  std::free(d);
  n = n.substr(0, n.find('<'));
  const size_t colon = n.rfind("::");
  return colon == std::string::npos ? n : n.substr(colon + 2);
}

// Fills the parts of a counterexample every obligation shares.
Counterexample base_cex(Half& s, const smt::Model& m, Obligation ob, bool lockless = false) {
  const harness::LinuxWalk<BV>& lw = lockless ? s.llw : s.lw;
  const std::vector<harness::LevelCompare<BV>>& cmps = lockless ? s.cmp_lockless : s.cmp;
  Counterexample c;
  c.obligation = ob;
  c.half = s.h.name;
  c.va = m.eval(s.va);
  c.pgd_pa = m.eval(s.pgd_pa);
  c.pgd_va = m.eval(s.pgd_va);
  c.root = m.eval(s.root);
  c.linear_offset = s.env.linear_offset();
  for (size_t i = 1; i < s.env.tables().size(); ++i) c.tables.push_back(m.eval(s.env.tables()[i]));
  for (int i = 0; i < tgt::kLevels; ++i) {
    const harness::LinuxLevel& ll = s.view.level[static_cast<size_t>(i)];
    const auto l = static_cast<tgt::Level>(i);
    CexLinuxLevel r;
    r.level = tgt::level_name(ll.level);
    r.fold = harness::fold_name(ll.fold);
    r.shift = s.t->shift(l);
    r.ptrs = s.t->ptrs_per(l);
    r.index = m.eval(lw.index[static_cast<size_t>(i)]);
    r.entry_pa = m.eval(s.env.pa(lw.ptr[static_cast<size_t>(i)]));
    r.hw = ll.hw;
    c.linux_levels.push_back(r);
  }
  for (size_t i = 0; i < s.hw.steps.size(); ++i) {
    const ref::WalkStep<BV>& st = s.hw.steps[i];
    const ref::HwLevel& hl = s.g.hw.at(static_cast<size_t>(st.hw));
    const harness::LevelCompare<BV>& cmp = cmps.at(i);
    CexHwLevel r;
    r.name = hl.name;
    r.hi = hl.hi;
    r.lo = hl.lo;
    r.entries = hl.entries;
    r.index = m.eval(st.index);
    r.table = m.eval(st.table);
    r.entry = m.eval(st.entry);
    r.reader = tgt::level_name(cmp.reader);
    r.linux_index = m.eval(lw.index[static_cast<size_t>(cmp.reader)]);
    r.linux_entry_pa = m.eval(cmp.linux_entry_pa);
    r.differs = !m.eval(cmp.equal);
    if (r.differs && c.first_diff_hw < 0) c.first_diff_hw = st.hw;
    c.hw.push_back(r);
  }
  c.walk_command = fmt::format("ptfold walk --geometry {} --va {:#018x} --target {} --pgd-offset {:#x}",
                               s.g.name, c.va, s.v.name, c.pgd_pa & (s.g.page_size() - 1));
  if (lockless) {
    c.lockless = true;
    for (int i = 0; i + 1 < tgt::kLevels; ++i)
      c.values.push_back({fmt::format("on-stack {} copy (va)", tgt::level_name(static_cast<tgt::Level>(i))),
                          m.eval(s.stack[i])});
  }
  return c;
}

// The smallest value of each of `xs` in turn (most significant bit first)
// for which `bad` still holds, starting from the model `m` of a sat `bad`:
// a bit the model already has clear is kept clear without a query, a set one
// costs one query. Counterexamples then do not depend on the solver's path
// to its first model, and the address shown is the simplest one.
void minimize(smt::Solver& solver, const std::string& name, Bool bad, const std::vector<BV>& xs, smt::Model& m) {
  for (const BV& x : xs) {
    for (int b = 63; b >= 0; --b) {
      const u64 bit = u64{1} << b;
      const Bool clear = (x & BV(bit)) == BV(u64{0});
      if (!(m.eval(x) & bit)) {
        bad = land(bad, clear);
        continue;
      }
      const smt::Query q = solver.check(name + "/min", land(bad, clear));
      if (q.verdict == smt::Verdict::kSat) {
        m = solver.model();
        bad = land(bad, clear);
      } else {
        bad = land(bad, lnot(clear));  // unsat (or unknown): the bit stays set
      }
    }
  }
}

// Runs the items in order; the first satisfiable one is the counterexample.
HalfResult run_items(smt::Solver& solver, Half& s, Obligation ob, std::vector<Item>& items,
                     const ProveOptions& opt) {
  HalfResult r;
  r.half = s.h.name;
  r.checks = items.size();
  bool unknown = false;
  std::string reasons;
  if (items.empty()) {
    // Nothing ran: never a pass.
    r.state = State::kNotApplicable;
    r.detail = ob == Obligation::kBugOn ? "no walk helper evaluates a BUG_ON/VM_BUG_ON on this geometry"
                                        : "nothing to check on this geometry";
    return r;
  }
  // One query for the whole obligation; per-item queries only to locate a
  // violation (the first item that can fail) or to narrow down an unknown.
  if (items.size() > 1) {
    Bool any = items.front().bad;
    for (size_t i = 1; i < items.size(); ++i) any = lor(any, items[i].bad);
    const smt::Query q = solver.check(fmt::format("{}/{}", obligation_name(ob), s.h.name), any);
    r.queries.push_back({q.name, smt::verdict_name(q.verdict), q.reason, q.ms});
    if (q.verdict == smt::Verdict::kUnsat) {
      r.state = State::kProved;
      r.detail = fmt::format("unsat over {} checks", items.size());
      return r;
    }
  }
  for (Item& it : items) {
    const smt::Query q = solver.check(it.query, it.bad);
    r.queries.push_back({q.name, smt::verdict_name(q.verdict), q.reason, q.ms});
    if (q.verdict == smt::Verdict::kUnknown) {
      unknown = true;
      reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : "; ", q.name, q.reason);
      continue;
    }
    if (q.verdict == smt::Verdict::kSat) {
      smt::Model m = solver.model();
      if (opt.minimize) minimize(solver, q.name, it.bad, {s.va, s.pgd_pa}, m);
      Counterexample c = base_cex(s, m, ob, it.lockless);
      c.query = q.name;
      c.level = it.level;
      c.helper = it.helper;
      if (it.explain) it.explain(m, c);
      if (opt.replay) {
        const auto t0 = Clock::now();
        c.replay = replay_counterexample(s.v, s.g, c);
        r.replay_ms = ms_since(t0);
      }
      r.state = (!opt.replay || !c.replay.attempted || c.replay.reproduced) ? State::kCounterexample : State::kHarnessError;
      if (r.state == State::kHarnessError)
        r.detail = "counterexample does not reproduce concretely: " + c.replay.detail;
      r.cex = std::move(c);
      return r;
    }
  }
  if (unknown) {
    r.state = State::kUnknown;
    r.detail = reasons;
  } else {
    r.state = State::kProved;
    r.detail = fmt::format("{} queries unsat", items.size());
  }
  return r;
}

std::vector<Item> walk_items(Half& s) {
  std::vector<Item> items;
  // The root register first: bits the architecture reserves below the root
  // table's alignment are a wrong root (e.g. a TTBR1 offset that is not a
  // multiple of the root table), not something to round away.
  if (const u64 mask = ref::root_reserved_mask(s.g, s.index)) {
    const BV root = s.root;
    items.push_back({fmt::format("walk/{}/root", s.h.name), "root", (root & BV(mask)) != BV(u64{0}),
                     [root, mask](const smt::Model& m, Counterexample& cx) {
                       cx.what = fmt::format("the root register value {:#x} sets bits {:#x} that the architecture "
                                             "reserves below the root table's alignment",
                                             m.eval(root), m.eval(root) & mask);
                       cx.values.push_back({"reserved bits", mask});
                     },
                     "hw_root"});
  }
  for (int pass = 0; pass < 2; ++pass) {
    const bool lockless = pass == 1;
    for (const harness::LevelCompare<BV>& c : lockless ? s.cmp_lockless : s.cmp) {
      const std::string name = s.g.hw.at(static_cast<size_t>(c.hw)).name;
      const std::string reader = tgt::level_name(c.reader);
      const int ri = static_cast<int>(c.reader);
      items.push_back({fmt::format("walk/{}/{}{}", s.h.name, name, lockless ? "/lockless" : ""), name, lnot(c.equal),
                       [c, name, reader, lockless, ri, &s](const smt::Model& m, Counterexample& cx) {
                         cx.what = fmt::format("{}: the {} {} entry is at pa {:#x}, the hardware reads {:#x}", name,
                                               lockless ? "lockless (fast GUP)" : "Linux", reader,
                                               m.eval(c.linux_entry_pa), m.eval(c.hw_entry));
                         if (!lockless) return;
                         // The helper at fault: the first level that returned
                         // an on-stack copy's address (where the copy leaked
                         // into the walk), else the reader's own helper.
                         for (int i = 1; i <= ri; ++i)
                           for (int k = 0; k < i; ++k)
                             if (m.eval(s.llw.ptr[i]) == m.eval(s.stack[k])) {
                               cx.helper = kLocklessHelpers[i];
                               return;
                             }
                       },
                       lockless ? kLocklessHelpers[ri] : kOffsetHelpers[ri], lockless});
    }
  }
  return items;
}

std::vector<Item> bounds_items(Half& s) {
  std::vector<Item> items;
  for (int i = 0; i < tgt::kLevels; ++i) {
    const harness::LinuxLevel& ll = s.view.level[static_cast<size_t>(i)];
    // (Named members, not a structured binding: clang 14 cannot capture those.)
    const Half::Alloc a = s.allocation(ll.hw);
    const BV base = a.base;
    const u64 size = a.size, align = a.align;
    const BV p = s.env.pa(s.lw.ptr[static_cast<size_t>(i)]);
    const std::string lvl = tgt::level_name(ll.level);
    const std::string table = ll.hw == 0 ? std::string("pgd allocation") : s.g.hw.at(static_cast<size_t>(ll.hw)).name + " table";
    items.push_back({fmt::format("bounds/{}/linux-{}", s.h.name, lvl), lvl, lnot(inside(p, base, size, align)),
                     [p, base, size, lvl, table](const smt::Model& m, Counterexample& cx) {
                       const u64 b = m.eval(base);
                       cx.what = fmt::format("the Linux {} entry at pa {:#x} is outside its {} [{:#x}, {:#x})",
                                             lvl, m.eval(p), table, b, b + size);
                     },
                     kOffsetHelpers[i]});
  }
  for (const ref::WalkStep<BV>& st : s.hw.steps) {
    const Half::Alloc a = s.allocation(st.hw);
    const BV base = a.base;
    const u64 size = a.size, align = a.align;
    const std::string name = s.g.hw.at(static_cast<size_t>(st.hw)).name;
    const BV e = st.entry;
    items.push_back({fmt::format("bounds/{}/hw-{}", s.h.name, name), name, lnot(inside(e, base, size, align)),
                     [e, base, size, name](const smt::Model& m, Counterexample& cx) {
                       const u64 b = m.eval(base);
                       cx.what = fmt::format("the hardware's {} entry at pa {:#x} is outside the table's allocation [{:#x}, {:#x})",
                                             name, m.eval(e), b, b + size);
                     },
                     st.hw == 0 ? "pgd_alloc" : "hw_root"});
  }
  return items;
}

std::vector<Item> index_items(Half& s) {
  std::vector<Item> items;
  if (!s.shifts.empty()) {
    // Shift amounts are geometry constants: one record means every address.
    const smt::ShiftRecord sr = s.shifts.front();
    const auto all = s.shifts;
    items.push_back({fmt::format("index/{}/shift", s.h.name), sr.where, Bool(true),
                     [all](const smt::Model&, Counterexample& cx) {
                       const smt::ShiftRecord& f = all.front();
                       cx.what = fmt::format("shift {} {} (>= 64) in the {}; {} such shift(s)",
                                             f.left ? "<<" : ">>", f.amount, f.where, all.size());
                       for (const auto& x : all)
                         cx.values.push_back({fmt::format("{} {} in {}", x.left ? "<<" : ">>", x.amount, x.where), x.amount});
                     },
                     sr.where});
  }
  for (int i = 0; i < tgt::kLevels; ++i) {
    const auto l = static_cast<tgt::Level>(i);
    const u64 n = s.t->ptrs_per(l);
    const BV idx = s.lw.index[static_cast<size_t>(i)];
    const std::string lvl = tgt::level_name(l);
    items.push_back({fmt::format("index/{}/linux-{}", s.h.name, lvl), lvl, lnot(smt::ult(idx, BV(n))),
                     [idx, n, lvl](const smt::Model& m, Counterexample& cx) {
                       cx.what = fmt::format("{}_index(addr) = {:#x} is not below PTRS_PER_{} = {}", lvl,
                                             m.eval(idx), [&] { std::string u = lvl; for (char& ch : u) ch = static_cast<char>(toupper(ch)); return u; }(), n);
                     },
                     lvl + "_index"});
  }
  for (const ref::WalkStep<BV>& st : s.hw.steps) {
    const ref::HwLevel& hl = s.g.hw.at(static_cast<size_t>(st.hw));
    const BV idx = st.index;
    const std::string name = hl.name;
    const u64 n = hl.entries;
    items.push_back({fmt::format("index/{}/hw-{}", s.h.name, name), name, lnot(smt::ult(idx, BV(n))),
                     [idx, n, name](const smt::Model& m, Counterexample& cx) {
                       cx.what = fmt::format("the hardware's {} index {:#x} is not below its {} entries", name,
                                             m.eval(idx), n);
                     },
                     "hw_root"});
  }
  return items;
}

std::vector<Item> descriptor_items(Half& s) {
  std::vector<Item> items;
  const BV pa = BV::fresh("desc_pa");
  const Bool pa_ok = s.page_ok(pa, s.g.page_size(), s.g.page_size());
  const std::string half = s.h.name;
  {
    const BV back = s.t->__pte_to_phys(s.t->__phys_to_pte_val(pa));
    items.push_back({fmt::format("descriptor/{}/round-trip", half), "-", land(pa_ok, back != pa),
                     [pa, back, &s](const smt::Model& m, Counterexample& cx) {
                       cx.what = fmt::format("__pte_to_phys(__phys_to_pte_val({:#x})) = {:#x}", m.eval(pa), m.eval(back));
                       cx.values = {{"pa", m.eval(pa)},
                                    {"__phys_to_pte_val(pa)", m.eval(s.t->__phys_to_pte_val(pa))},
                                    {"__pte_to_phys(...)", m.eval(back)}};
                     },
                     "__pte_to_phys"});
  }
  {
    // A page leaf as mk_pte()/pfn_pte() builds it: __phys_to_pte_val(pa)
    // ORed with a pgprot_t, here any combination of the protection bits the
    // kernel uses on this geometry (leaf_prot_bits) on top of mk_leaf()'s.
    // Linux reads the address back with __pte_to_phys() (pte_pfn), the
    // hardware from the descriptor's output-address field - for a page the
    // same field as a next-level table pointer on all three architectures.
    const BV prot = BV::fresh(fmt::format("prot_{}", s.index)) & BV(s.t->leaf_prot_bits(tgt::Level::kPte));
    const BV leaf = s.t->mk_leaf(tgt::Level::kPte, pa) | prot;
    const BV lin = s.t->pte_to_phys_leaf(leaf);
    const BV arch = ref::next_table_address(s.g, leaf);
    auto explain = [pa, prot, leaf, lin, arch](const char* side) {
      return [=](const smt::Model& m, Counterexample& cx) {
        cx.what = fmt::format("leaf: mk_pte() of pa {:#x} with protection bits {:#x} is {:#x}; {} decodes it as {:#x}",
                              m.eval(pa), m.eval(prot), m.eval(leaf), side,
                              std::string(side) == "__pte_to_phys()" ? m.eval(lin) : m.eval(arch));
        cx.values = {{"pa", m.eval(pa)},
                     {"protection bits", m.eval(prot)},
                     {"leaf descriptor", m.eval(leaf)},
                     {"__pte_to_phys(leaf)", m.eval(lin)},
                     {"hardware output address", m.eval(arch)}};
      };
    };
    items.push_back({fmt::format("descriptor/{}/leaf/linux", half), "pte", land(pa_ok, lin != pa),
                     explain("__pte_to_phys()"), "__pte_to_phys"});
    items.push_back({fmt::format("descriptor/{}/leaf/hardware", half), "pte", land(pa_ok, arch != pa),
                     explain("the hardware"), "mk_leaf"});
  }
  for (int i = 0; i + 1 < static_cast<int>(s.g.hw.size()); ++i) {
    const std::string name = s.g.hw.at(static_cast<size_t>(i)).name;
    const auto owner = static_cast<tgt::Level>(s.view.reader_of(i));
    const std::string lvl = tgt::level_name(owner);
    const BV desc = s.env.table_descriptor(i, pa);
    const BV lin = s.t->page_paddr(owner, desc);
    DecodeMem mem{s.env, i, desc};
    smt::audit_label("descriptor decoding");
    const ref::WalkResult<BV> w =
        ref::walk_half(s.g, s.index, s.va, s.root, mem, ref::WalkOptions{.tables_only = true});
    const BV arch = w.steps.at(static_cast<size_t>(i) + 1).table;
    auto explain = [pa, desc, lin, arch, lvl, name](const char* side) {
      return [=](const smt::Model& m, Counterexample& cx) {
        cx.what = fmt::format("{}: {}_populate() writes {:#x} for a table at pa {:#x}; {} decodes it as {:#x}",
                              name, lvl, m.eval(desc), m.eval(pa), side,
                              std::string(side) == "Linux" ? m.eval(lin) : m.eval(arch));
        cx.values = {{"pa", m.eval(pa)},
                     {"descriptor", m.eval(desc)},
                     {lvl + "_page_paddr(descriptor)", m.eval(lin)},
                     {"hardware next-table address", m.eval(arch)}};
      };
    };
    items.push_back({fmt::format("descriptor/{}/{}/linux", half, name), name, land(pa_ok, lin != pa),
                     explain("Linux"), lvl + "_page_paddr"});
    items.push_back({fmt::format("descriptor/{}/{}/hardware", half, name), name, land(pa_ok, arch != pa),
                     explain("the hardware"), lvl + "_populate"});
  }
  return items;
}

std::vector<Item> bug_on_items(Half& s) {
  std::vector<Item> items;
  int k = 0;
  for (const SymEnv::BugOn& b : s.bug_ons) {
    const std::string helper = b.helper, what = b.what;
    items.push_back({fmt::format("bug-on/{}/{}#{}", s.h.name, helper, k++), helper, b.cond,
                     [helper, what](const smt::Model&, Counterexample& cx) {
                       cx.what = fmt::format("VM_BUG_ON in {}: {}", helper, what);
                     },
                     helper});
  }
  return items;
}

}  // namespace

std::vector<HalfResult> prove_half(smt::Context& ctx, const tgt::VariantInfo& v,
                                   const ref::Geometry& g, int half,
                                   const std::vector<Obligation>& obligations,
                                   const ProveOptions& opt, double* setup_ms,
                                   const TargetFactory& make_target, std::string* model_class) {
  const auto t0 = Clock::now();
  Half s(v, g, half, make_target);
  if (model_class) *model_class = class_name(*s.t);
  smt::SolverOptions so;
  so.timeout_ms = opt.timeout_ms;
  so.rlimit = opt.rlimit;
  smt::Solver solver(ctx, so);
  solver.add(s.pre);
  // Preconditions that no input satisfies would make every proof vacuous.
  // (An unknown here proves nothing either way; the obligations then say so.)
  const smt::Query sane = solver.check(fmt::format("pre/{}", s.h.name), Bool(true));
  if (sane.verdict == smt::Verdict::kUnsat)
    throw std::logic_error(fmt::format("solver: the preconditions of {} {} are unsatisfiable: every proof "
                                       "would be vacuous", g.name, s.h.name));
  if (setup_ms) *setup_ms += ms_since(t0);

  std::vector<HalfResult> out;
  for (Obligation ob : obligations) {
    const auto t1 = Clock::now();
    std::vector<Item> items;
    switch (ob) {
      case Obligation::kWalk: items = walk_items(s); break;
      case Obligation::kBounds: items = bounds_items(s); break;
      case Obligation::kIndex: items = index_items(s); break;
      case Obligation::kDescriptor: items = descriptor_items(s); break;
      case Obligation::kBugOn: items = bug_on_items(s); break;
    }
    HalfResult r = run_items(solver, s, ob, items, opt);
    smt::take_shift_audit();  // encoder shifts were audited with the walks
    r.ms = ms_since(t1) - r.replay_ms;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ptfold::solver
