// SPDX-License-Identifier: GPL-2.0
/*
 * The `make run` demo: prints through COM1, faults in a few tens of MiB
 * (EPT violations into the TDP MMU), checks the data, touches the test MMIO
 * device (one EPT violation installs an MMIO SPTE, later accesses are
 * EPT-misconfig exits emulated from it), and exits.
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

	volatile u32 *dev = (u32 *)(uintptr_t)TESTDEV_GPA;

	dev[TESTDEV_REG0 / 4] = 0xdeadbeef;
	for (int i = 0; i < 10; i++)
		dev[TESTDEV_DOORBELL / 4] = 1;
	printf("MMIO device: reg0=0x%x doorbell=%u id=0x%x%08x\n",
	       dev[TESTDEV_REG0 / 4], dev[TESTDEV_DOORBELL / 4],
	       dev[TESTDEV_ID / 4 + 1], dev[TESTDEV_ID / 4]);
	report("demo: MMIO device register and doorbell",
	       dev[TESTDEV_REG0 / 4] == 0xdeadbeef &&
		       dev[TESTDEV_DOORBELL / 4] == 10);
	printf("demo done\n");
	return report_failures();
}
