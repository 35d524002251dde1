/* Wrap: dsb/dmb/isb and the acquire/release accessors as host fences and atomics. */
#include_next <asm/barrier.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_BARRIER_WRAP)
#define PTF_BARRIER_WRAP
#undef isb
#define isb() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#undef dsb
#define dsb(opt) __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef dmb
#define dmb(opt) __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef __smp_store_release
#define __smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#undef __smp_load_acquire
#define __smp_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#undef __smp_mb
#define __smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef __smp_rmb
#define __smp_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef __smp_wmb
#define __smp_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef __mb
#define __mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef __rmb
#define __rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef __wmb
#define __wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#undef spec_bar
#define spec_bar() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#undef csdb
#define csdb() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#endif
