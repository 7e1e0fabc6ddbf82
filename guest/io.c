// SPDX-License-Identifier: GPL-2.0
/* Port I/O exits: COM1 output and LSR, absent ports, isa-debug-exit. */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	printf("hello from the io guest over COM1\n");
	report("COM1 LSR reads THR-empty", (inb(COM1_PORT + 5) & 0x60) == 0x60);
	report("absent port 0x80 reads 0xff", inb(0x80) == 0xff);
	report("absent port 0xcfc reads 0xffffffff (32-bit)",
	       inl(0xcfc) == 0xffffffffU);
	outb(0x80, 0x12); /* ignored, counted */
	if (report_failures())
		return 1;
	/* isa-debug-exit ends the guest; status 0 = success. */
	outl(DEBUG_EXIT_PORT, 0);
	report("isa-debug-exit did not stop the guest", 0);
	return 1;
}
