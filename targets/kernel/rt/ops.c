/* The ops table of one configuration: each entry calls the tree's real helper by its generic
 * kernel name (the arch supplies only what has no generic name, rt/arch_<arch>.c), under a guard
 * that turns a BUG() in the real code into a report and an early return. */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <asm/pgalloc.h>
#include <asm/tlb.h>
#include "ptf_rt.h"

extern struct mmu_gather *ptf_tlb_gather(void);
extern struct mm_struct init_mm;
pgd_t (*ptf_swapper_pg_dir)[];
static struct mm_struct ptf_user_mm;

/* init/main.c's default for arches without a pgd slab (arm64's pgd.c defines the real one). */
void __weak pgtable_cache_init(void)
{
}	/* a user mm: the helpers read ->pgd and compare with &init_mm */

/* Enter the kernel as `name`; if the real code BUG()s, return `ret` from the ops call. */
#define PTF_ENTER(name, ret)                  \
	do {                                  \
		ptf_op = (name);              \
		ptf_guarded = 1;              \
		if (_setjmp(ptf_jb)) {        \
			ptf_guarded = 0;      \
			return ret;           \
		}                             \
	} while (0)
#define PTF_LEAVE() (ptf_guarded = 0)
#define PTF_NOTHING

static struct mm_struct *ptf_mm(const struct ptf_mm *m)
{
	if (m && m->init_mm)
		return &init_mm;
	ptf_user_mm.pgd = m ? (pgd_t *)(unsigned long)m->pgd : NULL;
	return &ptf_user_mm;
}


/* __ro_after_init data as the image has it (shim linux/cache.h): snapshot at the first boot,
 * restored at every later one, so what a boot-time initcall adjusted for one geometry's CPU is
 * not there for the next geometry sharing the object. */
extern char __start_ptf_ro_after_init[] __weak, __stop_ptf_ro_after_init[] __weak;
static void ptf_boot_data(void)
{
	static char *image;
	unsigned long n = __stop_ptf_ro_after_init - __start_ptf_ro_after_init;

	if (!n)
		return;
	if (!image) {
		image = calloc(1, n);
		if (image)
			memcpy(image, __start_ptf_ro_after_init, n);
	} else if (memcmp(__start_ptf_ro_after_init, image, n)) {
		/* (only what changed is written back: where every member is const the linker made
		 * the section read-only, and nothing in it ever changes) */
		memcpy(__start_ptf_ro_after_init, image, n);
	}
}

static int o_set_state(const struct ptf_state *st, const struct ptf_env *env)
{
	struct page *sw;

	ptf_env_ = env;
	ptf_st = *st;
	ptf_op = "set_state";
	ptf_boot_data();
	ptf_install_signal_handlers();
	if (ptf_mem_init() || ptf_arch_set_state())
		return -1;
	ptf_pgd_cache_size = 0;
	PTF_ENTER("pgtable_cache_init", -1);
	pgtable_cache_init();
	/* swapper_pg_dir / init_top_pgt: zeroed pages of the arena, as head.S leaves it; on x86 with
	 * PTI, head_64.S follows init_top_pgt with its user copy (PTI_USER_PGD_FILL), the same
	 * PGD_ALLOCATION_ORDER pages pgd_alloc() takes, which clone_pgd_range() copies from */
#ifdef PGD_ALLOCATION_ORDER
	sw = ptf_alloc(GFP_KERNEL | __GFP_ZERO, PGD_ALLOCATION_ORDER, "swapper_pg_dir");
#else
	sw = ptf_alloc(GFP_KERNEL | __GFP_ZERO, 0, "swapper_pg_dir");
#endif
	if (!sw) {
		PTF_LEAVE();
		ptf_report("oom", "set_state", "no page for swapper_pg_dir");
		return -1;
	}
	ptf_swapper_pg_dir = (pgd_t (*)[])page_address(sw);
	init_mm.pgd = (pgd_t *)ptf_swapper_pg_dir;
	PTF_LEAVE();
	return 0;
}

