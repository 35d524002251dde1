/* Wrap. Only in the translation unit of mm/debug_vm_pgtable.c (gen_ninja.py defines
 * PTF_NAME_CALLS there): the page-table free functions it calls say which kernel function runs,
 * so that a report from inside them (the allocator's Bad page state) names pud_free, not the
 * test. The macros call the real functions (a macro does not expand its own name again); a level
 * folded at compile time keeps its no-op. Elsewhere this header is the tree's unchanged. */
#include_next <asm/pgalloc.h>
#if defined(PTF_NAME_CALLS) && !defined(PTF_PGALLOC_NAMED) && !defined(__ASSEMBLY__)
#define PTF_PGALLOC_NAMED
#include <ptf_shim.h>
#define PTF_NAMED(name, call) do { const char *ptf_o_ = ptf_op; ptf_op = name; call; ptf_op = ptf_o_; } while (0)
#ifndef __PAGETABLE_P4D_FOLDED
#undef p4d_free
#define p4d_free(mm, p) PTF_NAMED("p4d_free", p4d_free(mm, p))
#endif
#ifndef __PAGETABLE_PUD_FOLDED
#undef pud_free
#define pud_free(mm, p) PTF_NAMED("pud_free", pud_free(mm, p))
#endif
#undef pmd_free
#define pmd_free(mm, p) PTF_NAMED("pmd_free", pmd_free(mm, p))
#undef pte_free
#define pte_free(mm, p) PTF_NAMED("pte_free", pte_free(mm, p))
#undef pte_free_kernel
#define pte_free_kernel(mm, p) PTF_NAMED("pte_free_kernel", pte_free_kernel(mm, p))
#endif
