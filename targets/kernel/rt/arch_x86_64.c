/* The x86-64 runtime state, in the kernel's own variables: what arch/x86/kernel/head64.c's
 * check_la57_support() leaves behind (__pgtable_l5_enabled, pgdir_shift, ptrs_per_p4d and the
 * LA57 layout bases) and the LA57/PTI bits of boot_cpu_data that the unpatched static_cpu_has()
 * reads; plus the x86 answers to the ops that have no generic kernel name. */
#include <linux/mm.h>
#include <asm/pgalloc.h>
#include <asm/tlb.h>
#include <asm/processor.h>
#include <asm/mtrr.h>
#include <asm/elf.h>
#include <linux/sched/mm.h>
#include <linux/percpu.h>
#include <linux/version.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <asm/hypervisor.h>
#include <asm/sections.h>
#include <asm/set_memory.h>
#include <asm/vsyscall.h>
#include <asm/cmdline.h>
#include <asm/setup.h>
#include "ptf_rt.h"

const char ptf_arch_name[] = "x86_64";

#ifdef CONFIG_X86_5LEVEL
unsigned int __pgtable_l5_enabled;
unsigned int pgdir_shift = 39;
unsigned int ptrs_per_p4d = 1;
#endif
#ifdef CONFIG_DYNAMIC_MEMORY_LAYOUT
unsigned long page_offset_base = __PAGE_OFFSET_BASE_L4;
unsigned long vmalloc_base = __VMALLOC_BASE_L4;
unsigned long vmemmap_base = __VMEMMAP_BASE_L4;
#endif
unsigned long phys_base;
struct cpuinfo_x86 boot_cpu_data;
pteval_t __supported_pte_mask = ~0ull;
pteval_t __default_kernel_pte_mask = ~0ull;
#ifdef CONFIG_AMD_MEM_ENCRYPT
u64 sme_me_mask;
#endif
#ifdef CONFIG_DYNAMIC_PHYSICAL_MASK
phys_addr_t physical_mask = (1ull << __PHYSICAL_MASK_SHIFT) - 1;
#endif
LIST_HEAD(pgd_list);
DEFINE_SPINLOCK(pgd_lock);

unsigned long long ptf_read_tcr(void) { return 0; }
_Bool ptf_has_cap(unsigned long cap) { return 0; }

static void ptf_cap(int bit, int on)
{
	if (on)
		set_bit(bit, (unsigned long *)boot_cpu_data.x86_capability);
	else
		clear_bit(bit, (unsigned long *)boot_cpu_data.x86_capability);
}

int ptf_arch_set_state(void)
{
	/* pgd_ctor() links every pgd into pgd_list through its struct page; the struct pages start
	 * over with the state (ptf_mem_init()), so does the list - a pgd never freed before (init_mm's
	 * in the fuzz runner) must not stay linked through a struct page array freed since. */
	INIT_LIST_HEAD(&pgd_list);
#ifdef CONFIG_X86_5LEVEL
	/* head64.c check_la57_support(): CR4.LA57 was set by the boot code */
	__pgtable_l5_enabled = ptf_st.la57;
	pgdir_shift = ptf_st.la57 ? 48 : 39;
	ptrs_per_p4d = ptf_st.la57 ? 512 : 1;
#ifdef CONFIG_DYNAMIC_MEMORY_LAYOUT
	page_offset_base = ptf_st.la57 ? __PAGE_OFFSET_BASE_L5 : __PAGE_OFFSET_BASE_L4;
	vmalloc_base = ptf_st.la57 ? __VMALLOC_BASE_L5 : __VMALLOC_BASE_L4;
	vmemmap_base = ptf_st.la57 ? __VMEMMAP_BASE_L5 : __VMEMMAP_BASE_L4;
#endif
#else
	if (ptf_st.la57) {
		ptf_report("error", "set_state", "LA57 asked of a kernel configured without X86_5LEVEL");
		return -1;
	}
#endif
	ptf_cap(X86_FEATURE_LA57, ptf_st.la57);
	ptf_cap(X86_FEATURE_PTI, ptf_st.pti);
	return 0;
}

void ptf_arch_view(struct ptf_view *v)
{
	v->l4_enabled = 1;
	v->l5_enabled = pgtable_l5_enabled();
	v->va_bits_actual = __VIRTUAL_MASK_SHIFT + 1;
	v->phys_mask_shift = __PHYSICAL_MASK_SHIFT;
	v->page_offset = PAGE_OFFSET;
}

