#!/usr/bin/env bash
# One configuration object of the kernel-tree fuzz targets (fuzz/CMakeLists.txt runs it on every
# build): tools/ktree/build.sh --static --sanitize, whose ninja (depfiles) recompiles what a changed
# tree header or runtime file touches, then the object copied to OUT only when it changed (so the
# fuzz binaries are relinked only then). A configuration or overlay the tree does not provide
# (build.sh exit 3) is left out with a message: OUT becomes an empty object, and the binary reports
# the geometry as left out at start. A configuration without fast GUP (riscv before 6.3) is fuzzed
# too: the object says so (ops.has_fast_gup), and the runner then has no gup op and no walker for
# its lockless-free oracle.
#
#   fuzz_object.sh --tree DIR --config C [--overlay NAME] --out FILE
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tree= config= overlay= out=
while (($#)); do
  case $1 in
    --tree) tree=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --overlay) overlay=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "ptfold: error: unknown argument '$1' (see tools/ktree/fuzz_object.sh)" >&2; exit 2 ;;
  esac
done
[[ -n $tree && -n $config && -n $out ]] || { echo "ptfold: error: --tree, --config and --out are required (see tools/ktree/fuzz_object.sh)" >&2; exit 2; }
args=(--tree "$tree" --config "$config" --static --sanitize --quiet)
[[ -z $overlay ]] || args+=(--overlay "$overlay")
rc=0
obj=$("$here/build.sh" "${args[@]}") || rc=$?
why="not in this tree, above"
if [[ $rc == 3 ]]; then
  echo "ptfold: $config${overlay:+ with overlay $overlay}: left out of the kernel-tree fuzz targets ($why)" >&2
  tmp=$(mktemp --suffix=.o)
  printf '' | clang -c -x c - -o "$tmp"
  obj=$tmp
elif [[ $rc != 0 ]]; then
  exit "$rc"
fi
mkdir -p "$(dirname "$out")"
if ! cmp -s "$obj" "$out" 2>/dev/null; then cp "$obj" "$out"; fi
[[ $rc != 3 ]] || rm -f "$obj"
