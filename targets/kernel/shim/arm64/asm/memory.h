/* Wrap: the real arm64 asm/memory.h with TCR_EL1 and the linear map redirected. The kernel's own
 * formulas stay: vabits_actual is still 64 - T1SZ, lpa2_is_enabled() still reads TCR.DS; only
 * read_tcr() and the pa <-> va translation reach the runtime. memory.h's own inline functions
 * (virt_to_phys, phys_to_virt, virt_to_pfn) were compiled with the real arithmetic, so they are
 * replaced by macros here. */
#include_next <asm/memory.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_MEMORY_WRAP)
#define PTF_MEMORY_WRAP
#include <ptf_shim.h>
#define read_tcr() ptf_read_tcr()
/* A unit that computes with the kernel's linear map itself rather than reaching memory through it
 * (rt/arm64_mappable_range.c: arch_get_mappable_range() takes __pa() of the linear map's ends)
 * keeps the kernel's __pa(): memstart_addr, PAGE_OFFSET. */
#ifndef PTF_KERNEL_PA
#undef __virt_to_phys
#define __virt_to_phys(x) ((phys_addr_t)ptf_pa((unsigned long)(x)))
#undef __virt_to_phys_nodebug
#define __virt_to_phys_nodebug(x) __virt_to_phys(x)
#endif
#undef __phys_to_virt
#define __phys_to_virt(x) (ptf_va((phys_addr_t)(x)))
#undef virt_to_phys
#define virt_to_phys(x) __virt_to_phys(x)
#undef phys_to_virt
#define phys_to_virt(x) ((void *)__phys_to_virt(x))
#define virt_to_pfn(x) (__virt_to_phys(x) >> PAGE_SHIFT)
#undef page_to_virt
#define page_to_virt(p) ((void *)__phys_to_virt(page_to_phys(p)))
#undef virt_to_page
#define virt_to_page(x) pfn_to_page(virt_to_pfn(x))
#endif
