/* The arm64 runtime state, in the kernel's own variables and hooks: TCR_EL1 (T1SZ -> the real
 * vabits_actual, DS -> the real lpa2_is_enabled()), the cpucaps the real pgtable_l4/l5_enabled()
 * test, memstart_addr; and the arm64 answers to the ops that have no generic kernel name. */
#include <linux/mm.h>
#include <linux/version.h>
#include <asm/pgalloc.h>
#include <asm/tlb.h>
#include <asm/cpufeature.h>
#include "ptf_rt.h"

const char ptf_arch_name[] = "arm64";

s64 memstart_addr;
u64 kimage_voffset;
bool arm64_use_ng_mappings;
#ifndef vabits_actual
u64 vabits_actual;	/* before 6.9 a variable head.S set from the VARange probe */
#endif

unsigned long long ptf_read_tcr(void)
{
	unsigned long long tcr = (unsigned long long)ptf_st.tcr_t1sz << TCR_T1SZ_OFFSET;
#ifdef TCR_DS
	if (ptf_st.tcr_ds)
		tcr |= TCR_DS;
#endif
	return tcr;
}

/* The cpucaps a booted kernel has finalized: ARM64_ALWAYS_BOOT (alternatives applied) and the
 * ones the geometry's CPU has; everything else is absent. */
_Bool ptf_has_cap(unsigned long cap)
{
#ifdef ARM64_ALWAYS_BOOT
	if (cap == ARM64_ALWAYS_BOOT)
		return 1;
#endif
#ifdef ARM64_HAS_VA52
	if (cap == ARM64_HAS_VA52)
		return ptf_st.cap_va52;
#endif
#ifdef ARM64_HAS_LPA2
	if (cap == ARM64_HAS_LPA2)
		return ptf_st.tcr_ds;
#endif
	return 0;
}

#ifdef PTF_DEBUG_VM_PGTABLE
static void ptf_arch_boot_initcalls(void);
#endif

int ptf_arch_set_state(void)
{
	if (ptf_st.tcr_t1sz < 12 || ptf_st.tcr_t1sz > 39) {
		ptf_report("error", "set_state", "TCR_EL1.T1SZ %u is not a VA size arm64 Linux runs with", ptf_st.tcr_t1sz);
		return -1;
	}
	memstart_addr = ptf_st.memstart_addr ? (s64)ptf_st.memstart_addr
					     : (s64)(ptf_st.arena_base + ptf_st.phys_offset);
#ifndef vabits_actual
	vabits_actual = 64 - ptf_st.tcr_t1sz;
#endif
#ifdef PTF_DEBUG_VM_PGTABLE
	ptf_arch_boot_initcalls();
#endif
	return 0;
}

void ptf_arch_view(struct ptf_view *v)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	v->l4_enabled = CONFIG_PGTABLE_LEVELS > 3 && pgtable_l4_enabled();
	v->l5_enabled = CONFIG_PGTABLE_LEVELS > 4 && pgtable_l5_enabled();
#else	/* no run-time folding on arm64 before LPA2 */
	v->l4_enabled = CONFIG_PGTABLE_LEVELS > 3;
	v->l5_enabled = CONFIG_PGTABLE_LEVELS > 4;
#endif
	v->va_bits_actual = vabits_actual;
	v->pgd_size = PGD_SIZE;
	v->phys_mask_shift = PHYS_MASK_SHIFT;
#if defined(CONFIG_ARM64_LPA2) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	/* PHYS_MASK_SHIFT is the configured 52; without DS the descriptors carry 48 bits */
	if (!lpa2_is_enabled())
		v->phys_mask_shift = 48;
#endif
	v->page_offset = PAGE_OFFSET;
}

/* TTBR value: phys_to_ttbr(); for TTBR1 with 52-bit VA on a CPU without LVA, head.S's offset_ttbr1
 * assembler macro also adds TTBR1_BADDR_4852_OFFSET (transcribed: it exists only as assembler). */
u64 ptf_arch_hw_root(u64 pgd_pa, int upper)
{
	u64 ttbr = phys_to_ttbr(pgd_pa);

#if defined(CONFIG_ARM64_VA_BITS_52) && !defined(CONFIG_ARM64_LPA2)
	if (upper && vabits_actual != 52)
		ttbr |= TTBR1_BADDR_4852_OFFSET;
#endif
	return ttbr;
}

u64 ptf_arch_mk_leaf(int lvl, u64 pa)
{
	unsigned long pfn = pa >> PAGE_SHIFT;

	switch (lvl) {
	case PTF_PTE:
		return pte_val(pfn_pte(pfn, PAGE_KERNEL));
	case PTF_PMD:
		return pmd_val(pfn_pmd(pfn, mk_pmd_sect_prot(PAGE_KERNEL)));
	default:
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
		return pud_val(pfn_pud(pfn, mk_pud_sect_prot(PAGE_KERNEL)));
#else
		return pud_val(pfn_pud(pfn, mk_pmd_sect_prot(PAGE_KERNEL)));
#endif
	}
}

