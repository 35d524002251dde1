// RISC-V catalogue rows (issue 5 fills these in).
#include "reference/catalogue_internal.h"

namespace ptfold::ref::detail {
void add_riscv64(std::vector<Geometry>&) {}
}  // namespace ptfold::ref::detail
