// The fuzz binaries' variant selection and finding report (fuzz/select.h).
#include "fuzz/select.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace ptfold::fuzz {

std::vector<harness::Pair> pairs_for(const std::string& glob) {
  if (glob == "upstream") {
    std::vector<harness::Pair> out;
    for (const harness::Pair& p : harness::pairs("*", "*"))
      if (p.variant->upstream) out.push_back(p);
    return out;
  }
  return harness::pairs(glob, "*");
}

const std::vector<harness::Pair>& selected_pairs(const char* build_default) {
  static const std::vector<harness::Pair> kPairs = [build_default] {
    const char* env = std::getenv("PTFOLD_VARIANT");
    const std::string glob = env && *env ? env : build_default;
    std::vector<harness::Pair> p = pairs_for(glob);
    if (p.empty()) {
      std::fprintf(stderr,
                   "ptfold: error: no target variant matches PTFOLD_VARIANT='%s' "
                   "(run `ptfold variants` for the names, or 'upstream')\n",
                   glob.c_str());
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

void report_and_abort(const Finding& f, const std::string& trace) {
  const std::string r = format_report(f, trace);
  std::fwrite(r.data(), 1, r.size(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ptfold::fuzz
