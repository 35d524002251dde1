/* Leaf replacement: arm64 kgdb.h has a brk immediate (constraint "I") the host assembler rejects. */
#ifndef __ARM_KGDB_H
#define __ARM_KGDB_H
static inline void arch_kgdb_breakpoint(void) { __builtin_trap(); }
#define CACHE_FLUSH_IS_SAFE 1
#define BUFMAX 2048
#define NUMREGBYTES 0
#define DBG_MAX_REG_NUM 0
#endif
