// A finding: what the machine or an oracle saw, in the stable shape every
// report starts with - `ptfold: <class>: <helper> on <geometry>` - plus the
// expected/actual detail lines. Thrown as an exception so that replay,
// `ptfold check` and tests can catch it; the fuzz entry points print it with
// the op trace and abort().
#pragma once

#include <stdexcept>
#include <string>

namespace ptfold::fuzz {

struct Finding : std::exception {
  std::string cls;     // bad-page-state, bad-free, double-free, use-after-free,
                       // leak, walk-mismatch, wild-access, bug-on, warn, bad-entry,
                       // mode-mismatch, stale-state (boot ops)
  std::string helper;  // the kernel helper the report is about
  std::string detail;  // expected vs actual, kernel-style dump; one or more lines
  std::string geometry;  // filled in by the runner
  Finding(std::string c, std::string h, std::string d)
      : cls(std::move(c)), helper(std::move(h)), detail(std::move(d)) {}
  const char* what() const noexcept override { return cls.c_str(); }
  // `ptfold: <class>: <helper> on <geometry>`
  std::string first_line() const {
    return "ptfold: " + cls + ": " + helper + " on " + geometry;
  }
};

}  // namespace ptfold::fuzz
