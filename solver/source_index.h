// Where the target models' classes and helpers are defined (file relative to
// the repository, line), from an index generated at build time over
// targets/ (solver/gen_source_index.py): the physical locations of SARIF
// results. Needs no Z3.
#pragma once

#include <string>
#include <string_view>

namespace ptfold::solver {

struct SourceIndexEntry {
  std::string file;
  unsigned line = 0;
};

// The definition of `helper` in model class `cls` or the nearest base class
// that has it - an exact name first, then an override hook named after it
// (`p4d_offset_lockless_folded` for `p4d_offset_lockless`) in the same
// class. An empty or unknown helper: the class itself; an unknown class: the
// helper interface every model implements (targets/linux.h).
SourceIndexEntry find_source(std::string_view cls, std::string_view helper);

}  // namespace ptfold::solver
