/* The plain-C contract between ptfold (C++) and one kernel-tree configuration object: the harness
 * hands in runtime state and environment callbacks, the object hands back the real helpers of that
 * configuration as one ops table. No kernel types cross it: addresses, entries and tables are u64.
 *
 * Conventions (every function below):
 *  - Kernel virtual addresses ARE host addresses of the simulated memory ("arena"): a pgd pointer, a
 *    table, an entry pointer are all host pointers inside [arena_base, arena_base + arena_size).
 *  - __pa(va) == va + phys_offset and __va(pa) == pa - phys_offset inside the arena; outside it the
 *    runtime reports "bad-va"/"bad-pa" naming the helper, through env->report.
 *  - Levels: PTF_PGD .. PTF_PTE, the same numbering as ptfold's tgt::Level.
 *  - A kernel BUG()/BUG_ON() reached inside an ops call is reported through env->report (class
 *    "BUG") and the call returns early (0 / nothing); the harness treats that call as aborted.
 *    WARN()s are reported with class "WARN" and the call continues, as in the kernel.
 *  - Pages come only from env->alloc_pages and go back only through env->free_pages, so the
 *    harness's page states, poisoning and quarantine apply to what the real code allocates.
 *  - One configuration object serves one thread at a time.
 */
#ifndef PTF_ABI_H
#define PTF_ABI_H

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long long ptf_u64;

/* Bumped whenever a struct below changes: 2 appended ops.probe_privileged(), 3
 * ops.debug_vm_pgtable(), 4 env.set_swapper_pgd(), ops.early_p4d_offset(), ops.mappable_range() and
 * ops.has_fast_gup. The loader (targets/kernel/kernel_object.cc) refuses an object whose
 * version or ops-table size differs. */
#define PTF_ABI_VERSION 4

enum ptf_level { PTF_PGD = 0, PTF_P4D = 1, PTF_PUD = 2, PTF_PMD = 3, PTF_PTE = 4 };

/* Callbacks into the harness. Every pointer must be set (the runtime calls them unchecked). */
struct ptf_env {
	void *ctx;
	/* 2^order zeroed pages, aligned to their size, inside the arena; 0 when out of memory.
	 * `helper` is the kernel allocator entry reached (e.g. "pud_alloc_one"). */
	ptf_u64 (*alloc_pages)(void *ctx, unsigned order, const char *helper);
	/* The pages go back to the harness: after the runtime's own free-time checks of their
	 * struct page (see report "bad-page-state"). `helper` names the kernel path ("pud_free",
	 * "tlb_remove_table" for frees that went through the mmu_gather, "pgd_free", ...). */
	void (*free_pages)(void *ctx, ptf_u64 va, unsigned order, const char *helper);
	/* NR_PAGETABLE changed by `delta` pages for the table at va (lruvec stat: the constructor
	 * (+) or destructor (-) of a page-table page ran; the kernel does not say which level). */
	void (*pagetable_stat)(void *ctx, ptf_u64 va, long delta);
	/* A finding or a kernel message. cls: "BUG", "WARN", "bad-page-state", "bad-va", "bad-pa",
	 * "bad-free", "privileged", "oom", "not-driven", "leak" (debug_vm_pgtable's mm), "printk" (a
	 * message, no finding). helper: the kernel function involved. text: the kernel's
	 * own words where it has them (for bad-page-state: the "BUG: Bad page state in process ..."
	 * block, several lines). Must return. */
	void (*report)(void *ctx, const char *cls, const char *helper, const char *text);
	/* arm64 set_swapper_pgd(): the write of a swapper_pg_dir entry through the fixmap alias. The
	 * harness may keep swapper_pg_dir read-only in host memory, as a booted kernel's is; a write
	 * in place is then a fault the runtime reports as "ro-write". NULL: written in place. */
	void (*set_swapper_pgd)(void *ctx, ptf_u64 ptr, ptf_u64 v);
};

/* Runtime state of one scenario, derived by the harness from the geometry row (tgt::Config's
 * boot-time fields), never set independently. Fields of other architectures are ignored. */
struct ptf_state {
	/* the simulated memory */
	ptf_u64 arena_base;      /* host address, page aligned */
	ptf_u64 arena_size;      /* bytes, a multiple of the page size */
	ptf_u64 phys_offset;     /* pa = host va + phys_offset (as fuzz/'s Machine and MemEnv) */
	/* arm64 */
	unsigned tcr_t1sz;       /* TCR_EL1.T1SZ: the real vabits_actual = 64 - T1SZ */
	int tcr_ds;              /* TCR_EL1.DS: the real lpa2_is_enabled() */
	int cap_va52;            /* cpucap ARM64_HAS_VA52 (drives pgtable_l4/l5_enabled()) */
	ptf_u64 memstart_addr;   /* memstart_addr (PHYS_OFFSET); 0: the arena's first pa */
	/* x86-64 */
	int la57;                /* X86_FEATURE_LA57 / __pgtable_l5_enabled, pgdir_shift, ptrs_per_p4d */
	int pti;                 /* X86_FEATURE_PTI (with CONFIG_MITIGATION_PAGE_TABLE_ISOLATION) */
	/* riscv64 */
	int riscv_l4;            /* pgtable_l4_enabled */
	int riscv_l5;            /* pgtable_l5_enabled (satp_mode follows: Sv57/Sv48/Sv39) */
};

