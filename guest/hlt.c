// SPDX-License-Identifier: GPL-2.0
/*
 * HLT exits.  With IF=1 tdpvisor resumes at once (it never injects
 * interrupts, so the wake-up is spurious but legal); HLT with IF=0 can
 * never wake, so it stops the guest: this guest ends that way on purpose.
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	volatile int after = 0;

	(void)magic;
	(void)mbi;
	idt_init();
	for (int i = 0; i < 3; i++) {
		asm volatile("sti; hlt; cli" ::: "memory");
		after++;
	}
	report("three HLTs with IF=1 resume", after == 3);
	if (report_failures())
		return 1;
	printf("now HLT with IF=0: the hypervisor must stop this guest\n");
	asm volatile("cli; hlt");
	report("HLT with IF=0 did not stop the guest", 0);
	return 1;
}
