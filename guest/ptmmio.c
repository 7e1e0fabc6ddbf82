// SPDX-License-Identifier: GPL-2.0
/*
 * A guest page table placed in the test device's page: the CPU's walk for
 * a load reads its PTE from MMIO.  The hypervisor must not emulate the
 * load as if its operand were the device (handing back register data as
 * the loaded value); it stops this guest, naming the page walk through
 * MMIO (expected failure).
 */
#include "guest.h"

#define PTE_P 1U
#define PTE_RW 2U
#define PTE_PS 0x80U

static u32 pgdir[1024] __attribute__((aligned(4096)));

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	volatile u32 *reg0 = (volatile u32 *)(uintptr_t)TESTDEV_GPA;
	volatile u32 *target = (volatile u32 *)0x00600000;
	u32 v;

	(void)magic;
	(void)mbi;
	*target = 0xcafef00d;
	/* REG0 becomes PTE 0 of the table in the device page. */
	*reg0 = 0x00600000 | PTE_P | PTE_RW;
	pgdir[0] = 0 | PTE_P | PTE_RW | PTE_PS; /* 0-4 MiB identity */
	pgdir[1] = (u32)TESTDEV_GPA | PTE_P | PTE_RW; /* 4-8 MiB: PT in MMIO */
	for (u32 i = 2; i < 1024; i++)
		pgdir[i] = (i << 22) | PTE_P | PTE_RW | PTE_PS;
	asm volatile("mov %%cr4, %%eax\n"
		     "or $0x10, %%eax\n" /* PSE */
		     "mov %%eax, %%cr4\n"
		     "mov %0, %%cr3\n"
		     "mov %%cr0, %%eax\n"
		     "or $0x80000000, %%eax\n"
		     "mov %%eax, %%cr0\n" ::"r"((u32)(uintptr_t)pgdir)
		     : "eax", "memory");
	asm volatile("movl (%1), %0" : "=r"(v) : "r"(0x00400000) : "memory");
	printf("load through the MMIO page table returned 0x%x\n", v);
	report("load through a page table in the MMIO page stopped the guest",
	       0);
	return 1;
}
