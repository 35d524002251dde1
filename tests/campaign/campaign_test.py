#!/usr/bin/env python3
"""End-to-end tests of `ptfold campaign`: findings, resume, report, Ctrl-C.

Usage: campaign_test.py PTFOLD FUZZ_BUILD COVERAGE_BUILD CASE

Campaign directories go to a fresh temporary directory (campaigns refuse
directories inside a build tree), removed when the case passes.

Every campaign here is bounded by an execution count (--runs) or by an
event (the first progress line, then SIGINT), never by wall-clock time.
HANG_S is no speed limit but a hang guard, some fifty times what a case
takes: a campaign still running then is stopped and its workers' logs
printed, so a hang fails with its evidence instead of holding the suite.
Cases that need libFuzzer binaries exit 77 (ctest: skipped, "not
applicable") when FUZZ_BUILD has none; tools/test.sh builds them.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

PTFOLD, FUZZ_BUILD, COVERAGE_BUILD, CASE = sys.argv[1:5]
PTFOLD, FUZZ_BUILD, COVERAGE_BUILD = (os.path.abspath(p) for p in (PTFOLD, FUZZ_BUILD, COVERAGE_BUILD))
WORKDIR = tempfile.mkdtemp(prefix=f"ptfold-campaign-{CASE}-")
FIRST_LINE = re.compile(r"^ptfold: [a-z0-9-]+: \S+ on [a-z0-9_-]+$")
HANG_S = 420


def hung(d, what, out="", err=""):
    """Fails with what a hung campaign left: its output, the processes still
    running and the tail of every log in its directory."""
    try:
        ps = subprocess.run(["ps", "-eo", "pid,pgid,stat,etime,args"], capture_output=True, text=True).stdout
    except OSError as e:
        ps = f"(ps: {e})"
    logs = []
    for root, _, files in os.walk(os.path.join(d, "logs")):
        for f in sorted(files):
            with open(os.path.join(root, f), errors="replace") as fh:
                logs.append(f"--- {f} (tail)\n" + "".join(fh.readlines()[-15:]))
    raise AssertionError(f"{what} still running after {HANG_S} s (hang guard)\nstdout:\n{out}\nstderr:\n{err}\n"
                         f"processes:\n{ps}\n" + "\n".join(logs))


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def fresh_dir(name):
    d = os.path.join(WORKDIR, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(WORKDIR, exist_ok=True)
    return d


def need_fuzz_build():
    for t in ("fuzz_ops", "fuzz_walk", "ptfold_fuzz_seeds"):
        if not os.path.exists(os.path.join(FUZZ_BUILD, "fuzz", t)):
            print(f"not applicable: no libFuzzer build of {t} in {FUZZ_BUILD} "
                  "(cmake --preset fuzz && cmake --build build/fuzz --target fuzz_ops fuzz_walk ptfold_fuzz_seeds)")
            sys.exit(77)


def campaign(d, *args, check_rc=None):
    p = subprocess.Popen([PTFOLD, "campaign", d, "--fuzz-build", FUZZ_BUILD, *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGINT)  # the campaign stops its workers and writes its report
        try:
            out, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        hung(d, f"campaign {' '.join(args)}", out, err)
    p = subprocess.CompletedProcess(p.args, p.returncode, out, err)
    if check_rc is not None:
        expect(p.returncode == check_rc,
               f"campaign exit {p.returncode}, wanted {check_rc}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def report(d):
    with open(os.path.join(d, "report.json")) as f:
        return json.load(f)


def first_ptfold_line(text):
    for line in text.splitlines():
        if line.startswith("ptfold: ") and not line.startswith("ptfold: error:"):
            return line
    return None


# --- cases without libFuzzer -------------------------------------------------

def case_usage_errors():
    """Bad input: one `ptfold: error: <what> (<how to fix>)` line, exit 2."""
    build_tree = os.path.dirname(os.path.dirname(os.path.abspath(PTFOLD)))
    cases = [
        ([os.path.join(build_tree, "campaign")], "inside the build tree"),
        ([fresh_dir("usage"), "--time", "ten"], "malformed --time"),
        ([fresh_dir("usage"), "--variant", "no-such-variant"], "no target variant matches"),
        ([fresh_dir("usage"), "--geometry", "mips-*"], "no geometry matches"),
        ([fresh_dir("usage"), "--fuzz-build", os.path.join(WORKDIR, "nowhere")], "no libFuzzer build of fuzz_ops"),
        ([fresh_dir("usage"), "--kernel-tree", "/usr/src/linux"], "kernel-tree fuzz targets"),
        ([fresh_dir("usage"), "--workers", "0"], "--workers 0 is out of range"),
    ]
    for args, what in cases:
        p = subprocess.run([PTFOLD, "campaign", *args], capture_output=True, text=True)
        expect(p.returncode == 2, f"{args}: exit {p.returncode}, wanted 2\n{p.stderr}")
        lines = p.stderr.strip().splitlines()
        expect(len(lines) == 1 and lines[0].startswith("ptfold: error: ") and lines[0].endswith(")"),
               f"{args}: one error line with a fix, got {p.stderr!r}")
        expect(what in lines[0], f"{args}: '{what}' in {lines[0]!r}")
    # The asan/dev presets' fuzz binaries are replay mains, not libFuzzer.
    replay_build = os.path.dirname(os.path.dirname(os.path.abspath(PTFOLD)))
    if os.path.exists(os.path.join(replay_build, "fuzz", "fuzz_ops")) and FUZZ_BUILD != replay_build:
        p = subprocess.run([PTFOLD, "campaign", fresh_dir("usage"), "--fuzz-build", replay_build],
                           capture_output=True, text=True)
        expect(p.returncode == 2 and "not linked with libFuzzer" in p.stderr, f"replay build refused: {p.stderr}")


# --- cases with libFuzzer ----------------------------------------------------

def case_bug_variant_findings():
    """A bug variant: exactly one finding per distinct first line, each
    minimised, saved as bytes and scenario text, and replayed by
    `ptfold replay` to the same first line."""
    need_fuzz_build()
    d = fresh_dir("bug")
    p = campaign(d, "--variant", "arm64-pudfree-nodtor", "--geometry", "arm64-4k-va48", "--runs", "4000",
                 "--workers", "2", "--seed", "7", check_rc=1)
    r = report(d)
    keys = [f["key"] for f in r["findings"]]
    expect(len(keys) >= 1, "the seed bug is found")
    expect(len(keys) == len(set(keys)), f"one finding per first line: {keys}")
    expect(set(keys) == set(r["crashes"]), f"every crash's first line has its finding: {r['crashes']} vs {keys}")
    expect(sum(r["crashes"].values()) >= len(keys), "hits counted")
    expect("ptfold: bad-page-state: pud_free on arm64-4k-va48" in keys, f"seed bug A's first line in {keys}")
    finding_dirs = sorted(os.listdir(os.path.join(d, "findings")))
    expect(len(finding_dirs) == len(keys), f"one directory per finding: {finding_dirs}")
    for f in r["findings"]:
        key = f["key"]
        expect(FIRST_LINE.match(key), f"stable first line shape: {key}")
        fdir = os.path.join(d, f["dir"])
        crash = os.path.join(fdir, "crash.bin")
        expect(os.path.getsize(crash) == f["minimised_bytes"] <= f["original_bytes"], f"{key}: sizes")
        expect(f["minimised"] is True, f"{key}: minimised with -minimize_crash=1")
        expect(f["replay_verified"] is True, f"{key}: replay checked by the campaign")
        if f["fuzzer"] == "fuzz_ops":
            scn = os.path.join(d, f["scenario"])
            with open(scn) as s:
                text = s.read()
            expect("variant arm64-pudfree-nodtor" in text and "geometry arm64-4k-va48" in text,
                   f"{key}: readable scenario text")
            expect(f["replay"] == f"ptfold replay {f['dir']}/finding.scn", f"{key}: replay command")
            rp = subprocess.run([PTFOLD, "replay", f["scenario"]], cwd=d, capture_output=True, text=True)
            expect(rp.returncode == 1, f"{key}: replay reports a finding: {rp.stdout}{rp.stderr}")
            expect(rp.stdout.splitlines()[0] == key, f"{key}: replayed first line {rp.stdout.splitlines()[0]!r}")
        # The minimised bytes crash the fuzz binary with the same first line.
        env = dict(os.environ, PTFOLD_VARIANT="arm64-pudfree-nodtor", PTFOLD_GEOMETRY="arm64-4k-va48")
        fp = subprocess.run([os.path.join(FUZZ_BUILD, "fuzz", f["fuzzer"]), "-runs=1", f"-artifact_prefix={d}/",
                             crash], env=env, capture_output=True, text=True)
        expect(fp.returncode != 0 and first_ptfold_line(fp.stderr) == key, f"{key}: bytes reproduce: {fp.stderr[-400:]}")
    for line in p.stdout.splitlines():
        expect("\x1b" not in line, "no escape codes when piped")
    with open(os.path.join(d, "report.md")) as m:
        md = m.read()
    for k in keys:
        expect(f"### `{k}`" in md, f"{k} in report.md")


def case_resume():
    """The second run continues the same corpus, history and findings."""
    need_fuzz_build()
    d = fresh_dir("resume")
    campaign(d, "--geometry", "riscv64-sv39", "--runs", "1500", "--workers", "2", "--seed", "3", check_rc=0)
    r1 = report(d)
    expect(len(r1["sessions"]) == 1 and r1["execs"] >= 1500, f"first session: {r1['sessions']}")
    expect(r1["seeded"]["fuzz_ops"] >= 1 and r1["seeded"]["fuzz_walk"] >= 1, f"seeded: {r1['seeded']}")
    corpus1 = {t: set(os.listdir(os.path.join(d, "corpus", t))) for t in ("fuzz_ops", "fuzz_walk")}
    p = campaign(d, "--runs", "1500", "--workers", "1", "--seed", "4", check_rc=0)
    expect("(resumed)" in p.stdout, "says it resumed")
    r2 = report(d)
    expect(len(r2["sessions"]) == 2, f"two sessions: {r2['sessions']}")
    expect(r2["selection"] == r1["selection"], "selection kept")
    expect(r2["seeded"] == r1["seeded"], "not seeded again")
    expect(r2["execs"] >= r1["execs"] + 1500, f"executions add up: {r1['execs']} then {r2['execs']}")
    expect(r2["elapsed_s"] >= r1["elapsed_s"], "elapsed time adds up")
    expect(len(r2["history"]) > len(r1["history"]), "history continues")
    expect(r2["history"][:len(r1["history"])] == r1["history"], "earlier history kept")
    expect(r2["coverage"]["fuzz_ops"]["inputs"] >= 1, "corpus kept")
    # libFuzzer's merge keeps what covers something: the resumed corpus
    # still loads at the coverage the first session reached, or more.
    expect(r2["coverage"]["fuzz_ops"]["cov"] >= r1["coverage"]["fuzz_ops"]["cov"],
           f"coverage kept: {r1['coverage']['fuzz_ops']['cov']} -> {r2['coverage']['fuzz_ops']['cov']}")
    expect(corpus1["fuzz_ops"], "corpus1 nonempty")
    # Another selection on the same directory is refused.
    p = campaign(d, "--variant", "arm64", "--runs", "10", check_rc=2)
    expect(p.stderr.startswith("ptfold: error: ") and "variant 'upstream'" in p.stderr, p.stderr)


def case_report_schema():
    """report.json's shape (docs/campaigns.md) and report.md's sections."""
    need_fuzz_build()
    d = fresh_dir("schema")
    campaign(d, "--geometry", "x86_64-*", "--runs", "2000", "--workers", "2", "--seed", "5",
             "--merge-every", "1h", check_rc=0)
    r = report(d)
    expect(r["schema"] == "ptfold-campaign-report/1", "schema id")
    expect(r["selection"] == {"variant": "upstream", "geometry": "x86_64-*", "fuzzers": ["fuzz_ops", "fuzz_walk"]},
           f"selection {r['selection']}")
    for k, t in [("elapsed_s", (int, float)), ("execs", int), ("sessions", list), ("seeded", dict),
                 ("coverage", dict), ("findings", list), ("crashes", dict), ("merges", list), ("history", list)]:
        expect(isinstance(r[k], t), f"{k} is {t}")
    s = r["sessions"][0]
    expect(set(s) == {"workers", "elapsed_s", "execs", "stop"} and s["stop"] == "run budget" and s["workers"] == 2,
           f"session {s}")
    x86 = ["x86_64-4level", "x86_64-la57", "x86_64-nola57", "x86_64-pti"]
    for t in ("fuzz_ops", "fuzz_walk"):
        c = r["coverage"][t]
        expect(c["cov"] > 0 and c["inputs"] > 0, f"{t} coverage measured: {c}")
        expect(sorted(c["geometries"]) == x86, f"{t}: one row per selected geometry: {sorted(c['geometries'])}")
        # An input too short to pick a pair runs on no geometry.
        expect(0 < sum(g["inputs"] for g in c["geometries"].values()) <= c["inputs"], f"{t}: inputs by geometry")
        for g, v in c["geometries"].items():
            expect(v["inputs"] == 0 or 0 < v["cov"] <= c["cov"], f"{t} {g}: cov within the corpus's: {v}")
    expect(len(r["merges"]) == 2, f"the final merge of each target: {r['merges']}")
    for h in r["history"]:
        expect(set(h) == {"elapsed_s", "execs", "exec_per_s", "cov", "corpus", "findings"}, f"history row {h}")
        expect(set(h["cov"]) == {"fuzz_ops", "fuzz_walk"}, "cov per target")
    expect(r["history"][-1]["execs"] == r["execs"], "last sample is the total")
    execs = [h["execs"] for h in r["history"]]
    expect(execs == sorted(execs), "executions never go back")
    with open(os.path.join(d, "report.md")) as m:
        md = m.read()
    for section in ("# ptfold campaign report", "## Findings (0 unique)", "## Coverage", "| x86_64-pti |",
                    "## Throughput over time"):
        expect(section in md, f"report.md has {section!r}")
    state = json.load(open(os.path.join(d, "campaign.json")))
    expect(state["execs"] == r["execs"], "state and report agree")


def case_interrupt():
    """SIGINT (Ctrl-C) stops the workers; the report is still written.
    The signal is sent once the first progress line arrived (an event, not
    a time); output is piped, so lines carry no escape codes."""
    need_fuzz_build()
    d = fresh_dir("interrupt")
    p = subprocess.Popen([PTFOLD, "campaign", d, "--fuzz-build", FUZZ_BUILD, "--geometry", "arm64-64k-*",
                          "--workers", "2", "--progress-every", "0.5"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The hang guard: without a progress line the campaign would run on.
    guard = threading.Timer(HANG_S, p.send_signal, (signal.SIGINT,))
    guard.start()
    lines = []
    for line in p.stdout:
        lines.append(line)
        if line.startswith("campaign 0:"):
            break
    guard.cancel()
    if not any(l.startswith("campaign 0:") for l in lines):
        hung(d, "the campaign's first progress line", "".join(lines), p.stderr.read())
    # One campaign per directory: a second one is refused while it runs.
    second = subprocess.run([PTFOLD, "campaign", d, "--fuzz-build", FUZZ_BUILD, "--runs", "10"],
                            capture_output=True, text=True)
    expect(second.returncode == 2 and "another campaign is running" in second.stderr, f"locked: {second.stderr}")
    p.send_signal(signal.SIGINT)
    try:
        rest, err = p.communicate(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        p.kill()
        rest, err = p.communicate()
        hung(d, "the campaign after SIGINT", "".join(lines) + rest, err)
    lines += rest.splitlines(keepends=True)
    expect(p.returncode == 0, f"exit {p.returncode}\n{''.join(lines)}\n{err}")
    out = "".join(lines)
    expect("\x1b" not in out and "\r" not in out, "plain lines when piped")
    progress = [l for l in lines if l.startswith("campaign 0:")]
    expect(progress and all(re.match(r"campaign \d+:\d\d:\d\d  execs \d+  \d+ exec/s  cov fuzz_ops=\d+ "
                                     r"fuzz_walk=\d+  corpus \d+  findings \d+$", l.rstrip()) for l in progress),
           f"progress lines: {progress}")
    r = report(d)
    expect(r["sessions"][-1]["stop"] == "interrupted", f"stopped by the signal: {r['sessions']}")
    expect(os.path.exists(os.path.join(d, "report.md")), "report.md written")
    expect(not any(os.scandir(os.path.join(d, "crashes", "fuzz_ops"))), "no crash left unprocessed")


def case_coverage_html():
    """--coverage: the corpus replayed by the coverage preset's binaries."""
    need_fuzz_build()
    for t in ("fuzz_ops", "fuzz_walk"):
        if not os.path.exists(os.path.join(COVERAGE_BUILD, "fuzz", t)):
            print(f"not applicable: no coverage build of {t} in {COVERAGE_BUILD}")
            sys.exit(77)
    d = fresh_dir("coverage")
    campaign(d, "--geometry", "riscv64-sv48", "--runs", "1000", "--coverage", "--coverage-build", COVERAGE_BUILD,
             check_rc=0)
    r = report(d)
    sc = r["source_coverage"]
    expect("errors" not in sc, f"no errors: {sc}")
    expect(sc["html"] == "coverage/html/index.html" and os.path.exists(os.path.join(d, sc["html"])), "HTML written")
    t = sc["by_directory"]["targets"]
    expect(0 < t["lines"]["covered"] < t["lines"]["count"], f"targets/ lines: {t}")


if __name__ == "__main__":
    try:
        globals()["case_" + CASE]()
    except BaseException:
        print(f"campaign directories kept in {WORKDIR}")
        raise
    shutil.rmtree(WORKDIR, ignore_errors=True)
