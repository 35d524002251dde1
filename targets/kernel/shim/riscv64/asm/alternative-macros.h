/* Wrap: an ALTERNATIVE() keeps its default (old) instructions, as the unpatched kernel runs them;
 * the patch entries it would emit are riscv assembler. A riscv instruction in the default is an
 * assembler error naming this header's caller. */
#include_next <asm/alternative-macros.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_ALTERNATIVE_WRAP)
#define PTF_ALTERNATIVE_WRAP
#undef ALTERNATIVE
#define ALTERNATIVE(old_content, new_content, vendor_id, patch_id, CONFIG_k) old_content
#undef ALTERNATIVE_2
#define ALTERNATIVE_2(old_content, new_content_1, vendor_id_1, patch_id_1, CONFIG_k_1, \
		      new_content_2, vendor_id_2, patch_id_2, CONFIG_k_2) old_content
#endif
