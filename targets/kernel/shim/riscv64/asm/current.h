/* Leaf replacement: riscv keeps 'current' in tp and reads sp; ours is the runtime's task. */
#ifndef _ASM_RISCV_CURRENT_H
#define _ASM_RISCV_CURRENT_H
struct task_struct;
extern struct task_struct *ptf_current;
#define get_current() ptf_current
#define current get_current()
#define current_stack_pointer ((unsigned long)__builtin_frame_address(0))
#endif
