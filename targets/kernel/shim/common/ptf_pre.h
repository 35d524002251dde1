/* Included (-include) after kbuild's own forced includes: the kernel's top-level page table, which
 * head.S places in the kernel image, is a page of the simulated memory here, so that __pa() of it
 * works and the harness can make it read-only. The kernel's declaration `extern pgd_t
 * swapper_pg_dir[];` becomes a pointer to that page through this macro. */
#ifndef PTF_PRE_H
#define PTF_PRE_H
#ifdef CONFIG_X86_64
#define init_top_pgt (*ptf_swapper_pg_dir)
#else
#define swapper_pg_dir (*ptf_swapper_pg_dir)
#endif
#endif
