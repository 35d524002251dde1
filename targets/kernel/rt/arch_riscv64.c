/* The riscv64 runtime state, in the kernel's own variables: what arch/riscv/mm/init.c's
 * set_satp_mode() leaves behind (pgtable_l4_enabled, pgtable_l5_enabled, satp_mode and the
 * matching PAGE_OFFSET in kernel_map); plus the riscv answers to the ops that have no generic
 * kernel name. */
#include <linux/mm.h>
#include <asm/pgalloc.h>
#include <asm/tlb.h>
#include <asm/sparsemem.h>
#include <linux/version.h>
#include "ptf_rt.h"

const char ptf_arch_name[] = "riscv64";

bool pgtable_l4_enabled = true;
bool pgtable_l5_enabled = true;
u64 satp_mode;
struct kernel_mapping kernel_map;
unsigned long riscv_pfn_base;
DEFINE_STATIC_KEY_FALSE(riscv_sbi_for_rfence);

unsigned long long ptf_read_tcr(void) { return 0; }
/* No ISA extension beyond the base: the unpatched kernel's default path. */
_Bool ptf_has_cap(unsigned long cap) { return 0; }

int ptf_arch_set_state(void)
{
	if (ptf_st.riscv_l5 && !ptf_st.riscv_l4) {
		ptf_report("error", "set_state", "Sv57 needs pgtable_l4_enabled too");
		return -1;
	}
	pgtable_l5_enabled = ptf_st.riscv_l5;
	pgtable_l4_enabled = ptf_st.riscv_l4;
	satp_mode = ptf_st.riscv_l5 ? SATP_MODE_57 : ptf_st.riscv_l4 ? SATP_MODE_48 : SATP_MODE_39;
	/* setup_vm() starts from CONFIG_PAGE_OFFSET (the Sv57 layout); the disable_pgtable_l5/l4()
	 * steps of set_satp_mode() move it down */
	kernel_map.page_offset = ptf_st.riscv_l5 ? _AC(CONFIG_PAGE_OFFSET, UL) : ptf_st.riscv_l4 ? PAGE_OFFSET_L4 : PAGE_OFFSET_L3;
	return 0;
}

void ptf_arch_view(struct ptf_view *v)
{
	v->l4_enabled = pgtable_l4_enabled;
	v->l5_enabled = pgtable_l5_enabled;
	v->va_bits_actual = VA_BITS;
#ifdef MAX_PHYSMEM_BITS
	v->phys_mask_shift = MAX_PHYSMEM_BITS;
#else	/* FLATMEM (6.1's defconfig): what a 44-bit PPN reaches */
	v->phys_mask_shift = 44 + PAGE_SHIFT;
#endif
	v->page_offset = PAGE_OFFSET;
}

/* satp as switch_mm() writes it: PFN_DOWN(__pa(pgd)) | satp_mode. */
u64 ptf_arch_hw_root(u64 pgd_pa, int upper) { return PFN_DOWN(pgd_pa) | satp_mode; }

u64 ptf_arch_mk_leaf(int lvl, u64 pa)
{
	unsigned long pfn = pa >> PAGE_SHIFT;

	switch (lvl) {
	case PTF_PTE: return pte_val(pfn_pte(pfn, PAGE_KERNEL));
	case PTF_PMD: return pmd_val(pfn_pmd(pfn, PAGE_KERNEL));
	default: return pud_val(pfn_pud(pfn, PAGE_KERNEL));
	}
}

u64 ptf_arch_phys_to_pte_val(u64 pa) { return pte_val(pfn_pte(pa >> PAGE_SHIFT, __pgprot(0))); }
u64 ptf_arch_pte_to_phys(u64 pte) { return (u64)pte_pfn(__pte(pte)) << PAGE_SHIFT; }
u64 ptf_arch_page_paddr(int lvl, u64 v) { return (u64)__page_val_to_pfn(v) << PAGE_SHIFT; }

/* arch/riscv/mm/tlbflush.c and cacheflush.c: there is no TLB or icache behind the simulated
 * tables; the walks read memory directly. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
}
#else
void flush_tlb_all(void)
{
}
#endif
void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr)
{
}
#ifndef PTF_DEBUG_VM_PGTABLE	/* else the tree's own, extracted from cacheflush.c */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
void flush_icache_pte(struct mm_struct *mm, pte_t pte)
#else
void flush_icache_pte(pte_t pte)
#endif
{
}
#endif

void ptf_arch_probe_privileged(void)
{
	/* riscv instructions never reach host code: the assembler rejects them at build time */
}

#ifdef PTF_DEBUG_VM_PGTABLE
/* arch/riscv/mm/cacheflush.c: flush_icache_pte() (extracted) ends in it; the host has no
 * instruction cache to keep coherent. */
void flush_icache_mm(struct mm_struct *mm, bool local)
{
}
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
void flush_icache_all(void)	/* what 6.1's flush_icache_pte() calls */
{
}
#endif

/* The kernel image lies at the start of memory: __pa_symbol() (kernel_mapping_va_to_pa(), which
 * subtracts va_kernel_pa_offset) of start_kernel is the arena's first page. */
extern void start_kernel(void);
void ptf_arch_dvp_memory(int on)
{
	kernel_map.va_kernel_pa_offset = on ? (unsigned long)start_kernel - (ptf_st.arena_base + ptf_st.phys_offset) : 0;
}
#endif
