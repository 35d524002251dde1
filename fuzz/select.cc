// The fuzz binaries' variant selection and finding report (fuzz/select.h).
#include "fuzz/select.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace ptfold::fuzz {

std::vector<harness::Pair> pairs_for(const std::string& glob, const std::string& geometry_glob) {
  if (glob == "upstream") {
    std::vector<harness::Pair> out;
    for (const harness::Pair& p : harness::pairs("*", geometry_glob))
      if (p.variant->upstream) out.push_back(p);
    return out;
  }
  return harness::pairs(glob, geometry_glob);
}

const std::vector<harness::Pair>& selected_pairs(const char* build_default) {
  static const std::vector<harness::Pair> kPairs = [build_default] {
    const char* env = std::getenv("PTFOLD_VARIANT");
    const std::string glob = env && *env ? env : build_default;
    const char* genv = std::getenv("PTFOLD_GEOMETRY");
    const std::string geometry = genv && *genv ? genv : "*";
    std::vector<harness::Pair> p = pairs_for(glob, geometry);
    if (p.empty()) {
      std::fprintf(stderr,
                   "ptfold: error: no target variant matches PTFOLD_VARIANT='%s' on PTFOLD_GEOMETRY='%s' "
                   "(run `ptfold variants` and `ptfold geometries` for the names, or 'upstream' and '*')\n",
                   glob.c_str(), geometry.c_str());
      std::exit(2);
    }
    return p;
  }();
  return kPairs;
}

std::string format_report(const Finding& f, const std::string& trace) {
  return fmt::format("{}\n{}\nop trace (scenario text; replay with `ptfold replay FILE`):\n{}", f.first_line(),
                     f.detail, trace);
}

std::string crash_state_line(const Finding& f) {
  // Geometry names start with the architecture: arm64-.., x86_64-.., riscv64-..
  const std::string arch = f.geometry.substr(0, f.geometry.find('-'));
  return fmt::format("ptfold: finding: Assertion `{}: {} on {}' failed.\n", f.cls, f.helper, arch);
}

void print_report(const Finding& f, const std::string& trace) {
  std::string r = format_report(f, trace);
  if (!r.empty() && r.back() != '\n') r += '\n';
  r += crash_state_line(f);
  std::fwrite(r.data(), 1, r.size(), stderr);
  std::fflush(stderr);
}

}  // namespace ptfold::fuzz
