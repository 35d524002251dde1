/* Wrap: late_initcall() and arch_initcall() leave a pointer to their function under a known
 * name instead of an entry in an .initcall section (nothing here runs initcalls), so the runtime
 * can call the static init function of a file compiled unchanged:
 * ptf_late_initcall_debug_vm_pgtable, ptf_arch_initcall_adjust_protection_map. */
#include_next <linux/init.h>
#if !defined(PTF_INIT_WRAP) && !defined(__ASSEMBLY__) && !defined(MODULE)
#define PTF_INIT_WRAP
#undef late_initcall
#define late_initcall(fn) int (*const ptf_late_initcall_##fn)(void) = fn
#undef arch_initcall
#define arch_initcall(fn) int (*const ptf_arch_initcall_##fn)(void) = fn
/* Boot-only code and data stay in sections of their own (-ffunction-sections): one shared
 * .init.text would keep every __init function of a file when one of them is used. */
#undef __init
#define __init __cold notrace
#undef __initdata
#define __initdata
#undef __meminit
#define __meminit __cold notrace
#undef __meminitdata
#define __meminitdata
#endif
