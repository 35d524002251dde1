#!/usr/bin/env python3
"""Writes the ninja file that compiles one kernel-tree configuration for the x86-64 host.

The flags are kbuild's own include order and -include set (what `make V=1` shows for a kernel
TU), with our shim directories in front and no --target, so the real headers of the configured
architecture compile to host code. Outputs: ptf_ops.so (one exported symbol, for dlopen) and
ptf_ops.o (the same objects, `ld -r` + objcopy, the symbol renamed ptf_ops_<config>, for static
fuzz builds). Depfiles make a warm rebuild redo only what a changed tree header touches.
"""
import argparse
import hashlib
import os
import shlex
import subprocess
import sys

# Kernel files compiled whole, per arch (paths inside the tree; a file a release lacks is skipped).
# A file with a Kconfig condition is compiled only when the configuration has one of the symbols;
# a third element (major, minor) is the first release that no longer needs the file.
TREE_FILES = {
    "arm64": [("arch/arm64/mm/pgd.c", None),
              # what the tree's own mm/debug_vm_pgtable.c links against (docs/kernel-tree.md)
              ("arch/arm64/mm/contpte.c", ("CONFIG_DEBUG_VM_PGTABLE",)),
              ("arch/arm64/mm/flush.c", ("CONFIG_DEBUG_VM_PGTABLE",)),
              ("arch/arm64/mm/mmap.c", ("CONFIG_DEBUG_VM_PGTABLE",))],
    "x86_64": [("arch/x86/mm/pgtable.c", None),
               ("arch/x86/mm/pgprot.c", ("CONFIG_DEBUG_VM_PGTABLE",)),  # vm_get_page_prot()
               # __pti_set_user_pgtbl(): set_pgd()/set_p4d() mirror user entries into the PTI copy
               ("arch/x86/mm/pti.c", ("CONFIG_MITIGATION_PAGE_TABLE_ISOLATION", "CONFIG_PAGE_TABLE_ISOLATION")),
               # pmd_huge()/pud_huge(), which pgtable.c's pXd_free_pXd_page() test, live here up to
               # 6.9 (6.10 replaced them with pXd_leaf()); kbuild compiles it with HUGETLB_PAGE
               ("arch/x86/mm/hugetlbpage.c", ("CONFIG_HUGETLB_PAGE",), (6, 10))],
    "riscv": [("arch/riscv/mm/pgtable.c", None)],
}
# The tree's own page-table self-test and the generic mm files it links against, whole, on the
# arches DVP_ARCHES names (the others say "not applicable" with the reason).
DVP_FILES = [("mm/debug_vm_pgtable.c", ("CONFIG_DEBUG_VM_PGTABLE",)),
             ("mm/pgtable-generic.c", ("CONFIG_DEBUG_VM_PGTABLE",)),
             ("mm/memblock.c", ("CONFIG_DEBUG_VM_PGTABLE",))]
