#!/usr/bin/env bash
# Builds every configuration a tree provides (or those of the geometries named) and checks each
# geometry with tools/ktree/selftest.c: the real helpers' walk against the hardware walk, teardown
# through pXd_free and the mmu_gather, no leak, no report, and the tree's own
# mm/debug_vm_pgtable.c clean; then each overlay where it applies (the seed overlay must give the
# kernel's Bad page state, in the walk's teardown and in debug_vm_pgtable's pud_free). Prints one line per step with its
# time, and a summary; exit 0 only if every check passed. Used by CI and for BENCHMARKS.md.
#
#   tools/ktree/all.sh --tree DIR [--prepared-only] [GEOMETRY...]
# --prepared-only skips (and counts) geometries whose configuration is not prepared yet.
# PTFOLD_KTREE_PAR: how many configurations build at once (default: the number of CPUs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tree= geoms=() noprep=()
while (($#)); do
  case $1 in
    --tree) tree=$2; shift 2 ;;
    --prepared-only) noprep=(--no-prepare); shift ;;
    *) geoms+=("$1"); shift ;;
  esac
done
[[ -n $tree ]] || tree=${PTFOLD_KERNEL_TREE:-/var/cache/ptfold/trees/linux-source-6.12}
cache=${PTFOLD_KTREE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptfold/kbuild}
mkdir -p "$cache"
# The selftest binary is named by a hash of its sources: checkouts sharing the cache with another
# PTF_ABI_VERSION each get their own (a stale one would refuse every object).
st=$cache/selftest-$(cat "$here/selftest.c" "$here/../../targets/kernel/abi/ptf_abi.h" | sha256sum | cut -c1-12)
[[ -x $st ]] || { cc -O1 -o "$st.$$" "$here/selftest.c" -ldl && mv "$st.$$" "$st"; }

# The overlays and the geometries where their bug shows: the seed bug needs a PUD level that is
# really there (4 or 5 levels with the PUD unfolded); the lockless copy needs P4D folded at
# compile time and PUD folded at run time (16K/52 without LPA2).
declare -A expect=(
  [pudfree-nodtor:arm64-4k-va48]=bad-page-state
  [pudfree-nodtor:arm64-4k-va52-lpa2]=bad-page-state
  [pudfree-nodtor:arm64-4k-va52-nolpa2]=bad-page-state
  [pudfree-nodtor:arm64-16k-va48]=bad-page-state
  [pudfree-nodtor:arm64-16k-va52-lpa2]=bad-page-state
  [lockless-stackcopy:arm64-16k-va52-nolpa2]=lockless-mismatch
)

