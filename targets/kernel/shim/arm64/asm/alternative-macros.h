/* Wrap: cpucaps come from the scenario's bitmap, not from branches patched at boot. Before 6.3
 * the patched branches were alternative_has_feature_likely/unlikely(), inline functions of this
 * header: they are renamed while it is read (never called) and come back as the same test. */
#define alternative_has_feature_likely ptf_tree_alternative_has_feature_likely
#define alternative_has_feature_unlikely ptf_tree_alternative_has_feature_unlikely
#include_next <asm/alternative-macros.h>
#undef alternative_has_feature_likely
#undef alternative_has_feature_unlikely
#if !defined(__ASSEMBLY__) && !defined(PTF_ALT_WRAP)
#define PTF_ALT_WRAP
#include <ptf_shim.h>
#define alternative_has_cap_likely(c) (cpucap_is_possible(c) && ptf_has_cap(c))
#define alternative_has_cap_unlikely(c) (cpucap_is_possible(c) && ptf_has_cap(c))
#endif
#if !defined(__ASSEMBLY__)
#define alternative_has_feature_likely(f) ptf_has_cap(f)
#define alternative_has_feature_unlikely(f) ptf_has_cap(f)
#endif
