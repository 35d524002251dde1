// The smt layer over the Z3 C++ API: words, the shift audit, the solver.
#include "solver/smt.h"

#include <chrono>
#include <stdexcept>

namespace ptfold::smt {

namespace {
thread_local z3::context* tl_current = nullptr;
thread_local std::vector<ShiftRecord> tl_audit;
thread_local std::string tl_label;
constexpr unsigned kBits = 64;
}  // namespace

Context::Context() = default;

Scope::Scope(Context& c) : prev_(tl_current) { tl_current = &c.z3(); }
Scope::~Scope() { tl_current = prev_; }

z3::context& current() {
  if (!tl_current) throw std::logic_error("smt: no current context (construct an smt::Scope)");
  return *tl_current;
}

void audit_label(std::string where) { tl_label = std::move(where); }

std::vector<ShiftRecord> take_shift_audit() {
  std::vector<ShiftRecord> out;
  out.swap(tl_audit);
  return out;
}

Bool::Bool() : e_(current().bool_val(false)) {}
Bool::Bool(bool b) : e_(current().bool_val(b)) {}

Bool land(const Bool& a, const Bool& b) { return Bool(a.expr() && b.expr()); }
Bool lor(const Bool& a, const Bool& b) { return Bool(a.expr() || b.expr()); }
Bool lnot(const Bool& a) { return Bool(!a.expr()); }
Bool operator!(const Bool& a) { return lnot(a); }
Bool implies(const Bool& a, const Bool& b) { return Bool(z3::implies(a.expr(), b.expr())); }

BV::BV() : e_(current().bv_val(static_cast<uint64_t>(0), kBits)) {}
BV::BV(u64 v) : e_(current().bv_val(static_cast<uint64_t>(v), kBits)) {}

BV BV::fresh(const std::string& name) { return BV(current().bv_const(name.c_str(), kBits)); }

BV operator<<(const BV& a, unsigned n) {
  if (n >= kBits) {
    tl_audit.push_back({n, true, tl_label});
    return BV(u64{0});
  }
  if (n == 0) return a;
  return BV(z3::shl(a.expr(), current().bv_val(n, kBits)));
}

BV operator>>(const BV& a, unsigned n) {
  if (n >= kBits) {
    tl_audit.push_back({n, false, tl_label});
    return BV(u64{0});
  }
  if (n == 0) return a;
  return BV(z3::lshr(a.expr(), current().bv_val(n, kBits)));
}

Bool ult(const BV& a, const BV& b) { return Bool(z3::ult(a.expr(), b.expr())); }
Bool ule(const BV& a, const BV& b) { return Bool(z3::ule(a.expr(), b.expr())); }
BV select(const Bool& c, const BV& a, const BV& b) { return BV(z3::ite(c.expr(), a.expr(), b.expr())); }
BV udiv(const BV& a, const BV& b) { return BV(z3::udiv(a.expr(), b.expr())); }
BV urem(const BV& a, const BV& b) { return BV(z3::urem(a.expr(), b.expr())); }

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kUnsat: return "unsat";
    case Verdict::kSat: return "sat";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

u64 Model::eval(const BV& x) const {
  const z3::expr v = m_.eval(x.expr(), /*model_completion=*/true);
  uint64_t out = 0;
  if (!v.is_numeral_u64(out)) throw std::logic_error("smt: model value is not a 64-bit numeral");
  return out;
}

bool Model::eval(const Bool& b) const { return m_.eval(b.expr(), true).is_true(); }

// The QF_BV logic with push/pop runs Z3's incremental core; measured faster
// here than the non-incremental qfbv tactic or a bit-blast + SAT pipeline
// (BENCHMARKS.md), because every query is small and shares the assertions.
Solver::Solver(Context& c, const SolverOptions& opt) : c_(c), s_(c.z3(), "QF_BV") {
  z3::params p(c.z3());
  p.set("timeout", opt.timeout_ms);
  p.set("rlimit", opt.rlimit);
  p.set("random_seed", opt.seed);
  s_.set(p);
}

void Solver::add(const Bool& b) { s_.add(b.expr()); }
void Solver::push() { s_.push(); }
void Solver::pop() { s_.pop(); }

Query Solver::check(std::string name, const Bool& goal) {
  Query q;
  q.name = std::move(name);
  const auto t0 = std::chrono::steady_clock::now();
  s_.push();
  s_.add(goal.expr());
  const z3::check_result r = s_.check();
  switch (r) {
    case z3::unsat: q.verdict = Verdict::kUnsat; break;
    case z3::sat:
      q.verdict = Verdict::kSat;
      last_model_ = s_.get_model();
      break;
    case z3::unknown:
      q.verdict = Verdict::kUnknown;
      q.reason = s_.reason_unknown();
      break;
  }
  s_.pop();
  q.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  log_.push_back(q);
  return q;
}

Model Solver::model() {
  if (!last_model_) throw std::logic_error("smt: no model (the last query was not sat)");
  return Model(*last_model_);
}

std::string Solver::to_smt2(const Bool& goal) {
  s_.push();
  s_.add(goal.expr());
  std::string out = s_.to_smt2();
  s_.pop();
  return out;
}

}  // namespace ptfold::smt
