// SPDX-License-Identifier: GPL-2.0
/*
 * Faults during event delivery.  The hypervisor injects #GP for a RDMSR
 * of an MSR that does not exist; the #GP gate is not present, so its
 * delivery raises #NP, and two contributory exceptions make #DF, whose
 * handler runs.  Then the #DF gate goes too: the next injected #GP ends
 * in a fault while delivering #DF, a triple fault, which stops this guest
 * (on purpose: the expected outcome).
 */
#include "guest.h"

static volatile u32 df_count;

static void on_df(u32 vector, u32 error)
{
	(void)vector;
	df_count++;
	report("#GP during delivery of the injected #GP became #DF",
	       error == 0);
	idt_set_present(8, 0);
	printf("now #GP with neither #GP nor #DF gate: triple fault\n");
	asm volatile("rdmsr" ::"c"(0x4b564dffU) : "eax", "edx");
	report("no triple fault", 0);
	guest_exit(1);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	idt_init();
	irq_set(8, on_df);
	idt_set_present(13, 0);
	idt_set_present(11, 1);
	asm volatile("rdmsr" ::"c"(0x4b564dffU) : "eax", "edx");
	report("#DF handler ran", 0);
	return 1;
}
