/* Leaf replacement: DAIF/PMR are privileged; the harness runs one mm per thread, IRQs never come. */
#ifndef __ASM_IRQFLAGS_H
#define __ASM_IRQFLAGS_H
static inline void arch_local_irq_enable(void) {}
static inline void arch_local_irq_disable(void) {}
static inline unsigned long arch_local_save_flags(void) { return 0; }
static inline int arch_irqs_disabled_flags(unsigned long flags) { return flags != 0; }
static inline int arch_irqs_disabled(void) { return 0; }
static inline unsigned long arch_local_irq_save(void) { return 0; }
static inline void arch_local_irq_restore(unsigned long flags) {}
#endif
