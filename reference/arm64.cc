// AArch64 walk shape: start level, index bits, block rules (Arm ARM D8,
// "VMSAv8-64 translation").
#include "reference/arm64.h"

namespace ptfold::ref::arm64 {

Shape shape(unsigned g, unsigned ia) {
  Shape sh;
  sh.g = g;
  sh.s = g - 3;
  sh.ia = ia;
  // Arm ARM D8: start_level = 3 - floor((ia - 1 - g) / s).
  sh.start = 3 - static_cast<int>((ia - 1 - g) / sh.s);
  sh.top_bits = ia - sh.lo(sh.start);
  return sh;
}

bool txsz_legal(const HwConfig& c, unsigned txsz) {
  // Arm ARM D8, without FEAT_TTST: max TxSZ 39; min 12 with DS (4K/16K) or LVA (64K).
  const bool wide_va = (c.granule_shift != 16 && c.ds) ||
                       (c.granule_shift == 16 && c.feat_lva);
  const unsigned lo = wide_va ? 12 : 16;
  return txsz >= lo && txsz <= 39;
}

bool block_allowed(const HwConfig& c, int level) {
  // Arm ARM D8 block-descriptor rules.
  switch (c.granule_shift) {
    case 12:
      return level == 1 || level == 2 || (level == 0 && c.ds);
    case 14:
      return level == 2 || (level == 1 && c.ds);
    case 16:
      return level == 2 || (level == 1 && c.feat_lpa);
  }
  return false;
}

std::vector<HwLevel> hw_levels(const HwConfig& c, unsigned ia) {
  const Shape sh = shape(c.granule_shift, ia);
  std::vector<HwLevel> out;
  for (int level = sh.start; level <= 3; ++level) {
    HwLevel l;
    l.arch_level = level;
    l.name = "L" + std::to_string(level);
    l.lo = sh.lo(level);
    l.hi = sh.hi(level);
    l.entries = u64{1} << (l.hi - l.lo + 1);
    l.leaf_ok = level == 3 || (level >= 0 && block_allowed(c, level));
    out.push_back(l);
  }
  return out;
}

}  // namespace ptfold::ref::arm64