DVP_ARCHES = ("arm64", "riscv", "x86_64")
# Functions taken by name from a tree file that cannot compile whole for the host (the rest of the
# file needs target assembler or much of the kernel): tools/ktree/extract.py copies them, with the
# file's includes and the conditionals around them, into the build directory at build time.
# (file, Kconfig condition as in TREE_FILES, names)
EXTRACT = {
    "arm64": [("arch/arm64/mm/mmu.c", ("CONFIG_DEBUG_VM_PGTABLE",),
               ["pgattr_change_is_safe", "pud_set_huge", "pmd_set_huge", "pud_clear_huge",
                "pmd_clear_huge"]),
              ("arch/arm64/mm/fault.c", ("CONFIG_DEBUG_VM_PGTABLE",), ["__ptep_set_access_flags|ptep_set_access_flags"]),
              # flush.c's PageHuge() test: out of line in mm/hugetlb.c before 6.3
              ("mm/hugetlb.c", ("CONFIG_DEBUG_VM_PGTABLE",), ["?PageHuge"])],
    "riscv": [("arch/riscv/mm/cacheflush.c", ("CONFIG_DEBUG_VM_PGTABLE",), ["flush_icache_pte"]),
              ("arch/riscv/mm/init.c", ("CONFIG_DEBUG_VM_PGTABLE",), ["protection_map", "DECLARE_VM_GET_PAGE_PROT"])],
}
# Functions taken by name and called through a runtime wrapper that #includes the extracted file
# (PTF_EXTRACTED): a static one, or one whose unit needs the kernel's own address translation
# instead of the simulated linear map's. (tree file, names, wrapper in rt/, the -D the ops table
# tests, the wrapper unit's own -D). PTF_KERNEL_PA_NODEBUG / PTF_KERNEL_PA: the shims leave
# __pa_nodebug() / __pa() to the kernel's formula there.
WRAPPED = {
    "x86_64": [("arch/x86/mm/kasan_init_64.c", ["early_p4d_offset"], "x86_kasan_early.c", "PTF_EARLY_P4D_OFFSET",
                "PTF_KERNEL_PA_NODEBUG")],
    "arm64": [("arch/arm64/mm/mmu.c", ["arch_get_mappable_range"], "arm64_mappable_range.c", "PTF_MAPPABLE_RANGE",
               "PTF_KERNEL_PA")],
}
# the page-table allocation entry points of generic mm, for every arch in DVP_ARCHES
DVP_EXTRACT = [("mm/memory.c", ("CONFIG_DEBUG_VM_PGTABLE",),
                ["pmd_install", "__pte_alloc", "__p4d_alloc", "__pud_alloc", "__pmd_alloc"])]
SRCARCH = {"arm64": "arm64", "x86_64": "x86", "riscv": "riscv"}
SHIM = {"arm64": ["arm64", "common", "hostatomics"], "x86_64": ["x86_64", "common"],
        "riscv": ["riscv64", "common", "hostatomics"]}
