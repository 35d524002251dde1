/* The hooks the shim headers call, implemented by the kernel-side runtime (targets/kernel/rt/). */
#ifndef PTF_SHIM_H
#define PTF_SHIM_H
struct page;
extern unsigned long long ptf_read_tcr(void);          /* arm64 TCR_EL1 from the scenario */
extern _Bool ptf_has_cap(unsigned long cap);            /* arm64 cpucaps / riscv ISA extensions */
extern unsigned long ptf_va(unsigned long long pa);     /* __va: arena pa -> host pointer */
extern unsigned long long ptf_pa(unsigned long va);     /* __pa: host pointer -> arena pa */
extern struct page *ptf_pfn_to_page(unsigned long pfn); /* the real struct page of an arena pfn */
extern unsigned long ptf_page_to_pfn(const struct page *page);
/* func: the function the BUG()/WARN() is written in (mm/debug_vm_pgtable.c's findings name it) */
extern void ptf_bug(const char *file, int line, const char *func) __attribute__((noreturn));
extern void ptf_warn(const char *file, int line, const char *func);
extern const char *ptf_op;	/* the kernel function running, for reports (rt/ptf_rt.h) */
#endif
