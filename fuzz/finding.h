// A finding: what the machine or an oracle saw, in the stable shape every
// report starts with - `ptfold: <class>: <helper> on <geometry>` - plus the
// expected/actual detail lines. Thrown as an exception so that replay,
// `ptfold check` and tests can catch it; the fuzz entry points print it with
// the op trace and abort().
#pragma once

#include <stdexcept>
#include <string>

#include "targets/config.h"

namespace ptfold::fuzz {

struct Finding : std::exception {
  std::string cls;     // bad-page-state, bad-free, double-free, use-after-free,
                       // leak, walk-mismatch, wild-access, bug-on, warn, bad-entry,
                       // mode-mismatch, stale-state (boot ops),
                       // hotplug-range (add_memory()'s range check),
                       // ro-write (swapper_pg_dir written in place),
                       // level-count (kpti's and KVM's walk depth)
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

// The kernel helper that computes a level's entry pointer - what a finding
// about that entry names: pgd_offset, p4d_offset .. pte_offset_kernel, or
// in a lockless walk p4d_offset_lockless .. pte_offset_map.
inline std::string offset_helper(tgt::Level l, bool lockless = false) {
  switch (l) {
    case tgt::Level::kPgd: return "pgd_offset";
    case tgt::Level::kPte: return lockless ? "pte_offset_map" : "pte_offset_kernel";
    default: return std::string(tgt::level_name(l)) + (lockless ? "_offset_lockless" : "_offset");
  }
}

}  // namespace ptfold::fuzz
