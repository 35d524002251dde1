/* Wrap: struct pages live in the runtime's array for the arena, for every arch (the vmemmap the
 * kernel would map is not there); an out-of-arena pfn is a bad-pa report, not a wild pointer. */
#include_next <asm-generic/memory_model.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_MEMORY_MODEL_WRAP)
#define PTF_MEMORY_MODEL_WRAP
#include <ptf_shim.h>
#undef __pfn_to_page
#define __pfn_to_page(pfn) ptf_pfn_to_page(pfn)
#undef __page_to_pfn
#define __page_to_pfn(page) ptf_page_to_pfn(page)
#endif
