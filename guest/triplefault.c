// SPDX-License-Identifier: GPL-2.0
/*
 * With the IDT limit at 0 (as the multiboot entry state leaves it), int3
 * cannot be delivered: #GP, then #DF, then a triple fault, which stops only
 * this guest (an expected failure).
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) idtr = { 0, 0 };

	(void)magic;
	(void)mbi;
	printf("loading an empty IDT and raising int3\n");
	asm volatile("lidt %0; int3" ::"m"(idtr));
	report("triple fault did not stop the guest", 0);
	return 1;
}
