/* Wrap-and-override: the host needs no instruction-cache maintenance. The real inline
 * icache_inval_all_pou() (an `ic ialluis`) is renamed while the real header is read and comes
 * back as a no-op; the out-of-line cache routines (cache.S) are no-ops in rt/arch_arm64.c. */
#ifndef PTF_ARM64_CACHEFLUSH_H
#define PTF_ARM64_CACHEFLUSH_H
#define icache_inval_all_pou ptf_tree_icache_inval_all_pou
#include_next <asm/cacheflush.h>
#undef icache_inval_all_pou
#define icache_inval_all_pou() do { } while (0)
#endif
