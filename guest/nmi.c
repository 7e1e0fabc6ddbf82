// SPDX-License-Identifier: GPL-2.0
/*
 * NMI self-IPI through the ICR (physical destination: this LAPIC's own
 * ID, delivery mode NMI).  The NMI handler runs once per IPI, and an NMI
 * sent from inside the handler is held until the handler's IRET (NMIs are
 * blocked while one is in service: the hypervisor's NMI-window exit), so
 * the handlers never nest.
 */
#include "guest.h"

static volatile u32 nmis, depth, max_depth, second_sent;

static void send_self_nmi(void)
{
	u32 id = apic_read(APIC_ID) >> 24;

	apic_write(APIC_ICR_HI, id << 24);
	apic_write(APIC_ICR_LO, (4u << 8) | (1u << 14));
}

static void on_nmi(u32 vector, u32 error)
{
	(void)vector;
	(void)error;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	nmis++;
	if (!second_sent) {
		second_sent = 1;
		send_self_nmi();
		/* Still blocked: it must not have arrived yet. */
		for (volatile int i = 0; i < 1000; i++)
			;
	}
	depth--;
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	idt_init();
	pic_init_masked();
	irq_set(2, on_nmi);
	apic_write(APIC_SPIV, 0x1ff);
	asm volatile("cli"); /* NMIs ignore IF */
	send_self_nmi();
	report("NMI self-IPI delivered (IF=0)", wait_for(&nmis, 1, 100));
	report("NMI sent inside the handler delivered after IRET",
	       wait_for(&nmis, 2, 100));
	report("NMI handlers never nested", max_depth == 1);
	return report_failures() ? 1 : 0;
}
