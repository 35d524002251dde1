/* Wrap-and-override: the host has no TLB (the harness's walks read the tables themselves), so the
 * TLB maintenance functions are no-ops. The real inline functions are renamed while the real
 * header is read (never called, so their tlbi instructions never reach code generation), then
 * the kernel names come back as no-op macros taking any arguments, whatever a release's
 * signatures. Everything else of the header (TLBI_* encodings, get_trans_granule()) is the tree's. */
#ifndef PTF_ARM64_TLBFLUSH_H
#define PTF_ARM64_TLBFLUSH_H
#define local_flush_tlb_all ptf_tree_local_flush_tlb_all
#define flush_tlb_all ptf_tree_flush_tlb_all
#define flush_tlb_mm ptf_tree_flush_tlb_mm
#define __flush_tlb_page_nosync ptf_tree___flush_tlb_page_nosync
#define flush_tlb_page_nosync ptf_tree_flush_tlb_page_nosync
#define flush_tlb_page ptf_tree_flush_tlb_page
#define arch_tlbbatch_add_pending ptf_tree_arch_tlbbatch_add_pending
#define arch_flush_tlb_batched_pending ptf_tree_arch_flush_tlb_batched_pending
#define arch_tlbbatch_flush ptf_tree_arch_tlbbatch_flush
#define __flush_tlb_range_nosync ptf_tree___flush_tlb_range_nosync
#define __flush_tlb_range ptf_tree___flush_tlb_range
#define flush_tlb_range ptf_tree_flush_tlb_range
#define flush_tlb_kernel_range ptf_tree_flush_tlb_kernel_range
#define __flush_tlb_kernel_pgtable ptf_tree___flush_tlb_kernel_pgtable
#define __tlbi_sync_s1ish ptf_tree___tlbi_sync_s1ish
#define __tlbi_sync_s1ish_hyp ptf_tree___tlbi_sync_s1ish_hyp
#include_next <asm/tlbflush.h>
#undef local_flush_tlb_all
#undef flush_tlb_all
#undef flush_tlb_mm
#undef __flush_tlb_page_nosync
#undef flush_tlb_page_nosync
#undef flush_tlb_page
#undef arch_tlbbatch_add_pending
#undef arch_flush_tlb_batched_pending
#undef arch_tlbbatch_flush
#undef __flush_tlb_range_nosync
#undef __flush_tlb_range
#undef flush_tlb_range
#undef flush_tlb_kernel_range
#undef __flush_tlb_kernel_pgtable
#undef __tlbi_sync_s1ish
#undef __tlbi_sync_s1ish_hyp
#define local_flush_tlb_all(...) do { } while (0)
#define flush_tlb_all(...) do { } while (0)
#define flush_tlb_mm(...) do { } while (0)
#define __flush_tlb_page_nosync(...) do { } while (0)
#define flush_tlb_page_nosync(...) do { } while (0)
#define flush_tlb_page(...) do { } while (0)
#define arch_tlbbatch_add_pending(...) do { } while (0)
#define arch_flush_tlb_batched_pending(...) do { } while (0)
#define arch_tlbbatch_flush(...) do { } while (0)
#define __flush_tlb_range_nosync(...) do { } while (0)
#define __flush_tlb_range(...) do { } while (0)
#define flush_tlb_range(...) do { } while (0)
#define flush_tlb_kernel_range(...) do { } while (0)
#define __flush_tlb_kernel_pgtable(...) do { } while (0)
#define __tlbi_sync_s1ish(...) do { } while (0)
#define __tlbi_sync_s1ish_hyp(...) do { } while (0)
#endif