/* swapper_pg_dir's pages, for rt/host_signals.c: a write fault there is a write in place into
 * the read-only swapper (the harness protects it where the kernel keeps it read-only) */
unsigned long ptf_swapper_region(unsigned long *size)
{
#ifdef PGD_ALLOCATION_ORDER
	*size = PAGE_SIZE << PGD_ALLOCATION_ORDER;
#else
	*size = PAGE_SIZE;
#endif
	return (unsigned long)ptf_swapper_pg_dir;
}

void ptf_ro_write_fault(const char *symbol, unsigned long addr)
{
	ptf_report("ro-write", ptf_op,
		   "Unable to handle kernel write to read-only memory at virtual address %#lx (in %s)\n"
		   "expected: swapper_pg_dir written through set_swapper_pgd() (the fixmap)\n"
		   "actual:   an entry written in place",
		   addr, symbol);
	if (ptf_guarded)
		longjmp(ptf_jb, 1);
	abort();
}

static void o_linux_view(struct ptf_view *v)
{
	memset(v, 0, sizeof(*v));
	PTF_ENTER("linux_view", PTF_NOTHING);
	v->shift[PTF_PGD] = PGDIR_SHIFT;
	v->shift[PTF_P4D] = P4D_SHIFT;
	v->shift[PTF_PUD] = PUD_SHIFT;
	v->shift[PTF_PMD] = PMD_SHIFT;
	v->shift[PTF_PTE] = PAGE_SHIFT;
	v->ptrs_per[PTF_PGD] = PTRS_PER_PGD;
	v->ptrs_per[PTF_P4D] = PTRS_PER_P4D;
	v->ptrs_per[PTF_PUD] = PTRS_PER_PUD;
	v->ptrs_per[PTF_PMD] = PTRS_PER_PMD;
	v->ptrs_per[PTF_PTE] = PTRS_PER_PTE;
	v->pgd_size = PTRS_PER_PGD * sizeof(pgd_t);
	ptf_arch_view(v);	/* l4/l5, vabits_actual, PGD_SIZE, phys mask, PAGE_OFFSET */
	v->folded[PTF_P4D] = !v->l5_enabled;
	v->folded[PTF_PUD] = !v->l4_enabled;
	v->folded[PTF_PMD] = CONFIG_PGTABLE_LEVELS < 3;
	/* What pgd_alloc() hands out follows from what pgtable_cache_init() set up (arm64 creates a
	 * pgd_cache only when the pgd is smaller than a page) or the arch's allocation order. */
	v->pgdir_is_page_size = ptf_pgd_cache_size == 0;
	v->pgd_alloc_size = ptf_pgd_cache_size ? ptf_pgd_cache_size : PAGE_SIZE;
#ifdef PGD_ALLOCATION_ORDER
	v->pgd_alloc_size = PAGE_SIZE << PGD_ALLOCATION_ORDER;
#endif
	PTF_LEAVE();
}

static u64 o_swapper_pgd(void)
{
	return (u64)(unsigned long)init_mm.pgd;
}

static u64 o_offset(int child, u64 parentp, u64 addr)
{
	u64 r = 0;

	switch (child) {
	case PTF_PGD:
		PTF_ENTER("pgd_offset_pgd", 0);
		r = (u64)(unsigned long)pgd_offset_pgd((pgd_t *)(unsigned long)parentp, addr);
		break;
	case PTF_P4D:
		PTF_ENTER("p4d_offset", 0);
		r = (u64)(unsigned long)p4d_offset((pgd_t *)(unsigned long)parentp, addr);
		break;
	case PTF_PUD:
		PTF_ENTER("pud_offset", 0);
		r = (u64)(unsigned long)pud_offset((p4d_t *)(unsigned long)parentp, addr);
		break;
	case PTF_PMD:
		PTF_ENTER("pmd_offset", 0);
		r = (u64)(unsigned long)pmd_offset((pud_t *)(unsigned long)parentp, addr);
		break;
	case PTF_PTE:
		PTF_ENTER("pte_offset_kernel", 0);
		r = (u64)(unsigned long)pte_offset_kernel((pmd_t *)(unsigned long)parentp, addr);
		break;
	}
	PTF_LEAVE();
	return r;
}

