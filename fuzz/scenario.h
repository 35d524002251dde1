// Scenarios: the op sequences fuzz_ops runs, as a value type with three
// forms - the fuzz input bytes (bounded decoding), readable scenario text
// (corpus/scenarios/, finding traces, `ptfold decode`), and back to bytes
// (the build compiles scenario text into seed inputs).
//
// Scenario text, one statement per line, '#' starts a comment:
//   variant arm64                       target variant (registry name)
//   geometry arm64-4k-va48              catalogue name
//   options phys=0x0 slab=1 page-type=pgty|legacy
//   memory dram=0x40000000 parange=48 kaslr=0x0
//                                       the boot memory (1 GiB at dram), the
//                                       CPU's PA width and KASLR's seed that
//                                       arm64_memblock_init() derives
//                                       PHYS_OFFSET from; optional
//   map mm0 va=0x... pa=0x... level=pte|pmd|pud [race=pud,pmd,...]
//   unmap mm0 va=0x...
//   munmap mm0 va=0x... len=0x...       zap + free_pgtables with floor/ceiling
//   gup mm0 va=0x...                    fast GUP's lockless walk
//   debug-vm va=0x...                   the debug_vm_pgtable sequence
//   mm-new mm1 / mm-free mm1
//   hot-add pa=0x... len=0x... level=pte|pmd|pud
//                                       add_memory(): the range check, then
//                                       arch_add_memory() into the linear map
//   hot-remove pa=0x...                 arch_remove_memory() of the range
//                                       hot-added at (or after) pa
//   kasan-early-p4d / startup-identity / mode-probe / gstage-block /
//   kpti-ng / kvm-user-walk
//                                       boot ops, see fuzz/boot_ops.h
// mm0..mm3 are user address spaces, `kernel` is init_mm; mm0 and kernel
// exist when a scenario starts. Every live mm is torn down at the end.
// debug-vm and each boot op run once per scenario, as once per boot in the
// kernel: a repeat is skipped (and left out of the op trace). The hotplug
// ops run where the model has the arch's hotplug code (arm64); a hot-add
// overlapping the boot memory or mapped memory, or under a pgd entry
// init_mm's map ops use (vmalloc and the linear map never share a table),
// is skipped too.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/word.h"
#include "fuzz/decode.h"
#include "fuzz/machine.h"
#include "harness/binding.h"
#include "targets/config.h"

namespace ptfold::fuzz {

inline constexpr int kUserMms = 4;
inline constexpr int kKernelMm = 4;   // slot of init_mm
inline constexpr int kDebugMm = 5;    // the debug_vm_pgtable sequence's own mm
// Ops per scenario. Code coverage of targets/ reaches its plateau with
// inputs of two or three ops, and every bug of the zoo needs six or fewer;
// sixteen leaves room for stateful sequences while bounding what one input
// costs (BENCHMARKS.md, "Fuzzing": the rate falls with input length).
inline constexpr size_t kMaxOps = 16;

enum class OpKind : uint8_t {
  kMap, kUnmap, kMunmap, kGup, kDebugVm, kMmNew, kMmFree,
  // Boot ops (fuzz/boot_ops.h): helpers beside the walk, where offered.
  kEarlyP4d, kStartupIdentity, kModeProbe, kGstageBlock, kKptiNg, kKvmUserWalk,
  // Memory hotplug of the kernel's linear map (targets/arm64/hotplug.h),
  // where the model has it: len bytes of `leaf`-sized mappings at va.
  kHotAdd, kHotRemove,
};

struct Op {
  OpKind kind = OpKind::kMap;
  int mm = 0;                          // 0..3 user, kKernelMm
  u64 va = 0;
  u64 pa = 0;                          // map, hot-add, hot-remove
  u64 len = 0;                         // munmap, hot-add
  tgt::Level leaf = tgt::Level::kPte;  // map, hot-add: pte, pmd or pud
  unsigned race = 0;                   // map: bit (1 << level) per raced allocation
};

// The `memory` statement. Unset: 1 GiB at 0x40000000 (QEMU's virt
// machine), the geometry's PA width, no KASLR.
struct BootMemoryOpts {
  static constexpr u64 kDramSize = u64{1} << 30;
  bool set = false;
  u64 dram = 0x40000000;
  unsigned parange = 0;  // 0 when unset: the geometry's PA width
  unsigned kaslr = 0;    // memstart_offset_seed
};

struct Scenario {
  std::string variant;
  std::string geometry;
  u64 phys_offset = 0;
  unsigned slab_slot = 1;
  PageTypeEncoding page_type = PageTypeEncoding::kPgty;
  BootMemoryOpts memory;
  std::vector<Op> ops;
};

// A malformed scenario text (line number and what is wrong).
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Bounded decoding of fuzz_ops bytes: byte 0 picks the (variant, geometry)
// pair from `pairs`, byte 1 the machine options (bit 6: four bytes of boot
// memory follow), then ops until the input or kMaxOps runs out. Values are normalised (VAs in the mm's half, page
// aligned; PAs below the geometry's PA size). Returns false when the input
// is too short to pick a pair (*out untouched); otherwise *out is filled in
// place, every field set, its ops' capacity reused.
bool decode_ops(const uint8_t* data, size_t size, const std::vector<harness::Pair>& pairs,
                Scenario* out);
// Scenario -> bytes that decode_ops turns back into the same scenario, given
// the same `pairs`. Throws ScenarioError when the pair is not in `pairs`.
std::vector<uint8_t> encode_ops(const Scenario& s, const std::vector<harness::Pair>& pairs);

std::string to_text(const Scenario& s);
std::string op_text(const Op& op);
Scenario parse_text(std::string_view text);
// Scenario text starts with a comment or a `variant` line; fuzz bytes never
// decode from text (text replays by name, bytes by pair index).
bool looks_like_text(const uint8_t* data, size_t size);

// The address-space half an mm slot maps in (kernel: the upper half).
const ref::Half& half_for(const ref::Geometry& g, int mm);

// What decoding needs of the variant's model on g, built once per pair:
// pa_bits_of (fuzz/decode.h).
struct PairFacts {
  unsigned pa_bits = 48;
  const harness::LinuxView* view = nullptr;  // the variant's, on the geometry
};
const PairFacts& facts_for(const tgt::VariantInfo& v, const ref::Geometry& g);
inline unsigned pa_bits_for(const tgt::VariantInfo& v, const ref::Geometry& g) { return facts_for(v, g).pa_bits; }
// The CPU's PA width a scenario runs with: its `memory parange=`, or pa_bits.
inline unsigned parange_of(const Scenario& s, unsigned pa_bits) { return s.memory.set ? s.memory.parange : pa_bits; }

}  // namespace ptfold::fuzz
