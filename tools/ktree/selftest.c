/* A stand-alone check of one kernel-tree configuration object, independent of ptfold's C++ side:
 * it dlopens the .so that tools/ktree/build.sh printed, builds page tables for a few addresses with
 * the tree's real helpers (offset, none, alloc_one, populate, mk_leaf), walks them again with its
 * own transcription of the architecture's table walk, and tears them down through the real free
 * paths, both directly (pXd_free) and through the mmu_gather. It prints every reported kernel
 * message; exit 0 only when the two walks agree, nothing leaked and nothing was reported.
 *
 *   cc -o selftest tools/ktree/selftest.c -ldl
 *   selftest CONFIG.so GEOMETRY [--expect CLASS [--expect-dvp]]
 * --expect: the run must report CLASS instead; --expect-dvp: the tree's own debug_vm_pgtable must
 * be among the reporters (where the object has it).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../targets/kernel/abi/ptf_abi.h"

typedef unsigned long long u64;

/* ---- the environment: a bitmap page allocator over one arena ---- */
#define NPAGES 4096
static u64 page_size, arena, phys_offset;
static unsigned char used[NPAGES];
static long live, stat_sum, reports, messages;
static char classes[256];	/* every report class seen, space separated */
static char dvp_classes[256];	/* those seen during debug_vm_pgtable */

static u64 env_alloc(void *ctx, unsigned order, const char *helper)
{
	unsigned n = 1u << order;
	for (unsigned i = 0; i + n <= NPAGES; i += n) {
		unsigned j = 0;
		while (j < n && !used[i + j])
			j++;
		if (j < n)
			continue;
		memset(used + i, 1, n);
		live += n;
		memset((void *)(arena + i * page_size), 0, n * page_size);
		return arena + i * page_size;
	}
	return 0;
}
static void env_free(void *ctx, u64 va, unsigned order, const char *helper)
{
	u64 i = (va - arena) / page_size;
	for (unsigned j = 0; j < (1u << order); j++) {
		if (!used[i + j])
			printf("selftest: %s freed free page %#llx\n", helper, (unsigned long long)va);
		used[i + j] = 0;
		live--;
	}
	memset((void *)va, 0x6b, page_size << order);	/* poison: a later read sees junk */
}
static void env_stat(void *ctx, u64 va, long d) { stat_sum += d; }
static int in_dvp;
static void env_report(void *ctx, const char *cls, const char *helper, const char *text)
{
	printf("  report %s in %s:\n    %s\n", cls, helper, text);
	if (!strcmp(cls, "printk") && in_dvp) {	/* debug_vm_pgtable's pr_info(): a message */
		messages++;
		return;
	}
	reports++;
	if (in_dvp && strlen(dvp_classes) + strlen(cls) + 2 < sizeof(dvp_classes) && !strstr(dvp_classes, cls))
		strcat(strcat(dvp_classes, cls), " ");
	if (strlen(classes) + strlen(cls) + 2 < sizeof(classes) && !strstr(classes, cls))
		strcat(strcat(classes, cls), " ");
}

/* ---- geometry -> runtime state (the same derivation ptfold's catalogue makes) ---- */
struct geo {
	int arch;		/* 0 arm64, 1 x86_64, 2 riscv64 */
	unsigned va_bits;	/* what the hardware translates */
	int pa52, lpa2;
};
static int parse(const char *g, struct ptf_state *st, struct geo *o)
{
	memset(st, 0, sizeof(*st));
	memset(o, 0, sizeof(*o));
	if (!strncmp(g, "arm64-", 6)) {
		unsigned cfg = atoi(strstr(g, "-va") + 3);
		o->va_bits = cfg;
		if (strstr(g, "nolpa2") || strstr(g, "nolva"))
			o->va_bits = strstr(g, "-16k-") ? 47 : 48;
		o->lpa2 = strstr(g, "-lpa2") != NULL;
		o->pa52 = cfg == 52 && !strstr(g, "nolpa2") && !strstr(g, "-16k-") ? 1 : o->lpa2;
		if (strstr(g, "-64k-va52"))
			o->pa52 = 1;
		st->tcr_t1sz = 64 - o->va_bits;
		st->tcr_ds = o->lpa2;
		st->cap_va52 = o->va_bits == 52;
		return 0;
	}
	if (!strncmp(g, "x86_64-", 7)) {
		o->arch = 1;
		st->la57 = !!strstr(g, "la57") && !strstr(g, "nola57");
		st->pti = !!strstr(g, "pti");
		o->va_bits = st->la57 ? 57 : 48;
		return 0;
	}
	if (!strncmp(g, "riscv64-sv", 10)) {
		o->arch = 2;
		o->va_bits = atoi(g + 10);
		st->riscv_l5 = o->va_bits == 57;
		st->riscv_l4 = o->va_bits >= 48;
		return 0;
	}
	return -1;
}

