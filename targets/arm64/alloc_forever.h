// A test-only variant: arm64 whose pte_alloc_one() never stops allocating -
// the shape of a retry loop whose exit condition is a fold predicate that
// never holds. It models no kernel commit; it is there to show that a
// target allocating without end is reported (an alloc-limit finding naming
// pte_alloc_one) by every engine, never a harness crash.
#pragma once

#include "targets/arm64/arm64.h"

namespace ptfold::tgt::arm64 {

template <class W, class Env>
class AllocForever : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  u64 pte_alloc_one(Mm<W>& /*mm*/) override {
    for (;;) this->env_.get_free_page(Level::kPte);
  }
};

}  // namespace ptfold::tgt::arm64