/* mm/gup.c's lockless walk hands the helpers the table pointer and its own stack copy of the
 * entry; the generic helpers take the copy by address (&(pgd)), which is how a helper can end up
 * pointing into the caller's stack. */
static u64 o_offset_lockless(int child, u64 parentp, u64 copy, u64 addr)
{
	u64 r = 0;

	/* The copy is passed as the lvalue *copy, not through a local here: the generic helpers are
	 * macros taking &(pXd), so a folded level's pointer must be the caller's copy. */
	switch (child) {
	case PTF_P4D:
		PTF_ENTER("p4d_offset_lockless", 0);
		r = (u64)(unsigned long)p4d_offset_lockless((pgd_t *)(unsigned long)parentp,
							    *(pgd_t *)(unsigned long)copy, addr);
		break;
	case PTF_PUD:
		PTF_ENTER("pud_offset_lockless", 0);
		r = (u64)(unsigned long)pud_offset_lockless((p4d_t *)(unsigned long)parentp,
							    *(p4d_t *)(unsigned long)copy, addr);
		break;
	case PTF_PMD:
		PTF_ENTER("pmd_offset_lockless", 0);
		r = (u64)(unsigned long)pmd_offset_lockless((pud_t *)(unsigned long)parentp,
							    *(pud_t *)(unsigned long)copy, addr);
		break;
	default:
		return o_offset(child, parentp, addr);
	}
	PTF_LEAVE();
	return r;
}

static int o_none(int lvl, u64 v)
{
	switch (lvl) {
	case PTF_PGD: return pgd_none(__pgd(v));
	case PTF_P4D: return p4d_none(__p4d(v));
	case PTF_PUD: return pud_none(__pud(v));
	case PTF_PMD: return pmd_none(__pmd(v));
	default: return pte_none(__pte(v));
	}
}

static int o_bad(int lvl, u64 v)
{
	switch (lvl) {
	case PTF_PGD: return pgd_bad(__pgd(v));
	case PTF_P4D: return p4d_bad(__p4d(v));
	case PTF_PUD: return pud_bad(__pud(v));
	case PTF_PMD: return pmd_bad(__pmd(v));
	default: return 0;
	}
}

static int o_present(int lvl, u64 v)
{
	switch (lvl) {
	case PTF_PGD: return pgd_present(__pgd(v));
	case PTF_P4D: return p4d_present(__p4d(v));
	case PTF_PUD: return pud_present(__pud(v));
	case PTF_PMD: return pmd_present(__pmd(v));
	default: return pte_present(__pte(v));
	}
}

static int o_leaf(int lvl, u64 v)
{
	switch (lvl) {
	case PTF_PUD: return pud_leaf(__pud(v));
	case PTF_PMD: return pmd_leaf(__pmd(v));
	case PTF_PTE: return pte_present(__pte(v));
	default: return 0;
	}
}

static u64 o_page_paddr(int lvl, u64 v)
{
	return ptf_arch_page_paddr(lvl, v);
}

static void o_set(int lvl, u64 ptr, u64 v)
{
	void *p = (void *)(unsigned long)ptr;

	switch (lvl) {
	case PTF_PGD: PTF_ENTER("set_pgd", PTF_NOTHING); set_pgd(p, __pgd(v)); break;
	case PTF_P4D: PTF_ENTER("set_p4d", PTF_NOTHING); set_p4d(p, __p4d(v)); break;
	case PTF_PUD: PTF_ENTER("set_pud", PTF_NOTHING); set_pud(p, __pud(v)); break;
	case PTF_PMD: PTF_ENTER("set_pmd", PTF_NOTHING); set_pmd(p, __pmd(v)); break;
	default: PTF_ENTER("set_pte", PTF_NOTHING); set_pte(p, __pte(v)); break;
	}
	PTF_LEAVE();
}

