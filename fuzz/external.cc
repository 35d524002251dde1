// The registry of fuzz/external.h.
#include "fuzz/external.h"

#include <map>
#include <stdexcept>
#include <utility>

namespace ptfold::fuzz {

namespace {
std::map<const tgt::VariantInfo*, ExternalTarget>& registry() {
  static std::map<const tgt::VariantInfo*, ExternalTarget> r;
  return r;
}
}  // namespace

void register_external_target(const tgt::VariantInfo* v, ExternalTarget t) { registry()[v] = std::move(t); }

const ExternalTarget* external_target(const tgt::VariantInfo& v) {
  auto it = registry().find(&v);
  return it == registry().end() ? nullptr : &it->second;
}

MachineTable& external_table(const tgt::VariantInfo& v, const ref::Geometry& g, Machine& m) {
  static std::map<std::pair<const tgt::VariantInfo*, const ref::Geometry*>, std::unique_ptr<MachineTable>> cache;
  std::unique_ptr<MachineTable>& t = cache[{&v, &g}];
  if (!t) {
    const ExternalTarget* x = external_target(v);
    if (!x) throw std::logic_error("ptfold: internal: " + v.name + " is not a registered target");
    t = x->make(g, m);
  }
  return *t;
}

}  // namespace ptfold::fuzz
