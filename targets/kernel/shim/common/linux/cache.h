/* Wrap: __ro_after_init data goes to a section with a C-identifier name, so the runtime finds it
 * (__start_/__stop_ptf_ro_after_init) and gives every boot (ops.set_state) the values the image
 * starts with: an arch_initcall that adjusts such data for the boot CPU (arm64
 * adjust_protection_map() for LPA2) must not see what it did for the previous geometry. */
#include_next <linux/cache.h>
#if !defined(PTF_CACHE_WRAP) && !defined(__ASSEMBLY__)
#define PTF_CACHE_WRAP
#undef __ro_after_init
#define __ro_after_init __section("ptf_ro_after_init")
#endif