/* ---- the architecture's walk, written from the manuals (not from Linux) ---- */
static u64 rd(u64 pa) { return *(volatile u64 *)(pa - phys_offset); }
static u64 bits(u64 x, int h, int l) { return (x >> l) & ((h - l == 63) ? ~0ull : ((1ull << (h - l + 1)) - 1)); }

/* Entry addresses (host) the hardware reads, root first; returns their number, 0 on a fault. */
static int hw_walk(const struct geo *g, u64 root, u64 va, u64 *entries, u64 *leaf_pa)
{
	unsigned shift_pg = __builtin_ctzll(page_size);
	int n = 0;

	if (g->arch == 0) {	/* Arm ARM D8.2: VMSAv8-64 stage 1, TTBR0 */
		unsigned gr = shift_pg, s = gr - 3, ia = g->va_bits;
		int start = 3 - (int)((ia - 1 - gr) / s);
		u64 table = g->pa52 ? (bits(root, 47, 6) << 6) | (bits(root, 5, 2) << 48) : bits(root, 47, 1) << 1;
		for (int lvl = start; lvl <= 3; lvl++) {
			unsigned sh = gr + s * (3 - lvl);
			unsigned w = lvl == start ? ia - sh : s;
			u64 e = table + bits(va, sh + w - 1, sh) * 8, d = rd(e);
			entries[n++] = e - phys_offset;
			if (!(d & 1) || !(d & 2))
				return 0;
			if (g->lpa2)
				table = (bits(d, 49, gr) << gr) | (bits(d, 9, 8) << 50);
			else if (g->pa52 && gr == 16)
				table = (bits(d, 47, 16) << 16) | (bits(d, 15, 12) << 48);
			else
				table = bits(d, 47, gr) << gr;
		}
		*leaf_pa = table;
		return n;
	}
	if (g->arch == 1) {	/* Intel SDM vol. 3 4.5: 4-/5-level paging from CR3 */
		int levels = g->va_bits == 57 ? 5 : 4;
		u64 table = root & 0x000ffffffffff000ull;
		for (int i = 0; i < levels; i++) {
			u64 e = table + bits(va, 12 + 9 * (levels - i) - 1, 12 + 9 * (levels - 1 - i)) * 8, d = rd(e);
			entries[n++] = e - phys_offset;
			if (!(d & 1))
				return 0;
			table = d & 0x000ffffffffff000ull;
		}
		*leaf_pa = table;
		return n;
	}
	/* RISC-V privileged spec 10.3.2 (Sv39/48/57) from satp */
	int levels = (int)(root >> 60) - 5;
	u64 table = (root & ((1ull << 44) - 1)) << 12;
	for (int i = 0; i < levels; i++) {
		u64 e = table + bits(va, 12 + 9 * (levels - i) - 1, 12 + 9 * (levels - 1 - i)) * 8, d = rd(e);
		entries[n++] = e - phys_offset;
		if (!(d & 1) || ((d & 0xe) && i < levels - 1))
			return 0;
		table = bits(d, 53, 10) << 12;
	}
	*leaf_pa = table;
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: selftest CONFIG.so GEOMETRY [--expect CLASS]\n");
		return 2;
	}
	const char *expect = argc > 4 && !strcmp(argv[3], "--expect") ? argv[4] : NULL;
	const int expect_dvp = expect && argc > 5 && !strcmp(argv[5], "--expect-dvp");
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "selftest: %s\n", dlerror());
		return 2;
	}
	const struct ptf_ops *o = dlsym(h, PTF_OPS_SYMBOL);
	struct ptf_state st;
	struct geo g;
	if (!o || o->abi_version != PTF_ABI_VERSION || o->size != sizeof(struct ptf_ops) || parse(argv[2], &st, &g)) {
		fprintf(stderr, "selftest: no usable ops table or unknown geometry\n");
		return 2;
	}
	page_size = 1ull << o->page_shift;
	/* env_alloc() hands out 2^order pages aligned to their size (x86 PTI's pgd is order 1,
	 * debug_vm_pgtable's huge page HPAGE_PMD_ORDER): the arena is aligned to its own size, the
	 * largest block it can hand out */
	const u64 align = page_size * NPAGES;
	u64 raw = (u64)mmap(NULL, NPAGES * page_size + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	arena = (raw + align - 1) & ~(align - 1);
	/* tables above 4 GiB; above 2^48 where the descriptors carry 52-bit addresses */
	phys_offset = (g.pa52 ? (1ull << 50) : (1ull << 32)) - arena;
	st.arena_base = arena;
	st.arena_size = NPAGES * page_size;
	st.phys_offset = phys_offset;
	struct ptf_env env = { NULL, env_alloc, env_free, env_stat, env_report };
	if (o->set_state(&st, &env))
		return 1;
	struct ptf_view v;
	o->linux_view(&v);
	printf("%s (%s %s%s%s) as %s: levels %u, l4 %d l5 %d, va_bits_actual %u, PTRS_PER %llu/%llu/%llu/%llu/%llu, "
	       "folded %d%d%d%d%d, pgd %llu bytes%s\n",
	       o->config, o->arch, o->uts_release, *o->overlay ? " overlay " : "", o->overlay, argv[2], o->pgtable_levels,
	       v.l4_enabled, v.l5_enabled, v.va_bits_actual, v.ptrs_per[0], v.ptrs_per[1], v.ptrs_per[2], v.ptrs_per[3],
	       v.ptrs_per[4], v.folded[0], v.folded[1], v.folded[2], v.folded[3], v.folded[4], v.pgd_alloc_size,
	       v.pgdir_is_page_size ? " (a page)" : "");
	int bad = v.va_bits_actual != g.va_bits;
	long base_live = live;

	for (int round = 0; round < 2; round++) {	/* 0: pXd_free, 1: through the mmu_gather */
		struct ptf_mm mm = { 0, 0 };
		u64 pgd = o->pgd_alloc(&mm), tables[64];
		int lv[64], nt = 0;
		u64 top = 1ull << (g.va_bits - 1);
		u64 vas[] = { 0x1000, 0x7f1234567000ull & (top - 1), (top - 1) & ~(page_size - 1), top / 3 & ~(page_size - 1) };
		for (unsigned k = 0; k < sizeof(vas) / sizeof(vas[0]); k++) {
			u64 va = vas[k], p = pgd, ptrs[5];
			int nl = 0;
			for (int lvl = PTF_PGD; lvl <= PTF_PTE; lvl++) {
				p = o->offset(lvl, p, va);
				/* a folded level's entry is the one above it: the hardware reads the
				 * pointer of the lowest level of a folded group */
				if (lvl == PTF_PTE || !v.folded[lvl + 1])
					ptrs[nl++] = p;
				if (lvl == PTF_PTE)
					break;
				if (o->none(lvl, *(u64 *)p)) {
					u64 t = o->alloc_one(&mm, lvl + 1, va);
					if (!t) {
						printf("  %s: alloc_one(level %d) gave nothing\n", argv[2], lvl + 1);
						bad = 1;
						break;
					}
					tables[nt] = t;
					lv[nt++] = lvl + 1;
					o->populate(&mm, lvl, p, t);
				}
			}
			u64 leaf = 0x40000000ull + k * page_size;
			o->set(PTF_PTE, p, o->mk_leaf(PTF_PTE, leaf));
			/* mm/gup.c's fast walk: each level gets the table pointer and the
			 * caller's stack copy of the entry; it must land on the same entries */
			{
				u64 raw[5], cur = o->offset(PTF_PGD, pgd, va), copy;
				int lok = 1;
				raw[0] = cur;
				for (int lvl = PTF_P4D; lok && lvl <= PTF_PMD; lvl++) {
					int in = cur - arena < NPAGES * page_size || cur == (u64)&copy;
					if (!in) {
						lok = 0;
						break;
					}
					copy = *(volatile u64 *)cur;
					cur = o->offset_lockless(lvl, cur, (u64)&copy, va);
					raw[lvl] = cur;
				}
				/* a folded level may legitimately point at the copy (the generic
				 * p4d_offset(&pgd) of a folded p4d); the pmd pointer must be the table's,
				 * or, where the pmd is folded at compile time (2 levels), the copy
				 * itself: pmd_offset(&pud) of pgtable-nopmd.h, holding the entry the
				 * table walk reads */
				u64 want = pgd;
				for (int lvl = PTF_PGD; lvl <= PTF_PMD; lvl++)
					want = o->offset(lvl, want, va);
				lok = lok && (raw[PTF_PMD] == want ||
					      (v.folded[PTF_PMD] && raw[PTF_PMD] == (u64)&copy &&
					       copy == *(volatile u64 *)want));
				if (!lok) {
					printf("  va %#018llx: the lockless walk left the tables (last pointer %#llx)\n",
					       (unsigned long long)va, (unsigned long long)cur);
					env_report(NULL, "lockless-mismatch", "pud_offset_lockless", "stack copy indexed as a table");
				}
			}
			u64 hw[6], hw_leaf = 0;
			int n = hw_walk(&g, o->hw_root(o->pa(pgd), 0), va, hw, &hw_leaf);
			int ok = n == nl && hw_leaf == leaf;
			/* x86 PTI: the user half's CR3 is the pgd's second page, into which set_pgd()/
			 * set_p4d() mirror the user entries (__pti_set_user_pgtbl()) */
			if (st.pti)
				ptrs[0] += page_size;
			for (int i = 0; ok && i < n; i++)
				ok = hw[i] == ptrs[i];
			if (!ok || round == 0)
				printf("  va %#018llx: %s (hardware %d levels, Linux %d unfolded; leaf %#llx)\n",
				       (unsigned long long)va, ok ? "same entries" : "MISMATCH", n, nl,
				       (unsigned long long)hw_leaf);
			bad |= !ok;
		}
		if (round == 1)
			o->tlb_gather(&mm);
		for (int i = nt - 1; i >= 0; i--) {
			if (round == 0)
				o->free_one(&mm, lv[i], tables[i]);
			else
				o->free_tlb(lv[i], tables[i], 0);
		}
		if (round == 1)
			o->tlb_finish();
		o->pgd_free(&mm, pgd);
		printf("  %s: %d tables, after teardown: %ld pages live, NR_PAGETABLE %+ld, %llu PageTable\n",
		       round ? "mmu_gather" : "pXd_free", nt, live - base_live, stat_sum,
		       (unsigned long long)o->nr_pagetable());
	}
	bad |= live != base_live || stat_sum != 0;
	/* the tree's own mm/debug_vm_pgtable.c, where the object has it: no WARN, no report, every
	 * page back (the pages a Bad page state leaks are the report's) */
	if (o->debug_vm_pgtable) {
		long before = reports, live0 = live;
		in_dvp = 1;
		int r = o->debug_vm_pgtable(0x5eed0000d0d0ull);
		in_dvp = 0;
		printf("  debug_vm_pgtable: returned %d, %ld reports, %ld pages live after it\n", r, reports - before,
		       live - live0);
		bad |= r != 0 || (live != live0 && reports == before);
	} else {
		printf("  debug_vm_pgtable: not applicable (not in this object)\n");
	}
	if (g.arch == 1 && !expect) {	/* x86: a privileged instruction must be named, not crash */
		long before = reports;
		o->probe_privileged();
		int named = reports == before + 1 && strstr(classes, "privileged ") != NULL;
		printf("  probe_privileged: %s\n", named ? "reported" : "NOT REPORTED");
		bad |= !named;
		reports = before;
	}
	if (expect) {
		char key[80];
		snprintf(key, sizeof(key), "%s ", expect);
		int hit = strstr(classes, key) != NULL;
		printf("%s: expected report %s: %s\n", argv[2], expect, hit ? "found" : "NOT FOUND");
		if (expect_dvp && o->debug_vm_pgtable) {
			int dhit = strstr(dvp_classes, key) != NULL;
			printf("%s: expected report %s from debug_vm_pgtable: %s\n", argv[2], expect,
			       dhit ? "found" : "NOT FOUND");
			hit &= dhit;
		}
		return hit ? 0 : 1;
	}
	bad |= reports != 0;
	printf("%s: %s\n", argv[2], bad ? "FAIL" : "ok");
	return bad;
}
