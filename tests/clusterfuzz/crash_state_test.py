#!/usr/bin/env python3
"""Findings ClusterFuzz tells apart: runs fuzz_ops on every regression
reproducer (each a bug variant's finding) under ASan with OSS-Fuzz's abort
handling, and parses each crash report into ClusterFuzz's crash type and
crash state - with ClusterFuzz's own parser (--clusterfuzz-src, a checkout's
src/ directory) or with a transcription of the patterns of its
src/clusterfuzz/stacktraces/constants.py that a ptfold report goes through.

Checks, per reproducer: stderr's first line is the reproducer's expected
`ptfold: <class>: <helper> on <geometry>`; the crash type is ASSERT; the
crash state is `<class>: <helper> on <arch>`, no stack frame besides.
Across reproducers: different (class, helper, arch) give different crash
states, and ClusterFuzz's grouping (its CrashComparer) does not take
findings of different classes for the same crash.

Exit 0 when every check holds, 1 when one fails, 77 (ctest's skip) when
--clusterfuzz-src is asked for but not given: that check is not applicable.
"""
import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys

# --- ClusterFuzz's patterns (src/clusterfuzz/stacktraces/constants.py) -----
# The C library assertion message: its text is the crash state's first line.
ASSERT_REGEX_GLIBC = re.compile(r".*:\s*assertion [`'\"]?(.*?)[`'\"]? failed\.?$", re.IGNORECASE)
# A sanitizer's abort report; after an ASSERT it changes nothing.
SAN_ABRT_REGEX = re.compile(r".*[a-zA-Z]+Sanitizer: ABRT ")
# A symbolized sanitizer stack frame: `#N 0xADDR in FUNCTION FILE:LINE:COL`.
# The location is a file (`/path/x.cc:12:3`) or, without debug info, the
# module (`(/path/binary+0x1234)`).
SAN_STACK_FRAME_REGEX = re.compile(
    r"\s*#(?P<frame_id>\d+)\s+0x[0-9a-f]+\s+in\s+(?P<function>.*?)\s+"
    r"(?:\((?P<module>[^+)]+)[^)]*\)|(?P<file>[^ ]+?)(?::\d+){1,2})(?:\s|$)")
# Frames left out of the state (the ones a ptfold abort stack has).
STACK_FRAME_IGNORE_REGEXES = [
    r"^abort$", r"^raise$", r"^abort", r"^__GI_", r"^__libc_", r"^__pthread_kill", r"^gsignal",
    r"^_start", r"^main", r"^fuzzer::", r"^__sanitizer::", r"^__asan::", r"^__interceptor_",
    r"^LLVMFuzzerTestOneInput", r".*libc\.so", r".*libc-.*\.so",
]
MAX_CRASH_STATE_FRAMES = 3
LINE_LENGTH_CAP = 80


def parse_documented(report):
    """Crash type and state as ClusterFuzz's StackParser derives them for the
    lines a ptfold report has (its match_assert, add_frame_on_match with
    llvm_test_one_input_override, filter_crash_parameters)."""
    crash_type, state, frames = "", "", 0
    for line in report.splitlines():
        if SAN_ABRT_REGEX.match(line) and crash_type == "ASSERT":
            continue
        m = ASSERT_REGEX_GLIBC.match(line)
        if m:
            crash_type, state, frames = "ASSERT", m.group(1) + "\n", 1
            continue
        m = SAN_STACK_FRAME_REGEX.match(line)
        if m and frames < MAX_CRASH_STATE_FRAMES:
            function = m.group("function")
            if function.startswith("LLVMFuzzerTestOneInput") and m.group("file"):
                # llvm_test_one_input_override: the entry point's file names it.
                function = os.path.basename(m.group("file"))
            if any(re.match(r, function) for r in STACK_FRAME_IGNORE_REGEXES):
                continue
            function = re.sub(r"\(.*$", "", function)  # _filter_stack_frame: no parameters
            state += function + "\n"
            frames += 1
    state = "".join(l[:LINE_LENGTH_CAP] + "\n" for l in state.splitlines())
    return crash_type, state


