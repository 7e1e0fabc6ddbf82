// SPDX-License-Identifier: GPL-2.0
/* PAE paging for private-memory guests; see guest.h. */
#include "guest.h"

#define PTE_P 1ULL
#define PTE_RW 2ULL
#define PTE_PS 0x80ULL
#define PD_ENTRIES 512

static u64 pdpt[4] __attribute__((aligned(32)));
static u64 pd[4][PD_ENTRIES] __attribute__((aligned(4096)));

void paging_enable_pae(unsigned int shared_bit)
{
	u64 shared = 1ULL << shared_bit;

	for (u32 i = 0; i < PD_ENTRIES; i++) {
		u64 off = (u64)i << 21;

		pd[0][i] = off | PTE_P | PTE_RW | PTE_PS;
		pd[1][i] = (shared | off) | PTE_P | PTE_RW | PTE_PS;
		pd[2][i] = (shared | (0xc0000000ULL + off)) | PTE_P | PTE_RW |
			   PTE_PS;
		pd[3][i] = (0xc0000000ULL + off) | PTE_P | PTE_RW | PTE_PS;
	}
	for (u32 i = 0; i < 4; i++)
		pdpt[i] = (u64)(uintptr_t)pd[i] | PTE_P; /* R/W reserved */
	asm volatile("mov %%cr4, %%eax\n"
		     "or $0x20, %%eax\n" /* PAE */
		     "mov %%eax, %%cr4\n"
		     "mov %0, %%cr3\n"
		     "mov %%cr0, %%eax\n"
		     "or $0x80000000, %%eax\n" /* PG */
		     "mov %%eax, %%cr0\n"
		     :
		     : "r"((u32)(uintptr_t)pdpt)
		     : "eax", "memory");
}
