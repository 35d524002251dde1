/* Link stubs: kernel symbols the compiled code references on paths ptfold does not drive (or
 * drives with one CPU and no interrupts), plus the task and mm the helpers read. Each is either a
 * harmless no-op in this single-threaded harness, or loud: a report naming the symbol. */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/stdarg.h>
#include "ptf_rt.h"

static struct task_struct ptf_task = { .comm = "ptfold" };
struct task_struct *ptf_current = &ptf_task;
struct mm_struct init_mm;
#ifdef CONFIG_NUMA
struct pglist_data ptf_node0;
struct pglist_data *node_data[MAX_NUMNODES] = { &ptf_node0 };
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

void dump_page(const struct page *page, const char *reason)
{
	ptf_report("printk", ptf_op, "page dumped because: %s", reason);
}

/* One CPU, no preemption: the locks the page-table paths take are uncontended. */
void _raw_spin_lock(raw_spinlock_t *lock) {}
void _raw_spin_unlock(raw_spinlock_t *lock) {}
unsigned long _raw_spin_lock_irqsave(raw_spinlock_t *lock) { return 0; }
void _raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags) {}
void __raw_spin_lock_init(raw_spinlock_t *lock, const char *name, struct lock_class_key *key, short inner) {}
#ifdef CONFIG_PREEMPT_RCU
void __rcu_read_lock(void) {}
void __rcu_read_unlock(void) {}
#endif

/* Split page-table locks: a lock per table page when spinlock_t does not fit in struct ptdesc. */
#if ALLOC_SPLIT_PTLOCKS
bool ptlock_alloc(struct ptdesc *ptdesc)
{
	ptdesc->ptl = calloc(1, sizeof(spinlock_t));
	return ptdesc->ptl != NULL;
}
void ptlock_free(struct ptdesc *ptdesc)
{
	free(ptdesc->ptl);
	ptdesc->ptl = NULL;
}
#endif