wanted() {  # wanted GEOMETRY: named on the command line, or no names given
  ((${#geoms[@]})) || return 0
  local x
  for x in "${geoms[@]}"; do [[ $1 == $x ]] && return 0; done
  return 1
}
list=$("$here/build.sh" --tree "$tree" --list)

t0=$(date +%s.%N)
# Build phase: every configuration (one geometry of each) and every overlay build the checks below
# need, $PTFOLD_KTREE_PAR at a time (default: the number of CPUs). A cold prepare is mostly serial
# make, so two at a time use two cores. Each configuration's directory has its own lock: builds of
# one configuration wait for each other instead of racing. Failures are not reported here: the
# check loop below runs each build again (warm by then) and reports it with its geometry.
par=${PTFOLD_KTREE_PAR:-$(nproc)}
# Stopped (TERM, or INT from outside the terminal's process group), the build phase's jobs stop
# too: xargs and its builds would otherwise go on writing into the cache with nobody waiting
# (pgrep: procps, which tools/setup.sh installs).
kill_tree() { local c; for c in $(pgrep -P "$1" || true); do kill_tree "$c"; done; kill "$1" 2>/dev/null || true; }
trap 'trap - INT TERM; for c in $(pgrep -P $$ || true); do kill_tree "$c"; done; exit 130' INT TERM
if ((par > 1)); then
  # Configurations of one arch take their host programs from one prepared before (build.sh), so
  # the first rounds alternate between arches: rank within the arch first, then the arch.
  declare -A seen=() rank=()
  jobs=()
  while IFS=$'\t' read -r g c status _; do
    [[ $status == ok ]] && wanted "$g" || continue
    [[ -z ${seen[$c]:-} ]] || continue
    seen[$c]=1 a=${g%%-*}
    rank[$a]=$((${rank[$a]:-0} + 1))
    jobs+=("$(printf '%03d' "${rank[$a]}") $g -")
  done <<<"$list"
  while IFS=$'\t' read -r g c status _; do
    [[ $status == ok ]] && wanted "$g" || continue
    for key in "${!expect[@]}"; do [[ ${key#*:} == "$g" ]] && jobs+=("999 $g ${key%%:*}"); done
  done <<<"$list"
  if ((${#jobs[@]})); then
    printf '%s\n' "${jobs[@]}" | LC_ALL=C sort | cut -d' ' -f2- |
      PTF_TREE=$tree PTF_BUILD=$here/build.sh PTF_NOPREP="${noprep[*]}" xargs -P "$par" -L1 bash -c '
        "$PTF_BUILD" --tree "$PTF_TREE" --geometry "$1" $([[ $2 == - ]] || echo --overlay "$2") --quiet $PTF_NOPREP >/dev/null 2>&1 || true' _ &
    wait $! || true   # (in the background: bash runs the trap during `wait`, not during a foreground job)
    printf 'ptfold: build phase: %d builds, %d at a time, %.0f s\n' "${#jobs[@]}" "$par" "$(echo "$(date +%s.%N) - $t0" | bc)"
  fi
fi

fail=0 n=0 skipped=0 unprepared=0 ovl_na=0
while IFS=$'\t' read -r g c status why; do
  wanted "$g" || continue
  if [[ $status != ok ]]; then
    echo "ptfold: $g: not in this tree ($why)"; skipped=$((skipped + 1)); continue
  fi
  s=$(date +%s.%N)
  rc=0
  so=$("$here/build.sh" --tree "$tree" --geometry "$g" --quiet "${noprep[@]}") || rc=$?
  if [[ $rc == 4 ]]; then
    echo "skip $g: $c not prepared"; unprepared=$((unprepared + 1)); continue
  elif [[ $rc != 0 ]]; then
    echo "FAIL $g: build"; fail=$((fail + 1)); continue
  fi
  b=$(date +%s.%N)
  if "$st" "$so" "$g" >"$cache/selftest-$g.log" 2>&1; then r=ok; else r=FAIL; fail=$((fail + 1)); fi
  n=$((n + 1))
  printf '%-4s %-24s %-20s build %6.1fs  check %5.2fs\n' "$r" "$g" "$c" "$(echo "$b - $s" | bc)" "$(echo "$(date +%s.%N) - $b" | bc)"
  [[ $r == ok ]] || sed 's/^/     /' "$cache/selftest-$g.log" | head -20
  for key in "${!expect[@]}"; do
    [[ ${key#*:} == "$g" ]] || continue
    ov=${key%%:*}
    orc=0
    so=$("$here/build.sh" --tree "$tree" --geometry "$g" --overlay "$ov" --quiet 2>"$cache/overlay-$g-$ov.err") || orc=$?
    if ((orc)); then
      # An overlay reverts a fix; a tree older than the fix lacks the code it edits (6.1's arm64
      # pud_free() is asm-generic's): that is no failure of the tree, and said so with the reason.
      # Where the overlay must apply, tests/kernel requires it to be found.
      if [[ $orc == 2 ]] && grep -q "overlay $ov does not apply to" "$cache/overlay-$g-$ov.err"; then
        printf 'n/a  %-24s overlay %s: %s\n' "$g" "$ov" "$(sed -n 's/.*does not apply to [^:]*: //p' "$cache/overlay-$g-$ov.err" | head -1)"
        ovl_na=$((ovl_na + 1))
      else
        echo "FAIL $g overlay $ov: build"; sed 's/^/     /' "$cache/overlay-$g-$ov.err"; fail=$((fail + 1))
      fi
      continue
    fi
    dvp=()  # the kernel's own reports must come from debug_vm_pgtable too; the walk's are selftest's
    [[ ${expect[$key]} == lockless-mismatch ]] || dvp=(--expect-dvp)
    if "$st" "$so" "$g" --expect "${expect[$key]}" "${dvp[@]}" >"$cache/selftest-$g-$ov.log" 2>&1; then
      printf 'ok   %-24s overlay %s: %s reported%s\n' "$g" "$ov" "${expect[$key]}" "${dvp:+ (also by debug_vm_pgtable)}"
    else
      echo "FAIL $g overlay $ov: ${expect[$key]} not reported"; fail=$((fail + 1))
    fi
  done
done <<<"$list"
printf 'ptfold: %d geometries checked, %d not in this tree, %d not prepared, %d overlay runs n/a, %d failed, %.0f s\n' \
  "$n" "$skipped" "$unprepared" "$ovl_na" "$fail" \
  "$(echo "$(date +%s.%N) - $t0" | bc)"
((fail == 0))
