#!/usr/bin/env python3
"""Robustness of every CLI path: bad invocations and bad files give one line,
`ptfold: error: <what> (<how to fix>)`, exit 2 and no sanitizer report; a
target that allocates without end is a finding, not a crash; walk and replay
print the same bytes on every run.

Usage: robustness_test.py PTFOLD FUZZ_OPS FUZZ_WALK WALK_SEEDS SOURCE_DIR CASE
"""
import os
import subprocess
import sys
import tempfile

PTFOLD, FUZZ_OPS, FUZZ_WALK, WALK_SEEDS, SRC = sys.argv[1:6]
SANITIZER_WORDS = ("Sanitizer", "runtime error:", "terminate called", "Aborted")


def run(cmd, env=None):
    e = dict(os.environ)
    e.pop("PTFOLD_VARIANT", None)
    e.update(env or {})
    p = subprocess.run(cmd, capture_output=True, env=e)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def tmpfile(name, data):
    d = tempfile.mkdtemp(prefix="ptfold-robust-")
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


MAGIC = b"ptfold-scenario v1\n"
HEAD = MAGIC + b"variant arm64\ngeometry arm64-4k-va48\n"
ISSUE_FIVE_LINES = (b"variant arm64\ngeometry arm64-4k-va48\nmap mm0 va=0xffff800000000000 pa=0x0 level=pte\n"
                    b"geometry arm64-64k-va42\ngup mm0 va=0x1000\n")


def bad_invocations():
    """(argv, a word the message must hold)."""
    d = tempfile.mkdtemp(prefix="ptfold-robust-")
    unreadable = tmpfile("unreadable.scn", HEAD)
    os.chmod(unreadable, 0)
    huge = tmpfile("huge.bin", b"\x01" * ((1 << 20) + 1))
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    cases = [
        (["frobnicate"], "unknown subcommand 'frobnicate'"),
        (["replay"], "FILE is required"),
        (["replay", d], "is a directory"),
        (["decode", d], "is a directory"),
        (["replay", "/dev/zero"], "not a regular file"),
        (["replay", "/dev/null"], "not a regular file"),
        (["replay", fifo], "not a regular file"),
        (["replay", os.path.join(d, "missing")], "No such file"),
        (["replay", huge], "limit"),
        (["replay", tmpfile("empty.bin", b"")], "fuzz bytes"),
        (["replay", "--variant", "upstream", tmpfile("short.bin", b"\x01")], "too short"),
        (["replay", tmpfile("crash.bin", b"\x00\x01\x02\x03")], "--variant"),
        (["replay", "--variant", "nope", tmpfile("crash2.bin", b"\x00\x01\x02\x03")], "no target variant"),
        (["replay", tmpfile("five.scn", ISSUE_FIVE_LINES)], ":4: a second 'geometry'"),
        (["replay", tmpfile("five-magic.scn", MAGIC + ISSUE_FIVE_LINES)], ":5: a second 'geometry'"),
        (["replay", tmpfile("bom.scn", b"\xef\xbb\xbf" + HEAD)], "ptfold-scenario v1"),
        (["replay", tmpfile("blank.scn", b"\n" + HEAD[len(MAGIC):])], "ptfold-scenario v1"),
        (["replay", tmpfile("options.scn", b"options phys=0x0\n")], "ptfold-scenario v1"),
        (["replay", tmpfile("levl.scn", HEAD + b"map mm0 va=0x1000 pa=0x0 levl=pmd\n")], ":4: 'map' has no key 'levl'"),
        (["replay", tmpfile("extra.scn", HEAD + b"gup mm0 va=0x1000 now\n")], "the word 'now'"),
        (["replay", tmpfile("parange.scn", HEAD + b"memory dram=0x0 parange=0x100000030\n")], "parange="),
        (["replay", tmpfile("kaslr.scn", HEAD + b"memory dram=0x0 parange=48 kaslr=0x100000000\n")], "kaslr="),
        (["replay", tmpfile("slab.scn", HEAD + b"options slab=9\n")], "slab=9"),
        (["replay", tmpfile("pgd.scn", HEAD + b"map mm0 va=0x1000 pa=0x0 level=pgd\n")], "level=pgd"),
        (["replay", tmpfile("nul.scn", HEAD + b"gup mm0 va=0x1000\x00\n")], "byte 0x00"),
        (["replay", "--variant", "x86_64", tmpfile("ok.scn", HEAD + b"gup mm0 va=0x1000\n")], "scenario for variant"),
        (["decode", tmpfile("five2.scn", ISSUE_FIVE_LINES)], ":4:"),
        (["walk", "-g", "arm64-4k-va52-lpa2", "--va", "0x1000", "--phys-offset", "0x1000000000000000"], "PA range"),
        (["walk", "-g", "arm64-4k-va48", "--va", "0x1000", "--phys-offset", "0x1001"], "page aligned"),
        (["walk", "-g", "arm64-64k-va48-boot", "--va", "0x1000", "--pgd-offset", "0x10000"], "inside"),
        (["walk", "-g", "arm64-64k-va48-boot", "--va", "0x1000", "--pgd-offset", "0x3"], "aligned"),
        (["walk", "-g", "arm64-4k-va48", "--va", "0x10000000000000000"], "malformed"),
    ]
    if os.geteuid() == 0:  # root reads any file: no unreadable case
        cases = [c for c in cases if c[0][-1] != unreadable]
    else:
        cases.append((["replay", unreadable], "Permission denied"))
    return cases


