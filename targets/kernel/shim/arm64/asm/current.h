/* Leaf replacement: arm64 keeps 'current' in sp_el0; ours is the runtime's task. */
#ifndef __ASM_CURRENT_H
#define __ASM_CURRENT_H
struct task_struct;
extern struct task_struct *ptf_current;
#define get_current() ptf_current
#define current get_current()
#endif
