// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that floods the host console: 1,500 refused hypercalls (the
 * host prints the first few warnings and counts the rest) and more
 * console output than the per-VM limit (through the print hypercall and
 * COM1); the host says once that the limit is reached, drops the rest,
 * and the summary counts what was dropped.  The guest goes on and exits
 * normally.
 */
#include "guest.h"

#define BAD_CALLS 1500
#define PRINTS 1200 /* x 256 bytes: 300 KiB, over the 256 KiB default */

static char line[HC_PRINT_MAX];

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	int bad = 0;

	(void)magic;
	(void)mbi;
	for (int i = 0; i < BAD_CALLS; i++)
		bad += hypercall(9999, i, 0, 0, 0) == HC_ENOSYS;
	memset(line, 'f', sizeof(line));
	for (int i = 0; i < PRINTS; i++)
		hypercall(HC_PRINT, (u32)(uintptr_t)line, sizeof(line), 0, 0);
	for (int i = 0; i < 2000; i++)
		outb(COM1_PORT, i % 64 == 63 ? '\n' : 'c');
	report("every refused hypercall still returned ENOSYS",
	       bad == BAD_CALLS);
	return report_failures();
}