u64 ptf_arch_phys_to_pte_val(u64 pa)
{
	return __phys_to_pte_val(pa);
}

u64 ptf_arch_pte_to_phys(u64 pte)
{
	return __pte_to_phys(__pte(pte));
}

/* pXd_page_paddr() of the level; a level folded at compile time has the entry of the next level
 * that exists, as the nop headers make it. */
u64 ptf_arch_page_paddr(int lvl, u64 v)
{
	switch (lvl) {
	case PTF_PGD:
#if CONFIG_PGTABLE_LEVELS > 4
		return pgd_page_paddr(__pgd(v));
#endif
		fallthrough;
	case PTF_P4D:
#if CONFIG_PGTABLE_LEVELS > 3
		return p4d_page_paddr(__p4d(v));
#endif
		fallthrough;
	case PTF_PUD:
#if CONFIG_PGTABLE_LEVELS > 2
		return pud_page_paddr(__pud(v));
#endif
		fallthrough;
	case PTF_PMD:
		return pmd_page_paddr(__pmd(v));
	default:
		return __pte_to_phys(__pte(v));
	}
}

/* arch/arm64/mm/mmu.c: swapper_pg_dir is read-only once booted; the kernel writes its entries
 * through a fixmap alias of the page. The harness, which may keep the arena's page read-only,
 * writes it; without its hook, in place. */
void set_swapper_pgd(pgd_t *pgdp, pgd_t pgd)
{
	if (ptf_env_->set_swapper_pgd)
		ptf_env_->set_swapper_pgd(ptf_env_->ctx, (u64)(unsigned long)pgdp, pgd_val(pgd));
	else
		WRITE_ONCE(*pgdp, pgd);
}

#ifdef PTF_DEBUG_VM_PGTABLE
/* What mm/debug_vm_pgtable.c reaches through the real arch/arm64/mm/{flush,contpte,mmap}.c. */
unsigned long __icache_flags;		/* cpuinfo.c: no aliasing instruction cache */
/* the same caps ptf_has_cap() answers (cpu_hwcaps before 6.4) */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
DECLARE_BITMAP(system_cpucaps, ARM64_NCAPS);
#define ptf_cpucaps system_cpucaps
#else
DECLARE_BITMAP(cpu_hwcaps, ARM64_NCAPS);
#define ptf_cpucaps cpu_hwcaps
#endif
#ifdef CONFIG_EFI
struct mm_struct efi_mm;		/* only its address is compared */
#endif
/* cache.S: the host needs no cache maintenance */
void caches_clean_inval_pou(unsigned long start, unsigned long end)
{
}
void dcache_clean_pou(unsigned long start, unsigned long end)
{
}

/* MTE: the geometry's CPU has no ARM64_MTE, so set_pte_at() never tags a page: loud if reached. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
void mte_sync_tags(pte_t pte, unsigned int nr_pages)
#else
void mte_sync_tags(pte_t old_pte, pte_t pte)
#endif
{
	ptf_report("not-driven", ptf_op, "mte_sync_tags() reached (no CPU here has MTE)");
}

/* The kernel image lies at the start of memory: __pa_symbol() (__kimg_to_phys(), which subtracts
 * kimage_voffset) of start_kernel is the arena's first page, a page with a struct page, as a
 * booted kernel's image is. */
extern void start_kernel(void);
void ptf_arch_dvp_memory(int on)
{
	kimage_voffset = on ? (unsigned long)start_kernel - (ptf_st.arena_base + ptf_st.phys_offset) : 0;
}

/* arch/arm64/mm/mmap.c's arch_initcall: protection_map[] for the boot CPU (no PTE_SHARED in
 * vm_get_page_prot() when LPA2 puts OA[51:50] in those bits; execute-only with EPAN). */
extern int (*const ptf_arch_initcall_adjust_protection_map)(void) __weak;
static void ptf_arch_boot_initcalls(void)
{
	unsigned long cap;

	bitmap_zero(ptf_cpucaps, ARM64_NCAPS);
	for (cap = 0; cap < ARM64_NCAPS; cap++)
		if (ptf_has_cap(cap))
			__set_bit(cap, ptf_cpucaps);
	if (&ptf_arch_initcall_adjust_protection_map)
		ptf_arch_initcall_adjust_protection_map();
}
#else
/* arch/arm64/mm/contpte.c is not compiled: ptfold's leaves never carry PTE_CONT, so reaching the
 * contiguous-range code means a helper saw a bit nothing set. */
void __contpte_try_unfold(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte)
{
	ptf_report("not-driven", ptf_op, "__contpte_try_unfold() reached for pte %#llx (arch/arm64/mm/contpte.c is not compiled)",
		   (unsigned long long)pte_val(pte));
}
#endif

void ptf_arch_probe_privileged(void)
{
	/* arm64 instructions never reach host code: the assembler rejects them at build time */
}
