// fuzz_ops' boot ops: the boot-time and KVM helpers a target model offers
// beside the walk (targets/boot.h) - KASAN's early p4d offset, the kernel
// image's early identity map, the translation-mode probe, the KVM stage-2
// block-size check, kpti's level count and KVM's walk of user page tables -
// driven with fuzzed inputs and judged with the reference (walk,
// root-register WARL rule, leaf sizes, hardware levels). An op applies
// where the model offers the helper and is skipped elsewhere; nothing here
// names an architecture or a geometry.
// Their text forms and opcodes are lines of fuzz/ops.def; docs/scenario.md
// says what each key means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/scenario.h"

namespace ptfold::fuzz {

class Reader;

bool is_boot_op(OpKind k);
// The op's payload from the input (its opcode byte read already), then
// normalised for (v, g).
void decode_boot_op(Reader& r, const tgt::VariantInfo& v, const ref::Geometry& g, Op* op);
// The payload bytes that decode_boot_op turns back into `op`.
void encode_boot_op(std::vector<uint8_t>& out, const Op& op, const tgt::VariantInfo& v,
                    const ref::Geometry& g);
// Makes the op's values ones the model accepts (idempotent).
void normalise_boot_op(Op* op, const tgt::VariantInfo& v, const ref::Geometry& g);

// Whether the variant's model on g offers the helper the op drives.
bool boot_op_applies(const Op& op, const tgt::VariantInfo& v, const ref::Geometry& g);
// Runs the op with the early tables at physical offset `phys_offset`;
// throws Finding. Returns the number of oracle checks made.
size_t run_boot_op(const Op& op, const tgt::VariantInfo& v, const ref::Geometry& g, u64 phys_offset);

}  // namespace ptfold::fuzz