def case_bad_invocations_are_one_line_errors():
    for argv, word in bad_invocations():
        rc, out, err = run([PTFOLD, *argv])
        lines = err.splitlines()
        expect(rc == 2, f"{argv}: exit {rc}, want 2 (stderr {err!r})")
        expect(len(lines) == 1, f"{argv}: {len(lines)} lines on stderr, want 1: {err!r}")
        expect(lines[0].startswith("ptfold: error: ") and lines[0].endswith(")"),
               f"{argv}: {lines[0]!r} is not 'ptfold: error: <what> (<how to fix>)'")
        expect(word in lines[0], f"{argv}: {lines[0]!r} does not say {word!r}")
        expect(not any(w in err for w in SANITIZER_WORDS), f"{argv}: sanitizer report: {err!r}")


def case_version_and_help():
    rc, out, err = run([PTFOLD, "--version"])
    expect(rc == 0 and out.startswith("ptfold "), f"--version: {rc} {out!r} {err!r}")
    rc2, out2, _ = run([PTFOLD, "--version"])
    expect(out2 == out, "--version differs between runs")


def case_alloc_without_end_is_a_finding():
    expect_line = "ptfold: alloc-limit: pte_alloc_one on arm64-4k-va48"
    scn = os.path.join(SRC, "corpus", "regressions", "arm64-test-alloc-forever.scn")
    rc, out, err = run([PTFOLD, "replay", scn])
    expect(rc == 1 and out.splitlines()[0] == expect_line, f"replay: {rc} {out[:300]!r} {err!r}")
    rc, out, err = run([PTFOLD, "walk", "-g", "arm64-4k-va48", "--va", "0x400000", "--target", "arm64-test-alloc-forever"])
    expect(rc == 1 and "pte_alloc_one: alloc-limit" in out, f"walk: {rc} {out[-400:]!r} {err!r}")
    expect(not any(w in err for w in SANITIZER_WORDS), f"walk: {err!r}")
    rc, out, err = run([PTFOLD, "check", "-g", "arm64-4k-va48", "--target", "arm64-test-alloc-forever",
                        "--random-vas", "4", "--fuzz-inputs", "20"])
    expect(rc == 1 and "ptfold: alloc-limit: pte_alloc_one on arm64-4k-va48" in out and "ptfold check: FAILED" in out,
           f"check: {rc} {out[-600:]!r} {err!r}")
    expect(not any(w in err for w in SANITIZER_WORDS) and "internal:" not in out + err, f"check: {err!r}")
    for binary, inp in ((FUZZ_OPS, scn), (FUZZ_WALK, WALK_SEEDS)):
        rc, out, err = run([binary, inp], {"PTFOLD_VARIANT": "arm64-test-alloc-forever"})
        first = next((l for l in err.splitlines() if l.startswith("ptfold: ")), "")
        expect(rc != 0 and first.startswith("ptfold: alloc-limit: ") and "_alloc_one on arm64-" in first,
               f"{binary}: {rc} {err[:400]!r}")


def twice(argv):
    a = run(argv)
    b = run(argv)
    expect(a == b, f"{argv}: two runs differ:\n{a[1][:2000]}\n---\n{b[1][:2000]}")
    return a


def case_walk_output_is_deterministic():
    for g, va in (("arm64-4k-va52-lpa2", "0xfff0000012345000"), ("arm64-64k-va48-boot", "0x1234560000"),
                  ("x86_64-la57", "0xff11000000001000"), ("riscv64-sv39", "0x3fc0001000")):
        rc, out, err = twice([PTFOLD, "walk", "-g", g, "--va", va])
        expect(rc in (0, 1) and out, f"walk {g}: {rc} {err!r}")
        twice([PTFOLD, "walk", "-g", g, "--va", va, "--json"])
    twice([PTFOLD, "walk", "-g", "arm64-64k-va48-boot", "--va", "0x1234560000", "--target", "arm64-boot-rounddown"])


def case_check_findings_are_deterministic():
    # Every bug variant on every geometry of each arch: the findings' details
    # print table addresses and PAs of the fuzz_walk and boot-op envs (at
    # fixed addresses) and never the host address of a stack copy.
    for g in ("arm64-*", "x86_64-*", "riscv64-*"):
        rc, out, err = twice([PTFOLD, "check", "-t", "*", "-g", g])
        expect(rc == 1 and "ptfold: " in out + err, f"check -t '*' -g {g}: exit {rc}")


def case_replay_output_is_deterministic():
    regs = os.path.join(SRC, "corpus", "regressions")
    for name in sorted(os.listdir(regs)):
        rc, out, _ = twice([PTFOLD, "replay", os.path.join(regs, name)])
        expect(rc == 1, f"{name}: exit {rc}")
    scns = os.path.join(SRC, "corpus", "scenarios")
    for name in sorted(os.listdir(scns))[::8]:
        rc, out, _ = twice([PTFOLD, "replay", os.path.join(scns, name)])
        expect(rc == 0, f"{name}: exit {rc}")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    for n in sys.argv[6:] or list(CASES):
        CASES[n]()
