#!/usr/bin/env bash
# Installs every Debian 12 package ptfold needs to build, test and fuzz, and unpacks the
# kernel trees kernel-tree mode checks by default.
# Run as root on a fresh machine; a no-op when everything is present.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config g++        # build
  clang libclang-rt-14-dev                # clang, libFuzzer, ASan/UBSan/LSan runtimes
  llvm                                    # llvm-profdata, llvm-cov: `ptfold campaign --coverage`
  libz3-dev                               # Z3 C++ API (solver/), via pkg-config
  libcli11-dev nlohmann-json3-dev libfmt-dev  # CLI parsing, JSON, formatting
  libgtest-dev                            # unit tests
  python3                                 # corpus compilation and output validation scripts
  # kernel-tree mode (docs/kernel-tree.md): kbuild's host tools, LLVM's linker and binutils
  # (make LLVM=1), and Debian's kernel sources: 6.12 is the default tree, 6.1 the second one CI checks
  make bc bison flex libelf-dev lld llvm xz-utils procps
  linux-source-6.12 linux-source-6.1
  libc++-14-dev libc++abi-14-dev afl++    # OSS-Fuzz emulation: -stdlib=libc++, AFL++ (fuzz/oss-fuzz/emulate.sh)
  file zip unzip                          # ... bad_build_check's tools, seed zips (llvm above: symbolizer, profdata, cov)
  yamllint python3-yaml                   # continuous-fuzzing config lint (fuzz/oss-fuzz/lint.sh)
  # prove's machine formats read by real consumers in ctest: the kernel's KTAP
  # parser (linux-source-6.12), xmllint for JUnit, a JSON-schema validator and
  # npm (SARIF 2.1.0 schema and Microsoft's SARIF Multitool with GitHub's rules)
  libxml2-utils python3-jsonschema
)
# From npm (Debian has no GitHub workflow schema validator): name@version.
npm_packages=(@action-validator/cli@0.6.0)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# npm only where no node is installed: Debian's npm conflicts with a
# nodejs from elsewhere, whose own npm does the same job.
command -v npm >/dev/null || missing+=(npm)
npm_missing=()
command -v action-validator >/dev/null || npm_missing+=("${npm_packages[@]}")

if ((${#missing[@]} || ${#npm_missing[@]})) && [[ $(id -u) -ne 0 ]]; then
  echo "ptfold: error: missing packages: ${missing[*]} ${npm_missing[*]} (run tools/setup.sh as root, or apt-get/npm install -g them)" >&2
  exit 2
fi
if ((${#missing[@]})); then
  echo "ptfold setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ((${#npm_missing[@]})); then
  echo "ptfold setup: installing ${npm_missing[*]} from npm"
  npm install -g --no-audit --no-fund "${npm_missing[@]}" >/dev/null
fi

# Kernel-tree mode's trees: Debian ships each as /usr/src/linux-source-X.tar.xz; unpack them once
# into PTFOLD_TREE_CACHE (default /var/cache/ptfold/trees), where `ptfold ... --kernel-tree` and
# tools/ktree/build.sh find the default one. kbuild only ever reads them (make O=...).
# A stamp records which tarball was unpacked, so a new Debian upload is unpacked again.
trees=${PTFOLD_TREE_CACHE:-/var/cache/ptfold/trees}
for v in 6.12 6.1; do
  tarball=/usr/src/linux-source-$v.tar.xz
  dst=$trees/linux-source-$v
  [[ -f $tarball ]] || continue
  stamp="$(stat -c '%s %Y' "$tarball")"
  [[ -f $dst/.ptfold-unpacked && $(cat "$dst/.ptfold-unpacked") == "$stamp" ]] && continue
  if ! mkdir -p "$trees" 2>/dev/null || [[ ! -w $trees ]]; then
    echo "ptfold: error: cannot write $trees (run tools/setup.sh as root, or set PTFOLD_TREE_CACHE)" >&2
    exit 2
  fi
  exec 8>"$trees/.lock"
  flock 8   # another setup.sh may be unpacking the same tree
  [[ -f $dst/.ptfold-unpacked && $(cat "$dst/.ptfold-unpacked") == "$stamp" ]] && continue
  echo "ptfold setup: unpacking $tarball into $dst (about 20 s)"
  rm -rf "$dst.tmp" "$dst"
  mkdir -p "$dst.tmp"
  tar -xJf "$tarball" -C "$dst.tmp" --strip-components=1
  echo "$stamp" >"$dst.tmp/.ptfold-unpacked"
  mv "$dst.tmp" "$dst"
done

# SARIF 2.1.0 schema and SARIF Multitool (GitHub code scanning's rules) for
# tests/solver/prove_formats_test.sh, from npm into PTFOLD_NPM_PREFIX (default
# /var/cache/ptfold/npm; about 100 MB, 10 s).
npm_prefix=${PTFOLD_NPM_PREFIX:-/var/cache/ptfold/npm}
multitool=$npm_prefix/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [[ ! -x $multitool ]] && command -v npm >/dev/null; then
  if mkdir -p "$npm_prefix" 2>/dev/null && [[ -w $npm_prefix ]]; then
    echo "ptfold setup: installing @microsoft/sarif-multitool into $npm_prefix"
    npm install --prefix "$npm_prefix" --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool@5.7.0
    chmod u+x "$multitool"  # its postinstall step, which npm may not run
  else
    echo "ptfold: error: cannot write $npm_prefix (run tools/setup.sh as root, or set PTFOLD_NPM_PREFIX)" >&2
    exit 2
  fi
fi
