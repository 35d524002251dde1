/* What the tree's own mm/debug_vm_pgtable.c needs around it, when gen_ninja.py compiles it
 * (PTF_DEBUG_VM_PGTABLE): the boot-time memory description it reads (memblock, the sparse
 * sections pfn_valid() tests, where the kernel image lies), the mm and vma it allocates, its one
 * random number, and the ops entry that runs its init function. The page-table code it exercises
 * is the tree's; nothing here decides a page-table result. */
#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/mmzone.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/sched/mm.h>
#include <linux/version.h>
#include <asm/pgalloc.h>
#include "ptf_rt.h"

#ifdef PTF_DEBUG_VM_PGTABLE
/* mm/debug_vm_pgtable.c's late_initcall(), as the shim linux/init.h leaves it */
extern int (*const ptf_late_initcall_debug_vm_pgtable)(void);

static u64 ptf_random;

#if defined(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
/* mm/hugetlb_vmemmap.c (not compiled): no HugeTLB page has its vmemmap optimized here */
DEFINE_STATIC_KEY_FALSE(hugetlb_optimize_vmemmap_key);
#endif

/* drivers/char/random.c: the one random number the test draws (get_random_vaddr()) is the
 * harness's argument, so a run is reproducible and the address can come from a fuzz input. */
u64 get_random_u64(void)
{
	return ptf_random;
}

/* init/main.c: only its address is read (__pa_symbol(&start_kernel), the fallback for the
 * test's "fixed" pfns when no memory range is PMD aligned). */
void start_kernel(void)
{
}

/* kernel/fork.c mm_alloc(): a zeroed mm with one user, its lock, and a pgd from the real
 * pgd_alloc() (mm_init() -> mm_alloc_pgd()). */
struct mm_struct *mm_alloc(void)
{
	/* mm_struct ends in the cpu bitmap kernel/fork.c sizes with cpumask_size() */
	struct mm_struct *mm = calloc(1, sizeof(*mm) + 64);
	const char *op;

	if (!mm)
		return NULL;
	atomic_set(&mm->mm_users, 1);
	atomic_set(&mm->mm_count, 1);
	spin_lock_init(&mm->page_table_lock);
	op = ptf_op;
	ptf_op = "pgd_alloc";
	mm->pgd = pgd_alloc(mm);
	ptf_op = op;
	if (!mm->pgd) {
		free(mm);
		return NULL;
	}
	return mm;
}

/* kernel/fork.c mmput() of the last user of an mm with no vmas: __mmput() -> mmdrop() ->
 * __mmdrop(): mm_free_pgd() (the real pgd_free()), then check_mm()'s page-table accounting
 * check, in its words. */
void mmput(struct mm_struct *mm)
{
	const char *op = ptf_op;
	long bytes;

	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	ptf_op = "pgd_free";
	pgd_free(mm, mm->pgd);
	ptf_op = op;
	bytes = mm_pgtables_bytes(mm);
	if (bytes)
		ptf_report("leak", "mmput", "BUG: non-zero pgtables_bytes on freeing mm: %ld", bytes);
	free(mm);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
const struct vm_operations_struct vma_dummy_vm_ops;
#endif

/* kernel/fork.c vm_area_alloc()/vm_area_free(): a slab object and vma_init(). */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = calloc(1, sizeof(*vma));

	if (vma)
		vma_init(vma, mm);
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	free(vma);
}

/* Only after alloc_contig_pages() succeeded, which it does not here (no CMA): loud if reached. */
void free_contig_range(unsigned long pfn, unsigned long nr_pages)
{
	ptf_report("not-driven", ptf_op, "free_contig_range(%#lx, %lu) reached (no contiguous allocation was made)",
		   pfn, nr_pages);
}
#ifdef CONFIG_CONTIG_ALLOC
#ifdef alloc_hooks
struct page *alloc_contig_pages_noprof(unsigned long nr_pages, gfp_t gfp_mask, int nid, nodemask_t *nodemask)
#else
struct page *alloc_contig_pages(unsigned long nr_pages, gfp_t gfp_mask, int nid, nodemask_t *nodemask)
#endif
{
	return NULL;	/* larger than the page allocator's largest order: the test skips those pages */
}
#endif

