// SPDX-License-Identifier: GPL-2.0
/*
 * Enters IA-32e mode the way Linux does ("Initializing IA-32e Mode"):
 * CR4.PAE, CR3 = 4-level tables, EFER.LME, then one MOV to CR0 that sets
 * PG (and NE, which the host owns, so the write exits).  EFER.LMA must
 * then read 1, a far jump to a 64-bit code segment must run 64-bit code,
 * and clearing PG again leaves IA-32e mode.  Before that: PG with LME
 * but without PAE raises #GP.
 */
#include "guest.h"

#define MSR_EFER 0xc0000080U
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define CR0_PG 0x80000000U
#define CR0_NE 0x20U

static u64 pml4[512] __attribute__((aligned(4096)));
static u64 pdpt[512] __attribute__((aligned(4096)));
static u64 pd[512] __attribute__((aligned(4096)));
/* null, 32-bit code 0x08, data 0x10, 64-bit code 0x18 */
static u64 gdt64[4] = { 0, 0x00cf9a000000ffffULL, 0x00cf92000000ffffULL,
			0x00af9a000000ffffULL };
static volatile u32 result64;

static void load_gdt64(void)
{
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed))
	gdtr = { sizeof(gdt64) - 1, (u32)(uintptr_t)gdt64 };

	asm volatile("lgdt %0" ::"m"(gdtr));
}

/* Far jump to 64-bit code, compute with 64-bit registers, come back. */
static void run_64bit(void)
{
	asm volatile("ljmp $0x18, $1f\n"
		     ".code64\n"
		     "1: movabs $0x1234567800000000, %%rax\n"
		     "shr $32, %%rax\n"
		     "mov %%eax, result64(%%rip)\n"
		     "lea 2f(%%rip), %%rax\n"
		     "pushq $0x08\n"
		     "pushq %%rax\n"
		     "lretq\n"
		     ".code32\n"
		     "2:\n" ::
			     : "eax", "memory");
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 cr0;
	u64 efer = 0;

	(void)magic;
	(void)mbi;
	idt_init();
	load_gdt64();
	for (u32 i = 0; i < 512; i++)
		pd[i] = ((u64)i << 21) | 0x83; /* 2 MiB, P, RW */
	pdpt[0] = (u32)(uintptr_t)pd | 3;
	pml4[0] = (u32)(uintptr_t)pdpt | 3;
	report("WRMSR EFER.LME with paging off",
	       wrmsr_safe(MSR_EFER, EFER_LME) == 0);
	report("MOV CR0.PG with LME but no CR4.PAE raises #GP",
	       TRY_INSN(
		       "mov %%cr0, %%eax; or $0x80000020, %%eax; mov %%eax, %%cr0"));
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	report("CR0.PG still clear after the #GP", !(cr0 & CR0_PG));
	asm volatile("mov %%cr4, %%eax\n"
		     "or $0x20, %%eax\n"
		     "mov %%eax, %%cr4\n"
		     "mov %0, %%cr3\n" ::"r"((u32)(uintptr_t)pml4)
		     : "eax", "memory");
	/* Linux's startup_32: PG and the rest of CR0 in one write. */
	asm volatile("mov %%cr0, %%eax\n"
		     "or %0, %%eax\n"
		     "mov %%eax, %%cr0\n" ::"i"(CR0_PG | CR0_NE | 0x10000)
		     : "eax", "memory");
	rdmsr_safe(MSR_EFER, &efer);
	report("EFER.LMA set by MOV CR0.PG with LME", (efer & EFER_LMA) != 0);
	run_64bit();
	report("64-bit code ran in IA-32e mode", result64 == 0x12345678);
	asm volatile("mov %%cr0, %%eax\n"
		     "and $0x7fffffff, %%eax\n"
		     "mov %%eax, %%cr0\n" ::
			     : "eax", "memory");
	rdmsr_safe(MSR_EFER, &efer);
	report("clearing CR0.PG clears EFER.LMA, keeps LME",
	       (efer & (EFER_LMA | EFER_LME)) == EFER_LME);
	return report_failures();
}
