/* Leaf replacement (arm64, riscv64): xchg/cmpxchg on the host's __atomic builtins instead of the
 * LL/SC, LSE or AMO instructions the real header emits. */
#ifndef __ASM_CMPXCHG_H
#define __ASM_CMPXCHG_H
#define _ASM_RISCV_CMPXCHG_H
#include <linux/build_bug.h>
#include <linux/compiler.h>
#define __ptf_xchg(p, v, mo) __atomic_exchange_n((p), (v), (mo))
#define __ptf_cmpxchg(p, o, n, mo) ({ __typeof__(*(p)) __ptf_o = (o); \
	__atomic_compare_exchange_n((p), &__ptf_o, (n), 0, (mo), __ATOMIC_RELAXED); __ptf_o; })
#define arch_xchg_relaxed(p, v) __ptf_xchg(p, v, __ATOMIC_RELAXED)
#define arch_xchg_acquire(p, v) __ptf_xchg(p, v, __ATOMIC_ACQUIRE)
#define arch_xchg_release(p, v) __ptf_xchg(p, v, __ATOMIC_RELEASE)
#define arch_xchg(p, v) __ptf_xchg(p, v, __ATOMIC_SEQ_CST)
#define arch_cmpxchg_relaxed(p, o, n) __ptf_cmpxchg(p, o, n, __ATOMIC_RELAXED)
#define arch_cmpxchg_acquire(p, o, n) __ptf_cmpxchg(p, o, n, __ATOMIC_ACQUIRE)
#define arch_cmpxchg_release(p, o, n) __ptf_cmpxchg(p, o, n, __ATOMIC_RELEASE)
#define arch_cmpxchg(p, o, n) __ptf_cmpxchg(p, o, n, __ATOMIC_SEQ_CST)
#define arch_cmpxchg_local arch_cmpxchg_relaxed
#define arch_cmpxchg64_relaxed arch_cmpxchg_relaxed
#define arch_cmpxchg64_acquire arch_cmpxchg_acquire
#define arch_cmpxchg64_release arch_cmpxchg_release
#define arch_cmpxchg64 arch_cmpxchg
#define arch_cmpxchg64_local arch_cmpxchg_local
#define arch_cmpxchg128(p, o, n) __ptf_cmpxchg(p, o, n, __ATOMIC_SEQ_CST)
#define arch_cmpxchg128_local(p, o, n) __ptf_cmpxchg(p, o, n, __ATOMIC_RELAXED)
#define system_has_cmpxchg128() 1
#define __cmpwait_relaxed(ptr, val) do { } while (0)
#endif
