/* What the runtime files of one configuration share: the installed state and env, the libc
 * functions they use (declared by hand: -nostdinc, the kernel headers own the namespace), and
 * the per-arch hooks each rt/arch_<arch>.c provides. Included after the kernel headers. */
#ifndef PTF_RT_H
#define PTF_RT_H
#include "../abi/ptf_abi.h"
#include <ptf_shim.h>

extern void abort(void) __attribute__((noreturn));
extern void *calloc(unsigned long n, unsigned long size);
/* rt/host_signals.c: `size` bytes of inaccessible address space (0 if none; at `hint` or the first
 * free slot after it, if any), and the low-pa region of page_alloc.c that its fault handler
 * recognises */
unsigned long ptf_host_reserve(unsigned long size, unsigned long hint);
unsigned long ptf_low_pa_region(unsigned long *size);
void ptf_low_pa_fault(const char *symbol, unsigned long addr);
extern void free(void *p);

extern const struct ptf_env *ptf_env_;
extern struct ptf_state ptf_st;
/* The kernel function the current ops call stands for ("pud_free", "pgd_alloc"): reports name it. */
extern const char *ptf_op;

/* report through env->report; the text is formatted as printf would */
void ptf_report(const char *cls, const char *helper, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Ops-call guard: a BUG() in the real code longjmps back here (see ptf_bug). */
extern long ptf_jb[32];
extern int ptf_guarded;
extern int _setjmp(long *env) __attribute__((returns_twice));
extern void longjmp(long *env, int val) __attribute__((noreturn));

/* page allocator over the arena (page_alloc.c) */
int ptf_mem_init(void);                 /* (re)build the struct page array for ptf_st's arena */
void ptf_ptlocks_reset(void);           /* free every split page-table lock (stubs.c) */
struct page *ptf_alloc(gfp_t gfp, unsigned order, const char *helper);
void ptf_free(struct page *page, unsigned order, const char *helper);
int ptf_in_arena(unsigned long va);
u64 ptf_nr_pagetable_pages(void);
void ptf_tlb_begin(struct mm_struct *mm);
void ptf_tlb_finish(void);
extern unsigned ptf_pgd_cache_size;     /* object size of a "pgd_cache" slab created (0: none) */

/* per arch (arch_<arch>.c) */
int ptf_arch_set_state(void);           /* kernel variables from ptf_st; 0 or a report */
void ptf_arch_view(struct ptf_view *v);
u64 ptf_arch_hw_root(u64 pgd_pa, int upper);
u64 ptf_arch_mk_leaf(int lvl, u64 pa);
u64 ptf_arch_phys_to_pte_val(u64 pa);
u64 ptf_arch_pte_to_phys(u64 pte);
u64 ptf_arch_page_paddr(int lvl, u64 v);
extern const char ptf_arch_name[];
void ptf_arch_probe_privileged(void);
/* debug_vm.c and arch_<arch>.c, where gen_ninja.py compiles mm/debug_vm_pgtable.c */
int ptf_dvp_run(u64 random);            /* its init function; the memory description first */
void ptf_arch_dvp_memory(int on);      /* where the kernel image lies (__pa_symbol); 0: as before */
extern int ptf_name_by_func;            /* BUG/WARN reports name the function they are in */
/* host_signals.c */
void ptf_install_signal_handlers(void);
#endif
