// The word-type contract shared by reference/ and targets/: every helper and
// walk is a template over W, run as uint64_t (fuzzers, tests, `ptfold walk`)
// or as smt::BV (proofs). This header supplies the uint64_t side.
//
// A word type W must offer, with *unsigned* semantics:
//   W(uint64_t)                 constant
//   + - & | ^ ~                 modular arithmetic and bit operations
//   << >> by an `unsigned`      logical shifts by a concrete amount; an amount
//                               >= 64 is a bug in the code under test (UBSan
//                               reports it concretely; smt::BV records it)
//   == != and ult/ule           comparisons, returning Bool<W>
//   select(Bool, W, W)          the only way to branch on a word
//   Bool<W>(bool)               constant true/false
//   to_bool(Bool) / concrete()  only for W = uint64_t
//
// Geometry (shifts, entry counts, which level is folded) is always concrete,
// so helpers may branch on it with plain `if`.
#pragma once

#include <cstdint>
#include <utility>

namespace ptfold {

using u64 = std::uint64_t;

// Unsigned comparisons and select for the concrete word. The symbolic word
// provides the same names in namespace ptfold::smt, found by ADL.
inline bool ult(u64 a, u64 b) { return a < b; }
inline bool ule(u64 a, u64 b) { return a <= b; }
inline u64 select(bool c, u64 a, u64 b) { return c ? a : b; }
inline bool land(bool a, bool b) { return a && b; }
inline bool lor(bool a, bool b) { return a || b; }
inline bool lnot(bool a) { return !a; }
// Concrete code paths only (allocation, generic mm code).
inline bool to_bool(bool b) { return b; }

// Bool<W>: the result type of a comparison between two W.
template <class W>
using Bool = decltype(std::declval<W>() == std::declval<W>());

// GENMASK(h, l) as in include/linux/bits.h: bits h..l set. h and l concrete.
constexpr u64 genmask(unsigned h, unsigned l) {
  return ((~u64{0}) >> (63 - h)) & ((~u64{0}) << l);
}

// Bits [h:l] of x, shifted down (the architecture manuals' notation x[h:l]).
template <class W>
W bits(const W& x, unsigned h, unsigned l) {
  return (x >> l) & W(genmask(h - l, 0));
}

// ALIGN_DOWN / PTR_ALIGN_DOWN for a power-of-two alignment.
template <class W>
W align_down(const W& x, u64 align) {
  return x & W(~(align - 1));
}

constexpr bool is_pow2(u64 x) { return x && !(x & (x - 1)); }
constexpr unsigned ilog2(u64 x) { return x <= 1 ? 0 : 1 + ilog2(x >> 1); }

}  // namespace ptfold
