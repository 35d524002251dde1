/* arm64 arch_get_mappable_range(), taken from the tree's arch/arm64/mm/mmu.c by
 * tools/ktree/extract.py (the file's prologue and the function, unchanged) and called here with
 * memstart_addr as the boot left it for one memory layout. This unit keeps the kernel's own
 * __pa() (PTF_KERNEL_PA): the function computes the physical ends of the linear map, it does not
 * reach memory through it. */
#include PTF_EXTRACTED

#include "ptf_rt.h"

void ptf_mappable_range(u64 memstart, u64 *start, u64 *end);

void ptf_mappable_range(u64 memstart, u64 *start, u64 *end)
{
#ifdef CONFIG_MEMORY_HOTPLUG
	const s64 was = memstart_addr;
	struct range r;

	memstart_addr = (s64)memstart;
	r = arch_get_mappable_range();
	memstart_addr = was;
	*start = r.start;
	*end = r.end;
#else
	*start = *end = 0;
#endif
}
