/* Wrap: the Svpbmt/T-Head memory-type alternatives use riscv immediates; this harness's CPU has
 * neither extension, which is what the unpatched kernel assumes too. */
#include_next <asm/errata_list.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_ERRATA_WRAP)
#define PTF_ERRATA_WRAP
#undef ALT_SVPBMT
#define ALT_SVPBMT(_val, prot) ((_val) = 0)
#undef ALT_THEAD_PMA
#define ALT_THEAD_PMA(_val) do { } while (0)
#endif
