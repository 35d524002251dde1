#!/usr/bin/env python3
"""End-to-end tests of the ptfold command line: outputs, vectors, exit codes.

Usage: cli_test.py PTFOLD_BINARY [CASE]
"""
import json
import subprocess
import sys

PTFOLD = sys.argv[1]


def run(*args):
    p = subprocess.run([PTFOLD, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def walk_json(geometry, va, *extra):
    rc, out, err = run("walk", "--geometry", geometry, "--va", va, "--json", *extra)
    expect(rc in (0, 1), f"walk exit {rc}: {err}")
    return rc, json.loads(out)


def case_geometries_json():
    rc, out, _ = run("geometries", "--json")
    expect(rc == 0, "geometries exit status")
    rows = {g["name"]: g for g in json.loads(out)}
    for name in ["arm64-4k-va39", "arm64-4k-va48", "arm64-4k-va52-lpa2", "arm64-4k-va52-nolpa2",
                 "arm64-16k-va36", "arm64-16k-va47", "arm64-16k-va48", "arm64-16k-va52-lpa2",
                 "arm64-16k-va52-nolpa2", "arm64-64k-va42", "arm64-64k-va48", "arm64-64k-va52-lva",
                 "arm64-64k-va52-nolva", "arm64-4k-va48-boot", "arm64-16k-va48-boot",
                 "arm64-64k-va48-boot"]:
        expect(name in rows, f"{name} listed")
    g = rows["arm64-4k-va52-nolpa2"]
    expect(g["va_bits"] == {"configured": 52, "actual": 48}, "4k/52 nolpa2 VA bits")
    expect(g["levels"] == {"compile_time": 5, "run_time": 4}, "4k/52 nolpa2 levels")
    expect(g["linux"][1]["folded"] == "run-time", "p4d folded at run time")
    expect(g["pgd"]["allocation"] == "page", "full-page pgd")
    g = rows["arm64-64k-va52-nolva"]
    expect(g["ttbr1_offset"] == 7680, "TTBR1 offset")
    expect(g["root_table"]["entries"] == 64, "64-entry hardware root")
    g = rows["arm64-64k-va48-boot"]
    expect(g["pgd"] == {"PGD_SIZE": 512, "allocation": "pgd_cache", "bytes": 512, "align": 512}, "boot 64K pgd")


def case_geometries_target_shows_the_variants_view():
    # The Linux side is the target's: the pgd-allocation variant reports the
    # 128-byte pgd_cache object its pgd_alloc() returns where upstream has a page.
    rc, out, _ = run("geometries", "--json", "--target", "arm64-pgdir-page-size-nofold", "arm64-4k-va52-nolpa2")
    expect(rc == 0, "geometries --target exit status")
    (g,) = json.loads(out)
    expect(g["target"] == "arm64-pgdir-page-size-nofold", "the view's target")
    expect(g["pgd"] == {"PGD_SIZE": 128, "allocation": "pgd_cache", "bytes": 128, "align": 128}, "slab pgd")
    expect(g["linux"][1]["how"] == "PTR_ALIGN_DOWN(pgdp, PAGE_SIZE) + p4d_index(addr)", "probed fold")
    rc, out, _ = run("geometries", "--json", "arm64-4k-va52-nolpa2")
    expect(json.loads(out)[0]["pgd"]["allocation"] == "page", "upstream: a page")
    rc, _, err = run("geometries", "--target", "x86_64", "arm64-*")
    expect(rc == 2 and err.startswith("ptfold: error: "), "a target of another family is a usage error")


def case_walk_vector_4k_48():
    rc, j = walk_json("arm64-4k-va48", "0xffff800012345678")
    expect(rc == 0 and j["verdict"] == "agree", "upstream agrees")
    expect([h["index"] for h in j["hardware"]] == [256, 0, 145, 325], "L0 256, L1 0, L2 145, L3 325")
    expect(j["output_address"].endswith("678"), "offset 0x678")


def case_walk_vector_4k_52_lpa2():
    _, j = walk_json("arm64-4k-va52-lpa2", "0xffff000000000000")
    expect([h["index"] for h in j["hardware"]] == [15, 0, 0, 0, 0], "L-1 15 then 0s")
    _, j = walk_json("arm64-4k-va52-nolpa2", "0xffff000000000000")
    expect([h["index"] for h in j["hardware"]] == [0, 0, 0, 0], "L-1 disappears with T1SZ=16")
    expect(j["linux"][0]["index"] == 15, "Linux pgd_index stays 15")


def case_walk_vector_64k_ttbr1():
    for i in (0, 5, 63):
        va = hex(0xffff000000000000 | (i << 42))
        rc, j = walk_json("arm64-64k-va52-nolva", va)
        expect(rc == 0, "agree")
        expect(j["hardware"][0]["index"] == i, f"hardware slot {i}")
        expect(j["linux"][0]["index"] == 960 + i, f"pgd slot {960 + i}")
        expect(j["linux"][0]["entry_offset"] == (960 + i) * 8, "pgd entry offset")
        pgd, root = int(j["pgd"]["pa"], 16), int(j["root_table"], 16)
        expect(root - pgd == 7680, "TTBR1 = pgd + 7680")


def case_walk_bug_variant_disagrees():
    rc, j = walk_json("arm64-64k-va48-boot", "0xffff000000010000", "--target", "arm64-boot-rounddown")
    expect(rc == 1 and j["verdict"] == "disagree", "round-down on a sub-page pgd disagrees")
    expect(j["first_mismatch"] == "L1", "first differing level is the root")


def case_usage_errors():
    for args in (["walk", "-g", "nope", "--va", "1"],
                 ["walk", "-g", "arm64-4k-va48", "--va", "0xzz"],
                 ["walk", "-g", "arm64-4k-va48", "--va", "0x0001000000000000"],
                 ["walk", "-g", "arm64-4k-va48", "--va", "1", "--target", "nope"],
                 ["walk", "-g", "arm64-4k-va48", "--va", "1", "--target", "arm64-boot"],
                 ["geometries", "nothing-*"],
                 ["no-such-command"]):
        rc, out, err = run(*args)
        expect(rc == 2, f"{args}: exit {rc}, want 2")
        expect(err.startswith("ptfold: error: ") and err.rstrip().endswith(")"),
               f"{args}: stderr {err!r} is not 'ptfold: error: <what> (<how to fix>)'")


def case_readme_geometries_current():
    import os
    readme = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
    text = open(readme).read()
    start = text.index("<!-- generated by: build/dev/tools/ptfold geometries")
    block = text[text.index("```\n", start) + 4:]
    block = block[:block.index("```\n")]
    _, out, _ = run("geometries")
    expect(block == out, "README's geometries table is stale: paste `ptfold geometries` output into it")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    names = sys.argv[2:] or list(CASES)
    for n in names:
        CASES[n]()
        print(f"ok {n}")
