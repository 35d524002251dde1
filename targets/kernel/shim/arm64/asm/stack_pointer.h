/* Leaf replacement: the x86-64 host has no 'sp' global register variable. */
#ifndef __ASM_STACK_POINTER_H
#define __ASM_STACK_POINTER_H
#define current_stack_pointer ((unsigned long)__builtin_frame_address(0))
#endif
