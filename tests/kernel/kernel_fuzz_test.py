#!/usr/bin/env python3
"""The kernel-tree fuzz targets on the 6.12 tree's arm64-16k-52 configuration (16K/52, LPA2 on and
off): fuzz_ops_kernel and fuzz_walk_kernel clean on the unmodified tree, and each overlay found
from an empty corpus with a fixed seed, with its stable first line, replayed from the crash file
and from the scenario text to the same line.

Usage: kernel_fuzz_test.py CASE OPS WALK OPS_PUDFREE OPS_STACKCOPY OPS_SETPUD OPS_REREAD
"""
import os
import re
import subprocess
import sys
import tempfile

CASE, OPS, WALK, OPS_PUDFREE, OPS_STACKCOPY, OPS_SETPUD, OPS_REREAD = sys.argv[1:8]
FIRST = re.compile(r"^ptfold: [a-z-]+: \S+ on \S+$")


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def fuzz(binary, cwd, *args, geometry=None):
    env = dict(os.environ)
    env.pop("PTFOLD_VARIANT", None)
    env.pop("PTFOLD_GEOMETRY", None)
    if geometry:
        env["PTFOLD_GEOMETRY"] = geometry
    p = subprocess.run([binary, *args], cwd=cwd, env=env, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def first_lines(out):
    return [l for l in out.splitlines() if FIRST.match(l)]


def clean(binary, runs, pairs):
    with tempfile.TemporaryDirectory() as d:
        corpus = os.path.join(d, "corpus")
        os.mkdir(corpus)
        rc, out = fuzz(binary, d, corpus, f"-runs={runs}", "-seed=1")
        expect(f"{pairs} pairs (variant:geometry): kernel-arm64:arm64-16k-va52-lpa2 kernel-arm64:arm64-16k-va52-nolpa2"
               in out, f"{binary}: the banner names what it holds:\n{out[:2000]}")
        expect(rc == 0 and not first_lines(out), f"{binary} -runs={runs}: clean, got exit {rc}:\n{out[-6000:]}")
        m = re.search(r"Done (\d+) runs", out)
        expect(m and int(m.group(1)) == runs, f"{binary}: {runs} runs done:\n{out[-2000:]}")


def found(binary, geometry, want):
    with tempfile.TemporaryDirectory() as d:
        corpus = os.path.join(d, "corpus")
        os.mkdir(corpus)
        rc, out = fuzz(binary, d, corpus, "-runs=500000", "-seed=1", geometry=geometry)
        lines = first_lines(out)
        expect(rc != 0 and lines and lines[0] == want, f"{binary}: {want}, got exit {rc}, {lines}:\n{out[-4000:]}")
        crashes = [f for f in os.listdir(d) if f.startswith("crash-")]
        expect(len(crashes) == 1, f"one crash file, got {crashes}")
        # the bytes pick their pair among the binary's selection: replay under the same one
        rc, out = fuzz(binary, d, os.path.join(d, crashes[0]), geometry=geometry)
        expect(first_lines(out)[:1] == [want], f"the crash file replays to {want}:\n{out[-3000:]}")
        # The op trace is scenario text naming the real code's variant; it replays too.
        text = out[out.index("ptfold-scenario v1"):]
        text = text[:text.index("ptfold: finding:")]
        expect(re.search(r"^variant kernel-arm64\+\S+$", text, re.M), f"a kernel variant:\n{text}")
        scn = os.path.join(d, "finding.scn")
        with open(scn, "w") as f:
            f.write(text)
        rc, out = fuzz(binary, d, scn)
        expect(first_lines(out)[:1] == [want], f"the scenario text replays to {want}:\n{text}\n{out[-3000:]}")


def replays(binary, text, want):
    with tempfile.TemporaryDirectory() as d:
        scn = os.path.join(d, "input.scn")
        with open(scn, "w") as f:
            f.write(text)
        rc, out = fuzz(binary, d, scn)
        expect(rc != 0 and first_lines(out)[:1] == [want], f"{binary} {text}: {want}:\n{out[-3000:]}")


def reproducer(variant, kernel_variant):
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "corpus", "regressions", variant + ".scn")) as f:
        return re.sub(r"^variant .*$", "variant " + kernel_variant, f.read(), flags=re.M)


if CASE == "fuzz_clean":
    clean(OPS, 30000, 2)
    clean(WALK, 100000, 2)
elif CASE == "fuzz_overlays":
    found(OPS_PUDFREE, "arm64-16k-va52-lpa2", "ptfold: bad-page-state: pud_free on arm64-16k-va52-lpa2")
    found(OPS_STACKCOPY, "arm64-16k-va52-nolpa2", "ptfold: wild-access: pud_offset_lockless on arm64-16k-va52-nolpa2")
    # swapper_pg_dir read-only: set_pud() writing it in place (90e636f60b76 reverted)
    found(OPS_SETPUD, "arm64-16k-va52-nolpa2", "ptfold: ro-write: set_pud on arm64-16k-va52-nolpa2")
    # A lockless helper reading the live entry, under gup-race's writer: the model's reproducer on
    # the tree's code with the overlay.
    replays(OPS_REREAD, reproducer("arm64-lockless-reread", "kernel-arm64+lockless-reread"),
            "ptfold: wild-access: p4d_offset_lockless on arm64-4k-va52-lpa2")
    # From an empty corpus the same binary finds 6.12's own bug on that geometry first: its arm64
    # __p4d_free_tlb() is p4d_free(), a free at once while fast GUP may walk the table (the
    # arm64-p4d-free-at-once model; later kernels free the p4d through the mmu_gather).
    found(OPS_REREAD, "arm64-4k-va52-lpa2", "ptfold: lockless-free: __p4d_free_tlb on arm64-4k-va52-lpa2")
else:
    raise SystemExit(f"ptfold: error: unknown case {CASE} (kernel_fuzz_test.py fuzz_clean|fuzz_overlays)")
print(f"{CASE}: ok")
