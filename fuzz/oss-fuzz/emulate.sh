#!/usr/bin/env bash
# Runs fuzz/oss-fuzz/build.sh the way OSS-Fuzz does, without Docker: the
# environment of its base-builder image and `compile` step (CC, CXX, CFLAGS,
# CXXFLAGS with -stdlib=libc++, SANITIZER_FLAGS_*, COVERAGE_FLAGS,
# LIB_FUZZING_ENGINE, SRC, OUT, WORK), then the checks of its base-runner
# image on what landed in $OUT: bad_build_check's per-target checks, a
# run_fuzzer pass over each seed corpus and a short run_fuzzer session; for
# the coverage build, the profile of a corpus run turned into an llvm-cov
# report, as base-runner's `coverage` does.
#
# Usage: fuzz/oss-fuzz/emulate.sh [--project oss-fuzz|clusterfuzzlite]
#          [--sanitizer address|undefined|coverage] [--engine libfuzzer|afl]
#          [--seconds N] [--dir DIR]
# --project picks the build script the image runs: fuzz/oss-fuzz/build.sh
# (OSS-Fuzz's projects/ptfold) or .clusterfuzzlite/build.sh.
# Exit status 0 when the build and every check pass, 1 when a check fails
# (each failure printed as `BAD BUILD: ...`, OSS-Fuzz's words), 2 on misuse.
# The values below are OSS-Fuzz's, from infra/base-images/base-clang,
# base-builder and base-runner (their Dockerfiles, `compile`,
# `compile_libfuzzer`, `compile_afl`, `bad_build_check`, `run_fuzzer`); the
# local difference is the compiler: Debian's clang 14, libc++ 14, libFuzzer
# and AFL++ instead of the image's own builds (see compile_libfuzzer below).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

usage() {
  echo "ptfold: error: $1 (usage: fuzz/oss-fuzz/emulate.sh [--project oss-fuzz|clusterfuzzlite] [--sanitizer address|undefined|coverage] [--engine libfuzzer|afl] [--seconds N] [--dir DIR])" >&2
  exit 2
}

project=oss-fuzz
SANITIZER=address
FUZZING_ENGINE=libfuzzer
seconds=10
dir=
while (($#)); do
  case $1 in
    --project) (($# >= 2)) || usage "--project needs a value"; project=$2; shift 2 ;;
    --sanitizer) (($# >= 2)) || usage "--sanitizer needs a value"; SANITIZER=$2; shift 2 ;;
    --engine) (($# >= 2)) || usage "--engine needs a value"; FUZZING_ENGINE=$2; shift 2 ;;
    --seconds) (($# >= 2)) || usage "--seconds needs a value"; seconds=$2; shift 2 ;;
    --dir) (($# >= 2)) || usage "--dir needs a value"; dir=$2; shift 2 ;;
    *) usage "unknown argument '$1'" ;;
  esac
done
case $project in oss-fuzz) build_script=fuzz/oss-fuzz/build.sh ;; clusterfuzzlite) build_script=.clusterfuzzlite/build.sh ;;
  *) usage "unknown project '$project'" ;; esac
case $SANITIZER in address | undefined | coverage) ;; *) usage "unknown sanitizer '$SANITIZER'" ;; esac
case $FUZZING_ENGINE in libfuzzer | afl) ;; *) usage "unknown engine '$FUZZING_ENGINE'" ;; esac
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage "--seconds must be a positive integer, not '$seconds'"
if [[ $FUZZING_ENGINE == afl && $SANITIZER == coverage ]]; then
  usage "the coverage build is a libFuzzer build in OSS-Fuzz (use --engine libfuzzer)"
fi
for tool in clang++ objdump file zip unzip; do
  command -v "$tool" >/dev/null || usage "$tool is missing (run tools/setup.sh as root)"
done
if [[ ! -f /usr/lib/llvm-14/include/c++/v1/vector && ! -f /usr/include/c++/v1/vector ]]; then
  usage "libc++ headers are missing (run tools/setup.sh as root: libc++-14-dev libc++abi-14-dev)"
