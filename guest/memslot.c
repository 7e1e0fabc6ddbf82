// SPDX-License-Identifier: GPL-2.0
/*
 * Memslot hypercalls: add a 2 MiB slot at 1 GiB, use it, remove it, add it
 * again (fresh zeroed memory: the old mapping was zapped and refaults).
 */
#include "guest.h"

#define SLOT_GPA 0x40000000U
#define SLOT_SIZE 0x200000U

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	volatile u32 *p = (u32 *)(uintptr_t)SLOT_GPA;
	struct hc_info info;

	(void)magic;
	(void)mbi;
	report("get_info",
	       hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0) == 0);
	u64 gen0 = info.mmio_gen;

	report("memslot_add slot 1 at 1 GiB",
	       hypercall(HC_MEMSLOT_ADD, 1, SLOT_GPA, SLOT_SIZE, 0) == 0);
	hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0);
	report("generation bumped by add", info.mmio_gen > gen0);
	report("new slot reads zero", p[0] == 0 && p[SLOT_SIZE / 4 - 1] == 0);
	p[0] = 0x11223344;
	p[SLOT_SIZE / 4 - 1] = 0x55667788;
	report("new slot keeps data",
	       p[0] == 0x11223344 && p[SLOT_SIZE / 4 - 1] == 0x55667788);
	report("adding slot 1 again is refused (EBUSY)",
	       hypercall(HC_MEMSLOT_ADD, 1, SLOT_GPA, SLOT_SIZE, 0) ==
		       HC_EBUSY);
	report("overlapping slot 2 is refused",
	       hypercall(HC_MEMSLOT_ADD, 2, SLOT_GPA, SLOT_SIZE, 0) < 0);
	report("slot over guest RAM is refused",
	       hypercall(HC_MEMSLOT_ADD, 3, 0, SLOT_SIZE, 0) < 0);
	report("memslot_remove slot 1",
	       hypercall(HC_MEMSLOT_REMOVE, 1, 0, 0, 0) == 0);
	report("removing it twice gives ENOENT",
	       hypercall(HC_MEMSLOT_REMOVE, 1, 0, 0, 0) == HC_ENOENT);
	report("memslot_add slot 1 again",
	       hypercall(HC_MEMSLOT_ADD, 1, SLOT_GPA, SLOT_SIZE, 0) == 0);
	report("refault maps fresh zeroed memory",
	       p[0] == 0 && p[SLOT_SIZE / 4 - 1] == 0);
	report("memslot_remove slot 1 (final)",
	       hypercall(HC_MEMSLOT_REMOVE, 1, 0, 0, 0) == 0);
	return report_failures();
}