def without_libc_debug_info(report):
    """The report as a machine without Debian's libc6-dbg prints it. With it,
    libc's frames carry source paths relative to glibc's build directory
    (`in raise signal/../sysdeps/posix/raise.c:26:13`), which ClusterFuzz's
    ignore list does not recognise as libc; without it they name the module
    (`in raise (/lib/x86_64-linux-gnu/libc.so.6+0x..)`), which it does, as it
    does Ubuntu's `/build/glibc-*/` paths on OSS-Fuzz's runners. Only libc
    frames have relative paths here: ptfold's are absolute."""
    return re.sub(r"^(\s*#\d+\s+0x[0-9a-f]+\s+in\s+\S+)\s+[^/(\s]\S*:\d+(?::\d+)?$",
                  r"\1 (/lib/x86_64-linux-gnu/libc.so.6)", report, flags=re.M)


def parse_clusterfuzz(src, report):
    sys.path.insert(0, src)
    from clusterfuzz import stacktraces  # pylint: disable=import-outside-toplevel
    parser = stacktraces.StackParser(symbolized=True, fuzz_target="fuzz_ops", detect_ooms_and_hangs=True,
                                     include_ubsan=True)
    info = parser.parse(report)
    return info.crash_type, info.crash_state


def clusterfuzz_similar(src, a, b):
    sys.path.insert(0, src)
    from clusterfuzz.stacktraces import crash_comparer  # pylint: disable=import-outside-toplevel
    return crash_comparer.CrashComparer(a, b).is_similar()


def reproducers(directory):
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".scn"):
            continue
        path = os.path.join(directory, name)
        text = open(path, encoding="utf-8").read()
        expect = re.search(r"^# expect: (.*)$", text, re.M)
        variant = re.search(r"^variant (\S+)", text, re.M)
        if not expect or not variant:
            raise SystemExit(f"ptfold: error: {path} needs '# expect:' and 'variant' lines")
        yield path, variant.group(1), expect.group(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fuzz-ops", required=True, help="fuzz_ops built with ASan and the replay main")
    ap.add_argument("--regressions", required=True, help="corpus/regressions")
    ap.add_argument("--clusterfuzz-src", nargs="?", const="", default=None,
                    help="a ClusterFuzz checkout's src/ (empty: not applicable, exit 77)")
    args = ap.parse_args()
    if args.clusterfuzz_src is not None and not args.clusterfuzz_src:
        print("not applicable: no ClusterFuzz source (set PTFOLD_CLUSTERFUZZ_SRC to a checkout's src/)")
        return 77

    env = dict(os.environ)
    # OSS-Fuzz's base-runner: ASan reports the abort with a symbolized stack.
    env["ASAN_OPTIONS"] = "handle_abort=1:symbolize=1:detect_leaks=0:dedup_token_length=3"
    symbolizer = shutil.which("llvm-symbolizer")
    if symbolizer:
        env["ASAN_SYMBOLIZER_PATH"] = symbolizer

    failures, states = [], {}
    for path, variant, expect in reproducers(args.regressions):
        run = subprocess.run([args.fuzz_ops, path], env={**env, "PTFOLD_VARIANT": variant},
                             capture_output=True, text=True, check=False)
        report = without_libc_debug_info(run.stderr)
        name = os.path.basename(path)
        first = report.splitlines()[0] if report else ""
        if run.returncode == 0 or first != expect:
            failures.append(f"{name}: first line {first!r}, expected {expect!r} (exit {run.returncode})")
            continue
        m = re.match(r"ptfold: (\S+): (\S+) on ([^-\s]+)", expect)
        want = f"{m.group(1)}: {m.group(2)} on {m.group(3)}\n"
        if args.clusterfuzz_src:
            got = parse_clusterfuzz(args.clusterfuzz_src, report)
            documented = parse_documented(report)
            if documented != got:
                failures.append(f"{name}: the documented patterns give {documented!r}, ClusterFuzz {got!r}")
        else:
            got = parse_documented(report)
        print(f"{name}: {got[0]} {got[1]!r}")
        if got != ("ASSERT", want):
            failures.append(f"{name}: crash type/state {got!r}, expected {('ASSERT', want)!r}")
        states.setdefault(want, set()).add(got[1])

    # Different findings, different states; and (with ClusterFuzz) different
    # classes never grouped as one crash.
    distinct = {s for got in states.values() for s in got}
    print(f"{len(states)} distinct findings -> {len(distinct)} distinct crash states")
    if len(distinct) != len(states) or len(states) < 2:
        failures.append(f"{len(states)} distinct findings gave {len(distinct)} crash states")
    if args.clusterfuzz_src:
        for a, b in itertools.combinations(sorted(distinct), 2):
            if a.split(":")[0] != b.split(":")[0] and clusterfuzz_similar(args.clusterfuzz_src, a, b):
                failures.append(f"ClusterFuzz groups {a!r} with {b!r}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