static void o_clear(int lvl, u64 ptr)
{
	void *p = (void *)(unsigned long)ptr;

	switch (lvl) {
	case PTF_PGD: PTF_ENTER("pgd_clear", PTF_NOTHING); pgd_clear((pgd_t *)p); break;
	case PTF_P4D: PTF_ENTER("p4d_clear", PTF_NOTHING); p4d_clear((p4d_t *)p); break;
	case PTF_PUD: PTF_ENTER("pud_clear", PTF_NOTHING); pud_clear((pud_t *)p); break;
	case PTF_PMD: PTF_ENTER("pmd_clear", PTF_NOTHING); pmd_clear((pmd_t *)p); break;
	default: PTF_ENTER("pte_clear", PTF_NOTHING); pte_clear(ptf_mm(NULL), 0, (pte_t *)p); break;
	}
	PTF_LEAVE();
}

static void o_populate(const struct ptf_mm *m, int lvl, u64 ptr, u64 child)
{
	struct mm_struct *mm = ptf_mm(m);
	void *p = (void *)(unsigned long)ptr, *c = (void *)(unsigned long)child;

	switch (lvl) {
	case PTF_PGD: PTF_ENTER("pgd_populate", PTF_NOTHING); pgd_populate(mm, (pgd_t *)p, (p4d_t *)c); break;
	case PTF_P4D: PTF_ENTER("p4d_populate", PTF_NOTHING); p4d_populate(mm, (p4d_t *)p, (pud_t *)c); break;
	case PTF_PUD: PTF_ENTER("pud_populate", PTF_NOTHING); pud_populate(mm, (pud_t *)p, (pmd_t *)c); break;
	case PTF_PMD:
		if (mm == &init_mm) {
			PTF_ENTER("pmd_populate_kernel", PTF_NOTHING);
			pmd_populate_kernel(mm, (pmd_t *)p, (pte_t *)c);
		} else {
			PTF_ENTER("pmd_populate", PTF_NOTHING);
			pmd_populate(mm, (pmd_t *)p, virt_to_page(c));
		}
		break;
	}
	PTF_LEAVE();
}

static u64 o_mk_leaf(int lvl, u64 pa) { return ptf_arch_mk_leaf(lvl, pa); }
static u64 o_phys_to_pte_val(u64 pa) { return ptf_arch_phys_to_pte_val(pa); }
static u64 o_pte_to_phys(u64 pte) { return ptf_arch_pte_to_phys(pte); }
static u64 o_hw_root(u64 pgd_pa, int upper) { return ptf_arch_hw_root(pgd_pa, upper); }

static u64 o_pa(u64 va)
{
	u64 r;

	PTF_ENTER("__pa", 0);
	r = __pa((unsigned long)va);
	PTF_LEAVE();
	return r;
}

static u64 o_pgd_alloc(struct ptf_mm *m)
{
	struct mm_struct *mm = ptf_mm(m);
	pgd_t *pgd;

	PTF_ENTER("pgd_alloc", 0);
	pgd = pgd_alloc(mm);
	PTF_LEAVE();
	if (m)
		m->pgd = (u64)(unsigned long)pgd;
	return (u64)(unsigned long)pgd;
}

static void o_pgd_free(struct ptf_mm *m, u64 pgd)
{
	struct mm_struct *mm = ptf_mm(m);

	mm->pgd = (pgd_t *)(unsigned long)pgd;
	PTF_ENTER("pgd_free", PTF_NOTHING);
	pgd_free(mm, (pgd_t *)(unsigned long)pgd);
	PTF_LEAVE();
}

