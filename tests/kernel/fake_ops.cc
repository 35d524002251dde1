// A stand-in configuration object for the loader test: an ops table whose
// ABI version and size are this build's plus PTF_FAKE_VERSION_DELTA and
// PTF_FAKE_SIZE_DELTA, and nothing else (no kernel code).
#include "targets/kernel/abi/ptf_abi.h"

extern "C" const struct ptf_ops ptf_ops = {
    PTF_ABI_VERSION + PTF_FAKE_VERSION_DELTA,
    static_cast<unsigned>(sizeof(struct ptf_ops) + PTF_FAKE_SIZE_DELTA),
    "fake",
    "x86_64",
    "0.0.0",
    "",
};
