#!/usr/bin/env bash
# Kernel-tree mode's build driver: prepares a kbuild output directory per configuration of a Linux
# tree (cached, the tree itself never written), compiles our runtime and the tree's real page-table
# code for the x86-64 host behind targets/kernel/shim/, and links one ops-table object per
# configuration: a .so for the CLI (dlopen) and, with --static, a relocatable object for fuzz builds.
#
#   build.sh --tree DIR --geometry G [--overlay NAME] [--static] [--sanitize] [--quiet]
#   build.sh --tree DIR --config C   [...same...]
#   build.sh --tree DIR --list       geometry, config, ok|not-in-tree, reason (TSV; nothing is built)
#
# stdout: the path of the .so (or, with --static, of the .o), one line. Progress goes to stderr.
# Exit: 0 built; 3 the geometry/overlay is not in this tree (reason on stderr); 2 an error;
# 4 with --no-prepare, the configuration is not prepared yet.
# Cache: $PTFOLD_KTREE_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/ptfold/kbuild.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
kdir=$repo/targets/kernel
# Bump when the shims, the runtime or this script change what a prepared directory must hold.
SHIM_VERSION=1

die() { echo "ptfold: error: $1" >&2; exit 2; }
not_in_tree() { echo "ptfold: $1: not in this tree ($2)" >&2; exit 3; }
say() { [[ $quiet == 1 ]] || echo "ptfold: $*" >&2; }

tree= geometry= config= overlay= list=0 static=0 sanitize=0 quiet=0 no_prepare=0
while (($#)); do
  case $1 in
    --tree) tree=${2:-}; shift 2 ;;
    --geometry|-g) geometry=${2:-}; shift 2 ;;
    --config) config=${2:-}; shift 2 ;;
    --overlay) overlay=${2:-}; shift 2 ;;
    --list) list=1; shift ;;
    --static) static=1; shift ;;
    --sanitize) sanitize=1; shift ;;
    --quiet) quiet=1; shift ;;
    --no-prepare) no_prepare=1; shift ;;   # exit 4 instead of preparing a configuration
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see tools/ktree/build.sh --help)" ;;
  esac
done
[[ -n $tree ]] || tree=${PTFOLD_KERNEL_TREE:-/var/cache/ptfold/trees/linux-source-6.12}
cache=${PTFOLD_KTREE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptfold/kbuild}

# --- the tree ------------------------------------------------------------------------------------
[[ -d $tree ]] || die "kernel tree '$tree' does not exist (run tools/setup.sh, or pass --kernel-tree DIR)"
tree=$(cd "$tree" && pwd -P)
if [[ ! -f $tree/Makefile || ! -f $tree/Kconfig || ! -f $tree/include/linux/pgtable.h || ! -x $tree/scripts/config ]] ||
   ! grep -q '^VERSION = ' "$tree/Makefile"; then
  die "'$tree' is not a Linux source tree (no top-level Makefile with VERSION, Kconfig, include/linux/pgtable.h; point it at the top of an unpacked linux tree)"
fi
mk() { sed -n "s/^$1 = *//p" "$tree/Makefile" | head -1; }
kversion="$(mk VERSION).$(mk PATCHLEVEL).$(mk SUBLEVEL)$(mk EXTRAVERSION)"

row() {  # row CONFIG -> sets c_arch c_needs c_frag c_expect
  local line
  line=$(awk -F'\t' -v c="$1" '$1 == c { print; exit }' "$here/configs.tsv")
  [[ -n $line ]] || die "no configuration '$1' in tools/ktree/configs.tsv"
  IFS=$'\t' read -r _ c_arch c_needs c_frag c_expect <<<"$line"
}
srcarch() { case $1 in x86_64) echo x86 ;; *) echo "$1" ;; esac; }
# --- what the tree provides, per configuration (cached per tree: one Kconfig scan per arch) -----
# Why a symbol may be missing, for the message.
declare -A hint=(
  [ARM64_LPA2]="arm64 LPA2, which came with 6.9"
  [ARM64_BOOT_TIME_PAGE_SIZE]="the arm64 boot-time page-size series, not merged upstream"
)
tree_id="$tree $kversion $(stat -c %Y "$tree/Makefile" "$tree/Kconfig" "$tree/arch/arm64/Kconfig" "$tree/arch/x86/Kconfig" \
  "$tree/arch/riscv/Kconfig" 2>/dev/null | tr '\n' ' ')"