/* Linux's view of the configuration under the current state, read from the real macros. */
struct ptf_view {
	unsigned shift[5];       /* PGDIR_SHIFT P4D_SHIFT PUD_SHIFT PMD_SHIFT PAGE_SHIFT */
	ptf_u64 ptrs_per[5];     /* PTRS_PER_PGD .. PTRS_PER_PTE */
	int folded[5];           /* level folded, at compile time (pgtable-nop4d.h ...) or at run time
	                            (mm_p4d_folded()/mm_pud_folded()); folded[PTF_PGD] is 0 */
	int l4_enabled, l5_enabled;  /* pgtable_l4_enabled(), pgtable_l5_enabled() */
	unsigned va_bits_actual; /* arm64 vabits_actual; x86 __VIRTUAL_MASK_SHIFT + 1; riscv from satp */
	ptf_u64 pgd_size;        /* PGD_SIZE (arm64), else PTRS_PER_PGD * 8 */
	int pgdir_is_page_size;  /* arm64 pgdir_is_page_size(); other arches: pgd is a page */
	ptf_u64 pgd_alloc_size;  /* bytes pgd_alloc() returns (x86 PTI: two pages) */
	unsigned phys_mask_shift;/* arm64 PHYS_MASK_SHIFT (52 only with LPA2 on), x86
	                            __PHYSICAL_MASK_SHIFT, riscv MAX_PHYSMEM_BITS */
	ptf_u64 page_offset;     /* PAGE_OFFSET as the kernel computes it */
};

/* An mm as the helpers see it: only ->pgd is read; init_mm selects &init_mm (kernel tables). */
struct ptf_mm {
	ptf_u64 pgd;
	int init_mm;
};

struct ptf_ops {
	unsigned abi_version;    /* PTF_ABI_VERSION */
	unsigned size;           /* sizeof(struct ptf_ops) as compiled */
	const char *config;      /* configs.tsv name, e.g. "arm64-4k-52" */
	const char *arch;        /* "arm64", "x86_64", "riscv64" */
	const char *uts_release; /* the tree's UTS_RELEASE, e.g. "6.12.57" */
	const char *overlay;     /* overlay compiled in, "" for the unmodified tree */
	unsigned page_shift;     /* PAGE_SHIFT */
	unsigned pgtable_levels; /* CONFIG_PGTABLE_LEVELS */

	/* Install state and env (resets the runtime: all struct pages free, queue empty, swapper_pg_dir
	 * reallocated). 0 on success; otherwise the reason went to env->report and nothing works. */
	int (*set_state)(const struct ptf_state *st, const struct ptf_env *env);
	void (*linux_view)(struct ptf_view *out);
	ptf_u64 (*swapper_pgd)(void);           /* init_mm.pgd = swapper_pg_dir (in the arena) */

	/* The walk. offset(PTF_PGD, pgd, a) is pgd_offset_pgd(); offset(PTF_P4D, pgdp, a) is
	 * p4d_offset(); ... offset(PTF_PTE, pmdp, a) is pte_offset_kernel(). */
	ptf_u64 (*offset)(int child_level, ptf_u64 parentp, ptf_u64 addr);
	/* Fast GUP: p4d/pud/pmd_offset_lockless(parentp, *copy, addr), copy = the caller's stack copy
	 * of *parentp, passed by its address (the generic helpers take &(pXd)). */
	ptf_u64 (*offset_lockless)(int child_level, ptf_u64 parentp, ptf_u64 copy_addr, ptf_u64 addr);

	/* Entry tests on an entry value of level lvl. */
	int (*none)(int lvl, ptf_u64 v);        /* pXd_none (pte_none) */
	int (*bad)(int lvl, ptf_u64 v);         /* pXd_bad; 0 for PTE */
	int (*present)(int lvl, ptf_u64 v);     /* pXd_present */
	int (*leaf)(int lvl, ptf_u64 v);        /* pud_leaf/pmd_leaf; PGD/P4D 0; PTE pte_present */
	ptf_u64 (*page_paddr)(int lvl, ptf_u64 v); /* pa of the next table (PTE: the page) */

