/* Leaf replacement: the CPU has neither RNDR nor an SMCCC TRNG here (the real header's SMCCC call
 * uses register variables x0..x3 that the host cannot name); every source says "no entropy", as
 * on such a CPU. */
#ifndef _ASM_ARCHRANDOM_H
#define _ASM_ARCHRANDOM_H
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/types.h>
#define ARM_SMCCC_TRNG_MIN_VERSION 0x10000UL
extern bool smccc_trng_available;
static inline bool __init smccc_probe_trng(void) { return false; }
static inline bool __arm64_rndr(unsigned long *v) { return false; }
static inline bool __arm64_rndrrs(unsigned long *v) { return false; }
static __always_inline bool __cpu_has_rng(void) { return false; }
static inline size_t __must_check arch_get_random_longs(unsigned long *v, size_t max_longs) { return 0; }
static inline size_t __must_check arch_get_random_seed_longs(unsigned long *v, size_t max_longs) { return 0; }
static inline bool __init __early_cpu_has_rndr(void) { return false; }
static inline size_t __init __must_check arch_get_random_seed_longs_early(unsigned long *v, size_t max_longs)
{
	return 0;
}
#define arch_get_random_seed_longs_early arch_get_random_seed_longs_early
#endif
