/* Host-side half of the runtime (compiled with the host's headers, not the kernel's): when code
 * of this configuration executes an instruction user mode may not (x86 kernel code that writes
 * CR3, runs invlpg, ud2 ...), the fault is turned into a "privileged" report naming the kernel
 * function it happened in, read from this object's own symbol table. Faults elsewhere go to the
 * handler that was installed before (ASan's, libFuzzer's, or the default). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>

/* in page_alloc.c: report, then unwind to the ops call (or abort outside one) */
extern void ptf_privileged(const char *symbol, unsigned long long offset, int sig);
extern unsigned long ptf_low_pa_region(unsigned long *size);
extern void ptf_low_pa_fault(const char *symbol, unsigned long addr);
/* in ops.c: swapper_pg_dir's pages, and the report of a write into them in place */
extern unsigned long ptf_swapper_region(unsigned long *size);
extern void ptf_ro_write_fault(const char *symbol, unsigned long addr);

unsigned long ptf_host_reserve(unsigned long size, unsigned long hint)
{
	/* At the first free slot from the hint on, so that an address inside it (a finding may print
	 * one) is the same from run to run; anywhere if none of them is free. */
	for (int i = 0; hint && i < 64; i++) {
		void *want = (void *)(hint + 2ul * size * (unsigned long)i);
		void *m = mmap(want, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
			       -1, 0);

		if (m == want)
			return (unsigned long)m;
		if (m != MAP_FAILED)
			munmap(m, size);  /* a kernel without MAP_FIXED_NOREPLACE took it as a hint */
	}
	void *m = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return m == MAP_FAILED ? 0 : (unsigned long)m;
}

static struct sigaction ptf_prev_segv, ptf_prev_ill;
static uintptr_t ptf_base, ptf_lo, ptf_hi;
static char ptf_path[4096];
static int ptf_installed;

static int ptf_find_text(struct dl_phdr_info *info, size_t size, void *data)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && (uintptr_t)data >= lo && (uintptr_t)data < hi) {
			ptf_lo = lo;
			ptf_hi = hi;
			return 1;
		}
	}
	return 0;
}

/* The function symbol (local ones included) covering offset `off` of our object's file. */
static void ptf_symbolize(uintptr_t off, char *out, size_t n)
{
	snprintf(out, n, "?");
	int fd = open(ptf_path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	const unsigned char *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return;
	const ElfW(Ehdr) *eh = (const void *)m;
	if (eh->e_type == ET_EXEC)	/* not position independent: symbols hold absolute addresses */
		off += ptf_base;
	const ElfW(Shdr) *sh = (const void *)(m + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		const ElfW(Sym) *sym = (const void *)(m + sh[i].sh_offset);
		const char *str = (const char *)(m + sh[sh[i].sh_link].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++)
			if (ELF64_ST_TYPE(sym[k].st_info) == STT_FUNC && off >= sym[k].st_value &&
			    off < sym[k].st_value + sym[k].st_size)
				snprintf(out, n, "%s", str + sym[k].st_name);
	}
	munmap((void *)m, st.st_size);
}

static void ptf_handler(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t pc = (uintptr_t)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP];
	/* a general-protection fault arrives as SIGSEGV with SI_KERNEL; a bad pointer is not ours */
	unsigned long low_size, low = ptf_low_pa_region(&low_size);
	/* a read or write through __va() of a low physical address (page_alloc.c) */
	if (sig == SIGSEGV && low && (uintptr_t)si->si_addr - low < low_size && pc >= ptf_lo && pc < ptf_hi) {
		char name[256];

		ptf_symbolize(pc - ptf_base, name, sizeof(name));
		ptf_low_pa_fault(name, (uintptr_t)si->si_addr);
	}
	/* a write into swapper_pg_dir, which the harness keeps read-only (arm64, as after boot) */
	unsigned long sw_size, sw = ptf_swapper_region(&sw_size);
	if (sig == SIGSEGV && si->si_code == SEGV_ACCERR && sw && (uintptr_t)si->si_addr - sw < sw_size &&
	    pc >= ptf_lo && pc < ptf_hi) {
		char name[256];

		ptf_symbolize(pc - ptf_base, name, sizeof(name));
		ptf_ro_write_fault(name, (uintptr_t)si->si_addr);
	}
	if (pc >= ptf_lo && pc < ptf_hi && (sig == SIGILL || si->si_code == SI_KERNEL)) {
		char name[256];

		ptf_symbolize(pc - ptf_base, name, sizeof(name));
		ptf_privileged(name, pc - ptf_base, sig);
	}
	struct sigaction *prev = sig == SIGSEGV ? &ptf_prev_segv : &ptf_prev_ill;
	if ((prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction) {
		prev->sa_sigaction(sig, si, ctx);
	} else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
		prev->sa_handler(sig);
	} else {
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

void ptf_install_signal_handlers(void)
{
	Dl_info info;
	struct sigaction sa;

	if (ptf_installed || !dladdr((void *)ptf_install_signal_handlers, &info))
		return;
	ptf_installed = 1;
	ptf_base = (uintptr_t)info.dli_fbase;
	/* the .so, or the executable the static flavour was linked into */
	snprintf(ptf_path, sizeof(ptf_path), "%s", info.dli_fname);
	if (access(ptf_path, R_OK) && readlink("/proc/self/exe", ptf_path, sizeof(ptf_path) - 1) < 0)
		ptf_path[0] = 0;
	dl_iterate_phdr(ptf_find_text, (void *)ptf_install_signal_handlers);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = ptf_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &ptf_prev_segv);
	sigaction(SIGILL, &sa, &ptf_prev_ill);
}
