// The smt layer: unsigned semantics (z3++'s own >>, <, / are signed), the
// shift audit, models read back, and resource limits giving `unknown`.
#include <gtest/gtest.h>

#include "solver/smt.h"

namespace ptfold::smt {
namespace {

class Smt : public ::testing::Test {
 protected:
  Context ctx;
  Scope scope{ctx};
  Solver solver{ctx, SolverOptions{}};
  // Valid: no assignment violates b.
  bool valid(const Bool& b) { return solver.check("valid", lnot(b)).verdict == Verdict::kUnsat; }
};

TEST_F(Smt, right_shift_is_logical_not_arithmetic) {
  EXPECT_TRUE(valid((BV(u64{1} << 63) >> 63) == BV(u64{1})));
  const BV x = BV::fresh("x");
  EXPECT_TRUE(valid(ult(x >> 1, BV(u64{1} << 63))));  // the top bit is always cleared
}

TEST_F(Smt, comparisons_are_unsigned) {
  EXPECT_TRUE(valid(ult(BV(u64{1}), BV(~u64{0}))));
  EXPECT_TRUE(valid(ule(BV(u64{1} << 63), BV(~u64{0}))));
  EXPECT_FALSE(valid(ult(BV(~u64{0}), BV(u64{1}))));
  EXPECT_TRUE(valid(udiv(BV(~u64{0}), BV(u64{2})) == BV(~u64{0} >> 1)));
  EXPECT_TRUE(valid(urem(BV(~u64{0}), BV(u64{16})) == BV(u64{15})));
}

TEST_F(Smt, word_contract_operations_match_uint64) {
  const u64 a = 0xfedcba9876543210, b = 0x0123456789abcdef;
  EXPECT_TRUE(valid((BV(a) + BV(b)) == BV(a + b)));
  EXPECT_TRUE(valid((BV(a) - BV(b)) == BV(a - b)));
  EXPECT_TRUE(valid((BV(a) & BV(b)) == BV(a & b)));
  EXPECT_TRUE(valid((BV(a) | BV(b)) == BV(a | b)));
  EXPECT_TRUE(valid((BV(a) ^ BV(b)) == BV(a ^ b)));
  EXPECT_TRUE(valid(~BV(a) == BV(~a)));
  EXPECT_TRUE(valid((BV(a) << 12) == BV(a << 12)));
  EXPECT_TRUE(valid(bits(BV(a), 47, 39) == BV(bits(a, 47, 39))));
  EXPECT_TRUE(valid(select(Bool(true), BV(a), BV(b)) == BV(a)));
  EXPECT_TRUE(valid(select(Bool(false), BV(a), BV(b)) == BV(b)));
  EXPECT_TRUE(valid(lnot(land(Bool(true), Bool(false)))));
  EXPECT_TRUE(valid(lor(Bool(false), Bool(true))));
}

TEST_F(Smt, shift_by_64_or_more_is_recorded_not_masked) {
  take_shift_audit();
  audit_label("pud_index");
  const BV x = BV::fresh("x");
  const BV y = x >> 64;
  const BV z = x << 70;
  const std::vector<ShiftRecord> a = take_shift_audit();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].amount, 64u);
  EXPECT_FALSE(a[0].left);
  EXPECT_EQ(a[0].where, "pud_index");
  EXPECT_EQ(a[1].amount, 70u);
  EXPECT_TRUE(a[1].left);
  EXPECT_TRUE(valid(y == BV(u64{0})));  // SMT-LIB semantics, not x >> (64 & 63)
  EXPECT_TRUE(valid(z == BV(u64{0})));
  (void)(x >> 63);
  EXPECT_TRUE(take_shift_audit().empty());
}

TEST_F(Smt, models_read_back_as_concrete_values) {
  const BV x = BV::fresh("x");
  const Query q = solver.check("find", land(x >> 48 == BV(u64{0xffff}), (x & BV(u64{0xffff})) == BV(u64{0x1234})));
  ASSERT_EQ(q.verdict, Verdict::kSat);
  const u64 v = solver.model().eval(x);
  EXPECT_EQ(v >> 48, 0xffffu);
  EXPECT_EQ(v & 0xffff, 0x1234u);
  EXPECT_EQ(solver.log().back().name, "find");
}

TEST_F(Smt, push_pop_scopes_assertions) {
  const BV x = BV::fresh("x");
  solver.push();
  solver.add(x == BV(u64{5}));
  EXPECT_EQ(solver.check("in", x == BV(u64{6})).verdict, Verdict::kUnsat);
  solver.pop();
  EXPECT_EQ(solver.check("out", x == BV(u64{6})).verdict, Verdict::kSat);
}

TEST(SmtLimits, resource_limit_gives_unknown_with_a_reason) {
  Context ctx;
  Scope scope(ctx);
  SolverOptions o;
  o.rlimit = 1;  // deterministic, unlike a wall-clock timeout
  Solver s(ctx, o);
  const BV x = BV::fresh("x"), y = BV::fresh("y");
  // Factor a 64-bit semiprime: far beyond one resource unit.
  const Bool hard = land(BV(x.expr() * y.expr()) == BV(u64{0xd4f1ba5f3bc4b5b9}),
                         land(ult(BV(u64{1}), x), ult(BV(u64{1}), y)));
  const Query q = s.check("factor", hard);
  EXPECT_EQ(q.verdict, Verdict::kUnknown);
  EXPECT_FALSE(q.reason.empty());
}

TEST(SmtContext, words_need_a_current_context) {
  EXPECT_THROW(BV(u64{1}), std::logic_error);
}

}  // namespace
}  // namespace ptfold::smt
