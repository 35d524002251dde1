#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script (kept in our repo; the project's
# Dockerfile runs it from $SRC/ptfold). Builds the fuzz targets with
# $CC/$CXX/$CXXFLAGS and links them with $LIB_FUZZING_ENGINE. Only the
# upstream variants are fuzzed (the binaries' default selection); the bug
# variants and corpus/regressions/ stay out of the seed corpora.
cd "$SRC/ptfold"
cmake -S . -B build-oss -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DPTFOLD_WITH_SOLVER=OFF -DPTFOLD_FUZZ_ONLY=ON \
  -DPTFOLD_FUZZ_CMP_TRACING=ON \
  -DPTFOLD_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build build-oss --target fuzz_walk fuzz_ops fuzz_seeds -j"$(nproc)"
for t in fuzz_walk fuzz_ops; do
  cp "build-oss/fuzz/$t" "$OUT/$t"
  (cd "build-oss/fuzz/seeds/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
done
