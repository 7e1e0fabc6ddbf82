// SPDX-License-Identifier: GPL-2.0
/*
 * The `make run` demo: prints through COM1, faults in a few tens of MiB
 * (EPT violations into the TDP MMU), checks the data, and exits.
 */
#include "guest.h"

extern char __guest_end[];

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 start = ((u32)(uintptr_t)__guest_end + 0x1fffff) & ~0x1fffffU;
	u32 end = 0x100000 + mbi->mem_upper * 1024, bad = 0;

	printf("tdpvisor demo guest: multiboot magic 0x%x, %u KiB RAM\n", magic,
	       mbi->mem_upper + 1024);
	if (end > start + (32u << 20))
		end = start + (32u << 20);
	printf("faulting in 0x%x-0x%x (%u MiB)\n", start, end,
	       (end - start) >> 20);
	for (u32 a = start; a < end; a += 4096)
		*(volatile u32 *)(uintptr_t)a = a;
	for (u32 a = start; a < end; a += 4096)
		bad += *(volatile u32 *)(uintptr_t)a != a;
	report("demo: faulted-in memory reads back", bad == 0);
	printf("demo done\n");
	return report_failures();
}