RT_ARCH = {"arm64": "arch_arm64.c", "x86_64": "arch_x86_64.c", "riscv": "arch_riscv64.c"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--kernel-version", required=True)
    ap.add_argument("--overlay", default="")
    ap.add_argument("--sanitize", default="0")
    ap.add_argument("--repo", required=True)
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()

    k, o, b, s = a.tree, a.out_dir, a.build_dir, SRCARCH[a.arch]
    kdir = os.path.join(a.repo, "targets", "kernel")
    clang_inc = subprocess.run(["clang", "-print-file-name=include"], capture_output=True, text=True,
                               check=True).stdout.strip()
    inc = ["-nostdinc", "-isystem", clang_inc]
    inc += ["-I" + os.path.join(kdir, "shim", d) for d in SHIM[a.arch]]
    inc += a.extra  # overlay include dirs: after the shims (their #include_next finds the overlay)
    inc += [f"-I{k}/arch/{s}/include", f"-I{o}/arch/{s}/include/generated", f"-I{k}/include",
            f"-I{o}/include", f"-I{k}/arch/{s}/include/uapi", f"-I{o}/arch/{s}/include/generated/uapi",
            f"-I{k}/include/uapi", f"-I{o}/include/generated/uapi"]
    inc += ["-include", f"{k}/include/linux/compiler-version.h", "-include", f"{k}/include/linux/kconfig.h",
            "-include", f"{k}/include/linux/compiler_types.h",
            "-include", os.path.join(kdir, "shim", "common", "ptf_pre.h")]
    defs = ["-D__KERNEL__", "-DKBUILD_MODNAME=\\\"ptfold\\\"", "-DKBUILD_BASENAME=\\\"ptfold\\\"",
            f"-DPTF_CONFIG_NAME=\\\"{a.config}\\\"", f"-DPTF_OVERLAY_NAME=\\\"{a.overlay}\\\"",
            f"-DPTF_KERNEL_VERSION=\\\"{a.kernel_version}\\\""]
    if a.arch == "riscv":
        defs.append("-D__riscv_xlen=64")
    # Depfiles list the headers a TU read, not the ones it would read if they existed: a shim
    # header added later must still rebuild everything, so the shim file list is on the command
    # line (ninja rebuilds when a command changes).
    names = sorted(os.path.relpath(os.path.join(d, f), kdir)
                   for d, _, fs in os.walk(os.path.join(kdir, "shim")) for f in fs)
    defs.append("-DPTF_SHIM_FILES=" + hashlib.sha256("\n".join(names).encode()).hexdigest()[:12])
    flags = ["-std=gnu11", "-fshort-wchar", "-funsigned-char", "-fno-common", "-fno-strict-aliasing",
             "-fno-delete-null-pointer-checks", "-fno-strict-overflow", "-fPIC",
             "-ffunction-sections", "-fdata-sections", "-O2", "-g1", "-fexceptions", "-Wno-gnu", "-Wno-pointer-sign",
             "-Wno-unused-parameter", "-Wno-sign-compare", "-Wno-address-of-packed-member",
             "-Wno-unknown-warning-option", "-Wno-format", "-Wno-unused-function"]
    if a.sanitize == "1":
        # kbuild's -fno-strict-overflow gives the kernel wrapping arithmetic, on which its headers
        # rely (page-flags.h's PGTY_mapcount_underflow << 24); shift-base is not a bug there.
        # -asan-globals=0: no redzones around the kernel's global variables. ASan's table of a unit's
        # globals, registered by a constructor, would keep every global of the unit and what it
        # references alive through --gc-sections - memblock.c's debugfs fops and so its seq_file/
        # debugfs calls, which no configuration provides - and a fuzz binary could not link the
        # static object (the .so leaves them undefined). The memory the page-table code works on
        # (the arena, the struct page array, the runtime's host allocations) stays checked.
        # (-fsanitize-address-globals-dead-stripping instead linked, then crashed in
        # __asan_register_elf_globals: the objects are `ld -r` + objcopy'd.)
        flags += ["-fsanitize=address,undefined,fuzzer-no-link", "-fno-sanitize=shift-base",
                  "-fno-sanitize-recover=undefined", "-mllvm", "-asan-globals=0"]

    srcs = [os.path.join(kdir, "rt", f) for f in ("page_alloc.c", "stubs.c", RT_ARCH[a.arch], "ops.c", "debug_vm.c")]
    dotconfig = open(os.path.join(o, ".config")).read().split("\n")
    kver = tuple(int(x) for x in a.kernel_version.split(".")[:2])
    dvp_files = DVP_FILES if a.arch in DVP_ARCHES else []
    for f, cond, *before in TREE_FILES[a.arch] + dvp_files:
        if cond and not any(f"{c}=y" in dotconfig for c in cond):
            continue
        if before and kver >= before[0]:
            continue
        if os.path.exists(os.path.join(k, f)):
            srcs.append(os.path.join(k, f))
    extracted = []  # (output .c, tree file, names)
    for f, cond, fns in EXTRACT.get(a.arch, []) + (DVP_EXTRACT if a.arch in DVP_ARCHES else []):
        if cond and not any(f"{c}=y" in dotconfig for c in cond):
            continue
        if os.path.exists(os.path.join(k, f)):
            out = os.path.join(b, "x_" + f.replace("/", "_"))
            extracted.append((out, f, fns))
            srcs.append(out)

    wrapped = []  # (extracted .c, wrapper .c, the wrapper's own -D)
    for f, fns, wrapper, define, own in WRAPPED.get(a.arch, []):
        if os.path.exists(os.path.join(k, f)):
            out = os.path.join(b, "w_" + f.replace("/", "_"))
            extracted.append((out, f, fns))
            wrapped.append((out, os.path.join(kdir, "rt", wrapper), own))
            defs.append("-D" + define)

    dvp = os.path.join(k, "mm", "debug_vm_pgtable.c")
    if dvp in srcs:
        # the runtime's side of it (rt/debug_vm.c, the ops entry) is compiled in too
        defs.append("-DPTF_DEBUG_VM_PGTABLE")
    elif "CONFIG_DEBUG_VM_PGTABLE=y" not in dotconfig:
        defs.append("-DPTF_DVP_ABSENT=1")
    elif a.arch not in DVP_ARCHES:
        defs.append("-DPTF_DVP_ABSENT=2")
    else:
        defs.append("-DPTF_DVP_ABSENT=3")
    defs.append(f"-DPTF_ARCH_KBUILD=\\\"{a.arch}\\\"")
    q = lambda xs: " ".join(shlex.quote(x) if "\\\"" not in x else x for x in xs)
    sym = "ptf_ops_" + a.config.replace("-", "_")
    lines = [
        "# generated by tools/ktree/gen_ninja.py; do not edit",
        f"cflags = {q(inc)} {' '.join(defs)} {q(flags)}",
        "rule cc",
        "  command = clang $cflags -MD -MF $out.d -c $in -o $out",
        "  depfile = $out.d",
        "  deps = gcc",
        "  description = CC $in",
        "rule cchost",
        "  command = clang -O2 -g1 -fPIC -fexceptions -Wall -MD -MF $out.d -c $in -o $out",
        "  depfile = $out.d",
        "  deps = gcc",
        "  description = CC $in",
        "rule extract",
        f"  command = python3 {os.path.join(a.repo, 'tools', 'ktree', 'extract.py')} --tree {k} --file $file $from --out $out $names",
        "  description = EXTRACT $file",
        "rule so",
        # sanitized objects leave the sanitizer runtime to the executable that loads them
        f"  command = clang -shared -o $out $in -Wl,--version-script=$exports -Wl,--gc-sections "
        + ("" if a.sanitize == "1" else "-Wl,--no-undefined"),
        "rule reloc",
        f"  command = ld -r --gc-sections -u ptf_ops -o $out.all.o $in && llvm-objcopy --keep-global-symbol=ptf_ops "
        f"--redefine-sym ptf_ops={sym} $out.all.o $out",
        "rule exports",
        "  command = printf '{ global: ptf_ops; local: *; };\\n' > $out",
        f"exports = {b}/exports.map",
        f"build {b}/exports.map: exports",
    ]
    objs = []
    extractor = os.path.join(a.repo, "tools", "ktree", "extract.py")
    # an overlay's edited copy of a .c file (tools/ktree/overlay.py writes them under <build>/overlay)
    overlay_copy = lambda f: os.path.join(b, "overlay", f) if a.overlay and os.path.exists(os.path.join(b, "overlay", f)) else ""
    for out, f, fns in extracted:
        src = overlay_copy(f) or os.path.join(k, f)
        lines.append(f"build {out}: extract {src} | {extractor}")
        lines.append(f"  file = {f}")
        if overlay_copy(f):
            lines.append(f"  from = --from {src}")
        lines.append(f"  names = {' '.join(shlex.quote(n) for n in fns)}")
    for src in srcs:
        name = os.path.basename(src)[:-2]
        if src.startswith(k):
            name = "tree_" + os.path.relpath(src, k)[:-2].replace("/", "_").replace("-", "_")
        obj = f"{b}/{name}.o"
        objs.append(obj)
        lines.append(f"build {obj}: cc {src}")
        if src == dvp:  # its page-table frees name themselves in reports (shim asm/pgalloc.h)
            lines.append("  cflags = $cflags -DPTF_NAME_CALLS")
    for out, wrapper, own in wrapped:
        obj = f"{b}/{os.path.basename(wrapper)[:-2]}.o"
        objs.append(obj)
        lines.append(f"build {obj}: cc {wrapper} | {out}")
        lines.append(f"  cflags = $cflags -DPTF_EXTRACTED=\\\"{out}\\\" -D{own} -I{os.path.join(kdir, 'rt')}")
    # the one runtime file built against the host's headers (signals, ELF symbols)
    objs.append(f"{b}/host_signals.o")
    lines.append(f"build {b}/host_signals.o: cchost {os.path.join(kdir, 'rt', 'host_signals.c')}")
    lines.append(f"build {b}/ptf_ops.so: so {' '.join(objs)} | {b}/exports.map")
    lines.append(f"build {b}/ptf_ops.o: reloc {' '.join(objs)}")
    lines.append(f"build shared: phony {b}/ptf_ops.so")
    lines.append(f"build static: phony {b}/ptf_ops.o")
    lines.append("default shared")
    tmp = os.path.join(b, "build.ninja.tmp")
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, os.path.join(b, "build.ninja"))


if __name__ == "__main__":
    sys.exit(main())
