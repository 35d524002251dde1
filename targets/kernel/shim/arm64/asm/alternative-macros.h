/* Wrap: cpucaps come from the scenario's bitmap, not from branches patched at boot. */
#include_next <asm/alternative-macros.h>
#if !defined(__ASSEMBLY__) && !defined(PTF_ALT_WRAP)
#define PTF_ALT_WRAP
#include <ptf_shim.h>
#define alternative_has_cap_likely(c) (cpucap_is_possible(c) && ptf_has_cap(c))
#define alternative_has_cap_unlikely(c) (cpucap_is_possible(c) && ptf_has_cap(c))
#endif