/* CR3: build_cr3()'s __sme_pa(pgd) with no PCID; the user half with PTI is the second page of the
 * pgd allocation (arch/x86/entry/calling.h's PTI_USER_PGTABLE_MASK, assembler only). */
u64 ptf_arch_hw_root(u64 pgd_pa, int upper)
{
	u64 cr3 = __sme_set(pgd_pa);

	if (!upper && static_cpu_has(X86_FEATURE_PTI))
		cr3 |= 1ull << PAGE_SHIFT;
	return cr3;
}

u64 ptf_arch_mk_leaf(int lvl, u64 pa)
{
	unsigned long pfn = pa >> PAGE_SHIFT;

	switch (lvl) {
	case PTF_PTE: return pte_val(pfn_pte(pfn, PAGE_KERNEL));
	case PTF_PMD: return pmd_val(pfn_pmd(pfn, PAGE_KERNEL_LARGE));
	default: return pud_val(pfn_pud(pfn, PAGE_KERNEL_LARGE));
	}
}

/* x86 has no __phys_to_pte_val(): pfn_pte() of a present entry. Not `pa & PTE_PFN_MASK`, a
 * non-present non-zero value, whose PFN pte_pfn() reads inverted (the L1TF mitigation,
 * __pte_needs_invert()): __pte_to_phys(__phys_to_pte_val(pa)) was not pa (fuzz_walk_kernel's
 * round trip, e.g. 0xffff000 -> 0xffffff0000000 on x86_64-la57). */
u64 ptf_arch_phys_to_pte_val(u64 pa) { return pte_val(pfn_pte(pa >> PAGE_SHIFT, __pgprot(_PAGE_PRESENT))); }
u64 ptf_arch_pte_to_phys(u64 pte) { return (u64)pte_pfn(__pte(pte)) << PAGE_SHIFT; }

u64 ptf_arch_page_paddr(int lvl, u64 v)
{
	switch (lvl) {
	case PTF_PGD: return (u64)pgd_pfn(__pgd(v)) << PAGE_SHIFT;
	case PTF_P4D: return (u64)p4d_pfn(__p4d(v)) << PAGE_SHIFT;
	case PTF_PUD: return (u64)pud_pfn(__pud(v)) << PAGE_SHIFT;
	case PTF_PMD: return (u64)pmd_pfn(__pmd(v)) << PAGE_SHIFT;
	default: return (u64)pte_pfn(__pte(v)) << PAGE_SHIFT;
	}
}

#ifdef CONFIG_PARAVIRT
/* arch/x86/kernel/paravirt.c's bare-metal table: the mmu_gather hook is tlb_remove_table(). */
static void ptf_native_tlb_remove_table(struct mmu_gather *tlb, void *table)
{
	tlb_remove_table(tlb, table);
}
struct paravirt_patch_template pv_ops = {
	.mmu.tlb_remove_table = ptf_native_tlb_remove_table,
};
#endif

/* Reachable from arch/x86/mm/pgtable.c (fixmap, huge ioremap, MTRR checks), never on the paths
 * the ops drive: loud if they are reached. */
void set_pte_vaddr(unsigned long vaddr, pte_t pte)
{
	ptf_report("not-driven", ptf_op, "set_pte_vaddr(%#lx) reached (fixmaps are not simulated)", vaddr);
}
void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
}
u8 mtrr_type_lookup(u64 start, u64 end, u8 *uniform)
{
	*uniform = 1;
	return MTRR_TYPE_INVALID;
}
#if defined(CONFIG_HUGETLB_PAGE) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
/* arch/x86/mm/hugetlbpage.c is compiled whole where it holds pmd_huge()/pud_huge() (which
 * pgtable.c's pXd_free_pXd_page() test); its hugetlb_get_unmapped_area() is mmap layout, never
 * driven here, and reaches these: loud if it ever is. */
unsigned long stack_guard_gap;
DEFINE_PER_CPU(struct task_struct *, current_task);
static void ptf_hugetlb_mmap(const char *fn)
{
	ptf_report("not-driven", ptf_op, "%s() reached (hugetlb mmap layout is not simulated)", fn);
}
unsigned long vm_unmapped_area(struct vm_unmapped_area_info *info)
{
	ptf_hugetlb_mmap("vm_unmapped_area");
	return -ENOMEM;
}
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	ptf_hugetlb_mmap("find_vma");
	return NULL;
}
unsigned long arch_get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				     unsigned long pgoff, unsigned long flags)
{
	ptf_hugetlb_mmap("arch_get_unmapped_area");
	return -ENOMEM;
}
unsigned long task_size_32bit(void)
{
	ptf_hugetlb_mmap("task_size_32bit");
	return 0;
}
unsigned long task_size_64bit(int full_addr_space)
{
	ptf_hugetlb_mmap("task_size_64bit");
	return 0;
}
unsigned long get_mmap_base(int is_legacy)
{
	ptf_hugetlb_mmap("get_mmap_base");
	return 0;
}
bool mmap_address_hint_valid(unsigned long addr, unsigned long len)
{
	ptf_hugetlb_mmap("mmap_address_hint_valid");
	return false;
}
#endif

