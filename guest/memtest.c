// SPDX-License-Identifier: GPL-2.0
/*
 * Demand faulting: write a pattern over most of guest RAM (each first touch
 * is an EPT violation the TDP MMU maps, at 2M where the memslot allows),
 * then read it all back.
 */
#include "guest.h"

extern char __guest_end[];

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 start = ((u32)(uintptr_t)__guest_end + 0xfffff) & ~0xfffffU;
	u32 end = 0x100000 + mbi->mem_upper * 1024;
	u32 bad = 0, words = 0;

	(void)magic;
	if (end > start + (40u << 20))
		end = start + (40u << 20);
	printf("memtest: 0x%x-0x%x (%u MiB)\n", start, end,
	       (end - start) >> 20);
	for (u32 a = start; a < end; a += 4096) {
		volatile u32 *p = (u32 *)(uintptr_t)a;

		p[0] = a ^ 0x5a5a5a5a;
		p[1023] = ~a;
	}
	for (u32 a = start; a < end; a += 4096) {
		volatile u32 *p = (u32 *)(uintptr_t)a;

		words += 2;
		if (p[0] != (a ^ 0x5a5a5a5a) || p[1023] != ~a)
			bad++;
	}
	printf("memtest: %u words checked, %u bad pages\n", words, bad);
	report("pattern written over the range reads back", bad == 0);
	report("low memory (page 0) is RAM", ({
		       volatile u32 *z = (u32 *)0x0;
		       *z = 0xfeedface;
		       *z == 0xfeedface;
	       }));
	return report_failures();
}
