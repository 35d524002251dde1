/* Link stubs: kernel symbols the compiled code references on paths ptfold does not drive (or
 * drives with one CPU and no interrupts), plus the task and mm the helpers read. Each is either a
 * harmless no-op in this single-threaded harness, or loud: a report naming the symbol. */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/jump_label.h>
#include <linux/stdarg.h>
#include <linux/version.h>
#include "ptf_rt.h"

static struct task_struct ptf_task = { .comm = "ptfold" };
struct task_struct *ptf_current = &ptf_task;
struct mm_struct init_mm;
#ifdef CONFIG_NUMA
struct pglist_data ptf_node0;
struct pglist_data *node_data[MAX_NUMNODES] = { &ptf_node0 };
#endif

#if defined(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/* mm/hugetlb_vmemmap.c (not compiled): no HugeTLB page has its vmemmap optimized here */
DEFINE_STATIC_KEY_MAYBE(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP_DEFAULT_ON, hugetlb_optimize_vmemmap_key);
#endif

int ptf_static_key_enabled(struct static_key *key)
{
	return atomic_read(&key->enabled) > 0;
}

/* printk and WARN text go to the harness as kernel messages (class "printk"). */
int _printk(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), printk_skip_level(fmt), ap);
	va_end(ap);
	ptf_env_->report(ptf_env_->ctx, "printk", ptf_op, text);
	return 0;
}

void __warn_printk(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ptf_env_->report(ptf_env_->ctx, "printk", ptf_op, text);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
void dump_page(const struct page *page, const char *reason)
#else
void dump_page(struct page *page, const char *reason)
#endif
{
	ptf_report("printk", ptf_op, "page dumped because: %s", reason);
}

/* One CPU, no preemption: the locks the page-table paths take are uncontended. They are still
 * taken, through the arch's own lock word, so that assert_spin_locked() (pgtable-generic.c's
 * deposit/withdraw) sees what the caller holds. A lock found held is left held: after a BUG()
 * unwound an ops call, its lock was never released, and that is the BUG's report, not another. */
void _raw_spin_lock(raw_spinlock_t *lock)
{
#ifndef CONFIG_PARAVIRT_SPINLOCKS
	arch_spin_trylock(&lock->raw_lock);
#endif
}
void _raw_spin_unlock(raw_spinlock_t *lock)
{
#ifndef CONFIG_PARAVIRT_SPINLOCKS
	if (arch_spin_is_locked(&lock->raw_lock))
		arch_spin_unlock(&lock->raw_lock);
#endif
}
unsigned long _raw_spin_lock_irqsave(raw_spinlock_t *lock) { return 0; }
void _raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags) {}
void __raw_spin_lock_init(raw_spinlock_t *lock, const char *name, struct lock_class_key *key, short inner) {}
#ifdef CONFIG_PREEMPT_RCU
void __rcu_read_lock(void) {}
void __rcu_read_unlock(void) {}
#endif

/* Split page-table locks: a lock per table page when spinlock_t does not fit in struct ptdesc.
 * Every lock is on a list, so a new state (ptf_mem_init()) frees those of tables the kernel never
 * destructs (init_mm's: the fuzz runner drops them with the arena) instead of leaking them. */
#if ALLOC_SPLIT_PTLOCKS
struct ptf_ptl {
	struct ptf_ptl *next, **pprev;
	spinlock_t lock;
};
static struct ptf_ptl *ptf_ptls;
static spinlock_t *ptf_ptl_new(void)
{
	struct ptf_ptl *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->next = ptf_ptls;
	if (ptf_ptls)
		ptf_ptls->pprev = &p->next;
	p->pprev = &ptf_ptls;
	ptf_ptls = p;
	return &p->lock;
}
static void ptf_ptl_del(spinlock_t *l)
{
	struct ptf_ptl *p;

	if (!l)
		return;
	p = container_of(l, struct ptf_ptl, lock);
	*p->pprev = p->next;
	if (p->next)
		p->next->pprev = p->pprev;
	free(p);
}
void ptf_ptlocks_reset(void)
{
	while (ptf_ptls)
		ptf_ptl_del(&ptf_ptls->lock);
}
#else
void ptf_ptlocks_reset(void) {}
#endif
#if ALLOC_SPLIT_PTLOCKS && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
bool ptlock_alloc(struct ptdesc *ptdesc)
{
	ptdesc->ptl = ptf_ptl_new();
	return ptdesc->ptl != NULL;
}
void ptlock_free(struct ptdesc *ptdesc)
{
	ptf_ptl_del(ptdesc->ptl);
	ptdesc->ptl = NULL;
}
#elif ALLOC_SPLIT_PTLOCKS	/* before struct ptdesc, the lock pointer lived in struct page */
bool ptlock_alloc(struct page *page)
{
	page->ptl = ptf_ptl_new();
	return page->ptl != NULL;
}
void ptlock_free(struct page *page)
{
	ptf_ptl_del(page->ptl);
	page->ptl = NULL;
}
#endif
