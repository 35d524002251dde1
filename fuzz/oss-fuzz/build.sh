#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for projects/ptfold: builds fuzz_walk,
# fuzz_ops and fuzz_scenario with OSS-Fuzz's $CC/$CXX/$CFLAGS/$CXXFLAGS, links them with
# $LIB_FUZZING_ENGINE and puts them, with their seed corpora, into $OUT.
#
# What OSS-Fuzz's base image lacks is not needed: CMake's default generator
# (make) instead of Ninja, no pkg-config (the fuzz-only configure has no Z3),
# and fmt header-only, from $SRC/fmt when the Dockerfile cloned it, else from
# the installed headers - never a libfmt built against libstdc++, which does
# not link with -stdlib=libc++. Only the upstream variants are fuzzed (the
# binaries' default selection): bug variants and corpus/regressions/ stay out
# of the seed corpora. No dictionary and no .options file: a dictionary of
# every seed op made no difference (BENCHMARKS.md, "Fuzzing"), and the
# binaries set their ASan defaults themselves (fuzz/asan_options.cc).
src=$SRC/ptfold
build=$WORK/ptfold-build

fmt_args=(-DPTFOLD_FMT_HEADER_ONLY=ON)
if [[ -f $SRC/fmt/CMakeLists.txt ]]; then
  fmt_args+=(-DPTFOLD_FMT_SOURCE_DIR="$SRC/fmt")
fi

# No CMAKE_BUILD_TYPE: OSS-Fuzz's -O1 -gline-tables-only are the flags.
# CMP tracing stays on: ClusterFuzz's value-profile strategy needs it.
cmake -S "$src" -B "$build" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DPTFOLD_WITH_SOLVER=OFF -DPTFOLD_FUZZ_ONLY=ON \
  -DPTFOLD_FUZZ_CMP_TRACING=ON \
  -DPTFOLD_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  "${fmt_args[@]}"
cmake --build "$build" --target fuzz_walk fuzz_ops fuzz_scenario fuzz_seeds -j"$(nproc)"

for t in fuzz_walk fuzz_ops; do
  cp "$build/fuzz/$t" "$OUT/$t"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$build/fuzz/seeds/$t" && zip -q -X -r "$OUT/${t}_seed_corpus.zip" .)
done
# fuzz_scenario reads scenario text and the byte form: its seeds are the
# readable scenarios, the parser's own corpus (inputs the parser once got
# wrong) and fuzz_ops's byte seeds.
cp "$build/fuzz/fuzz_scenario" "$OUT/fuzz_scenario"
rm -f "$OUT/fuzz_scenario_seed_corpus.zip"
(cd "$src/corpus" && zip -q -X -j "$OUT/fuzz_scenario_seed_corpus.zip" scenarios/*.scn fuzz_scenario/*)
(cd "$build/fuzz/seeds/fuzz_ops" && zip -q -X -r "$OUT/fuzz_scenario_seed_corpus.zip" .)
