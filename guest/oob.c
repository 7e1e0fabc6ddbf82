// SPDX-License-Identifier: GPL-2.0
/*
 * Touches a GPA outside every memslot and every device: the hypervisor
 * must stop this guest with a clear reason (an expected failure) and go on
 * with the next guest.
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	volatile u32 *p = (u32 *)0xc0000000;

	(void)magic;
	(void)mbi;
	printf("reading GPA 0xc0000000, which no memslot covers\n");
	(void)*p;
	report("access outside every memslot did not stop the guest", 0);
	return 1;
}
