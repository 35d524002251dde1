/* x86 KASAN's early_p4d_offset(), a static inline of arch/x86/mm/kasan_init_64.c, taken from the
 * tree by tools/ktree/extract.py (the file's prologue and the function, unchanged) and called
 * here with the boot-time values it reads. Compiled against the configuration's headers. */
#include PTF_EXTRACTED

#include "ptf_rt.h"

u64 ptf_early_p4d_offset(u64 pgdp, u64 addr, u64 page_offset_base_then, u64 phys_base_then);

u64 ptf_early_p4d_offset(u64 pgdp, u64 addr, u64 page_offset_base_then, u64 phys_base_then)
{
	/* __pa_nodebug() and __START_KERNEL_map - phys_base read these two; the call sees them as the
	 * boot code that runs kasan_early_init() does */
	const unsigned long pob = page_offset_base, pb = phys_base;
	p4d_t *r;

	page_offset_base = page_offset_base_then;
	phys_base = phys_base_then;
	r = early_p4d_offset((pgd_t *)(unsigned long)pgdp, addr);
	page_offset_base = pob;
	phys_base = pb;
	return (u64)(unsigned long)r;
}
