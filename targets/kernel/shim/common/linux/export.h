/* Wrap: no symbol is exported to modules here, and the export tables are read-only data with
 * relocations, which a shared object would have to patch at load time (TEXTREL). */
#include_next <linux/export.h>
#ifndef PTF_EXPORT_WRAP
#define PTF_EXPORT_WRAP
#undef EXPORT_SYMBOL
#define EXPORT_SYMBOL(sym)
#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)
#undef EXPORT_SYMBOL_NS
#define EXPORT_SYMBOL_NS(sym, ns)
#undef EXPORT_SYMBOL_NS_GPL
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#endif
