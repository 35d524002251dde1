// The variants of targets/variants.def as a table, and the factory that
// instantiates one for a word type and environment. Commands iterate this
// list; OSS-Fuzz runs upstream only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "targets/arm64/alloc_forever.h"
#include "targets/arm64/arm64.h"
#include "targets/arm64/variants.h"
#include "targets/linux.h"
#include "targets/riscv64/riscv64.h"
#include "targets/riscv64/variants.h"
#include "targets/x86_64/variants.h"
#include "targets/x86_64/x86_64.h"

namespace ptfold::tgt {

struct VariantInfo {
  std::string name;         // "arm64", "arm64-pudfree-nodtor", ...
  std::string family;       // geometry family it runs on ("arm64-lpa2", ...)
  bool upstream = false;    // reference for "no false positives"
  std::string description;  // one line
  std::string commits;      // introducing / fixing commit ids
  std::string default_geometry;        // where its bug shows (bug variants)
  std::vector<std::string> shows_on;   // every geometry it shows on, default first
  std::string first_line;   // the finding its reproducer gives ("" if none)
};

// The registry (targets/variants.def), in its order.
const std::vector<VariantInfo>& variants();
// A name of the registry or of a variant registered at run time (below).
const VariantInfo* find_variant(std::string_view name);
// Targets that are not models - the real code of a kernel tree linked into a
// kernel-tree fuzz binary (fuzz/kernel_fuzz.h) - registered by the binary
// before it decodes or parses anything, so scenario text naming them parses
// and replays. Never listed by variants() (`ptfold variants` lists models);
// make_variant() does not build them. Returns the stored entry (it lives as
// long as the process); a name the registry or an earlier call has is
// refused (std::invalid_argument).
const VariantInfo* register_variant(VariantInfo v);
// The upstream variant for a geometry family ("arm64-lpa2" -> "arm64").
const VariantInfo* upstream_for_family(std::string_view family);

// Instantiate a variant; nullptr for an unknown name.
template <class W, class Env>
std::unique_ptr<LinuxPageTable<W, Env>> make_variant(std::string_view name, const Config& cfg,
                                                     Env& env) {
  using P = std::unique_ptr<LinuxPageTable<W, Env>>;
#define PTFOLD_VARIANT(vname, Class, ...) \
  if (name == vname) return P(new Class<W, Env>(cfg, env));
#include "targets/variants.def"
#undef PTFOLD_VARIANT
  return nullptr;
}

}  // namespace ptfold::tgt
