/* The kernel-side page allocator, slab and mmu_gather of one configuration, compiled against its
 * real headers: pages come from the harness (env->alloc_pages) and are described by real
 * struct pages, freed with mm/page_alloc.c's free-time checks and the kernel's own wording. */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/version.h>
#include <asm/pgalloc.h>
#include <asm/tlb.h>
#include "ptf_rt.h"

const struct ptf_env *ptf_env_;
struct ptf_state ptf_st;
const char *ptf_op = "ptfold";
long ptf_jb[32];
int ptf_guarded;

static struct page *ptf_pages;          /* one struct page per arena page */
static unsigned long ptf_npages, ptf_pfn0;
static unsigned char *ptf_used;         /* 1: handed out by ptf_alloc (head or tail) */

void ptf_report(const char *cls, const char *helper, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ptf_env_->report(ptf_env_->ctx, cls, helper, text);
}

/* BUG(): the kernel would oops; we report and unwind to the ops call (its result is void). */
/* During ops.debug_vm_pgtable() a BUG()/WARN() names the function it is written in (the
 * self-test's WARN_ON()s are its verdicts: pud_advanced_tests, pmd_huge_tests ...); in every
 * other ops call it names the helper the call stands for, as before. */
int ptf_name_by_func;

void ptf_bug(const char *file, int line, const char *func)
{
	ptf_report("BUG", ptf_name_by_func ? func : ptf_op, "kernel BUG at %s:%d!", file, line);
	if (ptf_guarded)
		longjmp(ptf_jb, 1);
	abort();
}

void ptf_warn(const char *file, int line, const char *func)
{
	ptf_report("WARN", ptf_name_by_func ? func : ptf_op, "WARNING: CPU: 0 PID: 1 at %s:%d %s", file, line, func);
}

/* An instruction user mode may not execute was reached (host_signals.c found it). */
void ptf_privileged(const char *symbol, unsigned long long offset, int sig)
{
	ptf_report("privileged", ptf_op, "privileged instruction in %s (offset %#llx of the configuration object, signal %d)",
		   symbol, offset, sig);
	if (ptf_guarded)
		longjmp(ptf_jb, 1);
	abort();
}

int ptf_in_arena(unsigned long va)
{
	return va - ptf_st.arena_base < ptf_st.arena_size;
}

/* An empty entry names physical address 0: the kernel may compute __va() of it (6.1's x86
 * pgd_prepopulate_user_pmd() takes pud_offset() of an empty user pgd entry and never reads
 * through it), which is no bug as long as nothing is read or written there. __va() of the first
 * 64 KiB of physical memory (one table of any page size) is therefore a reserved, inaccessible
 * region: computing the address is silent, dereferencing it is a bad-pa report naming the
 * function (rt/host_signals.c). Any other address outside the arena is reported at once. */
#define PTF_LOW_PA_SIZE (64ul << 10)
static unsigned long ptf_low_pa;

unsigned long ptf_low_pa_region(unsigned long *size)
{
	*size = PTF_LOW_PA_SIZE;
	return ptf_low_pa;
}

void ptf_low_pa_fault(const char *symbol, unsigned long addr)
{
	ptf_report("bad-pa", ptf_op, "%s dereferenced __va(%#lx): physical address outside the simulated memory",
		   symbol, addr - ptf_low_pa);
	if (ptf_guarded)
		longjmp(ptf_jb, 1);
	abort();
}

unsigned long ptf_va(unsigned long long pa)
{
	unsigned long va = (unsigned long)(pa - ptf_st.phys_offset);

	if (!ptf_in_arena(va) && pa < PTF_LOW_PA_SIZE) {
		if (!ptf_low_pa)
			/* 1 GiB above the arena, which the harness places at a fixed address */
			ptf_low_pa = ptf_host_reserve(PTF_LOW_PA_SIZE, (ptf_st.arena_base + ptf_st.arena_size + (1ul << 30)) &
								       ~(PTF_LOW_PA_SIZE - 1));
		if (ptf_low_pa)
			return ptf_low_pa + (unsigned long)pa;
	}
	if (!ptf_in_arena(va)) {
		ptf_report("bad-pa", ptf_op, "__va(%#llx): physical address outside the simulated memory", pa);
		if (ptf_guarded)
			longjmp(ptf_jb, 1);
		abort();
	}
	return va;
}

