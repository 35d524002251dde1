/* Wrap: x86 BUG() is ud2 plus a bug table, a SIGILL on the host; ours reports to the harness. */
#include_next <asm/bug.h>
#include <ptf_bug.h>
