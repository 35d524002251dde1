/* Leaf replacement (arm64, riscv64): the minimal arch_atomic*_ set on the host's __atomic builtins;
 * <linux/atomic/atomic-arch-fallback.h> derives every other variant from these. */
#ifndef __ASM_ATOMIC_H
#define __ASM_ATOMIC_H
#define _ASM_RISCV_ATOMIC_H
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/cmpxchg.h>
#define ATOMIC64_INIT(i) { (i) }
#define arch_atomic_read(v) __READ_ONCE((v)->counter)
#define arch_atomic_set(v, i) __WRITE_ONCE(((v)->counter), (i))
#define arch_atomic64_read(v) __READ_ONCE((v)->counter)
#define arch_atomic64_set(v, i) __WRITE_ONCE(((v)->counter), (i))
static __always_inline void arch_atomic_add(int i, atomic_t *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_add arch_atomic_add
static __always_inline int arch_atomic_fetch_add_relaxed(int i, atomic_t *v) { return __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_fetch_add_relaxed arch_atomic_fetch_add_relaxed
static __always_inline int arch_atomic_fetch_add(int i, atomic_t *v) { return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic_fetch_add arch_atomic_fetch_add
static __always_inline void arch_atomic_sub(int i, atomic_t *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_sub arch_atomic_sub
static __always_inline int arch_atomic_fetch_sub_relaxed(int i, atomic_t *v) { return __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_fetch_sub_relaxed arch_atomic_fetch_sub_relaxed
static __always_inline int arch_atomic_fetch_sub(int i, atomic_t *v) { return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic_fetch_sub arch_atomic_fetch_sub
static __always_inline void arch_atomic_and(int i, atomic_t *v) { __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_and arch_atomic_and
static __always_inline int arch_atomic_fetch_and_relaxed(int i, atomic_t *v) { return __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_fetch_and_relaxed arch_atomic_fetch_and_relaxed
static __always_inline int arch_atomic_fetch_and(int i, atomic_t *v) { return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic_fetch_and arch_atomic_fetch_and
static __always_inline void arch_atomic_or(int i, atomic_t *v) { __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_or arch_atomic_or
static __always_inline int arch_atomic_fetch_or_relaxed(int i, atomic_t *v) { return __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_fetch_or_relaxed arch_atomic_fetch_or_relaxed
static __always_inline int arch_atomic_fetch_or(int i, atomic_t *v) { return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic_fetch_or arch_atomic_fetch_or
static __always_inline void arch_atomic_xor(int i, atomic_t *v) { __atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_xor arch_atomic_xor
static __always_inline int arch_atomic_fetch_xor_relaxed(int i, atomic_t *v) { return __atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_fetch_xor_relaxed arch_atomic_fetch_xor_relaxed
static __always_inline int arch_atomic_fetch_xor(int i, atomic_t *v) { return __atomic_fetch_xor(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic_fetch_xor arch_atomic_fetch_xor
static __always_inline int arch_atomic_add_return_relaxed(int i, atomic_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_add_return_relaxed arch_atomic_add_return_relaxed
static __always_inline int arch_atomic_add_return(int i, atomic_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic_add_return arch_atomic_add_return
static __always_inline int arch_atomic_sub_return_relaxed(int i, atomic_t *v) { return __atomic_sub_fetch(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic_sub_return_relaxed arch_atomic_sub_return_relaxed
static __always_inline int arch_atomic_sub_return(int i, atomic_t *v) { return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic_sub_return arch_atomic_sub_return
static __always_inline void arch_atomic64_add(s64 i, atomic64_t *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_add arch_atomic64_add
static __always_inline s64 arch_atomic64_fetch_add_relaxed(s64 i, atomic64_t *v) { return __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_fetch_add_relaxed arch_atomic64_fetch_add_relaxed
static __always_inline s64 arch_atomic64_fetch_add(s64 i, atomic64_t *v) { return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic64_fetch_add arch_atomic64_fetch_add
static __always_inline void arch_atomic64_sub(s64 i, atomic64_t *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_sub arch_atomic64_sub
static __always_inline s64 arch_atomic64_fetch_sub_relaxed(s64 i, atomic64_t *v) { return __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_fetch_sub_relaxed arch_atomic64_fetch_sub_relaxed
static __always_inline s64 arch_atomic64_fetch_sub(s64 i, atomic64_t *v) { return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic64_fetch_sub arch_atomic64_fetch_sub
static __always_inline void arch_atomic64_and(s64 i, atomic64_t *v) { __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_and arch_atomic64_and
static __always_inline s64 arch_atomic64_fetch_and_relaxed(s64 i, atomic64_t *v) { return __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_fetch_and_relaxed arch_atomic64_fetch_and_relaxed
static __always_inline s64 arch_atomic64_fetch_and(s64 i, atomic64_t *v) { return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic64_fetch_and arch_atomic64_fetch_and
static __always_inline void arch_atomic64_or(s64 i, atomic64_t *v) { __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_or arch_atomic64_or
static __always_inline s64 arch_atomic64_fetch_or_relaxed(s64 i, atomic64_t *v) { return __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_fetch_or_relaxed arch_atomic64_fetch_or_relaxed
static __always_inline s64 arch_atomic64_fetch_or(s64 i, atomic64_t *v) { return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic64_fetch_or arch_atomic64_fetch_or
static __always_inline void arch_atomic64_xor(s64 i, atomic64_t *v) { __atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_xor arch_atomic64_xor
static __always_inline s64 arch_atomic64_fetch_xor_relaxed(s64 i, atomic64_t *v) { return __atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_fetch_xor_relaxed arch_atomic64_fetch_xor_relaxed
static __always_inline s64 arch_atomic64_fetch_xor(s64 i, atomic64_t *v) { return __atomic_fetch_xor(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic64_fetch_xor arch_atomic64_fetch_xor
static __always_inline s64 arch_atomic64_add_return_relaxed(s64 i, atomic64_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_add_return_relaxed arch_atomic64_add_return_relaxed
static __always_inline s64 arch_atomic64_add_return(s64 i, atomic64_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic64_add_return arch_atomic64_add_return
static __always_inline s64 arch_atomic64_sub_return_relaxed(s64 i, atomic64_t *v) { return __atomic_sub_fetch(&v->counter, i, __ATOMIC_RELAXED); }
#define arch_atomic64_sub_return_relaxed arch_atomic64_sub_return_relaxed
static __always_inline s64 arch_atomic64_sub_return(s64 i, atomic64_t *v) { return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
#define arch_atomic64_sub_return arch_atomic64_sub_return
#endif
/* Before 6.4 atomic-arch-fallback.h derives the cmpxchg family from the arch's own
 * arch_atomic_cmpxchg(): on the host builtins, as the rest. */
#include <linux/version.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0) && !defined(arch_atomic_cmpxchg)
#define arch_atomic_cmpxchg(v, o, n) arch_cmpxchg(&(v)->counter, (o), (n))
#define arch_atomic64_cmpxchg(v, o, n) arch_cmpxchg(&(v)->counter, (o), (n))
#define arch_atomic_xchg(v, n) arch_xchg(&(v)->counter, (n))
#define arch_atomic64_xchg(v, n) arch_xchg(&(v)->counter, (n))
#endif
