#!/usr/bin/env python3
"""The kernel-tree fuzz targets on the 6.12 tree's arm64-16k-52 configuration (16K/52, LPA2 on and
off): fuzz_ops_kernel and fuzz_walk_kernel clean on the unmodified tree, and each overlay found
from an empty corpus with a fixed seed, with its stable first line, replayed from the crash file
and from the scenario text to the same line.

Usage: kernel_fuzz_test.py CASE OPS WALK OPS_PUDFREE OPS_STACKCOPY
"""
import os
import re
import subprocess
import sys
import tempfile

CASE, OPS, WALK, OPS_PUDFREE, OPS_STACKCOPY = sys.argv[1:6]
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
        rc, out = fuzz(binary, d, os.path.join(d, crashes[0]))
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


if CASE == "fuzz_clean":
    clean(OPS, 30000, 2)
    clean(WALK, 100000, 2)
elif CASE == "fuzz_overlays":
    found(OPS_PUDFREE, "arm64-16k-va52-lpa2", "ptfold: bad-page-state: pud_free on arm64-16k-va52-lpa2")
    found(OPS_STACKCOPY, "arm64-16k-va52-nolpa2", "ptfold: wild-access: pud_offset_lockless on arm64-16k-va52-nolpa2")
else:
    raise SystemExit(f"ptfold: error: unknown case {CASE} (kernel_fuzz_test.py fuzz_clean|fuzz_overlays)")
print(f"{CASE}: ok")