static u64 o_alloc_one(const struct ptf_mm *m, int lvl, u64 addr)
{
	struct mm_struct *mm = ptf_mm(m);
	void *r = NULL;

	switch (lvl) {
	case PTF_P4D: PTF_ENTER("p4d_alloc_one", 0); r = p4d_alloc_one(mm, addr); break;
	case PTF_PUD: PTF_ENTER("pud_alloc_one", 0); r = pud_alloc_one(mm, addr); break;
	case PTF_PMD: PTF_ENTER("pmd_alloc_one", 0); r = pmd_alloc_one(mm, addr); break;
	case PTF_PTE:
		if (mm == &init_mm) {
			PTF_ENTER("pte_alloc_one_kernel", 0);
			r = pte_alloc_one_kernel(mm);
		} else {
			pgtable_t pt;

			PTF_ENTER("pte_alloc_one", 0);
			pt = pte_alloc_one(mm);
			r = pt ? page_address(pt) : NULL;
		}
		break;
	default:
		return 0;
	}
	PTF_LEAVE();
	return (u64)(unsigned long)r;
}

static void o_free_one(const struct ptf_mm *m, int lvl, u64 table)
{
	struct mm_struct *mm = ptf_mm(m);
	void *t = (void *)(unsigned long)table;

	switch (lvl) {
	case PTF_P4D: PTF_ENTER("p4d_free", PTF_NOTHING); p4d_free(mm, (p4d_t *)t); break;
	case PTF_PUD: PTF_ENTER("pud_free", PTF_NOTHING); pud_free(mm, (pud_t *)t); break;
	case PTF_PMD: PTF_ENTER("pmd_free", PTF_NOTHING); pmd_free(mm, (pmd_t *)t); break;
	case PTF_PTE:
		if (mm == &init_mm) {
			PTF_ENTER("pte_free_kernel", PTF_NOTHING);
			pte_free_kernel(mm, (pte_t *)t);
		} else {
			PTF_ENTER("pte_free", PTF_NOTHING);
			pte_free(mm, virt_to_page(t));
		}
		break;
	default:
		return;
	}
	PTF_LEAVE();
}

static void o_tlb_gather(const struct ptf_mm *m)
{
	ptf_tlb_begin(ptf_mm(m));
}

/* The asm-generic pXd_free_tlb() wrappers free_pgd_range() calls: they widen the flush range,
 * set freed_tables and call the arch's __pXd_free_tlb(). */
static void o_free_tlb(int lvl, u64 table, u64 addr)
{
	struct mmu_gather *tlb = ptf_tlb_gather();
	void *t = (void *)(unsigned long)table;

	switch (lvl) {
	case PTF_P4D: PTF_ENTER("__p4d_free_tlb", PTF_NOTHING); p4d_free_tlb(tlb, (p4d_t *)t, addr); break;
	case PTF_PUD: PTF_ENTER("__pud_free_tlb", PTF_NOTHING); pud_free_tlb(tlb, (pud_t *)t, addr); break;
	case PTF_PMD: PTF_ENTER("__pmd_free_tlb", PTF_NOTHING); pmd_free_tlb(tlb, (pmd_t *)t, addr); break;
	case PTF_PTE: PTF_ENTER("__pte_free_tlb", PTF_NOTHING); pte_free_tlb(tlb, virt_to_page(t), addr); break;
	default:
		return;
	}
	PTF_LEAVE();
}

static void o_tlb_finish(void)
{
	PTF_ENTER("tlb_finish_mmu", PTF_NOTHING);
	ptf_tlb_finish();
	PTF_LEAVE();
}

static int o_page_is_table(u64 va)
{
	return ptf_in_arena(va) && PageTable(virt_to_page((void *)(unsigned long)va));
}

static unsigned o_page_type(u64 va)
{
	if (!ptf_in_arena(va))
		return 0;
	return (unsigned)atomic_read(&virt_to_page((void *)(unsigned long)va)->_mapcount);
}

static void o_probe_privileged(void)
{
	PTF_ENTER("probe_privileged", PTF_NOTHING);
	ptf_arch_probe_privileged();
	PTF_LEAVE();
}

#ifdef PTF_DEBUG_VM_PGTABLE
static int o_debug_vm_pgtable(u64 random)
{
	int r;

	PTF_ENTER("debug_vm_pgtable", (ptf_name_by_func = 0, -1));
	ptf_name_by_func = 1;
	r = ptf_dvp_run(random);
	ptf_name_by_func = 0;
	PTF_LEAVE();
	return r;
}
#endif