unsigned long long ptf_pa(unsigned long va)
{
	if (ptf_low_pa && va - ptf_low_pa < PTF_LOW_PA_SIZE)
		return va - ptf_low_pa;
	if (!ptf_in_arena(va)) {
		ptf_report("bad-va", ptf_op, "__pa(%#lx): not an address of the simulated linear map", va);
		if (ptf_guarded)
			longjmp(ptf_jb, 1);
		abort();
	}
	return va + ptf_st.phys_offset;
}

struct page *ptf_pfn_to_page(unsigned long pfn)
{
	if (pfn - ptf_pfn0 >= ptf_npages) {
		ptf_report("bad-pa", ptf_op, "pfn_to_page(%#lx): pfn outside the simulated memory", pfn);
		if (ptf_guarded)
			longjmp(ptf_jb, 1);
		abort();
	}
	return &ptf_pages[pfn - ptf_pfn0];
}

unsigned long ptf_page_to_pfn(const struct page *page)
{
	unsigned long i = page - ptf_pages;

	if (i >= ptf_npages) {
		ptf_report("bad-va", ptf_op, "page_to_pfn(%px): not a struct page of the simulated memory", page);
		if (ptf_guarded)
			longjmp(ptf_jb, 1);
		abort();
	}
	return ptf_pfn0 + i;
}

int ptf_mem_init(void)
{
	if (!ptf_st.arena_size || (ptf_st.arena_base | ptf_st.arena_size) & (PAGE_SIZE - 1) ||
	    (ptf_st.arena_base + ptf_st.phys_offset) & (PAGE_SIZE - 1)) {
		ptf_report("error", "set_state", "arena %#llx+%#llx (phys_offset %#llx) is not page aligned for PAGE_SIZE %lu",
			   ptf_st.arena_base, ptf_st.arena_size, ptf_st.phys_offset, PAGE_SIZE);
		return -1;
	}
	ptf_ptlocks_reset();	/* the locks of tables never destructed hang off the old struct pages */
	free(ptf_pages);
	free(ptf_used);
	ptf_npages = ptf_st.arena_size >> PAGE_SHIFT;
	ptf_pfn0 = (ptf_st.arena_base + ptf_st.phys_offset) >> PAGE_SHIFT;
	ptf_pages = calloc(ptf_npages, sizeof(struct page));
	ptf_used = calloc(ptf_npages, 1);
	if (!ptf_pages || !ptf_used) {
		ptf_report("oom", "set_state", "no host memory for %lu struct pages", ptf_npages);
		return -1;
	}
	return 0;
}

/* mm/page_alloc.c prep_new_page(): a fresh page has one reference (tail pages none), no mapcount
 * (page_type/_mapcount -1), no mapping; __GFP_COMP makes a compound page. */
struct page *ptf_alloc(gfp_t gfp, unsigned order, const char *helper)
{
	u64 va = (ptf_env_->alloc_pages)(ptf_env_->ctx, order, helper ? helper : ptf_op);
	unsigned long i, n = 1ul << order;
	struct page *page;

	if (!va)
		return NULL;
	if (!ptf_in_arena(va) || !ptf_in_arena(va + (n << PAGE_SHIFT) - 1) || (va & ((n << PAGE_SHIFT) - 1))) {
		ptf_report("error", helper, "env->alloc_pages returned %#llx, not %lu aligned pages inside the arena", va, n);
		abort();
	}
	page = virt_to_page((void *)(unsigned long)va);
	for (i = 0; i < n; i++) {
		struct page *p = page + i;

		memset(p, 0, sizeof(*p));
		atomic_set(&p->_mapcount, -1);
		set_page_count(p, i == 0);
		ptf_used[p - ptf_pages] = 1;
	}
	/* No compound pages: no page-table allocation of these arches asks for order > 0 with
	 * __GFP_COMP (x86's two-page PTI pgd is a plain order-1 block). */
	if ((gfp & __GFP_COMP) && order)
		ptf_report("error", helper ? helper : ptf_op, "compound allocation of order %u is not modelled", order);
	if (gfp & __GFP_ZERO)
		memset((void *)(unsigned long)va, 0, n << PAGE_SHIFT);
	return page;
}

/* mm/page_alloc.c page_bad_reason(): the first reason a page may not be freed. */
static const char *ptf_bad_reason(struct page *page)
{
	if (atomic_read(&page->_mapcount) != -1)
		return "nonzero mapcount";
	if (page->mapping != NULL)
		return "non-NULL mapping";
	if (page_ref_count(page) != 0)
		return "nonzero _refcount";
	return NULL;
}

