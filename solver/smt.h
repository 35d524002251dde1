// The smt layer: the only code that includes z3++.h (docs/design.md, "One
// owner for every fact"). It supplies smt::BV, a 64-bit bit-vector word with *unsigned*
// semantics that satisfies base/word.h's contract, so the targets/ and
// reference/ templates run symbolically unchanged, and a solver wrapper with
// the QF_BV logic, a fixed seed, per-query timeout and rlimit, push/pop,
// named queries and concrete models.
//
// z3++'s >>, <, <=, / and % on bit-vectors are the *signed* operations; this
// layer never exposes them: >> is lshr, ult/ule are the comparisons.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/word.h"

namespace ptfold::smt {

// Owns one Z3 context. Words are built in the thread's *current* context
// (set by a Scope), so `W(0)`, `Bool(false)` and default-constructed words in
// the shared templates need no context argument.
class Context {
 public:
  Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  z3::context& z3() { return ctx_; }

 private:
  z3::context ctx_;
};

// Makes `c` the current context of this thread until destroyed (nests).
class Scope {
 public:
  explicit Scope(Context& c);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  z3::context* prev_;
};

// The current context; throws std::logic_error when no Scope is active.
z3::context& current();

// --- Shift audit --------------------------------------------------------------
// A shift by an amount >= 64 is a bug in the code under test (C UB; UBSan
// reports it concretely). The symbolic word records it here instead of
// masking it; the `index` obligation reads the record.
struct ShiftRecord {
  unsigned amount = 0;
  bool left = false;      // << (true) or >> (false)
  std::string where;      // the audit label active when it happened
};
// Starts a new audit section labelled `where` (e.g. "linux walk").
void audit_label(std::string where);
// Returns and clears everything recorded on this thread.
std::vector<ShiftRecord> take_shift_audit();

// --- Bool -----------------------------------------------------------------------
class Bool {
 public:
  Bool();                       // false
  explicit Bool(bool b);        // constant (Bool<W>(bool) of the word contract)
  explicit Bool(z3::expr e) : e_(std::move(e)) {}
  const z3::expr& expr() const { return e_; }

 private:
  z3::expr e_;
};

Bool land(const Bool& a, const Bool& b);
Bool lor(const Bool& a, const Bool& b);
Bool lnot(const Bool& a);
Bool operator!(const Bool& a);
Bool implies(const Bool& a, const Bool& b);

// --- BV ------------------------------------------------------------------------
class BV {
 public:
  BV();                         // 0
  explicit BV(u64 v);           // constant
  explicit BV(z3::expr e) : e_(std::move(e)) {}
  const z3::expr& expr() const { return e_; }

  // A fresh 64-bit variable. Names need not be unique (Z3 tells same-named
  // constants apart only by name, so callers add a suffix where it matters).
  static BV fresh(const std::string& name);

  friend BV operator+(const BV& a, const BV& b) { return BV(a.e_ + b.e_); }
  friend BV operator-(const BV& a, const BV& b) { return BV(a.e_ - b.e_); }
  friend BV operator&(const BV& a, const BV& b) { return BV(a.e_ & b.e_); }
  friend BV operator|(const BV& a, const BV& b) { return BV(a.e_ | b.e_); }
  friend BV operator^(const BV& a, const BV& b) { return BV(a.e_ ^ b.e_); }
  friend BV operator~(const BV& a) { return BV(~a.e_); }
  friend Bool operator==(const BV& a, const BV& b) { return Bool(a.e_ == b.e_); }
  friend Bool operator!=(const BV& a, const BV& b) { return Bool(a.e_ != b.e_); }

 private:
  z3::expr e_;
};

// Logical shifts by a concrete amount; an amount >= 64 is recorded in the
// shift audit and yields 0 (SMT-LIB bvshl/bvlshr semantics).
BV operator<<(const BV& a, unsigned n);
BV operator>>(const BV& a, unsigned n);
Bool ult(const BV& a, const BV& b);
Bool ule(const BV& a, const BV& b);
BV select(const Bool& c, const BV& a, const BV& b);
BV udiv(const BV& a, const BV& b);
BV urem(const BV& a, const BV& b);

// --- Solver ---------------------------------------------------------------------
struct SolverOptions {
  unsigned timeout_ms = 10000;  // per query
  unsigned rlimit = 50'000'000; // per query, resource units (deterministic)
  unsigned seed = 0;            // fixed: runs are reproducible
};

enum class Verdict { kUnsat, kSat, kUnknown };
const char* verdict_name(Verdict v);  // "unsat", "sat", "unknown"

// One named query and its outcome.
struct Query {
  std::string name;
  Verdict verdict = Verdict::kUnknown;
  std::string reason;  // Z3's reason_unknown() for kUnknown
  double ms = 0;
};

// A model read back as concrete values.
class Model {
 public:
  explicit Model(z3::model m) : m_(std::move(m)) {}
  u64 eval(const BV& x) const;
  bool eval(const Bool& b) const;

 private:
  z3::model m_;
};

// A QF_BV solver. Assertions added outside push/pop hold for every query;
// check(name) runs one named query over the current assertions.
class Solver {
 public:
  Solver(Context& c, const SolverOptions& opt);
  void add(const Bool& b);
  void push();
  void pop();
  // Checks satisfiability of the current assertions plus `goal`, without
  // keeping `goal`.
  Query check(std::string name, const Bool& goal);
  // The model of the last kSat check.
  Model model();
  const std::vector<Query>& log() const { return log_; }
  // SMT-LIB text of the current assertions plus `goal` (for --dump).
  std::string to_smt2(const Bool& goal);

 private:
  Context& c_;
  z3::solver s_;
  std::vector<Query> log_;
  std::optional<z3::model> last_model_;
};

}  // namespace ptfold::smt
