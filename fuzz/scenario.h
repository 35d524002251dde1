// Scenarios: the op sequences fuzz_ops runs, as a value type with three
// forms - the fuzz input bytes (bounded decoding), readable scenario text
// (corpus/scenarios/, finding traces, `ptfold decode`), and back to bytes
// (the build compiles scenario text into seed inputs). The ops themselves
// are the registry fuzz/ops.def; the text grammar is docs/scenario.md.
//
// Scenario text starts with the line `ptfold-scenario v1`; anything else is
// fuzz bytes. The parser is strict: every statement and key is known, every
// value must already be one the decoder could produce (the error names the
// nearest one), headers come once and in order - so a text never runs
// something other than what it says, and decode(encode(s)) == s.
//
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

// The first line of every scenario text.
inline constexpr std::string_view kScenarioMagic = "ptfold-scenario v1";

// One kind per line of fuzz/ops.def. Boot ops (fuzz/boot_ops.h) drive
// helpers beside the walk, where offered; hot-add/hot-remove the memory
// hotplug of the kernel's linear map (targets/arm64/hotplug.h).
enum class OpKind : uint8_t {
#define PTFOLD_FUZZ_OP(kind, text, opcode, slots, keys, codec, executor) k##kind,
#include "fuzz/ops.def"
#undef PTFOLD_FUZZ_OP
};
inline constexpr size_t kOpKinds = 0
#define PTFOLD_FUZZ_OP(kind, text, opcode, slots, keys, codec, executor) +1
#include "fuzz/ops.def"
#undef PTFOLD_FUZZ_OP
    ;
// An op byte's low bits pick the op (fuzz/ops.def), the high ones the mm.
inline constexpr unsigned kOpcodeBits = 5;

// A registry line, as data.
struct OpInfo {
  OpKind kind;
  std::string_view text;  // statement word
  uint8_t opcode, slots;  // opcodes [opcode, opcode + slots)
  std::string_view keys;  // text form, see fuzz/ops.def
};
const OpInfo& op_info(OpKind k);
// The op named `text` in scenario text; nullptr for none.
const OpInfo* find_op(std::string_view text);

struct Op {
  OpKind kind = OpKind::kMap;
  int mm = 0;                          // 0..3 user, kKernelMm
  u64 va = 0;
  u64 pa = 0;                          // map, hot-add, hot-remove
  u64 len = 0;                         // munmap, hot-add
  tgt::Level leaf = tgt::Level::kPte;  // map, hot-add: pte, pmd or pud
  unsigned race = 0;                   // map: bit (1 << level) per raced allocation
  bool operator==(const Op&) const = default;
};

// The `memory` statement. Unset: 1 GiB at 0x40000000 (QEMU's virt
// machine), the geometry's PA width, no KASLR.
struct BootMemoryOpts {
  static constexpr u64 kDramSize = u64{1} << 30;
  bool set = false;
  u64 dram = 0x40000000;
  unsigned parange = 0;  // 0 when unset: the geometry's PA width
  unsigned kaslr = 0;    // memstart_offset_seed
  bool operator==(const BootMemoryOpts&) const = default;
};

struct Scenario {
  std::string variant;
  std::string geometry;
  u64 phys_offset = 0;
  unsigned slab_slot = 1;
  PageTypeEncoding page_type = PageTypeEncoding::kPgty;
  BootMemoryOpts memory;
  std::vector<Op> ops;
  bool operator==(const Scenario&) const = default;
};

// A malformed scenario: the line (1-based; 0 when not about one line), what
// is wrong and how to fix it. what() is "line N: <what>".
struct ScenarioError : std::runtime_error {
  ScenarioError(int line_, std::string what_, std::string fix_);
  int line;
  std::string problem, fix;
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

// The canonical text (magic line, headers, one op per line).
std::string to_text(const Scenario& s);
std::string op_text(const Op& op);
// Parses scenario text (docs/scenario.md); throws ScenarioError. kNoMagic
// parses a text that lacks the magic line from its line 1 - only to say
// what else is wrong with it, never to run it. kNormalise takes op values
// the decoder would move and moves them as it would (the nearest canonical
// op), for code that writes one op text for many geometries (tests); files
// are never read that way.
enum class TextMode { kMagicFirst, kNoMagic, kNormalise };
Scenario parse_text(std::string_view text, TextMode mode = TextMode::kMagicFirst);
// Whether the input is scenario text: its first line is kScenarioMagic.
// Decided by that line alone, never guessed from the content.
bool is_scenario_text(const uint8_t* data, size_t size);
// Whether bytes look like scenario text that lacks the magic line (a
// comment, a blank line, a byte-order mark or a header word first): the CLI
// refuses to run those as fuzz bytes.
bool looks_like_unmarked_text(const uint8_t* data, size_t size);

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
