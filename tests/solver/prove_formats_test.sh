#!/bin/sh
# `ptfold prove`'s machine formats read by their real consumers, on a run with
# every outcome but unknown (proved, not applicable, counterexample): the
# kernel's KTAP parser, xmllint against tests/solver/junit.xsd, the SARIF
# 2.1.0 JSON schema, and - where tools/setup.sh installed it - Microsoft's
# SARIF Multitool with GitHub's rules (0 errors, 0 warnings). Then the output
# is the same bytes on a second run and at -j1 and -j2.
# Usage: prove_formats_test.sh PTFOLD KUNIT_DIR SARIF_SCHEMA MULTITOOL PYTHON
set -u
set -f  # the selection holds globs for ptfold, not the shell
P=$1 KUNIT=$2 SCHEMA=$3 MULTITOOL=$4 PY=$5
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
sel="--target arm64-lockless-stackcopy -g arm64-16k-*"
# shellcheck disable=SC2086
run() { "$P" prove $sel "$@" 2>/dev/null; }

for f in json ktap junit sarif; do run -f $f -j 2 >"$tmp/out.$f"; done
# shellcheck disable=SC2086
if [ "$("$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["not_applicable"] > 0 and s["counterexample"] > 0 and s["proved"] > 0)' "$tmp/out.json")" != True ]; then
  echo "FAIL: the selection no longer has every outcome"; fail=1
fi

if [ -f "$KUNIT/kunit_parser.py" ]; then
  "$PY" "$here/check_formats.py" ktap "$KUNIT" "$tmp/out.ktap" "$tmp/out.json" || fail=1
else
  echo "FAIL: no kunit_parser.py in '$KUNIT' (tools/setup.sh installs linux-source-6.12)"; fail=1
fi

xmllint --noout --schema "$here/junit.xsd" "$tmp/out.junit" || { echo "FAIL: xmllint"; fail=1; }
"$PY" "$here/check_formats.py" junit "$tmp/out.junit" "$tmp/out.json" || fail=1

if [ -f "$SCHEMA" ]; then
  "$PY" "$here/check_formats.py" sarif "$SCHEMA" "$tmp/out.sarif" "$tmp/out.json" || fail=1
else
  echo "FAIL: no SARIF 2.1.0 schema at '$SCHEMA' (tools/setup.sh installs it)"; fail=1
fi
if [ -x "$MULTITOOL" ]; then
  "$MULTITOOL" validate --rule-kind "Gh;Sarif" --output "$tmp/validation.sarif" "$tmp/out.sarif" >"$tmp/mt.log" 2>&1
  if grep -Eq '(error|warning) [A-Z]+[0-9]+' "$tmp/mt.log" || ! grep -q 'Analysis completed successfully' "$tmp/mt.log"; then
    echo "FAIL: SARIF Multitool (GitHub rules):"; cat "$tmp/mt.log"; fail=1
  fi
else
  echo "note: SARIF Multitool not installed at '$MULTITOOL'; GitHub's rules not checked"
fi

# Same bytes: a second run, and one worker vs two.
for f in table sarif; do
  run -f $f -j 1 >"$tmp/a.$f"
  run -f $f -j 2 >"$tmp/b.$f"
  run -f $f -j 2 >"$tmp/c.$f"
  cmp -s "$tmp/a.$f" "$tmp/b.$f" || { echo "FAIL: prove -f $f -j1 != -j2"; diff "$tmp/a.$f" "$tmp/b.$f" | head; fail=1; }
  cmp -s "$tmp/b.$f" "$tmp/c.$f" || { echo "FAIL: prove -f $f differs between two runs"; fail=1; }
done
exit $fail
