// The generated source index of targets/ and its lookup.
#include "solver/source_index.h"

namespace ptfold::solver {

namespace {

struct ClassRow {
  const char* name;
  const char* base;
  const char* file;
  unsigned line;
};
struct MethodRow {
  const char* cls;
  const char* name;
  unsigned line;
};

#include "source_index.inc"

const ClassRow* find_class(std::string_view name) {
  for (const ClassRow& c : kClasses)
    if (name == c.name) return &c;
  return nullptr;
}

const MethodRow* find_method(std::string_view cls, std::string_view helper, bool hook) {
  for (const MethodRow& m : kMethods) {
    if (cls != m.cls) continue;
    const std::string_view n = m.name;
    if (!hook && n == helper) return &m;
    if (hook && n.size() > helper.size() && n.starts_with(helper) && n[helper.size()] == '_') return &m;
  }
  return nullptr;
}

}  // namespace

SourceIndexEntry find_source(std::string_view cls, std::string_view helper) {
  const ClassRow* own = find_class(cls);
  if (!own) own = find_class("LinuxPageTable");
  if (!own) return {"targets/linux.h", 1};
  if (!helper.empty())
    for (const ClassRow* c = own; c; c = *c->base ? find_class(c->base) : nullptr) {
      // A variant overrides a hook the helper calls (p4d_offset_lockless ->
      // p4d_offset_lockless_folded): the hook in the most derived class is
      // where the variant differs, so it wins over the base's helper.
      if (const MethodRow* m = find_method(c->name, helper, false)) return {c->file, m->line};
      if (const MethodRow* m = find_method(c->name, helper, true)) return {c->file, m->line};
    }
  return {own->file, own->line};
}

}  // namespace ptfold::solver