/* mm/page_alloc.c bad_page() + mm/debug.c dump_page(), in their words. The kernel then leaves the
 * page out of the free lists (it is leaked, never reused); so do we. */
static void ptf_bad_page(struct page *page, const char *reason)
{
	unsigned int type = *(unsigned int *)&page->_mapcount;

	ptf_report("bad-page-state", ptf_op,
		   "BUG: Bad page state in process %s  pfn:%05lx\n"
		   "page: refcount:%d mapcount:%d mapping:%016lx index:0x%lx pfn:0x%lx\n"
		   "page_type: %x(%s)\n"
		   "page dumped because: %s",
		   "ptfold", page_to_pfn(page), page_ref_count(page),
		   page_has_type(page) ? 0 : atomic_read(&page->_mapcount) + 1,
		   (unsigned long)page->mapping, (unsigned long)page->index, page_to_pfn(page),
		   type >> 24, PageTable(page) ? "table" : page_has_type(page) ? "typed" : "none", reason);
}

void ptf_free(struct page *page, unsigned order, const char *helper)
{
	unsigned long i, idx = page - ptf_pages, n = 1ul << order;
	const char *why;

	if (idx >= ptf_npages || !ptf_used[idx]) {
		ptf_report("bad-free", helper, "freeing pfn %#lx, which the page allocator did not hand out",
			   idx < ptf_npages ? ptf_pfn0 + idx : 0ul);
		return;
	}
	why = ptf_bad_reason(page);
	if (why) {
		ptf_bad_page(page, why);
		return;
	}
	for (i = 0; i < n; i++)
		ptf_used[idx + i] = 0;
	ptf_env_->free_pages(ptf_env_->ctx, (u64)(unsigned long)page_address(page), order, helper);
}

u64 ptf_nr_pagetable_pages(void)
{
	u64 n = 0;
	unsigned long i;

	for (i = 0; i < ptf_npages; i++)
		n += ptf_used[i] && PageTable(&ptf_pages[i]);
	return n;
}

/* ---- the allocator entry points the real headers call (names differ by release) ---- */
#ifdef alloc_hooks	/* 6.10+: allocation profiling renamed them *_noprof */
struct page *__alloc_pages_noprof(gfp_t gfp, unsigned int order, int nid, nodemask_t *nm)
{
	return ptf_alloc(gfp, order, NULL);
}
#ifdef CONFIG_NUMA
struct page *alloc_pages_noprof(gfp_t gfp, unsigned int order)
{
	return ptf_alloc(gfp, order, NULL);
}
#endif
unsigned long get_free_pages_noprof(gfp_t gfp, unsigned int order)
{
	struct page *p = ptf_alloc(gfp, order, NULL);

	return p ? (unsigned long)page_address(p) : 0;
}
unsigned long get_zeroed_page_noprof(gfp_t gfp)
{
	return get_free_pages_noprof(gfp | __GFP_ZERO, 0);
}
#else
struct page *__alloc_pages(gfp_t gfp, unsigned int order, int nid, nodemask_t *nm)
{
	return ptf_alloc(gfp, order, NULL);
}
#ifdef CONFIG_NUMA
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return ptf_alloc(gfp, order, NULL);
}
#endif
unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *p = ptf_alloc(gfp, order, NULL);

	return p ? (unsigned long)page_address(p) : 0;
}
unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}
#endif

/* __free_pages(): drop a reference; the last one frees (mm/page_alloc.c). */
void __free_pages(struct page *page, unsigned int order)
{
	if (put_page_testzero(page))
		ptf_free(page, order, ptf_op);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

/* folio_put() of the last reference (pagetable_free() of a compound table, tlb frees). */
void __folio_put(struct folio *folio)
{
	ptf_free(&folio->page, folio_order(folio), ptf_op);
}

/* ---- NR_PAGETABLE: the lruvec/node stat the page-table constructors and destructors move ---- */
static long ptf_nr_pagetable;

static void ptf_stat(struct page *page, enum node_stat_item idx, long val)
{
	if (idx != NR_PAGETABLE)
		return;
	ptf_nr_pagetable += val;
	ptf_env_->pagetable_stat(ptf_env_->ctx, (u64)(unsigned long)page_address(page), val);
}
#if defined(CONFIG_MEMCG) && defined(alloc_hooks)
void __lruvec_stat_mod_folio(struct folio *folio, enum node_stat_item idx, int val)
{
	ptf_stat(&folio->page, idx, val);
}
#elif defined(CONFIG_MEMCG)
void __mod_lruvec_page_state(struct page *page, enum node_stat_item idx, int val)
{
	ptf_stat(page, idx, val);
}
#endif
/* Without MEMCG the stat goes straight to the node counter and the page is not passed on. */
void __mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item idx, long delta)
{
	if (idx == NR_PAGETABLE) {
		ptf_nr_pagetable += delta;
		ptf_env_->pagetable_stat(ptf_env_->ctx, 0, delta);
	}
}
void mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item idx, long delta)
{
	__mod_node_page_state(pgdat, idx, delta);
}

