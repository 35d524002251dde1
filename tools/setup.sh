#!/usr/bin/env bash
# Installs every Debian 12 package ptfold needs to build, test and fuzz.
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
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "ptfold: error: missing packages: ${missing[*]} (run tools/setup.sh as root, or apt-get install them)" >&2
  exit 2
fi
echo "ptfold setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
