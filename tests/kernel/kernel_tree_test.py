#!/usr/bin/env python3
"""Kernel-tree mode end to end: the ptfold binary on real Linux trees.

Usage: kernel_tree_test.py PTFOLD_BINARY SOURCE_DIR CASE

The trees are where tools/setup.sh unpacks them ($PTFOLD_TREE_CACHE, default
/var/cache/ptfold/trees); 6.12 is also the default of a bare --kernel-tree.
Configurations are prepared and compiled once into the kbuild cache
($PTFOLD_KTREE_CACHE) and reused by every later case.
"""
import os
import re
import subprocess
import sys
import tempfile

PTFOLD, SOURCE, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
TREES = os.environ.get("PTFOLD_TREE_CACHE", "/var/cache/ptfold/trees")
TREE_612 = os.path.join(TREES, "linux-source-6.12")
TREE_61 = os.path.join(TREES, "linux-source-6.1")


def run(*args):
    p = subprocess.run([PTFOLD, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def findings(out):
    """The stable first lines of the findings a check printed."""
    return [l for l in out.splitlines()
            if re.match(r"^ptfold: [a-z-]+: \S+ on \S+$", l)]


def check_clean(tree, glob, n, dvp="passed"):
    """n geometries clean, every stage run; dvp: what the debug_vm_pgtable stage must say
    ("passed", or "not applicable" where the object has no debug_vm_pgtable)."""
    args = ["check", "--kernel-tree", tree] if tree else ["check", "--kernel-tree"]
    rc, out, err = run(*args, "--geometry", glob)
    expect(rc == 0, f"check --kernel-tree {tree} -g {glob}: exit {rc}\n{out}\n{err}")
    clean = [l for l in out.splitlines() if re.match(r"^  \S+ +\S+ +clean \(", l)]
    expect(len(clean) == n, f"{n} geometries clean, got {len(clean)}:\n{out}")
    for l in clean:
        m = re.search(r"differential (\d+) VAs, gup_fast (\d+) walks, model-vs-real (\d+) answers", l)
        expect(m and int(m.group(1)) > 50 and int(m.group(2)) > 0 and int(m.group(3)) > 100,
               f"every stage ran: {l}")
        expect(f"debug_vm_pgtable {dvp}" in l, f"debug_vm_pgtable {dvp}: {l}")
    expect(out.rstrip().endswith("ptfold check --kernel-tree: clean"), "verdict line")


def model_first_line(variant):
    rc, out, _ = run("replay", os.path.join(SOURCE, "corpus/regressions", variant + ".scn"))
    expect(rc != 0, f"the model variant {variant} is a finding")
    return out.splitlines()[0]


def overlay_found_10_of_10(overlay, variant, stage=None):
    line = model_first_line(variant)
    geometry = line.rsplit(" on ", 1)[1]
    only = ["--stage", stage] if stage else []
    for i in range(10):
        rc, out, err = run("check", "--kernel-tree", TREE_612, "--overlay", overlay, "--geometry", geometry, *only)
        expect(rc == 1, f"run {i}: check with overlay {overlay} exit {rc}\n{out}\n{err}")
        expect(findings(out)[:1] == [line], f"run {i}: first line {findings(out)[:1]}, model says {line!r}\n{out}")


def case_usage_errors():
    rc, out, err = run("check", "--kernel-tree", "/nonexistent/linux")
    expect(rc == 2 and err.startswith("ptfold: error: kernel tree '/nonexistent/linux' does not exist ("),
           f"missing tree: {rc} {err!r}")
    expect(len(err.splitlines()) == 1 and out == "", "one line, nothing else")
    with tempfile.TemporaryDirectory() as d:
        for cmd in (["geometries"], ["walk", "-g", "arm64-4k-va48", "--va", "0"], ["check"]):
            rc, out, err = run(*cmd, "--kernel-tree", d)
            expect(rc == 2 and err.startswith(f"ptfold: error: '{d}' is not a Linux source tree ("),
                   f"{cmd[0]} on a non-tree: {rc} {err!r}")
    rc, out, err = run("check", "--kernel-tree", TREE_612, "--overlay", "no-such-overlay")
    expect(rc == 2 and "unknown overlay 'no-such-overlay'" in err and "pudfree-nodtor" in err,
           f"unknown overlay: {rc} {err!r}")
    rc, out, err = run("check", "--overlay", "pudfree-nodtor")
    expect(rc == 2 and err.startswith("ptfold: error:"), "--overlay needs --kernel-tree")


def case_geometries_6_12():
    rc, out, _ = run("geometries", "--kernel-tree")  # the default tree
    expect(rc == 0, "geometries exit")
    expect("(Linux 6.12." in out, "the default tree is 6.12")
    rows = {l.split()[0]: l for l in out.splitlines() if l.startswith(("arm64-", "x86_64-", "riscv64-"))}
    expect(len(rows) == 23, "every catalogue row")
    for g, l in rows.items():
        if g.endswith("-boot"):
            expect(re.search(r"no: 6\.12\.\d+ has no Kconfig symbol ARM64_BOOT_TIME_PAGE_SIZE", l), l)
        else:
            expect(l.rstrip().endswith(" yes"), l)
    expect("20 of 23 geometries are in this tree" in out, "20 provided")


def case_geometries_6_1():
    rc, out, _ = run("geometries", "--kernel-tree", TREE_61)
    expect(rc == 0 and "(Linux 6.1." in out, "6.1 tree")
    rows = {l.split()[0]: l for l in out.splitlines() if l.startswith(("arm64-", "x86_64-", "riscv64-"))}
    for g in ("arm64-4k-va52-lpa2", "arm64-4k-va52-nolpa2", "arm64-16k-va52-lpa2", "arm64-16k-va52-nolpa2"):
        expect(re.search(r" no: .*LPA2", rows[g]), f"no LPA2 before 6.9: {rows[g]}")
    for g in ("arm64-64k-va52-lva", "arm64-64k-va52-nolva", "x86_64-la57", "riscv64-sv57"):
        expect(rows[g].rstrip().endswith(" yes"), f"6.1 has {g}: {rows[g]}")


def case_check_6_12_arm64_4k_52():
    check_clean(None, "arm64-4k-va52-*", 2)


def case_check_6_12_arm64_16k_52():
    check_clean(TREE_612, "arm64-16k-va52-*", 2)


def case_check_6_12_x86_64_la57():
    check_clean(TREE_612, "x86_64-*la57", 2)


def case_check_6_12_riscv64():
    check_clean(TREE_612, "riscv64-*", 3)


def case_check_6_1_riscv64():
    check_clean(TREE_61, "riscv64-*", 3)


def case_walk_6_12_arm64_4k_52_nolpa2():
    rc, out, err = run("walk", "--kernel-tree", TREE_612, "-g", "arm64-4k-va52-nolpa2", "--va", "0x0000012345678000")
    expect(rc == 0, f"walk exit {rc}\n{out}\n{err}")
    expect("kernel tree: arm64-4k-52" in out, "names the configuration")
    rc, out, _ = run("walk", "--kernel-tree", TREE_612, "-g", "arm64-4k-va48-boot", "--va", "0x1000")
    expect(rc == 3 and out.startswith("arm64-4k-va48-boot: not in this tree ("), "boot row not in 6.12")


def case_overlay_pudfree_nodtor():
    overlay_found_10_of_10("pudfree-nodtor", "arm64-pudfree-nodtor")


def case_overlay_lockless_stackcopy():
    overlay_found_10_of_10("lockless-stackcopy", "arm64-lockless-stackcopy")


def case_overlay_lockless_reread():
    """A lockless helper that re-reads the live entry: found only because the gup_fast walks of the
    differential stage run with a writer clearing entries under them."""
    overlay_found_10_of_10("lockless-reread", "arm64-lockless-reread", stage="differential")


def case_overlay_setpud_buildtime_fold():
    """set_pud() writing the read-only swapper_pg_dir in place: found because the machine keeps
    swapper_pg_dir read-only in host memory and the runtime reports the write fault."""
    overlay_found_10_of_10("setpud-buildtime-fold", "arm64-setpud-buildtime-fold", stage="differential")


def case_overlay_kasan_early_p4d():
    """x86 KASAN's early_p4d_offset(), taken by name from arch/x86/mm/kasan_init_64.c, with
    __pa_nodebug() applied to the already physical pgd_val() again: the boot-helpers stage."""
    overlay_found_10_of_10("kasan-early-p4d", "x86_64-kasan-early-p4d", stage="boot-helpers")


def case_overlay_hotplug_kaslr_wrap():
    """arm64 arch_get_mappable_range(), taken by name from arch/arm64/mm/mmu.c, without the KASLR
    wrap clamp of ee7febce0519: the hotplug-range stage. (6.1 too, by hand: its arm64-4k-48 is not
    among the configurations CI prepares.)"""
    overlay_found_10_of_10("hotplug-kaslr-wrap", "arm64-hotplug-kaslr-wrap", stage="hotplug-range")


def case_dvp_pudfree_nodtor():
    """The seed bug the way upstream found it: the tree's own mm/debug_vm_pgtable.c, alone, on the
    overlay's pud_free() gives the kernel's Bad page state, named pud_free."""
    rc, out, err = run("check", "--kernel-tree", TREE_612, "--overlay", "pudfree-nodtor",
                       "--geometry", "arm64-4k-va48", "--stage", "debug_vm_pgtable")
    expect(rc == 1, f"exit {rc}\n{out}\n{err}")
    expect(findings(out) == ["ptfold: bad-page-state: pud_free on arm64-4k-va48"], f"first line:\n{out}")
    expect("BUG: Bad page state in process ptfold" in out and "page_type: f2(table)" in out, "the kernel's words")
    expect("found by: the debug_vm_pgtable stage" in out, "found by the self-test")
    # unmodified, the same run is clean and says the test passed
    rc, out, err = run("check", "--kernel-tree", TREE_612, "--geometry", "arm64-4k-va48",
                       "--stage", "debug_vm_pgtable")
    expect(rc == 0 and re.search(r"arm64-4k-va48 +arm64-4k-48 +clean \(debug_vm_pgtable passed\)", out),
           f"unmodified: exit {rc}\n{out}\n{err}")


globals()["case_" + CASE]()