	/* Updates through the real setters. */
	void (*set)(int lvl, ptf_u64 ptr, ptf_u64 v);   /* set_pgd .. set_pte */
	void (*clear)(int lvl, ptf_u64 ptr);            /* pgd_clear .. pte_clear */
	/* pgd_populate(mm, ptr, child) for lvl PTF_PGD ... pmd_populate for PTF_PMD (child: kernel VA
	 * of the child table; for PMD the real code gets the child's struct page / pgtable_t). */
	void (*populate)(const struct ptf_mm *mm, int lvl, ptf_u64 ptr, ptf_u64 child);
	/* A leaf of level lvl (PTE page, PMD/PUD block) mapping pa with PAGE_KERNEL-style protections:
	 * pfn_pte(pfn, PAGE_KERNEL), pfn_pmd(pfn, PAGE_KERNEL_LARGE-or-sect) ... */
	ptf_u64 (*mk_leaf)(int lvl, ptf_u64 pa);
	ptf_u64 (*phys_to_pte_val)(ptf_u64 pa);  /* __phys_to_pte_val (or its arch equivalent) */
	ptf_u64 (*pte_to_phys)(ptf_u64 pte);     /* __pte_to_phys */
	/* Hardware root for a pgd at pgd_pa: arm64 phys_to_ttbr() (+ TTBR1 offset when upper),
	 * x86 CR3 (PTI user half when !upper), riscv satp (PFN | satp_mode). */
	ptf_u64 (*hw_root)(ptf_u64 pgd_pa, int upper);
	ptf_u64 (*pa)(ptf_u64 va);               /* __pa / virt_to_phys */

	/* Allocation through the real code. Results are kernel VAs; 0 when folded or out of memory. */
	ptf_u64 (*pgd_alloc)(struct ptf_mm *mm);           /* sets mm->pgd too */
	void (*pgd_free)(struct ptf_mm *mm, ptf_u64 pgd);
	ptf_u64 (*alloc_one)(const struct ptf_mm *mm, int lvl, ptf_u64 addr); /* p4d..pte_alloc_one */
	void (*free_one)(const struct ptf_mm *mm, int lvl, ptf_u64 table);    /* p4d_free..pte_free */
	/* mmu_gather: tlb_gather begins a gather, free_tlb queues __pXd_free_tlb(tlb, table, addr) (the
	 * asm-generic pXd_free_tlb wrappers free_pgd_range uses), tlb_finish frees the queue. */
	void (*tlb_gather)(const struct ptf_mm *mm);
	void (*free_tlb)(int lvl, ptf_u64 table, ptf_u64 addr);
	void (*tlb_finish)(void);

	/* The real struct page of an arena page (0 if va is outside): PageTable() and page_type. */
	int (*page_is_table)(ptf_u64 va);
	unsigned (*page_type)(ptf_u64 va);
	ptf_u64 (*nr_pagetable)(void);           /* pages currently PageTable() */

	/* Runs one instruction of the arch's headers that user mode may not execute (x86:
	 * __native_read_cr3()), to check that such a fault becomes a "privileged" report naming the
	 * function; nothing on arches whose privileged instructions cannot reach host code. */
	void (*probe_privileged)(void);

	/* The tree's own mm/debug_vm_pgtable.c, compiled unchanged: runs its init function
	 * debug_vm_pgtable() on the installed state, in a fresh mm of its own. `random` is what its
	 * one get_random_u64() returns (get_random_vaddr(): the user address it allocates tables for
	 * is FIRST_USER_ADDRESS + random % user pages, page aligned). Its WARN_ON()s are "WARN"
	 * reports and a BUG() a "BUG" report, both naming the function they are written in (e.g.
	 * "pud_advanced_tests"); the page allocator's Bad page state names the free function
	 * ("pud_free"); an mm freed with page-table bytes still accounted is a "leak" report from
	 * "mmput". Returns the init function's result (0, or -ENOMEM when the arena ran out), -1
	 * after a BUG(). NULL when the configuration has no DEBUG_VM_PGTABLE or ptfold cannot build
	 * the test for the arch/release (then nothing of it is in the object). */
	int (*debug_vm_pgtable)(ptf_u64 random);
	/* Why debug_vm_pgtable is NULL (one line, for "not applicable"); NULL when it is not. */
	const char *debug_vm_pgtable_absent;

	/* Boot helpers taken by name from the tree (NULL where the arch has none):
	 * x86 KASAN's early_p4d_offset(pgdp, addr) from arch/x86/mm/kasan_init_64.c, run with
	 * page_offset_base and phys_base as given (what they are that early in boot); returns the p4d
	 * entry pointer, an address in the kernel image mapping (never dereferenced here). */
	ptf_u64 (*early_p4d_offset)(ptf_u64 pgdp, ptf_u64 addr, ptf_u64 page_offset_base, ptf_u64 phys_base);
	/* arm64 arch_get_mappable_range() from arch/arm64/mm/mmu.c (memory hot-add's range check), run
	 * with memstart_addr (PHYS_OFFSET) as given and the kernel's own __pa(); NULL where the arch or
	 * the configuration (no MEMORY_HOTPLUG) has none. */
	void (*mappable_range)(ptf_u64 memstart, ptf_u64 *start, ptf_u64 *end);
	/* The configuration has fast GUP, the lockless walk (CONFIG_HAVE_GUP_FAST, CONFIG_HAVE_FAST_GUP
	 * before 6.9; riscv before 6.3 has none): without it no walk runs outside the mmap lock, so a
	 * table freed at once is no use after free. */
	int has_fast_gup;
};

/* Each configuration object exports exactly one symbol of this name. */
#define PTF_OPS_SYMBOL "ptf_ops"
extern const struct ptf_ops ptf_ops;

#ifdef __cplusplus
}
#endif
#endif /* PTF_ABI_H */
