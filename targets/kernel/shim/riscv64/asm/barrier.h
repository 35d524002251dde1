/* Wrap: riscv fences as host fences (the barrier macros expand RISCV_FENCE where they are used,
 * e.g. in the ticket spinlock's arch_spin_lock/unlock that rt/stubs.c takes the lock word with). */
#include_next <asm/barrier.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_BARRIER_WRAP)
#define PTF_BARRIER_WRAP
#undef RISCV_FENCE
#define RISCV_FENCE(p, s) __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