fi
if [[ $FUZZING_ENGINE == afl ]]; then
  command -v afl-clang-fast++ >/dev/null && command -v afl-fuzz >/dev/null ||
    usage "AFL++ is missing (run tools/setup.sh as root: afl++)"
fi
if [[ $SANITIZER == coverage ]]; then
  command -v llvm-profdata >/dev/null && command -v llvm-cov >/dev/null ||
    usage "llvm-profdata/llvm-cov are missing (run tools/setup.sh as root: llvm)"
fi

dir=${dir:-$repo/build/$project/$FUZZING_ENGINE-$SANITIZER}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# $SRC/ptfold is the project as the Dockerfile copies it in: this
# checkout's files, tracked or new, without what .gitignore leaves out (the
# build trees). $WORK keeps the CMake tree between runs.
export SRC=$dir/src OUT=$dir/out WORK=$dir/work
rm -rf "$OUT" "$SRC"
mkdir -p "$SRC/ptfold" "$OUT" "$WORK"
if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$repo" ls-files -z --cached --others --exclude-standard |
    (cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$SRC/ptfold"
else  # an unpacked release: everything but the build trees
  (cd "$repo" && tar --exclude=./build --exclude=./.cache -cf - .) | tar -xf - -C "$SRC/ptfold"
fi
cp "$repo/$build_script" "$SRC/build.sh"

# --- base-clang and base-builder: the image's environment ---------------
export CC=clang CXX=clang++ CCC=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only \
-Wno-error=incompatible-function-pointer-types -Wno-error=int-conversion \
-Wno-error=deprecated-declarations -Wno-error=implicit-function-declaration \
-Wno-error=implicit-int -Wno-error=unknown-warning-option \
-Wno-error=vla-cxx-extension -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
export CXXFLAGS_EXTRA="-stdlib=libc++"
export SANITIZER_FLAGS_address="-fsanitize=address -fsanitize-address-use-after-scope"
export SANITIZER_FLAGS_undefined="-fsanitize=array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
export SANITIZER_FLAGS_coverage=""
export COVERAGE_FLAGS="-fsanitize=fuzzer-no-link"
export COVERAGE_FLAGS_coverage="-fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument"
export UBSAN_OPTIONS="silence_unsigned_overflow=1"
export ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c++ SANITIZER FUZZING_ENGINE
export LIB_FUZZING_ENGINE_DEPRECATED=$WORK/libFuzzingEngine.a
export LIB_FUZZING_ENGINE=$LIB_FUZZING_ENGINE_DEPRECATED

# --- compile: the per-build flags --------------------------------------
flags_var=SANITIZER_FLAGS_$SANITIZER
export SANITIZER_FLAGS=${!flags_var}
if [[ $FUZZING_ENGINE == libfuzzer ]]; then  # compile_libfuzzer
  # Debian's libFuzzer (libclang_rt.fuzzer) is built against libstdc++, where
  # OSS-Fuzz's carries a private libc++: it needs libstdc++ beside libc++
  # (named as a file: clang turns -lstdc++ into -lc++ under -stdlib=libc++).
  export LIB_FUZZING_ENGINE="-fsanitize=fuzzer -l:libstdc++.so.6"
else  # compile_afl: the driver library as $LIB_FUZZING_ENGINE, afl-clang-fast as the compiler
  cp /usr/lib/afl/libAFLDriver.a "$LIB_FUZZING_ENGINE"
  for f in afl-fuzz afl-showmap afl-tmin afl-cmin; do cp "$(command -v $f)" "$OUT/"; done
  export CC=afl-clang-fast CXX=afl-clang-fast++
  export AFL_QUIET=1 AFL_IGNORE_PROBLEMS=1 AFL_IGNORE_UNKNOWN_ENVS=1
  export ASAN_OPTIONS="detect_leaks=0:symbolize=0:detect_odr_violation=0:abort_on_error=1"
  env | grep '^AFL_' >"$OUT/afl_options.txt"
fi
coverage_var=COVERAGE_FLAGS_$SANITIZER
if [[ -n ${!coverage_var+x} ]]; then COVERAGE_FLAGS=${!coverage_var}; fi
if [[ $FUZZING_ENGINE == afl ]]; then COVERAGE_FLAGS=; fi
export COVERAGE_FLAGS
export CFLAGS="$CFLAGS $SANITIZER_FLAGS $COVERAGE_FLAGS"
export CXXFLAGS="$CFLAGS $CXXFLAGS_EXTRA"
cp "$(command -v llvm-symbolizer)" "$OUT/" 2>/dev/null || true
echo "---------------------------------------------------------------"
echo "CC=$CC"
echo "CXX=$CXX"
echo "CFLAGS=$CFLAGS"
echo "CXXFLAGS=$CXXFLAGS"
echo "LIB_FUZZING_ENGINE=$LIB_FUZZING_ENGINE"
echo "---------------------------------------------------------------"
logs=$dir/logs
rm -rf "$logs" && mkdir -p "$logs"
started=$SECONDS
if ! (cd "$SRC/ptfold" && bash -eux "$SRC/build.sh") >"$logs/build.log" 2>&1; then
  tail -n 80 "$logs/build.log"
  echo "BAD BUILD: build.sh failed (log: $logs/build.log)"
  exit 1
fi
echo "build.sh: $((SECONDS - started)) s (log: $logs/build.log)"
unset ASAN_OPTIONS

# --- base-runner: the environment fuzz targets run in ------------------
export ASAN_OPTIONS="alloc_dealloc_mismatch=0:allocator_may_return_null=1:allocator_release_to_os_interval_ms=500:check_malloc_usable_size=0:detect_container_overflow=1:detect_odr_violation=0:detect_leaks=1:detect_stack_use_after_return=1:fast_unwind_on_fatal=0:handle_abort=1:handle_segv=1:handle_sigill=1:max_uar_stack_size_log=16:print_scariness=1:quarantine_size_mb=10:strict_memcmp=1:strip_path_prefix=/workspace/:symbolize=1:use_sigaltstack=1:dedup_token_length=3"
export UBSAN_OPTIONS="print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:strip_path_prefix=/workspace/:symbolize=1:dedup_token_length=3"
export FUZZER_ARGS="-rss_limit_mb=2560 -timeout=25"
export AFL_FUZZER_ARGS="-m none"
started=$SECONDS

# run_fuzzer NAME [ARGS...]: base-runner's run_fuzzer - the seed corpus
# unzipped into a fresh corpus directory (unless SKIP_SEED_CORPUS), the
# engine's command line, options from NAME.options.
run_fuzzer() {
  local name=$1
  shift
  local corpus=$dir/corpus/$name fuzzer_out=$dir/fuzzer-out/$name
  rm -rf "$corpus" "$fuzzer_out" && mkdir -p "$corpus" "$fuzzer_out"
  if [[ -f $OUT/${name}_seed_corpus.zip && -z ${SKIP_SEED_CORPUS:-} ]]; then
    echo "Using seed corpus: ${name}_seed_corpus.zip"
    unzip -q -o -d "$corpus" "$OUT/${name}_seed_corpus.zip"
  fi
  local options=()
  if [[ -f $OUT/$name.options ]]; then
    mapfile -t options < <(python3 - "$OUT/$name.options" <<'EOF'
import configparser, sys
p = configparser.ConfigParser()
p.read(sys.argv[1])
if p.has_section("libfuzzer"):
    for k, v in p["libfuzzer"].items():
        print(f"-{k}={v}")
EOF
    )
  fi
  if [[ $FUZZING_ENGINE == afl ]]; then
    echo input >"$corpus/input"
    (
      export ASAN_OPTIONS="$ASAN_OPTIONS:abort_on_error=1:symbolize=0:detect_odr_violation=0:"
      export UBSAN_OPTIONS="$UBSAN_OPTIONS:symbolize=0"
      export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_TRY_AFFINITY=1 \
        AFL_FAST_CAL=1 AFL_CMPLOG_ONLY_NEW=1 AFL_FORKSRV_INIT_TMOUT=30000 AFL_IGNORE_PROBLEMS=1 \
        AFL_IGNORE_UNKNOWN_ENVS=1 AFL_NO_UI=1
      local dict=()
      [[ -f $OUT/$name.dict ]] && dict=(-x "$OUT/$name.dict")
      # shellcheck disable=SC2086
      "$OUT/afl-fuzz" $AFL_FUZZER_ARGS -t 5000+ -i "$corpus" -o "$fuzzer_out" "${dict[@]}" "$@" -- "$OUT/$name"
    )
  else
    local cmd=("$OUT/$name" $FUZZER_ARGS "$@")
    [[ -z ${SKIP_SEED_CORPUS:-} ]] && cmd+=("$corpus")
    cmd+=("${options[@]}")
    [[ -f $OUT/$name.dict && ! " ${cmd[*]} " =~ " -dict=" ]] && cmd+=("-dict=$OUT/$name.dict")
    echo "${cmd[*]}"
    (cd "$OUT" && "${cmd[@]}" </dev/null)
  fi
}

failed=0
bad() {
  echo "BAD BUILD: $*"
  failed=1
}

# The targets, found as base-runner's test_all.py finds them.
targets=()
for f in "$OUT"/*; do
  name=$(basename "$f")
  [[ -f $f && -x $f && $name != llvm-symbolizer && $name != afl-* ]] || continue
  file "$f" | grep -q ELF || continue
  grep -q LLVMFuzzerTestOneInput "$f" || continue
  targets+=("$name")
done
expected=(fuzz_ops fuzz_scenario fuzz_walk)
[[ "${targets[*]}" == "${expected[*]}" ]] || bad "\$OUT has fuzz targets '${targets[*]}', expected '${expected[*]}'"
for t in "${expected[@]}"; do
  [[ -s $OUT/${t}_seed_corpus.zip ]] || bad "$t has no seed corpus ($OUT/${t}_seed_corpus.zip)"
done

count_calls() {  # count_calls BINARY PREFIX: calls into a sanitizer runtime
  objdump -dC "$1" | grep -cE "callq?\s+[0-9a-f]+\s+<$2" || true
}

# bad_build_check, one target at a time (its checks and thresholds).
check_target() {
  local t=$1 log=$logs/$1
  # check_engine
  if [[ $FUZZING_ENGINE == libfuzzer ]]; then
    "$OUT/$t" -seed=1337 -runs=4 &>"$log.engine" || true
    if grep -q "ERROR: no interesting inputs were found. Is the code instrumented" "$log.engine"; then
      bad "$t does not seem to have coverage instrumentation."
      return
    fi
    local edges
    edges=$(grep -Po "INFO: Loaded [[:digit:]]+ module.*\(.*(counters|guards)\):[[:space:]]+\K[[:digit:]]+" "$log.engine" || true)
    if [[ -n $edges ]] && ((edges < 100)); then
      bad "$t seems to have only partial coverage instrumentation ($edges edges)."
    fi
    echo "$t: $edges edges instrumented"
  else
    AFL_FORKSRV_INIT_TMOUT=30000 SKIP_SEED_CORPUS=1 run_fuzzer "$t" -V 5 &>"$log.engine" || true
    if ! grep -q "All set and ready to roll" "$log.engine"; then
      bad "fuzzing $t with afl-fuzz failed."
      cat "$log.engine"
      return
    fi
    echo "$t: afl-fuzz: all set and ready to roll"
  fi
  # check_architecture
  file "$OUT/$t" | grep -q "x86-64" || bad "$t is not built for architecture: x86_64"
  # check_mixed_sanitizers (OSS-Fuzz checks libFuzzer builds for UBSan)
  local asan msan dfsan ubsan
  asan=$(count_calls "$OUT/$t" __asan)
  msan=$(count_calls "$OUT/$t" __msan)
  dfsan=$(count_calls "$OUT/$t" __dfsan)
  ubsan=$(count_calls "$OUT/$t" __ubsan)
  echo "$t: calls into __asan $asan, __ubsan $ubsan, __msan $msan, __dfsan $dfsan"
  case $SANITIZER in
    address)
      ((asan >= 1000)) || bad "$t does not seem to be compiled with ASan."
      ((dfsan == 0)) || bad "ASan build of $t seems to be compiled with DFSan."
      ((msan <= 3)) || bad "ASan build of $t seems to be compiled with MSan."
      ((ubsan <= 200)) || bad "ASan build of $t seems to be compiled with UBSan."
      ;;
    undefined)
      if [[ $FUZZING_ENGINE == libfuzzer ]]; then
        ((asan == 0)) || bad "UBSan build of $t seems to be compiled with ASan."
        ((dfsan == 0)) || bad "UBSan build of $t seems to be compiled with DFSan."
        ((msan <= 3)) || bad "UBSan build of $t seems to be compiled with MSan."
        ((ubsan >= 168)) || bad "$t does not seem to be compiled with UBSan."
      fi
      ;;
  esac
  # check_startup_crash
  if [[ $FUZZING_ENGINE == libfuzzer ]]; then
    SKIP_SEED_CORPUS=1 run_fuzzer "$t" -seed=1337 -runs=4 &>"$log.startup" || true
    grep -q "Done 4 runs" "$log.startup" || {
      bad "$t seems to have either startup crash or exit:"
      cat "$log.startup"
    }
  elif grep -qE "target binary (crashed|terminated)" "$log.engine"; then
    bad "$t seems to have either startup crash or exit:"
    cat "$log.engine"
  fi
  # check_seed_corpus (libFuzzer): every seed runs without a finding.
  if [[ $FUZZING_ENGINE == libfuzzer ]]; then
    if ! run_fuzzer "$t" -runs=0 &>"$log.seeds"; then
      bad "$t has a crashing input in its seed corpus:"
      cat "$log.seeds"
    else
      grep -E "INITED|DONE" "$log.seeds" | sed "s/^/$t: seed corpus: /" | tail -2
    fi
  fi
}

# coverage: base-runner's `coverage` for one target - run it over its
# corpus with a profile, merge, and report per file with llvm-cov.
check_coverage() {
  local t=$1 log=$logs/$1 prof=$dir/profraw/$1
  rm -rf "$prof" && mkdir -p "$prof"
  LLVM_PROFILE_FILE="$prof/$t.%1m.profraw" run_fuzzer "$t" -runs=0 &>"$log.coverage" || {
    bad "$t failed its coverage run:"
    cat "$log.coverage"
    return
  }
  llvm-profdata merge -sparse "$prof"/*.profraw -o "$prof/$t.profdata"
  llvm-cov report "$OUT/$t" -instr-profile="$prof/$t.profdata" >"$log.report"
  local lines
  lines=$(awk '$1 == "TOTAL" {print $10}' "$log.report")
  echo "$t: line coverage over the seed corpus: ${lines:-none}"
  grep -q "targets/" "$log.report" || bad "$t's coverage report names no file under targets/"
  [[ -n $lines && $lines != "0.00%" ]] || bad "$t's coverage run covered nothing"
}

for t in "${expected[@]}"; do
  [[ -x $OUT/$t ]] || continue
  if [[ $SANITIZER == coverage ]]; then
    check_coverage "$t"
    continue
  fi
  check_target "$t"
  # A short fuzzing session, as ClusterFuzz starts one.
  if [[ $FUZZING_ENGINE == libfuzzer ]]; then
    run_fuzzer "$t" -max_total_time="$seconds" -print_final_stats=1 &>"$logs/$t.fuzz" || {
      bad "$t: a ${seconds} s run_fuzzer session failed:"
      tail -n 60 "$logs/$t.fuzz"
    }
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$logs/$t.fuzz" | sed "s/^/$t: /" || true
  else
    run_fuzzer "$t" -V "$seconds" &>"$logs/$t.fuzz" || true
    stats=$dir/fuzzer-out/$t/default/fuzzer_stats
    if [[ -f $stats ]] && grep -qE "^saved_crashes +: 0$" "$stats"; then
      grep -E "^(execs_done|corpus_count|saved_crashes)" "$stats" | sed "s/^/$t: /"
    else
      bad "$t: a ${seconds} s afl-fuzz session failed or saved a crash:"
      tail -n 60 "$logs/$t.fuzz"
    fi
  fi
done

echo "checks and run_fuzzer: $((SECONDS - started)) s"
if ((failed)); then
  echo "ptfold $project emulation ($FUZZING_ENGINE, $SANITIZER): FAILED (logs in $logs)"
  exit 1
fi
echo "ptfold $project emulation ($FUZZING_ENGINE, $SANITIZER): all checks passed"