# (keyed by configs.tsv too: a changed fragment must not come back from the cache)
tree_key=$( (printf '%s' "$tree_id"; cat "$here/configs.tsv" "$0") | sha256sum | cut -c1-12)
avail=$cache/trees/$tree_key.tsv   # config, why-not ("" if provided), fragment with A|B resolved
if [[ ! -s $avail ]]; then
  mkdir -p "$cache/trees"
  declare -A ksyms=()
  for a in arm64 x86_64 riscv; do
    ksyms[$a]=" $(grep -rhoE "^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+" --include='Kconfig*' \
      "$tree/arch/$(srcarch "$a")" "$tree/mm" "$tree/init" "$tree/lib" "$tree/security" "$tree/arch/Kconfig" 2>/dev/null |
      awk '{ print $2 }' | tr '\n' ' ') "
  done
  resolve() {  # resolve ARCH A|B -> $picked: the first alternative the tree defines, or ""
    local s alts
    picked=
    IFS='|' read -ra alts <<<"$2"
    for s in "${alts[@]}"; do [[ ${ksyms[$1]} == *" $s "* ]] && { picked=$s; return 0; }; done
    return 0
  }
  tmp=$avail.$$
  while IFS=$'\t' read -r c a needs frag _; do
    [[ $c == \#* || $c == config || -z $c ]] && continue
    why= out=()
    for n in $needs; do
      resolve "$a" "$n"
      if [[ -z $picked ]]; then
        why="$kversion has no Kconfig symbol ${n//|/ or }"
        [[ -z ${hint[$n]:-} ]] || why+=": ${hint[$n]}"
        break
      fi
    done
    for x in $frag; do
      if [[ $x == *'|'* ]]; then resolve "$a" "$x"; out+=("${picked:-${x%%|*}}"); else out+=("$x"); fi
    done
    printf '%s\t%s\t%s\n' "$c" "$why" "${out[*]}" >>"$tmp"
  done <"$here/configs.tsv"
  mv "$tmp" "$avail"
fi
availability() {  # availability CONFIG -> $why ("" when the tree has it), $resolved_frag
  # (tabs are IFS whitespace: `read` would merge an empty why-not field into the next one)
  why=$(awk -F'\t' -v c="$1" '$1 == c { print $2; exit }' "$avail")
  resolved_frag=$(awk -F'\t' -v c="$1" '$1 == c { print $3; exit }' "$avail")
}
geometry_config() {
  awk -F'\t' -v g="$1" '$1 == g { print $2; exit }' "$here/geometries.tsv"
}

if [[ $list == 1 ]]; then
  awk -F'\t' 'NR == FNR { why[$1] = $2; next }
              $1 ~ /^#/ || $1 == "geometry" || $1 == "" { next }
              { printf "%s\t%s\t%s\t%s\n", $1, $2, why[$2] == "" ? "ok" : "not-in-tree", why[$2] }' \
    "$avail" "$here/geometries.tsv"
  exit 0
fi

if [[ -n $geometry ]]; then
  config=$(geometry_config "$geometry")
  [[ -n $config ]] || die "unknown geometry '$geometry' (ptfold geometries lists them)"
fi
[[ -n $config ]] || die "no geometry given (--geometry G or --config C)"
row "$config"
availability "$config"
[[ -z $why ]] || not_in_tree "${geometry:-$config}" "$why"

# --- host tools ----------------------------------------------------------------------------------
missing=()
for t in make clang ld.lld llvm-objcopy llvm-nm flex bison bc ninja python3 perl; do
  command -v "$t" >/dev/null || missing+=("$t")
done
[[ $c_arch != x86_64 || -f /usr/include/libelf.h || -f /usr/include/gelf.h ]] || missing+=(libelf-dev)
((${#missing[@]} == 0)) || die "missing host tools for kernel-tree mode: ${missing[*]} (run tools/setup.sh as root)"

# --- prepare (cached) ----------------------------------------------------------------------------
read -ra frag <<<"$resolved_frag"
cfg_tree_id="$tree $kversion $(stat -c %Y "$tree/Makefile" "$tree/arch/$(srcarch "$c_arch")/Kconfig" | tr '\n' ' ')"
key=$(printf '%s\n' "$cfg_tree_id" "${frag[*]}" "$SHIM_VERSION" | sha256sum | cut -c1-12)
O=$cache/$config-$kversion-$key
if [[ ! -f $O/.prepared && $no_prepare == 1 ]]; then   # (before the lock: a prepare may hold it)
  echo "ptfold: ${geometry:-$config}: configuration $config is not prepared yet (--no-prepare)" >&2
  exit 4
fi
mkdir -p "$O"
exec 9>"$O/.lock"
flock 9
donor_id="$cfg_tree_id $c_arch"
if [[ ! -f $O/.prepared ]]; then
  say "preparing $config for $kversion (kbuild defconfig + prepare in $O; about a minute) ..."
  log=$O/prepare.log
  : >"$log"
  prep_start=$SECONDS
  # Host programs (fixdep, kconfig, dtc, modpost, objtool) do not depend on the configuration:
  # start from those of a configuration of the same tree and arch prepared earlier. kbuild
  # still checks each against its recorded command line and dependencies.
  if [[ ! -d $O/scripts ]]; then
    for d in "$cache"/*-"$kversion"-*/; do
      [[ $d != "$O/" && -f $d/.prepared && -f $d/.ptfold-tree && $(cat "$d/.ptfold-tree") == "$donor_id" ]] || continue
      echo "host programs from $d" >>"$log"
      cp -a "$d/scripts" "$O/" 2>>"$log" || true
      [[ ! -d $d/tools ]] || cp -a "$d/tools" "$O/" 2>>"$log" || true
      break
    done
  fi
  kmake() { make -C "$tree" O="$O" ARCH="$c_arch" LLVM=1 -j"${PTFOLD_JOBS:-2}" "$@" >>"$log" 2>&1; }
  kmake defconfig || die "defconfig of $config failed (log: $log)"
  "$tree/scripts/config" --file "$O/.config" "${frag[@]}" >>"$log" 2>&1 || die "scripts/config for $config failed (log: $log)"
  kmake olddefconfig || die "olddefconfig of $config failed (log: $log)"
  for e in $c_expect; do
    if ! grep -qx "$e" "$O/.config"; then
      got=$(grep -E "^(# )?${e%%=*}[= ]" "$O/.config" || echo "${e%%=*} unset")
      echo "expected $e after olddefconfig, got: $got" >>"$log"
      not_in_tree "${geometry:-$config}" "$kversion resolves the fragment to '$got', not $e; log: $log"
    fi
  done
  kmake prepare || die "prepare of $config failed (log: $log)"
  echo "$donor_id" >"$O/.ptfold-tree"
  # (`times` in the shell itself: in a command substitution it would count a subshell's children)
  times >"$O/.times"
  echo "ptfold: prepared in $((SECONDS - prep_start)) s; CPU (user sys) of this script's children so far: $(tail -1 "$O/.times")" >>"$log"
  touch "$O/.prepared"
fi
[[ -f $O/.ptfold-tree ]] || echo "$donor_id" >"$O/.ptfold-tree"

# --- compile + link (ninja: warm builds only redo what changed, headers of the tree included) ----
variant=base
[[ -z $overlay ]] || variant=ovl-$overlay
[[ $sanitize == 0 ]] || variant=$variant-san
B=$O/ptf-$variant
mkdir -p "$B"
ovl_flags=()
if [[ -n $overlay ]]; then
  [[ -d $kdir/overlays/$overlay ]] || die "unknown overlay '$overlay' (ls targets/kernel/overlays)"
  rc=0
  python3 "$here/overlay.py" --tree "$tree" --arch "$c_arch" --out "$B/overlay" "$kdir/overlays/$overlay" || rc=$?
  [[ $rc == 0 ]] || { [[ $rc == 3 ]] && exit 3; exit 2; }
  ovl_flags=(-I"$B/overlay/arch/$(srcarch "$c_arch")/include" -I"$B/overlay/include")
fi
# The ninja file depends on these arguments, the list of shim files and the generator itself; a
# warm call skips the generator (Python and clang start-up) when none of them changed.
gen_args=(--tree "$tree" --out-dir "$O" --build-dir "$B" --arch "$c_arch" --config "$config"
  --kernel-version "$kversion" --overlay "$overlay" --sanitize "$sanitize" --repo "$repo" -- "${ovl_flags[@]}")
gen_stamp="$(printf '%s\n' "${gen_args[@]}"; (cd "$kdir" && find shim rt -type f | sort); stat -c %Y "$here/gen_ninja.py")"
if [[ ! -f $B/build.ninja || ! -f $B/gen.stamp || $(cat "$B/gen.stamp") != "$gen_stamp" ]]; then
  python3 "$here/gen_ninja.py" "${gen_args[@]}" || die "could not generate the build file for $config"
  printf '%s' "$gen_stamp" >"$B/gen.stamp"
fi
say "compiling $config ($variant) ..."
if ! ninja -C "$B" -j"${PTFOLD_JOBS:-2}" $([[ $static == 1 ]] && echo static || echo shared) >"$B/build.log" 2>&1; then
  # The first error names the header that needs a shim (assembler) or the missing symbol (link).
  first=$(grep -m1 -E 'error:|undefined' "$B/build.log" || true)
  die "building $config failed: ${first:-see log} (log: $B/build.log)"
fi
if [[ $static == 1 ]]; then echo "$B/ptf_ops.o"; else echo "$B/ptf_ops.so"; fi