#if defined(CONFIG_MITIGATION_PAGE_TABLE_ISOLATION) || defined(CONFIG_PAGE_TABLE_ISOLATION)
/* arch/x86/mm/pti.c is compiled whole for __pti_set_user_pgtbl(); its boot-time half (pti_init(),
 * pti_clone_*(), pti_finalize(), the boot-option check) is never driven here and reaches these:
 * the linker's section markers and boot-time CPU state as plain variables, the functions loud. */
char _text[1], __entry_text_start[1], __entry_text_end[1], __end_rodata_aligned[1];
struct cpumask __cpu_possible_mask;
unsigned long __per_cpu_offset[NR_CPUS];
int alternatives_patched;
__u32 cpu_caps_set[NCAPINTS + NBUGINTS];
enum x86_hypervisor_type x86_hyper_type;
DEFINE_PER_CPU_PAGE_ALIGNED(struct tss_struct, cpu_tss_rw);
unsigned int nr_cpu_ids = 1;
char boot_command_line[COMMAND_LINE_SIZE];	/* 6.1 reads pti=/nopti from it */
static void ptf_pti_boot(const char *fn)
{
	ptf_report("not-driven", ptf_op, "%s() reached (PTI's boot-time setup is not simulated)", fn);
}
bool cpu_mitigations_off(void)
{
	ptf_pti_boot("cpu_mitigations_off");
	return false;
}
pte_t *lookup_address(unsigned long address, unsigned int *level)
{
	ptf_pti_boot("lookup_address");
	return NULL;
}
phys_addr_t per_cpu_ptr_to_phys(void *addr)
{
	ptf_pti_boot("per_cpu_ptr_to_phys");
	return 0;
}
void ptdump_walk_user_pgd_level_checkwx(void)
{
	ptf_pti_boot("ptdump_walk_user_pgd_level_checkwx");
}
int set_memory_global(unsigned long addr, int numpages)
{
	ptf_pti_boot("set_memory_global");
	return -EINVAL;
}
int set_memory_nonglobal(unsigned long addr, int numpages)
{
	ptf_pti_boot("set_memory_nonglobal");
	return -EINVAL;
}
void set_vsyscall_pgtable_user_bits(pgd_t *root)
{
	ptf_pti_boot("set_vsyscall_pgtable_user_bits");
}
int cmdline_find_option_bool(const char *cmdline_ptr, const char *option)
{
	ptf_pti_boot("cmdline_find_option_bool");
	return 0;
}
int cmdline_find_option(const char *cmdline_ptr, const char *option, char *buffer, int bufsize)
{
	ptf_pti_boot("cmdline_find_option");
	return -1;
}
unsigned long _find_next_bit(const unsigned long *addr1, unsigned long nbits, unsigned long start)
{
	ptf_pti_boot("_find_next_bit");
	return nbits;
}
#endif

/* only in .altinstr_replacement, which is never patched in here */
void BUG_func(void)
{
	ptf_bug(__FILE__, __LINE__, __func__);
}

void ptf_arch_probe_privileged(void)
{
	__native_read_cr3();
}

#ifdef PTF_DEBUG_VM_PGTABLE
/* The kernel image lies at the start of memory: __pa_symbol() (__phys_addr_symbol(), which adds
 * phys_base to the offset into __START_KERNEL_map) of start_kernel is the arena's first page. */
extern void start_kernel(void);
void ptf_arch_dvp_memory(int on)
{
	phys_base = on ? ptf_st.arena_base + ptf_st.phys_offset - ((unsigned long)start_kernel - __START_KERNEL_map) : 0;
}

/* The per-CPU block preempt_count() reads (%gs-relative: the host's %gs base is 0, so the
 * variable itself) and the PREEMPT_DYNAMIC static call preempt_enable() ends in: one CPU, no
 * other task, nothing to switch to. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
struct pcpu_hot pcpu_hot;
#else
int __preempt_count;	/* its own per-CPU variable before pcpu_hot */
#endif
void __SCT__preempt_schedule(void)
{
}
#endif
