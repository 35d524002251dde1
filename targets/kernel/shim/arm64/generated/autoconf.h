/* Wrap: the real Kconfig output, minus the LSE atomics (casp with x0..x4 register variables, which
 * the x86-64 host cannot allocate); the host-atomics shim stands in for both flavours. */
#include_next <generated/autoconf.h>
#undef CONFIG_ARM64_LSE_ATOMICS
