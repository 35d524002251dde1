#!/bin/sh
# `ptfold prove` from the command line: exit codes (0 proved, 1 counterexample,
# 2 usage error), machine formats on stdout, and every counterexample of the
# three bug variants replayed with the `ptfold walk` command it prints (which
# must report the disagreement: exit 1).
set -u
P=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() {
  want=$1
  shift
  "$P" "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: ptfold $* exited $got, want $want"
    head -20 "$tmp/out" "$tmp/err"
    fail=1
  fi
}

expect 0 prove -g arm64-4k-va48
expect 0 prove -g 'arm64-64k-*' -f json -j 2
expect 0 prove -g arm64-4k-va52-nolpa2 -o walk,bug-on -f ktap
head -1 "$tmp/out" | grep -qx 'KTAP version 1' || { echo "FAIL: KTAP version line"; fail=1; }
expect 1 prove --target arm64-fold-cast -g arm64-4k-va52-nolpa2
grep -q 'first difference' "$tmp/out" || { echo "FAIL: no counterexample table"; fail=1; }
expect 1 prove --target arm64-descriptor-ds -g arm64-4k-va52-lpa2 -o descriptor -f sarif
grep -q '"version": "2.1.0"' "$tmp/out" || { echo "FAIL: SARIF version"; fail=1; }
expect 2 prove --obligation nope
grep -q '^ptfold: error: unknown obligation' "$tmp/err" || { echo "FAIL: usage message"; cat "$tmp/err"; fail=1; }
expect 2 prove --format xml
expect 2 prove --target arm64-boot-rounddown -g arm64-4k-va48
expect 2 prove -g no-such-geometry
expect 2 prove --timeout-ms 0

for t in arm64-boot-rounddown arm64-fold-cast arm64-descriptor-ds; do
  "$P" prove --target "$t" -f json >"$tmp/$t.json" 2>/dev/null
  grep -o '"walk_command": "[^"]*"' "$tmp/$t.json" | sed 's/^"walk_command": "ptfold //; s/"$//' | sort -u >"$tmp/$t.cmds"
  n=$(wc -l <"$tmp/$t.cmds")
  if [ "$n" -eq 0 ]; then
    echo "FAIL: $t: no counterexample to replay"
    fail=1
  fi
  while read -r cmd; do
    # shellcheck disable=SC2086
    "$P" $cmd >"$tmp/walk" 2>&1
    rc=$?
    if [ "$rc" -ne 1 ]; then
      echo "FAIL: $t: ptfold $cmd exited $rc, want 1 (the walks disagree)"
      cat "$tmp/walk"
      fail=1
    fi
  done <"$tmp/$t.cmds"
done
exit $fail
