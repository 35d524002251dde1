/* Leaf replacement: the x86 static-branch asm passes the key's address as an "i" immediate,
 * which position-independent host code cannot take; the branch tests the key's enabled count
 * (ptf_static_key_enabled), as riscv's shim does. */
#include <linux/version.h>
#if defined(__ASSEMBLY__)
#include_next <asm/jump_label.h>
#elif !defined(_ASM_X86_JUMP_LABEL_H)
#define _ASM_X86_JUMP_LABEL_H
#define HAVE_JUMP_LABEL_BATCH
#include <asm/asm.h>
#include <asm/nops.h>
#include <linux/stringify.h>
#include <linux/types.h>
struct static_key;
extern int ptf_static_key_enabled(struct static_key *key);
static __always_inline bool arch_static_branch(struct static_key * const key, const bool branch)
{
	return ptf_static_key_enabled(key) != branch;
}
static __always_inline bool arch_static_branch_jump(struct static_key * const key, const bool branch)
{
	return ptf_static_key_enabled(key) != branch;
}
#endif