#ifdef CONFIG_PREEMPTION
/* one CPU and no other task: nothing to switch to */
void preempt_schedule(void)
{
}
#endif

/* ---- what the real mm/memblock.c links against (its array growth and its messages) ---- */
bool movable_node_enabled;	/* mm/memory_hotplug.c: no movable_node on the command line */

bool slab_is_available(void)
{
	return true;		/* a late_initcall runs long after kmem_cache_init() */
}

/* kmalloc()/kfree() of host memory: memblock's region arrays are not page tables */
#ifdef alloc_hooks
void *__kmalloc_noprof(size_t size, gfp_t flags)
#else
void *__kmalloc(size_t size, gfp_t flags)
#endif
{
	return calloc(1, size);
}

void kfree(const void *p)
{
	free((void *)p);
}

int ___ratelimit(struct ratelimit_state *rs, const char *func)
{
	return 1;
}

void panic(const char *fmt, ...)
{
	ptf_report("BUG", ptf_op, "Kernel panic - not syncing: %s", fmt);
	if (ptf_guarded)
		longjmp(ptf_jb, 1);
	abort();
}

/* ---- the memory description boot code leaves: memblock and the sparse sections ---- */
#ifdef CONFIG_FLATMEM
unsigned long max_mapnr;	/* mm/memory.c: the memory map's length from ARCH_PFN_OFFSET */
#endif
#ifdef CONFIG_SPARSEMEM_EXTREME
struct mem_section **mem_section;
#elif defined(CONFIG_SPARSEMEM)
struct mem_section mem_section[NR_SECTION_ROOTS][SECTIONS_PER_ROOT];
#endif

/* The arena is the machine's memory: one memblock memory region, through the real
 * memblock_remove()/memblock_add() (setup_arch()'s part), and its sparse sections present with
 * a memory map (sparse_init()'s part), which is what pfn_valid() reads. */
void ptf_dvp_memory(void)
{
	phys_addr_t base = ptf_st.arena_base + ptf_st.phys_offset;

	memblock_remove(0, PHYS_ADDR_MAX);
	memblock_add(base, ptf_st.arena_size);
#ifdef CONFIG_FLATMEM	/* what free_area_init() leaves: pfn_valid() up to the arena's end */
	max_mapnr = PHYS_PFN(base + ptf_st.arena_size) - ARCH_PFN_OFFSET;
#endif
#ifdef CONFIG_SPARSEMEM
	{
		unsigned long pfn, first = PHYS_PFN(base), last = PHYS_PFN(base + ptf_st.arena_size - 1);

#ifdef CONFIG_SPARSEMEM_EXTREME
		if (!mem_section)
			mem_section = calloc(NR_SECTION_ROOTS, sizeof(*mem_section));
#endif
		for (pfn = first; pfn <= last; pfn += PAGES_PER_SECTION - (pfn & (PAGES_PER_SECTION - 1))) {
			unsigned long nr = pfn_to_section_nr(pfn);
			struct mem_section *ms;

#ifdef CONFIG_SPARSEMEM_EXTREME
			if (!mem_section[SECTION_NR_TO_ROOT(nr)])
				mem_section[SECTION_NR_TO_ROOT(nr)] = calloc(SECTIONS_PER_ROOT, sizeof(struct mem_section));
#endif
			ms = __nr_to_section(nr);
			ms->section_mem_map |= SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | SECTION_IS_EARLY;
		}
	}
#endif
	ptf_arch_dvp_memory(1);
}

/* ops.debug_vm_pgtable(): the test's init function under the ops guard. */
int ptf_dvp_run(u64 random)
{
	int r;

	ptf_random = random;
	ptf_dvp_memory();
	r = ptf_late_initcall_debug_vm_pgtable();
	ptf_arch_dvp_memory(0);
	return r;
}
#endif
