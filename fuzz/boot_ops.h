// fuzz_ops' boot ops: the boot-time and KVM helpers a target model offers
// beside the walk (targets/boot.h) - KASAN's early p4d offset, the kernel
// image's early identity map, the translation-mode probe, the KVM stage-2
// block-size check, kpti's level count and KVM's walk of user page tables -
// driven with fuzzed inputs and judged with the reference (walk,
// root-register WARL rule, leaf sizes, hardware levels). An op applies
// where the model offers the helper and is skipped elsewhere; nothing here
// names an architecture or a geometry.
//
// Scenario text:
//   kasan-early-p4d va=0x... image-off=0x...  early tables image-off bytes into the image
//   startup-identity pa=0x... size=0x...      identity-map an image loaded at pa
//   mode-probe pa=0x...                       probe modes from code at pa
//   gstage-block size=0x...                   classify a stage-2 mapping size
//   kpti-ng                                   the levels kpti's nG rewrite walks
//   kvm-user-walk                             where KVM's walk of mm->pgd starts
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/scenario.h"

namespace ptfold::fuzz {

class Reader;

bool is_boot_op(OpKind k);
// Opcode bytes with bit 7 set and low nibble 12..15 are boot ops (the other
// opcodes keep their meaning); bits 4-6 all set with low nibble 12 or 13
// are the fifth and sixth. Returns false for any other byte.
bool boot_opcode(uint8_t b, OpKind* kind);
uint8_t boot_opcode_for(OpKind k);
// The op's payload from the input, then normalised for (v, g).
void decode_boot_op(Reader& r, const tgt::VariantInfo& v, const ref::Geometry& g, Op* op);
// Bytes (opcode and payload) that decode_boot_op turns back into `op`.
void encode_boot_op(std::vector<uint8_t>& out, const Op& op, const tgt::VariantInfo& v,
                    const ref::Geometry& g);
// Makes the op's values ones the model accepts (idempotent).
void normalise_boot_op(Op* op, const tgt::VariantInfo& v, const ref::Geometry& g);
std::string boot_op_text(const Op& op);
// Parses a boot-op statement; false when `cmd` is no boot op. `need(key)`
// returns a key's number or throws ScenarioError.
bool parse_boot_op(std::string_view cmd, const std::function<u64(std::string_view)>& need, Op* op);

// Whether the variant's model on g offers the helper the op drives.
bool boot_op_applies(const Op& op, const tgt::VariantInfo& v, const ref::Geometry& g);
// Runs the op with the early tables at physical offset `phys_offset`;
// throws Finding. Returns the number of oracle checks made.
size_t run_boot_op(const Op& op, const tgt::VariantInfo& v, const ref::Geometry& g, u64 phys_offset);

}  // namespace ptfold::fuzz
