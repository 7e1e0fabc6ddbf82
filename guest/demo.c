// SPDX-License-Identifier: GPL-2.0
/*
 * The `make run` demo, in a VM with private memory (all RAM starts
 * private: the mirror root propagates every mapping to the simulated
 * S-EPT).  It prints through COM1, faults in a few tens of MiB, converts a
 * range private -> shared -> private with MapGPA (the private data is gone
 * when the range comes back shared: the S-EPT zeroed it), touches the test
 * MMIO device through its shared alias (one EPT violation installs an MMIO
 * SPTE, later accesses are EPT misconfigurations emulated from it), and
 * exits.  The hypervisor's summary shows the exits, faults, page sizes,
 * MMIO SPTE hits, S-EPT operations and the memslot generation.
 */
#include "guest.h"

#define CONV_BASE 0x00800000U /* 8 MiB */
#define CONV_PAGES 256 /* 1 MiB */

extern char __guest_end[];

static u32 check_range(volatile u32 *p, u32 words, u32 base)
{
	u32 bad = 0;

	for (u32 i = 0; i < words; i += 1024)
		bad += p[i] != base + i;
	return bad;
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 start = ((u32)(uintptr_t)__guest_end + 0x1fffff) & ~0x1fffffU;
	u32 end = 0x100000 + mbi->mem_upper * 1024, bad = 0;
	struct hc_info info;

	printf("tdpvisor demo guest: multiboot magic 0x%x, %u KiB RAM\n", magic,
	       mbi->mem_upper + 1024);
	hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0);
	if (info.shared_bit)
		paging_enable_pae((unsigned int)info.shared_bit);
	if (start < 0x01000000)
		start = 0x01000000; /* leave 8-16 MiB for the conversion */
	if (end > start + (32u << 20))
		end = start + (32u << 20);
	printf("faulting in 0x%x-0x%x (%u MiB)\n", start, end,
	       (end - start) >> 20);
	for (u32 a = start; a < end; a += 4096)
		*(volatile u32 *)(uintptr_t)a = a;
	for (u32 a = start; a < end; a += 4096)
		bad += *(volatile u32 *)(uintptr_t)a != a;
	report("demo: faulted-in memory reads back", bad == 0);

	if (info.shared_bit) {
		volatile u32 *priv = (u32 *)(uintptr_t)CONV_BASE;
		volatile u32 *shr = shared_ptr(CONV_BASE);
		u32 gfn = CONV_BASE >> 12;
		u32 shared_gfn = (u32)((1ULL << info.shared_bit) >> 12) | gfn;

		for (u32 i = 0; i < CONV_PAGES * 1024; i += 1024)
			priv[i] = 0x1000 + i;
		printf("converting 0x%x-0x%x private -> shared -> private\n",
		       CONV_BASE, CONV_BASE + CONV_PAGES * 4096);
		report("demo: map_gpa to shared",
		       hypercall(HC_MAP_GPA, shared_gfn, CONV_PAGES, 0, 0) ==
			       0);
		bad = 0;
		for (u32 i = 0; i < CONV_PAGES * 1024; i += 1024)
			bad += shr[i] != 0;
		report("demo: private data is not visible once shared (zeroed)",
		       bad == 0);
		for (u32 i = 0; i < CONV_PAGES * 1024; i += 1024)
			shr[i] = 0x2000 + i;
		report("demo: shared pages keep data",
		       check_range(shr, CONV_PAGES * 1024, 0x2000) == 0);
		report("demo: map_gpa back to private",
		       hypercall(HC_MAP_GPA, gfn, CONV_PAGES, 0, 0) == 0);
		for (u32 i = 0; i < CONV_PAGES * 1024; i += 1024)
			priv[i] = 0x3000 + i;
		report("demo: private again",
		       check_range(priv, CONV_PAGES * 1024, 0x3000) == 0);
	}

	volatile u32 *dev =
		info.shared_bit
			? (u32 *)(uintptr_t)(SHARED_HIGH_WINDOW +
					     (TESTDEV_GPA - 0xc0000000U))
			: (u32 *)(uintptr_t)TESTDEV_GPA;

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
