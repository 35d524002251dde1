/* Wrap: `current` is the runtime's task (rt/stubs.c), not the per-CPU pcpu_hot read through %gs,
 * which position-independent host code cannot address. get_current() stays, never called. */
#include_next <asm/current.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_CURRENT_WRAP)
#define PTF_CURRENT_WRAP
struct task_struct;
extern struct task_struct *ptf_current;
#undef current
#define current ptf_current
#endif
