// Loads one kernel-tree configuration object (.so from tools/ktree/build.sh)
// and turns a target Config into the runtime state the object is given.
#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include "targets/kernel/kernel_tree.h"

namespace ptfold::tgt {

namespace {
// The loader's ABI check, for a loaded and a linked-in object alike: "" when
// the object was built for this ptfold.
std::string abi_mismatch(const PtfOps& ops, const std::string& what) {
  if (ops.abi_version == PTF_ABI_VERSION && ops.size == sizeof(PtfOps)) return "";
  return what + " was built for ptfold ABI " + std::to_string(ops.abi_version) + " (" + std::to_string(ops.size) +
         "-byte ops table), this ptfold has ABI " + std::to_string(PTF_ABI_VERSION) + " (" +
         std::to_string(sizeof(PtfOps)) + " bytes); rebuild it with tools/ktree/build.sh";
}
}  // namespace

KernelObject::KernelObject(const std::string& path) : path_(path) {
  // RTLD_LOCAL: init_mm, memstart_addr, __free_pages ... of one configuration
  // never bind to another's; RTLD_NOW: a missing kernel symbol (a shim gap)
  // is named here, not at the first call that needs it.
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw std::runtime_error(std::string("cannot load ") + path + ": " + dlerror());
  ops_ = static_cast<const PtfOps*>(dlsym(handle_, PTF_OPS_SYMBOL));
  if (!ops_) {
    dlclose(handle_);
    throw std::runtime_error(path + " exports no " PTF_OPS_SYMBOL " (not a ptfold configuration object)");
  }
  if (const std::string why = abi_mismatch(*ops_, path); !why.empty()) {
    dlclose(handle_);
    throw std::runtime_error(why);
  }
}

KernelObject::KernelObject(const PtfOps* linked, std::string label) : ops_(linked), path_(std::move(label)) {
  if (!ops_) throw std::runtime_error(path_ + ": no ops table linked in (not a ptfold configuration object)");
  if (const std::string why = abi_mismatch(*ops_, path_); !why.empty()) throw std::runtime_error(why);
}

// The object stays mapped until the process exits: its runtime's allocations
// (the struct page array, the swapper_pg_dir page) hang off its globals, and
// unmapping them would turn that memory into leaks and any later report from
// it into a jump to nowhere.
KernelObject::~KernelObject() = default;

ptf_state kernel_state(const Config& cfg, u64 arena_base, u64 arena_size, u64 phys_offset) {
  ptf_state st{};
  st.arena_base = arena_base;
  st.arena_size = arena_size;
  st.phys_offset = phys_offset;
  switch (cfg.arch) {
    case Arch::kArm64:
      // What the boot code programmed and detected (harness::config_for):
      // the real vabits_actual, lpa2_is_enabled() and pgtable_l4/l5_enabled()
      // follow from these through the kernel's own formulas.
      st.tcr_t1sz = cfg.tcr_t1sz;
      st.tcr_ds = cfg.tcr_ds;
      st.cap_va52 = cfg.cap_va52;
      st.memstart_addr = 0;  // PHYS_OFFSET: the arena's first physical address
      break;
    case Arch::kX86_64:
      st.la57 = cfg.la57;
      st.pti = cfg.PAGE_TABLE_ISOLATION;
      break;
    case Arch::kRiscv64:
      st.riscv_l4 = cfg.riscv_l4;
      st.riscv_l5 = cfg.riscv_l5;
      break;
  }
  return st;
}

const char* kernel_offset_helper(Level child) {
  switch (child) {
    case Level::kPgd: return "pgd_offset";
    case Level::kP4d: return "p4d_offset";
    case Level::kPud: return "pud_offset";
    case Level::kPmd: return "pmd_offset";
    case Level::kPte: return "pte_offset_kernel";
  }
  return "?";
}

}  // namespace ptfold::tgt
