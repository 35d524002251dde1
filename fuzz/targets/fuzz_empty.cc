// fuzz_empty: does nothing with its input. Built with exactly the flags of
// the real targets, it is the denominator of the exec/s ratios in
// BENCHMARKS.md (libFuzzer's own per-input cost under the same sanitizers).
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)data;
  (void)size;
  return 0;
}
