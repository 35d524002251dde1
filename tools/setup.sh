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
  libc++-14-dev libc++abi-14-dev afl++    # OSS-Fuzz emulation: -stdlib=libc++, AFL++ (fuzz/oss-fuzz/emulate.sh)
  llvm file zip unzip                     # ... llvm-symbolizer/-profdata/-cov, bad_build_check's tools, seed zips
  yamllint python3-yaml                   # continuous-fuzzing config lint (fuzz/oss-fuzz/lint.sh)
)
# From npm (Debian has no GitHub workflow schema validator): name@version.
npm_packages=(@action-validator/cli@0.6.0)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

npm_missing=()
command -v action-validator >/dev/null || npm_missing+=("${npm_packages[@]}")
if ((${#npm_missing[@]})) && ! command -v npm >/dev/null; then
  missing+=(npm)
fi

if ((${#missing[@]} == 0 && ${#npm_missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
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
