#!/usr/bin/env bash
# Installs every Debian 12 package ptfold needs to build, test and fuzz.
# Run as root on a fresh machine; a no-op when everything is present.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config g++        # build
  clang libclang-rt-14-dev                # clang, libFuzzer, ASan/UBSan/LSan runtimes
  libz3-dev                               # Z3 C++ API (solver/), via pkg-config
  libcli11-dev nlohmann-json3-dev libfmt-dev  # CLI parsing, JSON, formatting
  libgtest-dev                            # unit tests
  python3                                 # corpus compilation and output validation scripts
  # prove's machine formats read by real consumers in ctest: the kernel's KTAP
  # parser (linux-source-6.12), xmllint for JUnit, a JSON-schema validator and
  # npm (SARIF 2.1.0 schema and Microsoft's SARIF Multitool with GitHub's rules)
  linux-source-6.12 libxml2-utils python3-jsonschema
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# npm only where no node is installed: Debian's npm conflicts with a
# nodejs from elsewhere, whose own npm does the same job.
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "ptfold: error: missing packages: ${missing[*]} (run tools/setup.sh as root, or apt-get install them)" >&2
    exit 2
  fi
  echo "ptfold setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

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
