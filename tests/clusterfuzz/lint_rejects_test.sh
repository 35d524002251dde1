#!/usr/bin/env bash
# fuzz/oss-fuzz/lint.sh must reject what GitHub or ClusterFuzzLite would:
# each case breaks one thing in a copy of the configuration and expects exit 1
# with the linter's complaint; the unbroken copy must pass.
set -euo pipefail
repo=$1
lint=$repo/fuzz/oss-fuzz/lint.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fresh() {
  rm -rf "$tmp/r" && mkdir -p "$tmp/r/fuzz"
  cp -r "$repo/.github" "$repo/.clusterfuzzlite" "$tmp/r/"
  cp -r "$repo/fuzz/oss-fuzz" "$tmp/r/fuzz/"
}
expect_reject() {  # expect_reject NAME PATTERN: lint fails and prints PATTERN
  local out rc=0
  out=$("$lint" "$tmp/r" 2>&1) || rc=$?
  if [[ $rc -ne 1 ]] || ! grep -q -- "$2" <<<"$out"; then
    echo "FAIL: $1: exit $rc, expected 1 with '$2':"
    echo "$out"
    exit 1
  fi
  echo "ok: $1 rejected"
}

fresh
"$lint" "$tmp/r" >/dev/null || { echo "FAIL: the unbroken configuration does not lint clean"; exit 1; }
echo "ok: unbroken configuration passes"

fresh
sed -i 's/^    runs-on: ubuntu-latest$/    runs-on: ubuntu-latest\n    timeout: 5/' "$tmp/r/.github/workflows/cflite_pr.yml"
expect_reject "a job key GitHub does not know" "does not match GitHub's workflow schema"

fresh
sed -i "s/mode: 'prune'/mode: 'pruning'/" "$tmp/r/.github/workflows/cflite_cron.yml"
expect_reject "an unknown ClusterFuzzLite mode" "unknown run_fuzzers mode 'pruning'"

fresh
rm "$tmp/r/.github/workflows/cflite_batch.yml"
expect_reject "no batch fuzzing" "mode(s) \['batch'\]"

fresh
sed -i 's/^          language: c++$/          language: c/' "$tmp/r/.github/workflows/cflite_build.yml"
expect_reject "a build language project.yaml does not have" "build_fuzzers language 'c'"

fresh
sed -i 's/^    steps:$/    steps:\n  bad-indent: 1/' "$tmp/r/.github/workflows/cflite_pr.yml"
expect_reject "malformed YAML" "yamllint"

fresh
sed -i 's|^COPY .clusterfuzzlite/build.sh|COPY .clusterfuzzlite/missing.sh|' "$tmp/r/.clusterfuzzlite/Dockerfile"
expect_reject "a Dockerfile copying a missing file" "COPY .clusterfuzzlite/missing.sh"
echo "6 broken configurations rejected, 1 clean one passed"
