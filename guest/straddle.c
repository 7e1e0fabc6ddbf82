// SPDX-License-Identifier: GPL-2.0
/*
 * A 4-byte access that straddles the end of a RAM slot and the test
 * device's page (the slot ends exactly at TESTDEV_GPA) is split at the
 * page boundary as hardware splits it: the RAM half reads and writes RAM,
 * the device half the device.
 */
#include "guest.h"

#define SLOT_GPA (TESTDEV_GPA - 0x200000U)
#define EDGE ((u32)TESTDEV_GPA - 2)

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	volatile u8 *ram = (volatile u8 *)(uintptr_t)EDGE;
	volatile u32 *reg0 = (volatile u32 *)(uintptr_t)TESTDEV_GPA;
	u32 v;

	(void)magic;
	(void)mbi;
	report("memslot_add ending at the device page",
	       hypercall(HC_MEMSLOT_ADD, 1, SLOT_GPA, 0x200000, 0) == 0);
	ram[0] = 0xee;
	ram[1] = 0xee;
	*reg0 = 0;
	asm volatile("movl %1, (%0)" ::"r"(EDGE), "r"(0x44332211u) : "memory");
	printf("after the store: RAM %x %x, device reg0 0x%x\n", ram[0], ram[1],
	       *reg0);
	report("straddling store: RAM half in RAM",
	       ram[0] == 0x11 && ram[1] == 0x22);
	report("straddling store: device half at device offset 0",
	       *reg0 == 0x4433);
	*reg0 = 0xbbaa;
	ram[0] = 0x01;
	ram[1] = 0x02;
	asm volatile("movl (%1), %0" : "=r"(v) : "r"(EDGE) : "memory");
	printf("straddling load: 0x%x\n", v);
	report("straddling load: RAM bytes low, device bytes high",
	       v == 0xbbaa0201);
	return report_failures();
}
