/* Wrap: ISA-extension tests read the scenario's bitmap instead of patched alternatives. */
#include_next <asm/cpufeature.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_CPUFEATURE_WRAP)
#define PTF_CPUFEATURE_WRAP
#include <ptf_shim.h>
#define riscv_has_extension_likely(ext) ptf_has_cap(ext)
#define riscv_has_extension_unlikely(ext) ptf_has_cap(ext)
#endif
