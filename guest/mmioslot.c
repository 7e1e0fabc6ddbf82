// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO SPTEs and the memslot generation: touch the test device (an MMIO
 * SPTE is installed), add a memslot over the device's GPA (the generation
 * moves, the MMIO SPTE goes stale), read there again — it must now be RAM
 * — remove the slot and find the device again.  The generation is
 * stuffed near the top of its 19 bits (by mmio_gen_start, or else here by
 * the set_mmio_gen hypercall), so the adds/removes cross the wrap.
 */
#include "guest.h"

#define WIN (*(volatile u32 *)(uintptr_t)(TESTDEV_GPA + TESTDEV_WINDOW))
#define SLOT_SIZE 0x200000U

static u32 gen(void)
{
	struct hc_info info;

	hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0);
	return (u32)info.mmio_gen;
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	printf("memslot generation at start: %u\n", gen());
	if (gen() < 1000) {
		/* Not stuffed by mmio_gen_start: stuff it now, so the memslot
		 * changes below cross the 19-bit wrap either way. */
		report("set_mmio_gen 524285",
		       hypercall(HC_SET_MMIO_GEN, 524285, 0, 0, 0) == 0 &&
			       gen() == 524285);
		report("set_mmio_gen 524288 refused",
		       hypercall(HC_SET_MMIO_GEN, 524288, 0, 0, 0) ==
			       HC_EINVAL);
	}
	for (int round = 0; round < 3; round++) {
		report("device window answers",
		       WIN == TESTDEV_GPA + TESTDEV_WINDOW);
		report("device answers again (misconfig path)",
		       WIN == TESTDEV_GPA + TESTDEV_WINDOW);
		report("memslot_add over the device GPA",
		       hypercall(HC_MEMSLOT_ADD, 2, (u32)TESTDEV_GPA, SLOT_SIZE,
				 0) == 0);
		report("same GPA is now RAM (stale MMIO SPTE refaulted)",
		       WIN == 0);
		WIN = 0xc0ffee00 + round;
		report("RAM keeps data", WIN == 0xc0ffee00u + round);
		report("memslot_remove",
		       hypercall(HC_MEMSLOT_REMOVE, 2, 0, 0, 0) == 0);
		report("device is back after removal",
		       WIN == TESTDEV_GPA + TESTDEV_WINDOW);
		printf("round %d done, generation %u\n", round, gen());
	}
	return report_failures();
}
