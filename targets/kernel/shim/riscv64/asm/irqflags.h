/* Leaf replacement: sstatus.SIE is privileged; IRQs never come in the harness. */
#ifndef _ASM_RISCV_IRQFLAGS_H
#define _ASM_RISCV_IRQFLAGS_H
static inline unsigned long arch_local_save_flags(void) { return 0; }
static inline void arch_local_irq_enable(void) {}
static inline void arch_local_irq_disable(void) {}
static inline unsigned long arch_local_irq_save(void) { return 0; }
static inline int arch_irqs_disabled_flags(unsigned long flags) { return flags != 0; }
static inline int arch_irqs_disabled(void) { return 0; }
static inline void arch_local_irq_restore(unsigned long flags) {}
#endif
