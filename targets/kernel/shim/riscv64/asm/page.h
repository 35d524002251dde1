/* Wrap: the real riscv asm/page.h; the linear-map translation goes to the arena while PAGE_OFFSET
 * (kernel_map.page_offset) keeps its kernel value. */
#include_next <asm/page.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_PAGE_WRAP)
#define PTF_PAGE_WRAP
#include <ptf_shim.h>
#undef __pa
#define __pa(x) ((phys_addr_t)ptf_pa((unsigned long)(x)))
#undef __va
#define __va(x) ((void *)ptf_va((unsigned long long)(x)))
#undef __virt_to_phys
#define __virt_to_phys(x) __pa(x)
#undef __pa_nodebug
#define __pa_nodebug(x) __pa(x)
#endif