/* ---- slab: the pgd_cache (arm64) and anything else created; objects carved from pages ---- */
struct kmem_cache {
	const char *name;
	unsigned int size, align;
};
#define PTF_MAX_CACHES 8
static struct kmem_cache ptf_caches[PTF_MAX_CACHES];
static int ptf_ncaches;
unsigned ptf_pgd_cache_size;

static struct kmem_cache *ptf_cache_create(const char *name, unsigned int size, unsigned int align)
{
	struct kmem_cache *c;

	if (ptf_ncaches == PTF_MAX_CACHES)
		ptf_ncaches = 0;
	c = &ptf_caches[ptf_ncaches++];
	c->name = name;
	c->size = size;
	c->align = align ? align : size;
	if (!strcmp(name, "pgd_cache"))
		ptf_pgd_cache_size = size;
	return c;
}
#ifdef alloc_hooks
struct kmem_cache *__kmem_cache_create_args(const char *name, unsigned int size,
					    struct kmem_cache_args *args, slab_flags_t flags)
{
	return ptf_cache_create(name, size, args ? args->align : 0);
}
#else
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	return ptf_cache_create(name, size, align);
}
#endif

/* One page per object: the object sits at the start of its own page, so a use after free of a
 * pgd is a use after free of a page the harness quarantines and poisons. */
static void *ptf_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	struct page *p = ptf_alloc(gfp | __GFP_ZERO, get_order(c->size), NULL);

	return p ? page_address(p) : NULL;
}
#ifdef alloc_hooks
void *kmem_cache_alloc_noprof(struct kmem_cache *c, gfp_t gfp)
{
	return ptf_cache_alloc(c, gfp);
}
#else
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	return ptf_cache_alloc(c, gfp);
}
#endif
void kmem_cache_free(struct kmem_cache *c, void *objp)
{
	if (objp)
		__free_pages(virt_to_page(objp), get_order(c->size));
}

/* ---- mmu_gather: the table-free queue, freed at tlb_finish (MMU_GATHER_TABLE_FREE) ---- */
#define PTF_TLB_MAX 4096
static void *ptf_tlb_q[PTF_TLB_MAX];
static int ptf_tlb_n;
static struct mmu_gather ptf_tlb;

struct mmu_gather *ptf_tlb_gather(void)
{
	return &ptf_tlb;
}

void ptf_tlb_begin(struct mm_struct *mm)
{
	memset(&ptf_tlb, 0, sizeof(ptf_tlb));
	ptf_tlb.mm = mm;
	ptf_tlb_n = 0;
}

static void ptf_tlb_queue(void *table)
{
	if (ptf_tlb_n == PTF_TLB_MAX) {
		ptf_report("error", ptf_op, "more than %d tables queued in one mmu_gather", PTF_TLB_MAX);
		return;
	}
	ptf_tlb_q[ptf_tlb_n++] = table;
}

#ifndef tlb_remove_table	/* without MMU_GATHER_TABLE_FREE (6.1 riscv) it is tlb_remove_page() */
void tlb_remove_table(struct mmu_gather *tlb, void *table)
{
	ptf_tlb_queue(table);
}
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
bool __tlb_remove_page_size(struct mmu_gather *tlb, struct page *page, bool delay_rmap, int page_size)
#else
bool __tlb_remove_page_size(struct mmu_gather *tlb, struct page *page, int page_size)
#endif
{
	ptf_tlb_queue(page);
	return false;
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
}

/* tlb_finish_mmu(): the RCU grace period is over, the queued tables go back to the allocator
 * the way the arch's __tlb_remove_table() would: drop the gather's reference. */
void ptf_tlb_finish(void)
{
	const char *op = ptf_op;
	int i;

	ptf_op = "tlb_finish_mmu";
	for (i = 0; i < ptf_tlb_n; i++) {
		struct page *page = ptf_tlb_q[i];

		if (put_page_testzero(page))
			ptf_free(page, compound_order(page), "tlb_remove_table");
	}
	ptf_tlb_n = 0;
	ptf_op = op;
}
