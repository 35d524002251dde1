/* Leaf replacement: static keys test their enabled count instead of patched nops. The callers in
 * <linux/jump_label.h> want "is the code at the key not its default", i.e. enabled != branch. */
#ifndef __ASM_JUMP_LABEL_H
#define __ASM_JUMP_LABEL_H
#include <linux/types.h>
struct static_key;
extern int ptf_static_key_enabled(struct static_key *key);
#define JUMP_LABEL_NOP_SIZE 4
static inline bool arch_static_branch(struct static_key * const key, const bool branch)
{ return ptf_static_key_enabled(key) != branch; }
static inline bool arch_static_branch_jump(struct static_key * const key, const bool branch)
{ return ptf_static_key_enabled(key) != branch; }
#endif
