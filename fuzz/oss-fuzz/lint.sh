#!/usr/bin/env bash
# Checks the continuous-fuzzing configuration without a network: the GitHub
# workflows against GitHub's workflow schema (action-validator, from npm),
# every YAML file with yamllint (Debian), and what ties the files together -
# the ClusterFuzzLite modes the workflows run, the sanitizers and language
# they build with, the paths the Dockerfiles copy.
# Usage: fuzz/oss-fuzz/lint.sh [REPO_DIR]. Exit 0 clean, 1 on a finding, 2
# when a linter is missing.
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$repo"

validator=$(command -v action-validator || true)
if [[ -z $validator ]]; then
  echo "ptfold: error: action-validator is missing (run tools/setup.sh as root: npm install -g @action-validator/cli)" >&2
  exit 2
fi
if ! command -v yamllint >/dev/null; then
  echo "ptfold: error: yamllint is missing (run tools/setup.sh as root: apt-get install yamllint)" >&2
  exit 2
fi

failed=0
fail() {
  echo "lint: $*"
  failed=1
}

workflows=(.github/workflows/*.yml)
yamls=("${workflows[@]}" .clusterfuzzlite/project.yaml fuzz/oss-fuzz/project.yaml)

# yamllint: its default rules; lines up to 120 columns; `on:` is a key
# GitHub requires, not a truthy value; no leading `---` required.
yamllint -s -d "{extends: default, rules: {line-length: {max: 120}, truthy: {check-keys: false},
  document-start: disable}}" "${yamls[@]}" || fail "yamllint reported the lines above"

for w in "${workflows[@]}"; do
  out=$("$validator" "$w" 2>&1) || {
    fail "$w does not match GitHub's workflow schema:"
    echo "$out"
  }
done

# What the files must agree on, read as YAML (python3-yaml).
python3 - "${workflows[@]}" <<'EOF' || failed=1
import sys, yaml

def load(p):
    with open(p, encoding="utf-8") as f:
        return yaml.safe_load(f)

errors = []
cfl = load(".clusterfuzzlite/project.yaml")
oss = load("fuzz/oss-fuzz/project.yaml")
if cfl.get("language") != "c++" or oss.get("language") != "c++":
    errors.append("project.yaml: language must be c++ in .clusterfuzzlite/ and fuzz/oss-fuzz/")
for key in ("homepage", "primary_contact", "main_repo", "sanitizers", "fuzzing_engines"):
    if key not in oss:
        errors.append(f"fuzz/oss-fuzz/project.yaml: no '{key}'")
bad = set(oss.get("sanitizers", [])) - {"address", "undefined", "memory"}
if bad:
    errors.append(f"fuzz/oss-fuzz/project.yaml: sanitizers OSS-Fuzz does not build: {sorted(bad)}")
bad = set(oss.get("fuzzing_engines", [])) - {"libfuzzer", "afl", "honggfuzz", "centipede"}
if bad:
    errors.append(f"fuzz/oss-fuzz/project.yaml: unknown fuzzing engines {sorted(bad)}")

modes = set()
for path in sys.argv[1:]:
    wf = load(path)
    for job_name, job in wf.get("jobs", {}).items():
        matrix = job.get("strategy", {}).get("matrix", {})
        for step in job.get("steps", []):
            uses = step.get("uses", "")
            args = step.get("with", {})
            if uses.startswith("google/clusterfuzzlite/actions/"):
                if not uses.endswith("@v1"):
                    errors.append(f"{path}: {job_name}: {uses}: pin the action to @v1")
                san = str(args.get("sanitizer", "address"))
                sans = matrix.get("sanitizer", [san]) if "matrix.sanitizer" in san else [san]
                for s in sans:
                    if s not in ("address", "undefined", "memory", "coverage"):
                        errors.append(f"{path}: {job_name}: unknown sanitizer {s!r}")
            if uses.startswith("google/clusterfuzzlite/actions/build_fuzzers"):
                if args.get("language") != cfl.get("language"):
                    errors.append(f"{path}: {job_name}: build_fuzzers language {args.get('language')!r} "
                                  f"is not project.yaml's {cfl.get('language')!r}")
            if uses.startswith("google/clusterfuzzlite/actions/run_fuzzers"):
                mode = args.get("mode")
                if mode not in ("code-change", "batch", "prune", "coverage"):
                    errors.append(f"{path}: {job_name}: unknown run_fuzzers mode {mode!r}")
                modes.add(mode)
                if mode == "coverage" and args.get("sanitizer") != "coverage":
                    errors.append(f"{path}: {job_name}: coverage mode needs the coverage build")
                if not isinstance(args.get("fuzz-seconds"), int):
                    errors.append(f"{path}: {job_name}: run_fuzzers needs fuzz-seconds")
missing = {"code-change", "batch", "prune", "coverage"} - modes
if missing:
    errors.append(f".github/workflows: no workflow runs ClusterFuzzLite mode(s) {sorted(missing)}")

for dockerfile, base in ((".clusterfuzzlite/Dockerfile", "."), ("fuzz/oss-fuzz/Dockerfile", "fuzz/oss-fuzz")):
    import os, re
    text = open(dockerfile, encoding="utf-8").read()
    if not re.search(r"^FROM gcr\.io/oss-fuzz-base/base-builder$", text, re.M):
        errors.append(f"{dockerfile}: must build FROM gcr.io/oss-fuzz-base/base-builder")
    for src in re.findall(r"^COPY (\S+) ", text, re.M):
        if not os.path.exists(os.path.join(base, src)):
            errors.append(f"{dockerfile}: COPY {src}: no such file in the build context")
for e in errors:
    print("lint:", e)
sys.exit(1 if errors else 0)
EOF

if ((failed)); then
  echo "continuous-fuzzing lint: FAILED"
  exit 1
fi
echo "continuous-fuzzing lint: ${#yamls[@]} YAML files, ${#workflows[@]} workflows: clean"
