/* Wrap: the real x86 asm/page.h; only the linear-map translation goes to the arena, so PAGE_OFFSET
 * (page_offset_base) keeps its kernel value and KERNEL_PGD_BOUNDARY = pgd_index(PAGE_OFFSET) stays
 * right. */
#include_next <asm/page.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_PAGE_WRAP)
#define PTF_PAGE_WRAP
#include <ptf_shim.h>
#undef __va
#define __va(x) ((void *)ptf_va((unsigned long long)(x)))
#undef __pa
#define __pa(x) ((phys_addr_t)ptf_pa((unsigned long)(x)))
/* Boot code taken from the tree by name (rt/x86_kasan_early.c) runs before the linear map, at
 * the image mapping: there __pa_nodebug() keeps the kernel's own formula (phys_base, PAGE_OFFSET). */
#ifndef PTF_KERNEL_PA_NODEBUG
#undef __pa_nodebug
#define __pa_nodebug(x) __pa(x)
#endif
#endif
