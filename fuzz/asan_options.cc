// ASan defaults for every fuzz executable, fuzz_empty included (the exec/s
// ratios in BENCHMARKS.md compare binaries with the same options). The
// environment's ASAN_OPTIONS still override these (OSS-Fuzz sets its own).
//
// quarantine_size_mb=64: ASan's default heap quarantine (256 MB) is what made
// even the empty target peak at 615 MB RSS (freed chunks are held until the
// quarantine is full, plus their shadow and allocator metadata). 64 MB keeps
// freed heap memory unreusable for tens of thousands of inputs - far longer
// than one input lives - and the machine's page-table pages have their own
// poisoned quarantine (fuzz/machine.h), which this does not touch.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=64"; }
