/* Wrap: riscv BUG() is ebreak plus a bug table; ours reports to the harness (ptf_bug.h). */
#include_next <asm/bug.h>
#include <ptf_bug.h>
