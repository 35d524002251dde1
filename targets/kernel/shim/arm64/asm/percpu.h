/* Leaf replacement: one CPU, per-cpu offset 0 (the real one reads tpidr_el1 and uses LL/SC asm). */
#ifndef __ASM_PERCPU_H
#define __ASM_PERCPU_H
#define __my_cpu_offset 0UL
#define set_my_cpu_offset(off) do { } while (0)
#include <asm-generic/percpu.h>
#endif
