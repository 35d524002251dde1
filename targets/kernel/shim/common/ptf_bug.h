/* Included at the end of each arch's asm/bug.h wrap: BUG() and WARN() report to the harness
 * (the kernel's are a trapping instruction plus a bug table, which the host cannot take). */
#ifndef __ASSEMBLY__
#include <ptf_shim.h>
#undef BUG
#define BUG() ptf_bug(__FILE__, __LINE__, __func__)
#undef __WARN_FLAGS
#define __WARN_FLAGS(flags) ptf_warn(__FILE__, __LINE__, __func__)
#endif
