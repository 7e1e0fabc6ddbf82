// SPDX-License-Identifier: GPL-2.0
/*
 * Private/shared conversion (MapGPA) in a private-memory VM: all RAM starts
 * private (mirror root + S-EPT).  Data written privately is never visible
 * through the shared alias after conversion (the S-EPT zeroed the page on
 * removal); the shared view works; converting back to private works.
 */
#include "guest.h"

#define PAGES 16
#define BASE 0x01000000U /* 16 MiB */

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	struct hc_info info;
	u32 bad = 0;

	(void)magic;
	(void)mbi;
	report("get_info",
	       hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0) == 0);
	printf("shared bit %u, GPA width %u\n", (u32)info.shared_bit,
	       info.gpa_width);
	if (!info.shared_bit) {
		report("VM has private memory (shared bit set)", 0);
		return 1;
	}
	paging_enable_pae((unsigned int)info.shared_bit);
	for (u32 i = 0; i < PAGES * 1024; i++)
		((volatile u32 *)(uintptr_t)BASE)[i] = 0xa5a50000 + i;
	for (u32 i = 0; i < PAGES * 1024; i++)
		bad += ((volatile u32 *)(uintptr_t)BASE)[i] != 0xa5a50000 + i;
	report("private pages keep data", bad == 0);

	u64 shared_gpa = (1ULL << info.shared_bit) | BASE;

	report("map_gpa private -> shared",
	       hypercall(HC_MAP_GPA, (u32)(shared_gpa >> 12), PAGES, 0, 0) ==
		       0);
	bad = 0;
	for (u32 i = 0; i < PAGES * 1024; i++)
		bad += ((volatile u32 *)shared_ptr(BASE))[i] != 0;
	report("converted pages read zero through the shared alias", bad == 0);
	for (u32 i = 0; i < PAGES * 1024; i++)
		((volatile u32 *)shared_ptr(BASE))[i] = 0x5a5a0000 + i;
	bad = 0;
	for (u32 i = 0; i < PAGES * 1024; i++)
		bad += ((volatile u32 *)shared_ptr(BASE))[i] != 0x5a5a0000 + i;
	report("shared pages keep data", bad == 0);
	report("map_gpa shared -> private",
	       hypercall(HC_MAP_GPA, BASE >> 12, PAGES, 0, 0) == 0);
	bad = 0;
	for (u32 i = 0; i < PAGES * 1024; i++)
		((volatile u32 *)(uintptr_t)BASE)[i] = i;
	for (u32 i = 0; i < PAGES * 1024; i++)
		bad += ((volatile u32 *)(uintptr_t)BASE)[i] != i;
	report("private again: read/write", bad == 0);
	report("map_gpa of 0 pages -> EINVAL",
	       hypercall(HC_MAP_GPA, BASE >> 12, 0, 0, 0) == HC_EINVAL);
	report("map_gpa beyond RAM -> EINVAL",
	       hypercall(HC_MAP_GPA, 0x3ff00, 512, 0, 0) == HC_EINVAL);
	report("map_gpa with a GFN above the GPA width -> EINVAL",
	       hypercall(HC_MAP_GPA, 0xfffffff0, 1, 0, 0) == HC_EINVAL);

	/* The test device is reachable through its shared alias. */
	volatile u32 *dev = (u32 *)(uintptr_t)(SHARED_HIGH_WINDOW +
					       (TESTDEV_GPA - 0xc0000000U));
	report("test device via the shared alias",
	       dev[TESTDEV_ID / 4] == (u32)TESTDEV_ID_VALUE);
	return report_failures();
}