#ifdef PTF_EARLY_P4D_OFFSET
/* rt/x86_kasan_early.c: the tree's early_p4d_offset() */
u64 ptf_early_p4d_offset(u64 pgdp, u64 addr, u64 page_offset_base, u64 phys_base);

static u64 o_early_p4d_offset(u64 pgdp, u64 addr, u64 page_offset_base, u64 phys_base)
{
	u64 r;

	PTF_ENTER("early_p4d_offset", 0);
	r = ptf_early_p4d_offset(pgdp, addr, page_offset_base, phys_base);
	PTF_LEAVE();
	return r;
}
#endif

#if defined(PTF_MAPPABLE_RANGE) && defined(CONFIG_MEMORY_HOTPLUG)
/* rt/arm64_mappable_range.c: the tree's arch_get_mappable_range() */
void ptf_mappable_range(u64 memstart, u64 *start, u64 *end);

static void o_mappable_range(u64 memstart, u64 *start, u64 *end)
{
	*start = *end = 0;
	PTF_ENTER("arch_get_mappable_range", PTF_NOTHING);
	ptf_mappable_range(memstart, start, end);
	PTF_LEAVE();
}
#endif

static u64 o_nr_pagetable(void)
{
	return ptf_nr_pagetable_pages();
}

const struct ptf_ops ptf_ops = {
	.abi_version = PTF_ABI_VERSION,
	.size = sizeof(struct ptf_ops),
	.config = PTF_CONFIG_NAME,
	.arch = ptf_arch_name,
	.uts_release = PTF_KERNEL_VERSION,
	.overlay = PTF_OVERLAY_NAME,
	.page_shift = PAGE_SHIFT,
	.pgtable_levels = CONFIG_PGTABLE_LEVELS,
	.set_state = o_set_state,
	.linux_view = o_linux_view,
	.swapper_pgd = o_swapper_pgd,
	.offset = o_offset,
	.offset_lockless = o_offset_lockless,
	.none = o_none,
	.bad = o_bad,
	.present = o_present,
	.leaf = o_leaf,
	.page_paddr = o_page_paddr,
	.set = o_set,
	.clear = o_clear,
	.populate = o_populate,
	.mk_leaf = o_mk_leaf,
	.phys_to_pte_val = o_phys_to_pte_val,
	.pte_to_phys = o_pte_to_phys,
	.hw_root = o_hw_root,
	.pa = o_pa,
	.pgd_alloc = o_pgd_alloc,
	.pgd_free = o_pgd_free,
	.alloc_one = o_alloc_one,
	.free_one = o_free_one,
	.tlb_gather = o_tlb_gather,
	.free_tlb = o_free_tlb,
	.tlb_finish = o_tlb_finish,
	.page_is_table = o_page_is_table,
	.page_type = o_page_type,
	.nr_pagetable = o_nr_pagetable,
	.probe_privileged = o_probe_privileged,
#ifdef PTF_DEBUG_VM_PGTABLE
	.debug_vm_pgtable = o_debug_vm_pgtable,
#elif PTF_DVP_ABSENT == 1
	.debug_vm_pgtable_absent = "the configuration has no CONFIG_DEBUG_VM_PGTABLE",
#elif PTF_DVP_ABSENT == 2
	.debug_vm_pgtable_absent = "ptfold does not build mm/debug_vm_pgtable.c for " PTF_ARCH_KBUILD " yet",
#else
	.debug_vm_pgtable_absent = "the tree has no mm/debug_vm_pgtable.c",
#endif
#ifdef PTF_EARLY_P4D_OFFSET
	.early_p4d_offset = o_early_p4d_offset,
#endif
#if defined(PTF_MAPPABLE_RANGE) && defined(CONFIG_MEMORY_HOTPLUG)
	.mappable_range = o_mappable_range,
#endif
	.has_fast_gup = IS_ENABLED(CONFIG_HAVE_GUP_FAST) || IS_ENABLED(CONFIG_HAVE_FAST_GUP),
};
