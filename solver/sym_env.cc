// SymEnv: fresh symbolic table bases and Linux-encoded table descriptors.
#include "solver/sym_env.h"

namespace ptfold::solver {

SymEnv::SymEnv(const ref::Geometry& g, const harness::LinuxView& view, u64 linear_offset)
    : g_(g), view_(view), linear_offset_(linear_offset) {}

void SymEnv::attach(Target* t, bool init_mm, unsigned pa_bits) {
  t_ = t;
  init_mm_ = init_mm;
  const size_t n = g_.hw.size();
  tables_.clear();
  tables_.push_back(W(u64{0}));  // the root: the pgd, not a fresh table
  const W mask(pa_bits > g_.page_shift ? genmask(pa_bits - 1, g_.page_shift) : ~u64{0});
  for (size_t i = 1; i <= n; ++i) tables_.push_back(W::fresh("T" + std::to_string(i)) & mask);
  desc_.assign(n, std::nullopt);
}

SymEnv::W SymEnv::table_descriptor(int hw, const W& child_pa) {
  if (!t_) throw std::logic_error("solver: SymEnv used before attach()");
  const tgt::Level owner = view_.reader_of(hw);
  if (owner == tgt::Level::kPte)
    throw std::logic_error("solver: the last hardware level holds no table descriptors");
  tgt::Mm<W> mm;
  mm.init_mm = init_mm_;
  capturing_ = true;
  captured_.reset();
  const size_t bugs = bug_ons_.size();
  t_->populate(mm, owner, W(u64{0}), va(child_pa));
  capturing_ = false;
  bug_ons_.resize(bugs);  // populate's own checks are not part of the walk
  if (!captured_)
    throw std::logic_error(std::string("solver: ") + tgt::level_name(owner) +
                           "_populate wrote nothing on " + g_.name +
                           " (the level owning a hardware table must not be folded)");
  return *captured_;
}

const SymEnv::W& SymEnv::descriptor(int hw) {
  auto& d = desc_.at(static_cast<size_t>(hw));
  if (!d) {
    if (hw + 1 == static_cast<int>(g_.hw.size()))
      d = W::fresh("leaf_desc");  // a leaf; tables_only walks decode it unused
    else
      d = table_descriptor(hw, tables_[static_cast<size_t>(hw) + 1]);
  }
  return *d;
}

SymEnv::W SymEnv::read(const W& /*ptr*/, tgt::Level lvl) {
  return descriptor(view_.lin(lvl).hw);
}

void SymEnv::write(const W& /*ptr*/, tgt::Level lvl, const W& v) {
  if (!capturing_)
    throw std::logic_error(std::string("solver: a walk helper wrote a ") + tgt::level_name(lvl) +
                           " entry");
  captured_ = v;
}

void SymEnv::bug_on(const smt::Bool& cond, const char* helper, const char* what) {
  bug_ons_.push_back({cond, helper, what});
}

std::vector<SymEnv::BugOn> SymEnv::take_bug_ons() {
  std::vector<BugOn> out;
  out.swap(bug_ons_);
  return out;
}

}  // namespace ptfold::solver
