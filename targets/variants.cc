// The variant table, read from targets/variants.def.
#include "targets/variants.h"

#include <algorithm>
#include <deque>
#include <stdexcept>

namespace ptfold::tgt {

const char* level_name(Level l) {
  static const char* const kNames[] = {"pgd", "p4d", "pud", "pmd", "pte"};
  return kNames[static_cast<int>(l)];
}

namespace {

constexpr bool kUpstream_UPSTREAM = true, kUpstream_BUG = false;

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t j = std::min(s.find(' ', i), s.size());
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

VariantInfo entry(const char* name, const char* family, bool upstream, const char* commits, const char* shows_on,
                  const char* first_line, const char* description) {
  VariantInfo v{name, family, upstream, description, commits, "", words(shows_on), first_line};
  if (!v.shows_on.empty()) v.default_geometry = v.shows_on.front();
  return v;
}

}  // namespace

const std::vector<VariantInfo>& variants() {
  static const std::vector<VariantInfo> kAll = {
#define PTFOLD_VARIANT(name, Class, family, kind, commits, shows_on, first_line, description) \
  entry(name, family, kUpstream_##kind, commits, shows_on, first_line, description),
#include "targets/variants.def"
#undef PTFOLD_VARIANT
  };
  return kAll;
}

namespace {
std::deque<VariantInfo>& registered() {
  static std::deque<VariantInfo> r;  // a deque: entries never move
  return r;
}
}  // namespace

const VariantInfo* find_variant(std::string_view name) {
  for (const VariantInfo& v : variants())
    if (v.name == name) return &v;
  for (const VariantInfo& v : registered())
    if (v.name == name) return &v;
  return nullptr;
}

const VariantInfo* register_variant(VariantInfo v) {
  if (find_variant(v.name)) throw std::invalid_argument("variant " + v.name + " is registered already");
  return &registered().emplace_back(std::move(v));
}

const VariantInfo* upstream_for_family(std::string_view family) {
  for (const VariantInfo& v : variants())
    if (v.upstream && v.family == family) return &v;
  return nullptr;
}

}  // namespace ptfold::tgt
